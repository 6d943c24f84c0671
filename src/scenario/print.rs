//! The canonical printer (`noproxy-check fmt`): `parse(print(file)) == file`, and printing is
//! idempotent.

use std::fmt::{self, Write};

use super::{Check, CheckLine, Expect, Expectation, File, Item};
use crate::secret::redact_value;

/// Print a scenario file in canonical form: statements in column 1, expectations indented by
/// two spaces, `=` aligned across consecutive `env` (or `property`, `resolve`) lines, outcomes
/// aligned within a check, values quoted only when they must be, one newline at the end.
/// Values are printed exactly (this is what `fmt` writes back), credentials included.
///
/// ```
/// use noproxy::scenario::{parse, print};
/// let text = "env   HTTPS_PROXY=http://proxy.invalid:3128\nenv no_proxy = \"\"\ncheck https://docker:2376/\n    go direct\n    curl@7.88.1 proxy\n";
/// let file = parse("x.scenario", text).unwrap();
/// assert_eq!(print(&file), "\
/// env HTTPS_PROXY = http://proxy.invalid:3128
/// env no_proxy    = \"\"
/// check https://docker:2376/
///   go          direct
///   curl@7.88.1 proxy
/// ");
/// assert_eq!(parse("x.scenario", &print(&file)).unwrap(), file);
/// ```
pub fn print(file: &File) -> String {
    render(&file.items, false)
}

/// Print `items`; `redact` replaces credentials in values with `***` (for Display).
pub(crate) fn render(items: &[Item], redact: bool) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < items.len() {
        // A run of consecutive items of the same aligned kind.
        let kind = aligned_kind(&items[i]);
        let mut j = i + 1;
        if kind.is_some() {
            while j < items.len() && aligned_kind(&items[j]) == kind {
                j += 1;
            }
        }
        let width = items[i..j].iter().filter_map(aligned_name).map(|n| token(n, true).chars().count()).max();
        for item in &items[i..j] {
            item_text(&mut out, item, width.unwrap_or(0), redact);
        }
        i = j;
    }
    out
}

fn aligned_kind(item: &Item) -> Option<u8> {
    match item {
        Item::Env { .. } => Some(0),
        Item::Property { .. } => Some(1),
        Item::Resolve { .. } => Some(2),
        _ => None,
    }
}

fn aligned_name(item: &Item) -> Option<&str> {
    match item {
        Item::Env { name, .. } | Item::Property { name, .. } | Item::Resolve { name, .. } => Some(name),
        _ => None,
    }
}

fn value(s: &str, redact: bool) -> String {
    if redact {
        token(&redact_value(s), false)
    } else {
        token(s, false)
    }
}

fn item_text(out: &mut String, item: &Item, width: usize, redact: bool) {
    // Writing to a String cannot fail.
    let _ = match item {
        Item::Comment(t) => writeln!(out, "#{t}"),
        Item::Blank => writeln!(out),
        Item::Scenario { name, .. } => writeln!(out, "scenario {}", token(name, false)),
        Item::Env { name, value: v, .. } => {
            writeln!(out, "env {:<width$} = {}", token(name, true), value(v, redact))
        }
        Item::Property { name, value: v, .. } => {
            writeln!(out, "property {:<width$} = {}", token(name, true), value(v, redact))
        }
        Item::Resolve { name, addrs, .. } => {
            let addrs: Vec<String> = addrs.iter().map(|a| a.to_string()).collect();
            writeln!(out, "resolve {:<width$} = {}", token(name, true), addrs.join(" "))
        }
        Item::Unset { name, .. } => writeln!(out, "unset {}", token(name, true)),
        Item::Import { format, path, .. } => writeln!(out, "import {} {}", token(format, false), token(path, false)),
        Item::Flavors { ids, .. } => {
            let ids: Vec<String> = ids.iter().map(|i| token(i, false)).collect();
            writeln!(out, "flavors {}", ids.join(" "))
        }
        Item::Check(c) => {
            check_text(out, c, redact);
            Ok(())
        }
    };
}

fn check_text(out: &mut String, c: &Check, redact: bool) {
    let url = if redact { value(&c.url, true) } else { token(&c.url, false) };
    let _ = writeln!(out, "check {url}");
    let width = c
        .lines
        .iter()
        .filter_map(|l| match l {
            CheckLine::Expect(Expectation::Flavor { flavor, .. }) => Some(flavor.chars().count()),
            CheckLine::Expect(Expectation::Agree { expect: Some(_), .. }) => Some(5),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    for l in &c.lines {
        let _ = match l {
            CheckLine::Comment(t) => writeln!(out, "  #{t}"),
            CheckLine::Expect(Expectation::Flavor { flavor, expect, .. }) => {
                writeln!(out, "  {flavor:<width$} {}", expect_text(expect, redact))
            }
            CheckLine::Expect(Expectation::Agree { expect: Some(e), .. }) => {
                writeln!(out, "  {:<width$} {}", "agree", expect_text(e, redact))
            }
            CheckLine::Expect(Expectation::Agree { expect: None, .. }) => writeln!(out, "  agree"),
        };
    }
}

/// An outcome as written after the flavor: `direct`, `proxy URL via VAR`, `error KIND`.
pub(crate) fn expect_text(e: &Expect, redact: bool) -> String {
    match e {
        Expect::Direct => "direct".into(),
        Expect::Proxy { url, via } => {
            let mut s = String::from("proxy");
            if let Some(u) = url {
                s.push(' ');
                s.push_str(&value(u, redact));
            }
            if let Some(v) = via {
                s.push_str(" via ");
                s.push_str(&token(v, false));
            }
            s
        }
        Expect::Error { kind: None } => "error".into(),
        Expect::Error { kind: Some(k) } => format!("error {}", token(k, false)),
    }
}

/// A value as a bare word when that reads back the same, else as a quoted string.
/// `name`: the token is followed by `=` (so `=` must be quoted too).
pub(crate) fn token(s: &str, name: bool) -> String {
    let bare = !s.is_empty()
        && !s.starts_with('#')
        && s != "via"
        && !s.chars().any(|c| c == '"' || c.is_whitespace() || c.is_control() || (name && c == '='));
    if bare {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `Debug` shows the line as written, credentials redacted.
impl fmt::Debug for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = render(std::slice::from_ref(self), true);
        write!(f, "Item({:?})", text.trim_end())
    }
}

/// `Debug` shows the check as written, credentials redacted.
impl fmt::Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::new();
        check_text(&mut text, self, true);
        write!(f, "Check({:?})", text.trim_end())
    }
}

/// `Debug` shows the outcome as written, credentials redacted.
impl fmt::Debug for Expect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Expect({})", expect_text(self, true))
    }
}
