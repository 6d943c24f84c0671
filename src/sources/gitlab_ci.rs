//! `.gitlab-ci.yml` `before_script`: the subset noproxy renders — a YAML block sequence of
//! scalars (plain, 'single' or "double" quoted) whose shell commands `export NAME=value`
//! (R-SRC-GITLAB-CI). Other YAML is skipped, other commands are ignored.

use std::collections::HashMap;

use super::shell;
use super::{file_var, finding, FindingKind, Imported, SourceError};

/// Read the `export` lines of every `before_script` list.
pub fn parse(text: &str, path: &str) -> Result<Imported, SourceError> {
    let mut out = Imported::default();
    let mut known: HashMap<String, String> = HashMap::new();
    let mut in_list: Option<usize> = None; // indent of the `before_script:` key
    for (i, raw) in text.split('\n').enumerate() {
        let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let body = raw.trim_start();
        let indent = raw.len() - body.len();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        if let Some(key_indent) = in_list {
            if let Some(item) = body.strip_prefix("- ").or_else(|| (body == "-").then_some("")) {
                if indent >= key_indent {
                    let col = indent + 3;
                    let script = scalar(item.trim()).map_err(|m| SourceError {
                        path: path.into(),
                        line,
                        column: u32::try_from(col).unwrap_or(u32::MAX),
                        message: m,
                    })?;
                    let lookup = |n: &str| known.get(n).cloned();
                    let (cmds, err) = shell::commands(&script, &lookup);
                    if let Some((_, m)) = err {
                        out.findings.push(finding(FindingKind::NotFollowed, path, line, m));
                    }
                    // config.json writes and git proxy settings, as for a Runner script
                    let mut r = super::runner::Runner { env: out.env.clone(), ..Default::default() };
                    super::runner::scan_script("before_script", &script, path, line, &mut r);
                    out.findings.extend(r.findings.into_iter().filter(|f| f.kind != FindingKind::NotFollowed));
                    for c in cmds {
                        if c.words.first().is_some_and(|w| w.assign.is_none() && w.text == "export") {
                            for w in &c.words[1..] {
                                if let Some(n) = &w.assign {
                                    known.insert(n.clone(), w.text.clone());
                                    out.env.push(file_var(n, &w.text, path, line));
                                }
                            }
                        }
                    }
                    continue;
                }
            }
            if indent <= key_indent {
                in_list = None;
            } else {
                continue;
            }
        }
        if body == "before_script:"
            || body.starts_with("before_script: ") && body["before_script:".len()..].trim().starts_with('#')
        {
            in_list = Some(indent);
        }
    }
    Ok(out)
}

/// A YAML flow scalar on one line.
fn scalar(s: &str) -> Result<String, String> {
    if let Some(rest) = s.strip_prefix('\'') {
        let mut out = String::new();
        let mut it = rest.chars().peekable();
        while let Some(c) = it.next() {
            if c == '\'' {
                if it.peek() == Some(&'\'') {
                    it.next();
                    out.push('\'');
                } else {
                    return Ok(out);
                }
            } else {
                out.push(c);
            }
        }
        return Err("unterminated single-quoted scalar".into());
    }
    if let Some(rest) = s.strip_prefix('"') {
        let mut out = String::new();
        let mut it = rest.chars();
        while let Some(c) = it.next() {
            match c {
                '"' => return Ok(out),
                '\\' => match it.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('\\') => out.push('\\'),
                    Some('"') => out.push('"'),
                    Some('/') => out.push('/'),
                    Some('0') => out.push('\0'),
                    Some('x') => {
                        let h: String = it.by_ref().take(2).collect();
                        out.push(u32::from_str_radix(&h, 16).ok().and_then(char::from_u32).ok_or("bad \\x escape")?);
                    }
                    Some('u') => {
                        let h: String = it.by_ref().take(4).collect();
                        out.push(u32::from_str_radix(&h, 16).ok().and_then(char::from_u32).ok_or("bad \\u escape")?);
                    }
                    _ => return Err("unknown escape in double-quoted scalar".into()),
                },
                c => out.push(c),
            }
        }
        return Err("unterminated double-quoted scalar".into());
    }
    // plain scalar: a comment starts at " #"
    Ok(s.split(" #").next().unwrap_or("").trim_end().to_owned())
}

/// Write `s` as a YAML double-quoted scalar on one line.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
