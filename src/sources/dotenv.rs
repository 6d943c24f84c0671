//! Environment blocks, dotenv and shell `export` files.
//!
//! * [`parse_env_block`]: `NAME=value` per line exactly as `env` prints it, or NUL-separated as
//!   `/proc/PID/environ` holds it. No quoting: everything after the first `=` is the value
//!   (R-SRC-ENV-BLOCK).
//! * [`parse`]: a file meant to be sourced by a POSIX shell (`set -a; . ./file`) — which is also
//!   what docker compose, python-dotenv and most dotenv loaders accept for the single-quoted
//!   form noproxy writes. POSIX quoting, optional `export`, `$NAME` expanded from earlier lines
//!   (R-SRC-DOTENV-QUOTING).

use std::collections::HashMap;

use super::shell::{Lexer, Tok, Word};
use super::{file_var, finding, is_env_name, FindingKind, Imported, Lines, SourceError};

/// Read an environment block (see the module docs).
pub fn parse_env_block(text: &str, path: &str) -> Result<Imported, SourceError> {
    let mut out = Imported::default();
    let nul = text.contains('\0');
    let sep = if nul { '\0' } else { '\n' };
    let mut lines = Lines::new(text);
    let mut offset = 0;
    for (i, entry) in text.split(sep).enumerate() {
        let start = offset;
        offset += entry.len() + 1;
        let entry = if nul { entry } else { entry.strip_suffix('\r').unwrap_or(entry) };
        if entry.is_empty() {
            continue;
        }
        // With NUL separators a value may span lines; provenance is the entry's 1-based index.
        let line = if nul { u32::try_from(i + 1).unwrap_or(u32::MAX) } else { lines.at(start) };
        match entry.split_once('=') {
            Some((name, value)) if !name.is_empty() => out.env.push(file_var(name, value, path, line)),
            _ => out.findings.push(finding(
                FindingKind::Ignored,
                path,
                line,
                "entry without NAME= is not an environment variable",
            )),
        }
    }
    Ok(out)
}

/// Read a dotenv / shell file (see the module docs). Anything but assignments (optionally
/// after `export`) is an error with its line and column.
pub fn parse(text: &str, path: &str) -> Result<Imported, SourceError> {
    let mut out = Imported::default();
    let mut known: HashMap<String, String> = HashMap::new();
    let mut lx = Lexer::new(text);
    let mut lines = Lines::new(text);
    let err = |off: usize, msg: String| SourceError::at(path, text, off, msg);
    // One simple command at a time.
    loop {
        let mut words: Vec<Word> = vec![];
        let mut export = false;
        let mut pending: Vec<(String, String, u32)> = vec![];
        let mut end = false;
        loop {
            let lookup = |n: &str| known.get(n).cloned();
            match lx.next_tok(&lookup).map_err(|(o, m)| err(o, m))? {
                None => {
                    end = true;
                    break;
                }
                Some(Tok::Newline(_)) | Some(Tok::Op(";", _)) => break,
                Some(Tok::Op(op, at)) => {
                    return Err(err(at, format!("{op:?}: only NAME=value assignments are understood here")))
                }
                Some(Tok::Word(w)) => {
                    if words.is_empty()
                        && pending.is_empty()
                        && !export
                        && w.assign.is_none()
                        && !w.quoted
                        && w.text == "export"
                    {
                        export = true;
                        continue;
                    }
                    let line = lines.at(w.start);
                    for n in &w.unexpanded {
                        out.findings.push(finding(
                            FindingKind::Unexpanded,
                            path,
                            line,
                            format!("${n} is not set earlier in this file; taken as empty (a shell would use its own environment)"),
                        ));
                    }
                    match &w.assign {
                        Some(name) => {
                            if export {
                                // `export A=1 B=$A`: arguments are expanded before export runs.
                                pending.push((name.clone(), w.text.clone(), line));
                            } else {
                                known.insert(name.clone(), w.text.clone());
                                out.env.push(file_var(name, &w.text, path, line));
                            }
                        }
                        None if export && is_env_name(&w.text) => {
                            // `export NAME`: marks an existing variable; nothing new.
                        }
                        None => words.push(w),
                    }
                }
            }
        }
        for (name, value, line) in pending {
            known.insert(name.clone(), value.clone());
            out.env.push(file_var(&name, &value, path, line));
        }
        if let Some(w) = words.first() {
            return Err(err(w.start, "not an assignment: only NAME=value and export NAME=value are understood".into()));
        }
        if end {
            break;
        }
    }
    Ok(out)
}
