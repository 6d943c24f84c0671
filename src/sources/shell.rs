//! A POSIX shell word lexer for the subset found in env files and CI scripts (R-SRC-SHELL-WORDS).
//!
//! Quoting as in POSIX.1-2017 XCU 2.2 (backslash, single quotes, double quotes) and parameter
//! expansion `$NAME` / `${NAME}` (2.6.2). Command substitution, arithmetic and `${NAME:-…}`
//! forms are reported, not evaluated. Linear time; no recursion.

/// One token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    /// A word after quote removal and expansion.
    Word(Word),
    /// An operator: `;`, `&&`, `||`, `|`, `&`, `>`, `>>`, `<`, `(`, `)`.
    Op(&'static str, usize),
    /// End of line (byte offset of the `\n`).
    Newline(usize),
}

/// A word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Word {
    /// `NAME` when the word is an assignment `NAME=…` (then `text` is the value).
    pub assign: Option<String>,
    /// The text after quote removal and expansion.
    pub text: String,
    /// Byte offset of the word's first character.
    pub start: usize,
    /// Names that were expanded but not known (replaced by the empty string).
    pub unexpanded: Vec<String>,
    /// True when any part was quoted or escaped.
    pub quoted: bool,
}

pub(crate) struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

type LexResult<T> = Result<T, (usize, String)>;

fn is_name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}
fn is_name(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(src: &'a str) -> Self {
        Lexer { src, pos: 0 }
    }

    fn peek(&self) -> Option<u8> {
        self.src.as_bytes().get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<u8> {
        self.src.as_bytes().get(self.pos + n).copied()
    }

    /// The next token; `lookup` resolves `$NAME`.
    pub(crate) fn next_tok(&mut self, lookup: &dyn Fn(&str) -> Option<String>) -> LexResult<Option<Tok>> {
        loop {
            match self.peek() {
                None => return Ok(None),
                Some(b' ' | b'\t' | b'\r') => self.pos += 1,
                Some(b'\\') if self.peek_at(1) == Some(b'\n') => self.pos += 2,
                Some(b'#') => {
                    while let Some(c) = self.peek() {
                        if c == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                Some(b'\n') => {
                    self.pos += 1;
                    return Ok(Some(Tok::Newline(self.pos - 1)));
                }
                Some(c @ (b';' | b'&' | b'|' | b'>' | b'<' | b'(' | b')')) => {
                    let start = self.pos;
                    let two = self.peek_at(1);
                    let op = match (c, two) {
                        (b'&', Some(b'&')) => "&&",
                        (b'|', Some(b'|')) => "||",
                        (b'>', Some(b'>')) => ">>",
                        (b';', _) => ";",
                        (b'&', _) => "&",
                        (b'|', _) => "|",
                        (b'>', _) => ">",
                        (b'<', _) => "<",
                        (b'(', _) => "(",
                        _ => ")",
                    };
                    self.pos += op.len();
                    return Ok(Some(Tok::Op(op, start)));
                }
                Some(_) => return self.word(lookup).map(|w| Some(Tok::Word(w))),
            }
        }
    }

    fn word(&mut self, lookup: &dyn Fn(&str) -> Option<String>) -> LexResult<Word> {
        let start = self.pos;
        let b = self.src.as_bytes();
        let mut w = Word { assign: None, text: String::new(), start, unexpanded: vec![], quoted: false };
        // `NAME=` at the start of a word makes it an assignment (XCU 2.9.1).
        if b.get(start).is_some_and(|&c| is_name_start(c)) {
            let mut e = start + 1;
            while e < b.len() && is_name(b[e]) {
                e += 1;
            }
            if b.get(e) == Some(&b'=') {
                w.assign = Some(self.src[start..e].to_owned());
                self.pos = e + 1;
            }
        }
        while let Some(c) = self.peek() {
            match c {
                b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b'>' | b'<' | b'(' | b')' => break,
                b'\\' => {
                    w.quoted = true;
                    match self.peek_at(1) {
                        None => {
                            w.text.push('\\');
                            self.pos += 1;
                        }
                        Some(b'\n') => self.pos += 2,
                        Some(_) => {
                            self.pos += 1;
                            self.push_char(&mut w.text);
                        }
                    }
                }
                b'\'' => {
                    w.quoted = true;
                    let open = self.pos;
                    self.pos += 1;
                    match self.src[self.pos..].find('\'') {
                        None => return Err((open, "unterminated single quote".into())),
                        Some(n) => {
                            w.text.push_str(&self.src[self.pos..self.pos + n]);
                            self.pos += n + 1;
                        }
                    }
                }
                b'"' => {
                    w.quoted = true;
                    let open = self.pos;
                    self.pos += 1;
                    loop {
                        match self.peek() {
                            None => return Err((open, "unterminated double quote".into())),
                            Some(b'"') => {
                                self.pos += 1;
                                break;
                            }
                            Some(b'\\') => match self.peek_at(1) {
                                Some(b'$' | b'`' | b'"' | b'\\') => {
                                    self.pos += 1;
                                    self.push_char(&mut w.text);
                                }
                                Some(b'\n') => self.pos += 2,
                                _ => {
                                    w.text.push('\\');
                                    self.pos += 1;
                                }
                            },
                            Some(b'$') => self.dollar(&mut w, lookup)?,
                            Some(b'`') => return Err((self.pos, "command substitution (`…`) is not evaluated".into())),
                            Some(_) => self.push_char(&mut w.text),
                        }
                    }
                }
                b'$' => self.dollar(&mut w, lookup)?,
                b'`' => return Err((self.pos, "command substitution (`…`) is not evaluated".into())),
                _ => self.push_char(&mut w.text),
            }
        }
        Ok(w)
    }

    fn push_char(&mut self, out: &mut String) {
        if let Some(ch) = self.src[self.pos..].chars().next() {
            out.push(ch);
            self.pos += ch.len_utf8();
        }
    }

    fn dollar(&mut self, w: &mut Word, lookup: &dyn Fn(&str) -> Option<String>) -> LexResult<()> {
        let at = self.pos;
        let b = self.src.as_bytes();
        match self.peek_at(1) {
            Some(c) if is_name_start(c) => {
                let mut e = at + 2;
                while e < b.len() && is_name(b[e]) {
                    e += 1;
                }
                self.expand(&self.src[at + 1..e], w, lookup);
                self.pos = e;
            }
            Some(b'{') => {
                let mut e = at + 2;
                while e < b.len() && is_name(b[e]) {
                    e += 1;
                }
                if e > at + 2 && b.get(e) == Some(&b'}') && is_name_start(b[at + 2]) {
                    self.expand(&self.src[at + 2..e], w, lookup);
                    self.pos = e + 1;
                } else {
                    return Err((at, "parameter expansion other than ${NAME} is not evaluated".into()));
                }
            }
            Some(b'(') => return Err((at, "command substitution $(…) is not evaluated".into())),
            Some(c) if c.is_ascii_digit() || b"?#@*!$-".contains(&c) => {
                w.unexpanded.push(format!("${}", c as char));
                self.pos = at + 2;
            }
            _ => {
                w.text.push('$');
                self.pos += 1;
            }
        }
        Ok(())
    }

    fn expand(&self, name: &str, w: &mut Word, lookup: &dyn Fn(&str) -> Option<String>) {
        match lookup(name) {
            Some(v) => w.text.push_str(&v),
            None => w.unexpanded.push(name.to_owned()),
        }
    }
}

/// Quote `s` for a POSIX shell: `'…'` with `'` written as `'\''`. Always quoted (also empty).
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// A simple command: its words, and the redirection target of `>` / `>>` if any.
#[derive(Debug, Default)]
pub(crate) struct Command {
    pub words: Vec<Word>,
    pub redirect: Option<Word>,
}

/// Split a script into simple commands (`;`, `&&`, `||`, `|`, `&` and newlines separate them).
/// `lookup` resolves `$NAME`. Stops at the first lexing error and returns what came before.
pub(crate) fn commands(src: &str, lookup: &dyn Fn(&str) -> Option<String>) -> (Vec<Command>, Option<(usize, String)>) {
    let mut lx = Lexer::new(src);
    let mut out = vec![];
    let mut cur = Command::default();
    let mut want_target = false;
    loop {
        match lx.next_tok(lookup) {
            Err(e) => {
                if !cur.words.is_empty() {
                    out.push(cur);
                }
                return (out, Some(e));
            }
            Ok(None) => break,
            Ok(Some(Tok::Word(w))) => {
                if want_target {
                    cur.redirect = Some(w);
                    want_target = false;
                } else {
                    cur.words.push(w);
                }
            }
            Ok(Some(Tok::Op(">" | ">>", _))) => want_target = true,
            Ok(Some(Tok::Op("<", _))) => {
                // consume the input file name
                want_target = false;
                let _ = lx.next_tok(lookup);
            }
            Ok(Some(_)) => {
                want_target = false;
                if !cur.words.is_empty() || cur.redirect.is_some() {
                    out.push(std::mem::take(&mut cur));
                }
            }
        }
    }
    if !cur.words.is_empty() {
        out.push(cur);
    }
    (out, None)
}
