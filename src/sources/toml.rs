//! The subset of TOML 1.0 (toml.io/en/v1.0.0) that GitLab Runner's `config.toml` uses, with byte
//! offsets on every value: tables, arrays of tables, dotted keys, the four string forms, arrays,
//! inline tables, and other scalars kept as text. Nesting is bounded; time is linear.

use super::MAX_DEPTH;

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum TValue {
    Str(String),
    Array(Vec<(usize, TValue)>),
    Table(Vec<(Vec<String>, usize, TValue)>),
    /// Number, boolean or date, as written.
    Other(String),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Section {
    /// Header path (`["runners", "docker"]`); empty for the root.
    pub header: Vec<String>,
    /// `[[…]]`.
    pub is_array: bool,
    /// Byte offset of the header (0 for the root).
    pub at: usize,
    /// `(dotted key, offset of the value, value)`.
    pub entries: Vec<(Vec<String>, usize, TValue)>,
}

pub(crate) type TResult<T> = Result<T, (usize, String)>;

struct P<'a> {
    s: &'a [u8],
    t: &'a str,
    pos: usize,
}

pub(crate) fn parse(text: &str) -> TResult<Vec<Section>> {
    let mut p = P { s: text.as_bytes(), t: text, pos: 0 };
    if p.s.starts_with(b"\xEF\xBB\xBF") {
        p.pos = 3;
    }
    let mut out = vec![Section::default()];
    let mut seen_tables: std::collections::HashSet<Vec<String>> = std::collections::HashSet::new();
    let mut seen_keys: std::collections::HashSet<Vec<String>> = std::collections::HashSet::new();
    loop {
        p.blank();
        match p.peek() {
            None => return Ok(out),
            Some(b'\n') => p.pos += 1,
            Some(b'\r') if p.s.get(p.pos + 1) == Some(&b'\n') => p.pos += 2,
            Some(b'#') => p.comment()?,
            Some(b'[') => {
                let at = p.pos;
                let is_array = p.s.get(p.pos + 1) == Some(&b'[');
                p.pos += if is_array { 2 } else { 1 };
                p.blank();
                let header = p.key()?;
                p.blank();
                let close: &[u8] = if is_array { b"]]" } else { b"]" };
                if !p.s[p.pos..].starts_with(close) {
                    return Err((p.pos, "expected ']' to close the table header".into()));
                }
                p.pos += close.len();
                p.end_of_line()?;
                if !is_array {
                    if seen_tables.contains(&header) {
                        return Err((at, format!("table [{}] defined twice", header.join("."))));
                    }
                    seen_tables.insert(header.clone());
                } else {
                    // A new array element: sub-tables of the previous one may be defined again.
                    // (Clearing everything is laxer than TOML for tables outside the array, but
                    // keeps this linear.)
                    seen_tables.clear();
                }
                seen_keys.clear();
                out.push(Section { header, is_array, at, entries: vec![] });
            }
            Some(_) => {
                let kat = p.pos;
                let key = p.key()?;
                p.blank();
                if p.peek() != Some(b'=') {
                    return Err((p.pos, "expected '=' after the key".into()));
                }
                p.pos += 1;
                p.blank();
                let at = p.pos;
                let v = p.value(0)?;
                p.end_of_line()?;
                let sec = out.last_mut().expect("root section");
                if !seen_keys.insert(key.clone()) {
                    return Err((kat, format!("key {:?} defined twice in this table", key.join("."))));
                }
                sec.entries.push((key, at, v));
            }
        }
    }
}

impl<'a> P<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }
    fn blank(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }
    fn comment(&mut self) -> TResult<()> {
        while let Some(c) = self.peek() {
            if c == b'\n' {
                break;
            }
            if (c < 0x20 && c != b'\t' && c != b'\r') || c == 0x7f {
                return Err((self.pos, "control character in comment".into()));
            }
            self.pos += 1;
        }
        Ok(())
    }
    /// Whitespace, newlines and comments (inside arrays).
    fn ws_nl(&mut self) -> TResult<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.pos += 1,
                Some(b'#') => self.comment()?,
                _ => return Ok(()),
            }
        }
    }
    fn end_of_line(&mut self) -> TResult<()> {
        self.blank();
        match self.peek() {
            None | Some(b'\n') => Ok(()),
            Some(b'\r') if self.s.get(self.pos + 1) == Some(&b'\n') => Ok(()),
            Some(b'#') => self.comment(),
            _ => Err((self.pos, "expected the end of the line".into())),
        }
    }
    fn key(&mut self) -> TResult<Vec<String>> {
        let mut parts = vec![];
        loop {
            self.blank();
            let part = match self.peek() {
                Some(b'"') => {
                    if self.s[self.pos..].starts_with(b"\"\"\"") {
                        return Err((self.pos, "multi-line strings cannot be keys".into()));
                    }
                    self.basic()?
                }
                Some(b'\'') => self.literal()?,
                _ => {
                    let st = self.pos;
                    while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == b'_' || c == b'-') {
                        self.pos += 1;
                    }
                    if st == self.pos {
                        return Err((self.pos, "expected a key".into()));
                    }
                    self.t[st..self.pos].to_owned()
                }
            };
            parts.push(part);
            self.blank();
            if self.peek() == Some(b'.') {
                self.pos += 1;
            } else {
                return Ok(parts);
            }
        }
    }
    fn value(&mut self, depth: usize) -> TResult<TValue> {
        if depth > MAX_DEPTH {
            return Err((self.pos, format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        match self.peek() {
            Some(b'"') if self.s[self.pos..].starts_with(b"\"\"\"") => self.ml_basic().map(TValue::Str),
            Some(b'"') => self.basic().map(TValue::Str),
            Some(b'\'') if self.s[self.pos..].starts_with(b"'''") => self.ml_literal().map(TValue::Str),
            Some(b'\'') => self.literal().map(TValue::Str),
            Some(b'[') => {
                self.pos += 1;
                let mut a = vec![];
                loop {
                    self.ws_nl()?;
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        return Ok(TValue::Array(a));
                    }
                    let at = self.pos;
                    a.push((at, self.value(depth + 1)?));
                    self.ws_nl()?;
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b']') => {
                            self.pos += 1;
                            return Ok(TValue::Array(a));
                        }
                        _ => return Err((self.pos, "expected ',' or ']' in array".into())),
                    }
                }
            }
            Some(b'{') => {
                self.pos += 1;
                let mut m: Vec<(Vec<String>, usize, TValue)> = vec![];
                self.blank();
                if self.peek() == Some(b'}') {
                    self.pos += 1;
                    return Ok(TValue::Table(m));
                }
                loop {
                    self.blank();
                    let k = self.key()?;
                    self.blank();
                    if self.peek() != Some(b'=') {
                        return Err((self.pos, "expected '=' in inline table".into()));
                    }
                    self.pos += 1;
                    self.blank();
                    let at = self.pos;
                    let v = self.value(depth + 1)?;
                    m.push((k, at, v));
                    self.blank();
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b'}') => {
                            self.pos += 1;
                            return Ok(TValue::Table(m));
                        }
                        _ => return Err((self.pos, "expected ',' or '}' in inline table".into())),
                    }
                }
            }
            _ => {
                let st = self.pos;
                while matches!(self.peek(), Some(c) if !matches!(c, b',' | b']' | b'}' | b'#' | b'\n' | b'\r')) {
                    self.pos += 1;
                }
                let raw = self.t[st..self.pos].trim_end();
                self.pos = st + raw.len();
                if raw.is_empty() {
                    return Err((st, "expected a value".into()));
                }
                let ok = raw.bytes().all(|c| c.is_ascii_alphanumeric() || b"+-_.:TZ ".contains(&c));
                if !ok {
                    return Err((
                        st,
                        format!("not a TOML value: {}", super::shown(&raw.chars().take(40).collect::<String>())),
                    ));
                }
                Ok(TValue::Other(raw.to_owned()))
            }
        }
    }
    fn ctrl(&self, c: u8) -> bool {
        (c < 0x20 && c != b'\t') || c == 0x7f
    }
    fn escape(&mut self, out: &mut String) -> TResult<()> {
        let at = self.pos;
        self.pos += 1;
        let e = self.peek().ok_or((at, "unterminated string".to_owned()))?;
        self.pos += 1;
        let hexn = |p: &mut Self, n: usize| -> TResult<char> {
            let h = p.t.get(p.pos..p.pos + n).ok_or((at, "truncated unicode escape".to_owned()))?;
            let v = u32::from_str_radix(h, 16).map_err(|_| (at, "bad unicode escape".to_owned()))?;
            p.pos += n;
            char::from_u32(v).ok_or((at, "escape is not a Unicode scalar value".to_owned()))
        };
        match e {
            b'b' => out.push('\u{8}'),
            b't' => out.push('\t'),
            b'n' => out.push('\n'),
            b'f' => out.push('\u{c}'),
            b'r' => out.push('\r'),
            b'"' => out.push('"'),
            b'\\' => out.push('\\'),
            b'u' => out.push(hexn(self, 4)?),
            b'U' => out.push(hexn(self, 8)?),
            _ => return Err((at, "invalid escape sequence in basic string".into())),
        }
        Ok(())
    }
    fn basic(&mut self) -> TResult<String> {
        let open = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let run = self.pos;
            while matches!(self.peek(), Some(c) if c != b'"' && c != b'\\' && !self.ctrl(c)) {
                self.pos += 1;
            }
            out.push_str(&self.t[run..self.pos]);
            match self.peek() {
                None | Some(b'\n') => return Err((open, "unterminated string".into())),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => self.escape(&mut out)?,
                Some(_) => return Err((self.pos, "control character in string".into())),
            }
        }
    }
    fn ml_basic(&mut self) -> TResult<String> {
        let open = self.pos;
        self.pos += 3;
        if self.s[self.pos..].starts_with(b"\r\n") {
            self.pos += 2;
        } else if self.peek() == Some(b'\n') {
            self.pos += 1;
        }
        let mut out = String::new();
        loop {
            let run = self.pos;
            while matches!(self.peek(), Some(c) if c != b'"' && c != b'\\' && (!self.ctrl(c) || c == b'\n' || c == b'\r'))
            {
                self.pos += 1;
            }
            out.push_str(&self.t[run..self.pos]);
            match self.peek() {
                None => return Err((open, "unterminated multi-line string".into())),
                Some(b'"') => {
                    if self.s[self.pos..].starts_with(b"\"\"\"") {
                        // up to two quotes may precede the closing delimiter
                        let mut n = 3;
                        while n < 5 && self.s.get(self.pos + n) == Some(&b'"') {
                            n += 1;
                        }
                        out.push_str(&"\"".repeat(n - 3));
                        self.pos += n;
                        return Ok(out);
                    }
                    out.push('"');
                    self.pos += 1;
                }
                Some(b'\\') => {
                    // line-ending backslash: trim whitespace and newlines
                    let mut k = self.pos + 1;
                    while matches!(self.s.get(k), Some(b' ' | b'\t')) {
                        k += 1;
                    }
                    if matches!(self.s.get(k), Some(b'\n' | b'\r')) {
                        while matches!(self.s.get(k), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                            k += 1;
                        }
                        self.pos = k;
                    } else {
                        self.escape(&mut out)?;
                    }
                }
                Some(_) => return Err((self.pos, "control character in string".into())),
            }
        }
    }
    fn literal(&mut self) -> TResult<String> {
        let open = self.pos;
        self.pos += 1;
        let st = self.pos;
        while let Some(c) = self.peek() {
            if c == b'\'' {
                let s = self.t[st..self.pos].to_owned();
                self.pos += 1;
                return Ok(s);
            }
            if c == b'\n' || self.ctrl(c) {
                break;
            }
            self.pos += 1;
        }
        Err((open, "unterminated literal string".into()))
    }
    fn ml_literal(&mut self) -> TResult<String> {
        let open = self.pos;
        self.pos += 3;
        if self.s[self.pos..].starts_with(b"\r\n") {
            self.pos += 2;
        } else if self.peek() == Some(b'\n') {
            self.pos += 1;
        }
        let st = self.pos;
        match self.t[st..].find("'''") {
            None => Err((open, "unterminated multi-line literal string".into())),
            Some(n) => {
                let mut end = st + n;
                let mut extra = 0;
                while extra < 2 && self.s.get(end + 3) == Some(&b'\'') {
                    end += 1;
                    extra += 1;
                }
                let s = self.t[st..end].to_owned();
                self.pos = end + 3;
                Ok(s)
            }
        }
    }
}

/// Write `s` as a TOML basic string.
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
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Map, Value};

    fn to_json(v: &TValue) -> Value {
        match v {
            TValue::Str(s) => json!(s),
            TValue::Array(a) => Value::Array(a.iter().map(|(_, v)| to_json(v)).collect()),
            TValue::Table(m) => {
                let mut o = Map::new();
                for (k, _, v) in m {
                    insert(&mut o, k, to_json(v));
                }
                Value::Object(o)
            }
            TValue::Other(s) => s.parse::<i64>().map(|n| json!(n)).unwrap_or_else(|_| json!(s)),
        }
    }

    fn insert(o: &mut Map<String, Value>, key: &[String], v: Value) {
        if key.len() == 1 {
            o.insert(key[0].clone(), v);
        } else {
            let e = o.entry(key[0].clone()).or_insert_with(|| json!({}));
            if let Value::Object(inner) = e {
                insert(inner, &key[1..], v);
            }
        }
    }

    /// The TOML strings and structures noproxy reads, against Python's tomllib
    /// (`tests/sources/record/parsers/record_parsers.py`).
    #[test]
    fn toml_matches_tomllib() {
        let text = include_str!("../../tests/sources/recorded/parsers.jsonl");
        let mut n = 0;
        for l in text.lines().skip(1) {
            let row: Value = serde_json::from_str(l).unwrap();
            if row["kind"] != "toml" {
                continue;
            }
            let sections = parse(row["text"].as_str().unwrap()).unwrap_or_else(|e| panic!("{}: {e:?}", row["id"]));
            let mut o = Map::new();
            for (k, _, v) in &sections[0].entries {
                insert(&mut o, k, to_json(v));
            }
            assert_eq!(Value::Object(o), row["value"], "{}", row["id"]);
            n += 1;
        }
        assert!(n >= 9);
    }
}
