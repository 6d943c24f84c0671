//! The scenario-file parser: line-oriented, one pass, linear time, never panics.
//!
//! Grammar and semantics: `spec.md`, section "Scenario format".

use std::fmt;
use std::net::IpAddr;

use super::{Check, CheckLine, Expect, Expectation, File, Item, Loc, ERROR_KINDS};
use crate::flavors::Flavor;
use crate::secret::redact_value;

/// A syntax error at `file:line:column`, saying what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ParseError {
    /// The file name given to [`parse`].
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// What was expected and what was found (credentials redacted).
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
    }
}

impl std::error::Error for ParseError {}

/// At most this many errors are reported per file.
const MAX_ERRORS: usize = 50;

const STATEMENTS: &str = "`scenario`, `env`, `unset`, `property`, `resolve`, `import`, `flavors`, `check`";

/// Parse a scenario file. `file` is only used in error messages.
///
/// Returns every syntax error found (at most 50), each with `file:line:column` and what was
/// expected. Runs in time linear in `text`; never panics.
///
/// ```
/// let err = noproxy::scenario::parse("a.scenario", "env NO_PROXY docker\n").unwrap_err();
/// assert_eq!(err[0].to_string(), "a.scenario:1:14: expected `=` after the name, found `docker`");
/// ```
pub fn parse(file: &str, text: &str) -> Result<File, Vec<ParseError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut p =
        Parser { items: Vec::new(), check: None, broken_check: false, check_errors: false, errors: Vec::new(), file };
    for (n, line) in text.split('\n').enumerate() {
        if p.errors.len() >= MAX_ERRORS {
            break;
        }
        let line_no = u32::try_from(n + 1).unwrap_or(u32::MAX);
        let line = line.strip_suffix('\r').unwrap_or(line);
        if let Err(e) = p.line(line_no, line) {
            p.check_errors |= p.check.is_some();
            p.errors.push(ParseError { file: file.to_owned(), line: line_no, column: e.col, message: e.msg });
        }
    }
    p.close_check();
    p.errors.sort_by_key(|e| (e.line, e.column));
    if p.items.last() == Some(&Item::Blank) {
        p.items.pop();
    }
    if p.errors.is_empty() {
        Ok(File { items: p.items })
    } else {
        p.errors.truncate(MAX_ERRORS);
        Err(p.errors)
    }
}

struct Parser<'f> {
    items: Vec<Item>,
    check: Option<Check>,
    /// The last `check` line had an error: swallow its indented lines instead of piling up errors.
    broken_check: bool,
    /// An expectation line of the open check had an error.
    check_errors: bool,
    errors: Vec<ParseError>,
    file: &'f str,
}

struct LineError {
    col: u32,
    msg: String,
}

fn err<T>(col: u32, msg: impl Into<String>) -> Result<T, LineError> {
    Err(LineError { col, msg: msg.into() })
}

/// Show what was found: redacted, then cut to 40 characters.
fn found(s: &str) -> String {
    let r = redact_value(s);
    let mut out: String = r.chars().take(40).collect();
    if r.chars().nth(40).is_some() {
        out.push('…');
    }
    format!("`{}`", out.escape_debug())
}

struct Tok {
    text: String,
    quoted: bool,
    col: u32,
}

impl Tok {
    fn is(&self, kw: &str) -> bool {
        !self.quoted && self.text == kw
    }
}

struct Lexer<'a> {
    s: &'a str,
    pos: usize,
    col: u32,
}

impl<'a> Lexer<'a> {
    fn peek(&self) -> Option<char> {
        self.s[self.pos..].chars().next()
    }
    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        self.col = self.col.saturating_add(1);
        Some(c)
    }
    fn skip_ws(&mut self) -> bool {
        let start = self.pos;
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.bump();
        }
        self.pos != start
    }
    fn at_end(&self) -> bool {
        self.pos >= self.s.len()
    }
    /// The rest of the line, for "found …" messages.
    fn rest(&self) -> &'a str {
        let r = &self.s[self.pos..];
        r.split([' ', '\t']).next().unwrap_or(r)
    }

    /// A bare word (stops at blanks, and at `=` when `stop_eq`) or a quoted string.
    fn token(&mut self, stop_eq: bool, what: &str) -> Result<Tok, LineError> {
        let col = self.col;
        match self.peek() {
            None => err(col, format!("expected {what}, found end of line")),
            Some('#') => err(col, format!("expected {what}, found a comment (comments go on a line of their own)")),
            Some('"') => self.quoted(),
            Some('=') if stop_eq => err(col, format!("expected {what}, found `=`")),
            Some(_) => {
                let start = self.pos;
                while let Some(c) = self.peek() {
                    if c == ' ' || c == '\t' || (stop_eq && c == '=') {
                        break;
                    }
                    if c == '"' {
                        return err(self.col, "unexpected `\"` inside a word: quote the whole value, as in \"a\\\"b\"");
                    }
                    self.bump();
                }
                Ok(Tok { text: self.s[start..self.pos].to_owned(), quoted: false, col })
            }
        }
    }

    fn quoted(&mut self) -> Result<Tok, LineError> {
        let col = self.col;
        self.bump();
        let mut out = String::new();
        loop {
            let at = self.col;
            match self.bump() {
                None => return err(col, "unterminated string: expected a closing `\"` before the end of the line"),
                Some('"') => return Ok(Tok { text: out, quoted: true, col }),
                Some('\\') => match self.bump() {
                    Some('\\') => out.push('\\'),
                    Some('"') => out.push('"'),
                    Some('n') => out.push('\n'),
                    Some('r') => out.push('\r'),
                    Some('t') => out.push('\t'),
                    Some('u') => out.push(self.unicode_escape(at)?),
                    None => return err(col, "unterminated string: expected a closing `\"` before the end of the line"),
                    Some(c) => {
                        return err(
                            at,
                            format!(
                                "unknown escape `\\{}`: expected one of \\\\ \\\" \\n \\r \\t \\u{{HEX}}",
                                c.escape_debug()
                            ),
                        )
                    }
                },
                Some(c) => out.push(c),
            }
        }
    }

    fn unicode_escape(&mut self, at: u32) -> Result<char, LineError> {
        let bad = || err(at, "bad escape: expected \\u{HEX} with 1 to 6 hex digits naming a Unicode scalar value");
        if self.bump() != Some('{') {
            return bad();
        }
        let mut v: u32 = 0;
        let mut digits = 0;
        loop {
            match self.bump() {
                Some('}') if digits > 0 => break,
                Some(c) if c.is_ascii_hexdigit() && digits < 6 => {
                    v = v * 16 + c.to_digit(16).unwrap_or(0);
                    digits += 1;
                }
                _ => return bad(),
            }
        }
        char::from_u32(v).map_or_else(bad, Ok)
    }

    /// Nothing but blanks may follow.
    fn end(&mut self) -> Result<(), LineError> {
        self.skip_ws();
        match self.peek() {
            None => Ok(()),
            Some('#') => err(self.col, "expected end of line, found a comment (comments go on a line of their own)"),
            Some(_) => err(self.col, format!("expected end of line, found {}", found(self.rest()))),
        }
    }

    /// `=` between a name and its value(s).
    fn equals(&mut self) -> Result<(), LineError> {
        self.skip_ws();
        if self.peek() == Some('=') {
            self.bump();
            self.skip_ws();
            Ok(())
        } else if self.at_end() {
            err(self.col, "expected `=` after the name, found end of line")
        } else {
            err(self.col, format!("expected `=` after the name, found {}", found(self.rest())))
        }
    }
}

fn flavor_id(t: &Tok) -> Result<(), LineError> {
    match t.text.parse::<Flavor>() {
        Ok(_) => Ok(()),
        Err(e) => err(t.col, format!("expected a flavor ID: {e}")),
    }
}

impl Parser<'_> {
    fn close_check(&mut self) {
        self.broken_check = false;
        let had_errors = std::mem::take(&mut self.check_errors);
        if let Some(c) = self.check.take() {
            if !had_errors && !c.lines.iter().any(|l| matches!(l, CheckLine::Expect(_))) {
                self.errors.push(ParseError {
                    file: self.file.to_owned(),
                    line: c.loc.line,
                    column: c.loc.column,
                    message: "`check` needs at least one indented expectation below it, such as `  go direct`".into(),
                });
            }
            self.items.push(Item::Check(c));
        }
    }

    fn line(&mut self, line_no: u32, line: &str) -> Result<(), LineError> {
        let mut lx = Lexer { s: line, pos: 0, col: 1 };
        let indented = lx.skip_ws();
        let loc = Loc::new(line_no, lx.col);
        match lx.peek() {
            None => {
                self.close_check();
                if !self.items.is_empty() && self.items.last() != Some(&Item::Blank) {
                    self.items.push(Item::Blank);
                }
                return Ok(());
            }
            Some('#') => {
                // Trailing blanks and carriage returns are not part of a comment (a printed CR before
                // the newline would be read back as a CRLF line end).
                let text = lx.s[lx.pos + 1..].trim_end_matches([' ', '\t', '\r']).to_owned();
                match &mut self.check {
                    Some(c) if indented => c.lines.push(CheckLine::Comment(text)),
                    _ => {
                        if !(indented && self.broken_check) {
                            self.close_check();
                            self.items.push(Item::Comment(text));
                        }
                    }
                }
                return Ok(());
            }
            Some(_) => {}
        }
        if indented {
            if self.broken_check {
                return Ok(());
            }
            let Some(check) = &mut self.check else {
                return err(
                    loc.column,
                    format!("unexpected indentation: only expectation lines under a `check` line are indented; statements ({STATEMENTS}) start in column 1"),
                );
            };
            let e = expectation(&mut lx, loc)?;
            check.lines.push(CheckLine::Expect(e));
            return Ok(());
        }
        self.close_check();
        let kw = lx.token(false, "a statement")?;
        let kw_text = if kw.quoted { "" } else { kw.text.as_str() };
        lx.skip_ws();
        let item = match kw_text {
            "scenario" => Item::Scenario { name: lx.token(false, "a scenario name")?.text, loc },
            "env" | "property" => {
                let name = lx.token(true, "a name")?.text;
                lx.equals()?;
                let value = lx.token(false, "a value (write \"\" for an empty one)")?.text;
                if kw_text == "env" {
                    Item::Env { name, value, loc }
                } else {
                    Item::Property { name, value, loc }
                }
            }
            "unset" => Item::Unset { name: lx.token(true, "a variable name")?.text, loc },
            "resolve" => {
                let name = lx.token(true, "a host name")?.text;
                lx.equals()?;
                let mut addrs = Vec::new();
                loop {
                    let t = lx.token(false, "an IP address")?;
                    match t.text.parse::<IpAddr>() {
                        Ok(ip) => addrs.push(ip),
                        Err(_) => return err(t.col, format!("expected an IP address, found {}", found(&t.text))),
                    }
                    lx.skip_ws();
                    if lx.at_end() || lx.peek() == Some('#') {
                        break;
                    }
                }
                Item::Resolve { name, addrs, loc }
            }
            "import" => {
                let format = lx.token(false, "a source format (such as `env`)")?.text;
                lx.skip_ws();
                let path = lx.token(false, "a path")?.text;
                Item::Import { format, path, loc }
            }
            "flavors" => {
                let mut ids = Vec::new();
                loop {
                    let t = lx.token(false, "a flavor ID")?;
                    flavor_id(&t)?;
                    ids.push(t.text);
                    lx.skip_ws();
                    if lx.at_end() || lx.peek() == Some('#') {
                        break;
                    }
                }
                Item::Flavors { ids, loc }
            }
            "check" => {
                let url = lx.token(false, "a URL")?;
                if let Err(e) = lx.end() {
                    self.broken_check = true;
                    return Err(e);
                }
                self.check = Some(Check { url: url.text, lines: Vec::new(), loc });
                return Ok(());
            }
            _ => {
                let hint = if !kw.quoted && (kw.text == "agree" || kw.text.parse::<Flavor>().is_ok()) {
                    "; expectations go on indented lines under a `check` line"
                } else {
                    ""
                };
                return err(
                    kw.col,
                    format!("expected a statement ({STATEMENTS}) or a `#` comment, found {}{hint}", found(&kw.text)),
                );
            }
        };
        lx.end()?;
        self.items.push(item);
        Ok(())
    }
}

fn expectation(lx: &mut Lexer<'_>, loc: Loc) -> Result<Expectation, LineError> {
    let who = lx.token(false, "a flavor ID or `agree`")?;
    lx.skip_ws();
    if who.is("agree") {
        let expect = if lx.at_end() { None } else { Some(outcome(lx)?) };
        lx.end()?;
        return Ok(Expectation::Agree { expect, loc });
    }
    if who.quoted {
        return err(who.col, "expected a flavor ID or `agree`, found a quoted string");
    }
    flavor_id(&who)?;
    let expect = outcome(lx)?;
    lx.end()?;
    Ok(Expectation::Flavor { flavor: who.text, expect, loc })
}

fn outcome(lx: &mut Lexer<'_>) -> Result<Expect, LineError> {
    const WHAT: &str = "an outcome (`direct`, `proxy [URL] [via VARIABLE]`, `error [KIND]`)";
    let t = lx.token(false, WHAT)?;
    let kw = if t.quoted { "" } else { t.text.as_str() };
    match kw {
        "direct" => Ok(Expect::Direct),
        "proxy" => {
            lx.skip_ws();
            if lx.at_end() {
                return Ok(Expect::Proxy { url: None, via: None });
            }
            let first = lx.token(false, "a proxy URL or `via`")?;
            let url = if first.is("via") {
                None
            } else {
                lx.skip_ws();
                if lx.at_end() {
                    return Ok(Expect::Proxy { url: Some(first.text), via: None });
                }
                let v = lx.token(false, "`via` or end of line")?;
                if !v.is("via") {
                    return err(v.col, format!("expected `via VARIABLE` or end of line, found {}", found(&v.text)));
                }
                Some(first.text)
            };
            lx.skip_ws();
            let var = lx.token(false, "a variable name after `via`")?;
            Ok(Expect::Proxy { url, via: Some(var.text) })
        }
        "error" => {
            lx.skip_ws();
            if lx.at_end() || lx.peek() == Some('#') {
                return Ok(Expect::Error { kind: None });
            }
            let k = lx.token(false, "an error kind")?;
            if k.quoted || !ERROR_KINDS.contains(&k.text.as_str()) {
                return err(
                    k.col,
                    format!("expected an error kind ({}), found {}", ERROR_KINDS.join(", "), found(&k.text)),
                );
            }
            Ok(Expect::Error { kind: Some(k.text) })
        }
        _ => err(t.col, format!("expected {WHAT}, found {}", found(&t.text))),
    }
}
