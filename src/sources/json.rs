//! A small JSON reader (RFC 8259) that keeps byte offsets, bounds nesting and runs in linear
//! time. Only what the Docker files need: values with positions and Go-like field lookup.

use super::MAX_DEPTH;

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Number(String),
    Str(String),
    Array(Vec<(usize, Json)>),
    /// Members in document order: (key, offset of the value, value).
    Object(Vec<(String, usize, Json)>),
}

impl Json {
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::Str(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }

    /// Go `encoding/json` field lookup for a struct field tagged `name`: a key equal to the tag,
    /// else one equal under case folding; with repeated keys the last one decoded wins.
    pub(crate) fn field(&self, name: &str) -> Option<(usize, &Json)> {
        let Json::Object(m) = self else { return None };
        m.iter().rev().find(|(k, _, _)| k == name || k.eq_ignore_ascii_case(name)).map(|(_, o, v)| (*o, v))
    }
}

pub(crate) struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    pub(crate) pos: usize,
}

pub(crate) type JResult<T> = Result<T, (usize, String)>;

/// Parse a whole document.
pub(crate) fn parse(text: &str) -> JResult<Json> {
    let mut p = Parser { s: text.as_bytes(), text, pos: 0 };
    if p.s.starts_with(b"\xEF\xBB\xBF") {
        p.pos = 3;
    }
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.pos < p.s.len() {
        return Err((p.pos, "unexpected text after the JSON value".into()));
    }
    Ok(v)
}

impl<'a> Parser<'a> {
    fn ws(&mut self) {
        while self.pos < self.s.len() && matches!(self.s[self.pos], b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> JResult<Json> {
        if depth > MAX_DEPTH {
            return Err((self.pos, format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        match self.s.get(self.pos) {
            None => Err((self.pos, "unexpected end of input, expected a value".into())),
            Some(b'{') => {
                self.pos += 1;
                let mut m = vec![];
                self.ws();
                if self.s.get(self.pos) == Some(&b'}') {
                    self.pos += 1;
                    return Ok(Json::Object(m));
                }
                loop {
                    self.ws();
                    if self.s.get(self.pos) != Some(&b'"') {
                        return Err((self.pos, "expected a string key".into()));
                    }
                    let k = self.string()?;
                    self.ws();
                    if self.s.get(self.pos) != Some(&b':') {
                        return Err((self.pos, "expected ':' after the key".into()));
                    }
                    self.pos += 1;
                    self.ws();
                    let at = self.pos;
                    let v = self.value(depth + 1)?;
                    m.push((k, at, v));
                    self.ws();
                    match self.s.get(self.pos) {
                        Some(b',') => self.pos += 1,
                        Some(b'}') => {
                            self.pos += 1;
                            return Ok(Json::Object(m));
                        }
                        _ => return Err((self.pos, "expected ',' or '}'".into())),
                    }
                }
            }
            Some(b'[') => {
                self.pos += 1;
                let mut a = vec![];
                self.ws();
                if self.s.get(self.pos) == Some(&b']') {
                    self.pos += 1;
                    return Ok(Json::Array(a));
                }
                loop {
                    self.ws();
                    let at = self.pos;
                    a.push((at, self.value(depth + 1)?));
                    self.ws();
                    match self.s.get(self.pos) {
                        Some(b',') => self.pos += 1,
                        Some(b']') => {
                            self.pos += 1;
                            return Ok(Json::Array(a));
                        }
                        _ => return Err((self.pos, "expected ',' or ']'".into())),
                    }
                }
            }
            Some(b'"') => self.string().map(Json::Str),
            Some(b't') => self.lit("true", Json::Bool(true)),
            Some(b'f') => self.lit("false", Json::Bool(false)),
            Some(b'n') => self.lit("null", Json::Null),
            Some(c) if *c == b'-' || c.is_ascii_digit() => self.number(),
            Some(_) => Err((self.pos, "unexpected character, expected a value".into())),
        }
    }

    fn lit(&mut self, word: &str, v: Json) -> JResult<Json> {
        if self.s[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(v)
        } else {
            Err((self.pos, format!("expected {word}")))
        }
    }

    fn number(&mut self) -> JResult<Json> {
        let start = self.pos;
        let digits = |p: &mut Self| {
            let s = p.pos;
            while p.pos < p.s.len() && p.s[p.pos].is_ascii_digit() {
                p.pos += 1;
            }
            p.pos > s
        };
        if self.s.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        if self.s.get(self.pos) == Some(&b'0') {
            self.pos += 1;
        } else if !digits(self) {
            return Err((self.pos, "malformed number".into()));
        }
        if self.s.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if !digits(self) {
                return Err((self.pos, "malformed number".into()));
            }
        }
        if matches!(self.s.get(self.pos), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.s.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !digits(self) {
                return Err((self.pos, "malformed number".into()));
            }
        }
        Ok(Json::Number(self.text[start..self.pos].to_owned()))
    }

    fn hex4(&mut self) -> JResult<u32> {
        let h = self.s.get(self.pos..self.pos + 4).ok_or((self.pos, "truncated \\u escape".to_owned()))?;
        let mut v = 0;
        for &c in h {
            v = v * 16 + (c as char).to_digit(16).ok_or((self.pos, "bad \\u escape".to_owned()))?;
        }
        self.pos += 4;
        Ok(v)
    }

    fn string(&mut self) -> JResult<String> {
        let open = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            // copy a run of plain characters at once
            let run = self.pos;
            while self.pos < self.s.len() && !matches!(self.s[self.pos], b'"' | b'\\') && self.s[self.pos] >= 0x20 {
                self.pos += 1;
            }
            out.push_str(&self.text[run..self.pos]);
            match self.s.get(self.pos) {
                None => return Err((open, "unterminated string".into())),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    let at = self.pos;
                    self.pos += 1;
                    let Some(&e) = self.s.get(self.pos) else { return Err((open, "unterminated string".into())) };
                    self.pos += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let cp = if (0xD800..0xDC00).contains(&hi) && self.s[self.pos..].starts_with(b"\\u") {
                                let save = self.pos;
                                self.pos += 2;
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                } else {
                                    self.pos = save;
                                    0xFFFD
                                }
                            } else {
                                hi
                            };
                            // Go replaces invalid surrogates with U+FFFD.
                            out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                        }
                        _ => return Err((at, "invalid escape in string".into())),
                    }
                }
                Some(_) => return Err((self.pos, "control character in string".into())),
            }
        }
    }
}

/// Write `s` as a JSON string literal.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
