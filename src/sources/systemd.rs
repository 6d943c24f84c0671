//! systemd unit files / drop-ins (`Environment=`) and `systemctl show --property=Environment`.
//!
//! Read from systemd's `src/core/load-fragment.c` (`config_parse_environ`),
//! `src/basic/extract-word.c` (`extract_first_word` with `EXTRACT_CUNESCAPE|EXTRACT_UNQUOTE`),
//! `src/basic/escape.c` (`cunescape_one`, `shell_maybe_quote`) and
//! `src/shared/bus-print-properties.c`; man pages systemd.exec(5) "Environment=" and
//! systemd.syntax(7) "Quoting". See spec.md R-SRC-SYSTEMD-*.

use super::{file_var, finding, is_env_name, shown, FindingKind, Imported, SourceError};

/// Unit specifiers systemd knows (systemd.unit(5) "Specifiers", v252). Their values depend on
/// the unit and host, so noproxy keeps them as written and reports them.
const SPECIFIERS: &str = "aAbBCdEfgGhHiIjJlLmMnNopPqsStTuUvVwWyY";

/// Read a unit file or drop-in: every `Environment=` in `[Service]`, later assignments win,
/// an empty `Environment=` resets the list (R-SRC-SYSTEMD-ENVIRONMENT).
pub fn parse_unit(text: &str, path: &str) -> Result<Imported, SourceError> {
    let mut out = Imported::default();
    let mut section = String::new();
    let mut unset: Vec<(String, u32)> = vec![];
    for (line_no, logical) in logical_lines(text) {
        let l = logical.trim();
        if l.is_empty() || l.starts_with('#') || l.starts_with(';') {
            continue;
        }
        if l.starts_with('[') {
            match l.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
                Some(name) => section = name.to_owned(),
                None => {
                    return Err(SourceError {
                        path: path.into(),
                        line: line_no,
                        column: 1,
                        message: "unterminated section header".into(),
                    })
                }
            }
            continue;
        }
        let Some((key, value)) = l.split_once('=') else {
            // systemd: "Missing '=', ignoring line."
            out.findings.push(finding(FindingKind::Ignored, path, line_no, "line without '=' ignored"));
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        if section != "Service" {
            if key == "Environment" {
                out.findings.push(finding(
                    FindingKind::Ignored,
                    path,
                    line_no,
                    format!("Environment= in [{section}] is not read here (only [Service])"),
                ));
            }
            continue;
        }
        match key {
            "Environment" => environ(value, path, line_no, &mut out),
            "EnvironmentFile" => out.findings.push(finding(
                FindingKind::NotFollowed,
                path,
                line_no,
                format!("EnvironmentFile={value} is not read; import it with --from dotenv:FILE"),
            )),
            "UnsetEnvironment" => {
                for w in split_words(value).0 {
                    if let Ok(w) = String::from_utf8(w) {
                        unset.push((w, line_no));
                    }
                }
            }
            _ => {}
        }
    }
    // UnsetEnvironment= is applied last: a NAME removes it, a NAME=VALUE only that exact pair.
    for (u, line) in unset {
        let name = u.split_once('=').map(|(n, _)| n).unwrap_or(&u).to_owned();
        let matches = match u.split_once('=') {
            Some((_, v)) => out.env.get(&name) == Some(v),
            None => out.env.get(&name).is_some(),
        };
        if matches {
            out.env.unset(&name);
            out.findings.push(finding(
                FindingKind::Ignored,
                path,
                line,
                format!("{name} removed by UnsetEnvironment="),
            ));
        }
    }
    Ok(out)
}

/// Join continuation lines (a trailing `\` continues the line, replaced by a space).
fn logical_lines(text: &str) -> Vec<(u32, String)> {
    let mut out = vec![];
    let mut cur: Option<(u32, String)> = None;
    for (i, raw) in text.split('\n').enumerate() {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let (start, mut acc) = match cur.take() {
            Some((s, mut a)) => {
                let t = raw.trim_start();
                if t.starts_with('#') || t.starts_with(';') {
                    // comment lines inside a continuation are skipped
                    cur = Some((s, a));
                    continue;
                }
                a.push(' ');
                (s, a)
            }
            None => (n, String::new()),
        };
        match raw.strip_suffix('\\') {
            Some(head) if !raw.trim_start().starts_with(['#', ';']) => {
                acc.push_str(head);
                cur = Some((start, acc));
            }
            _ => {
                acc.push_str(raw);
                out.push((start, acc));
            }
        }
    }
    if let Some(c) = cur {
        out.push(c);
    }
    out
}

fn environ(value: &str, path: &str, line: u32, out: &mut Imported) {
    if value.is_empty() {
        out.env = crate::ProxyEnv::new();
        out.findings.push(finding(
            FindingKind::Ignored,
            path,
            line,
            "empty Environment= resets every earlier assignment of this unit",
        ));
        return;
    }
    let (words, error) = split_words(value);
    for w in words {
        let Ok(w) = String::from_utf8(w) else {
            out.findings.push(finding(
                FindingKind::Ignored,
                path,
                line,
                "assignment is not valid UTF-8; systemd ignores it",
            ));
            continue;
        };
        let w = match specifiers(&w) {
            Ok((w, unresolved)) => {
                if unresolved {
                    out.findings.push(finding(
                        FindingKind::Unexpanded,
                        path,
                        line,
                        format!("{} holds a unit specifier (%x) that systemd replaces; kept as written", shown(&w)),
                    ));
                }
                w
            }
            Err(spec) => {
                out.findings.push(finding(
                    FindingKind::Ignored,
                    path,
                    line,
                    format!("unknown specifier %{spec} in {}: systemd ignores this assignment", shown(&w)),
                ));
                continue;
            }
        };
        match w.split_once('=') {
            Some((name, v)) if is_env_name(name) => out.env.push(file_var(name, v, path, line)),
            _ => out.findings.push(finding(
                FindingKind::Ignored,
                path,
                line,
                format!("invalid environment assignment {}: systemd ignores it", shown(&w)),
            )),
        }
    }
    if let Some(msg) = error {
        out.findings.push(finding(
            FindingKind::Ignored,
            path,
            line,
            format!("{msg}: systemd ignores the rest of this line (\"Invalid syntax, ignoring\")"),
        ));
    }
}

/// `%%` → `%`; known specifiers kept (flagged); unknown → `Err(letter)`.
fn specifiers(w: &str) -> Result<(String, bool), char> {
    if !w.contains('%') {
        return Ok((w.to_owned(), false));
    }
    let mut out = String::with_capacity(w.len());
    let mut unresolved = false;
    let mut it = w.chars();
    while let Some(c) = it.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('%') => out.push('%'),
            Some(s) if SPECIFIERS.contains(s) => {
                unresolved = true;
                out.push('%');
                out.push(s);
            }
            Some(s) => return Err(s),
            // a trailing '%' is kept (systemd 252 accepts `NO_PROXY=100%` without a warning)
            None => out.push('%'),
        }
    }
    Ok((out, unresolved))
}

/// `extract_first_word(…, EXTRACT_CUNESCAPE|EXTRACT_UNQUOTE)` repeated: words as raw bytes
/// (escapes `\xNN` may produce non-UTF-8), and the error that stopped the split, if any.
fn split_words(s: &str) -> (Vec<Vec<u8>>, Option<String>) {
    let b = s.as_bytes();
    let mut words = vec![];
    let mut i = 0;
    let sep = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r');
    loop {
        while i < b.len() && sep(b[i]) {
            i += 1;
        }
        if i >= b.len() {
            return (words, None);
        }
        let mut w: Vec<u8> = vec![];
        let mut quote: u8 = 0;
        loop {
            if i >= b.len() {
                if quote != 0 {
                    return (words, Some("unbalanced quoting".into()));
                }
                break;
            }
            let c = b[i];
            if c == b'\\' {
                match cunescape_one(&b[i + 1..]) {
                    Some((bytes, used)) => {
                        w.extend_from_slice(&bytes);
                        i += 1 + used;
                    }
                    None => {
                        let what = if i + 1 >= b.len() {
                            "trailing backslash".to_owned()
                        } else {
                            "invalid escape sequence".to_owned()
                        };
                        return (words, Some(what));
                    }
                }
                continue;
            }
            if quote != 0 {
                if c == quote {
                    quote = 0;
                } else {
                    w.push(c);
                }
                i += 1;
                continue;
            }
            if c == b'\'' || c == b'"' {
                quote = c;
                i += 1;
                continue;
            }
            if sep(c) {
                break;
            }
            w.push(c);
            i += 1;
        }
        words.push(w);
    }
}

fn hex(c: u8) -> Option<u32> {
    (c as char).to_digit(16)
}

/// systemd `cunescape_one` (strict): the bytes an escape stands for and how many input bytes
/// after the backslash it used.
fn cunescape_one(p: &[u8]) -> Option<(Vec<u8>, usize)> {
    let c = *p.first()?;
    let one = |x: u8| Some((vec![x], 1));
    match c {
        b'a' => one(7),
        b'b' => one(8),
        b'f' => one(12),
        b'n' => one(b'\n'),
        b'r' => one(b'\r'),
        b't' => one(b'\t'),
        b'v' => one(11),
        b'\\' | b'"' | b'\'' => one(c),
        b's' => one(b' '),
        b'x' => {
            let v = hex(*p.get(1)?)? << 4 | hex(*p.get(2)?)?;
            (v != 0).then(|| (vec![v as u8], 3))
        }
        b'u' | b'U' => {
            let n = if c == b'u' { 4 } else { 8 };
            let mut v: u32 = 0;
            for k in 1..=n {
                v = v.checked_mul(16)?.checked_add(hex(*p.get(k)?)?)?;
            }
            if v == 0 || v > 0x10FFFF {
                return None;
            }
            // A surrogate is encoded anyway (three bytes that are not UTF-8), so the assignment
            // is then rejected as invalid rather than the line as bad syntax (systemd 252).
            let bytes = match char::from_u32(v) {
                Some(ch) => ch.to_string().into_bytes(),
                None => vec![0xE0 | (v >> 12) as u8, 0x80 | ((v >> 6) & 0x3F) as u8, 0x80 | (v & 0x3F) as u8],
            };
            Some((bytes, n + 1))
        }
        b'0'..=b'7' => {
            let d = |k: usize| p.get(k).and_then(|&x| (b'0'..=b'7').contains(&x).then(|| u32::from(x - b'0')));
            let v = d(0)? * 64 + d(1)? * 8 + d(2)?;
            (v != 0 && v <= 255).then(|| (vec![v as u8], 3))
        }
        _ => None,
    }
}

/// Read `systemctl show --property=Environment` output: `Environment=` followed by the
/// assignments, each as `shell_maybe_quote` printed it (R-SRC-SYSTEMCTL-SHOW).
pub fn parse_show(text: &str, path: &str) -> Result<Imported, SourceError> {
    let mut out = Imported::default();
    let mut seen = false;
    for (i, raw) in text.split('\n').enumerate() {
        let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let Some(rest) = raw.strip_prefix("Environment=") else {
            continue;
        };
        seen = true;
        let b = rest.as_bytes();
        let mut j = 0;
        while j < b.len() {
            while j < b.len() && b[j] == b' ' {
                j += 1;
            }
            if j >= b.len() {
                break;
            }
            let start = j;
            let mut w: Vec<u8> = vec![];
            if b[j] == b'"' {
                j += 1;
                loop {
                    let Some(&c) = b.get(j) else {
                        let col = u32::try_from("Environment=".len() + start + 1).unwrap_or(u32::MAX);
                        return Err(SourceError {
                            path: path.into(),
                            line,
                            column: col,
                            message: "unterminated quoted assignment".into(),
                        });
                    };
                    j += 1;
                    match c {
                        b'"' => break,
                        b'\\' => {
                            let Some(&e) = b.get(j) else { continue };
                            match e {
                                b'"' | b'\\' | b'`' | b'$' => {
                                    w.push(e);
                                    j += 1;
                                }
                                _ => match cunescape_one(&b[j..]) {
                                    Some((bytes, used)) => {
                                        w.extend_from_slice(&bytes);
                                        j += used;
                                    }
                                    None => w.push(b'\\'),
                                },
                            }
                        }
                        _ => w.push(c),
                    }
                }
            } else {
                while j < b.len() && b[j] != b' ' {
                    w.push(b[j]);
                    j += 1;
                }
            }
            let w = String::from_utf8_lossy(&w).into_owned();
            match w.split_once('=') {
                Some((n, v)) if !n.is_empty() => out.env.push(file_var(n, v, path, line)),
                _ => out.findings.push(finding(
                    FindingKind::Ignored,
                    path,
                    line,
                    format!("not an assignment: {}", shown(&w)),
                )),
            }
        }
    }
    if !seen {
        return Err(SourceError {
            path: path.into(),
            line: 1,
            column: 1,
            message:
                "no line starting with Environment= (expected `systemctl show --property=Environment UNIT` output)"
                    .into(),
        });
    }
    Ok(out)
}

/// Quote one `NAME=value` assignment for `Environment=` so that systemd reads it back exactly:
/// the whole word in double quotes, `\` and `"` escaped, control characters as C escapes,
/// `%` doubled (specifiers are expanded inside quotes too).
pub(crate) fn quote_assignment(name: &str, value: &str) -> String {
    let mut out = String::from("\"");
    for c in name.chars().chain(std::iter::once('=')).chain(value.chars()) {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '%' => out.push_str("%%"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
