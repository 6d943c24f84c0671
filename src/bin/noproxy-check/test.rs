//! `noproxy-check test FILE|DIR...`: run every expectation of scenario files.

use std::fmt::Write as _;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use noproxy::scenario::{self, Report, SourceLoader};
use noproxy::{EnvVar, Provenance, ProxyEnv};

use crate::common::{reject_env_options, usage_error, Args, Opt};

pub const OPTS: &[Opt] = &[Opt { names: &["--junit"], takes_value: true }];

/// The file extension `test` and `fmt` look for in directories.
pub const EXTENSION: &str = "scenario";

/// Scenario files named by `paths`: files as given, directories searched recursively for
/// `*.scenario` (sorted). `Err`: a path that does not exist.
pub fn scenario_files(paths: &[String]) -> Result<Vec<PathBuf>, String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
        let mut entries: Vec<PathBuf> = fs::read_dir(dir)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out)?;
            } else if p.extension().is_some_and(|x| x == EXTENSION) {
                out.push(p);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for p in paths {
        let path = Path::new(p);
        if path.is_dir() {
            walk(path, &mut out).map_err(|e| format!("cannot read directory {p}: {e}"))?;
        } else if path.exists() {
            out.push(path.to_path_buf());
        } else {
            return Err(format!("no such file or directory: {p}"));
        }
    }
    Ok(out)
}

/// `import env PATH`: `NAME=VALUE` lines, read relative to the scenario file's directory.
/// Formats of the sources module (systemd, docker-config, runner-toml, …) are not wired yet.
struct FileLoader {
    dir: PathBuf,
}

impl SourceLoader for FileLoader {
    fn load(&self, format: &str, path: &str) -> Result<ProxyEnv, String> {
        match format {
            "env" => {
                let full = self.dir.join(path);
                let text = fs::read_to_string(&full).map_err(|e| format!("cannot read {}: {e}", full.display()))?;
                parse_env_file(path, &text)
            }
            other => {
                // Every format of `noproxy::sources` (`--from` formats), path relative to the
                // scenario file; provenance names the path as written in the scenario.
                let fmt: noproxy::sources::Format = other.parse()?;
                let full = self.dir.join(path);
                let text = fs::read_to_string(&full).map_err(|e| format!("cannot read {}: {e}", full.display()))?;
                noproxy::sources::import(fmt, &text, path).map(|i| i.env).map_err(|e| e.to_string())
            }
        }
    }
}

/// `NAME=VALUE` per line, value verbatim to the end of the line (no quotes, no escapes, like
/// `docker run --env-file`); leading blanks, empty lines and lines starting with `#` skipped.
fn parse_env_file(path: &str, text: &str) -> Result<ProxyEnv, String> {
    let mut env = ProxyEnv::new();
    for (n, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((name, value)) = line.split_once('=') else {
            return Err(format!("{path}:{}: expected NAME=VALUE", n + 1));
        };
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Err(format!("{path}:{}: bad variable name {name:?}", n + 1));
        }
        env.push(EnvVar {
            name: name.to_owned(),
            value: value.to_owned(),
            lossy: false,
            provenance: Provenance::File { path: path.to_owned(), line: u32::try_from(n + 1).unwrap_or(u32::MAX) },
        });
    }
    Ok(env)
}

/// XML text/attribute escaping; characters XML 1.0 forbids are written as `\u{..}`.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Per file: its name, its parse errors, and its report.
type FileResult = (String, Vec<String>, Report);

fn junit(files: &[FileResult]) -> String {
    let tests: usize = files.iter().map(|(_, e, r)| r.results.len() + usize::from(!e.is_empty())).sum();
    let failures: usize = files.iter().map(|(_, _, r)| r.failed()).sum();
    let errors = files.iter().filter(|(_, e, _)| !e.is_empty()).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"noproxy-check test\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">"
    );
    for (name, errs, report) in files {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
            xml(name),
            report.results.len() + usize::from(!errs.is_empty()),
            report.failed(),
            usize::from(!errs.is_empty())
        );
        if !errs.is_empty() {
            let _ = writeln!(
                out,
                "    <testcase classname=\"{0}\" name=\"parse {0}\">\n      <error message=\"{1}\">{2}</error>\n    </testcase>",
                xml(name),
                xml(&errs[0]),
                xml(&errs.join("\n"))
            );
        }
        for r in &report.results {
            let _ = write!(out, "    <testcase classname=\"{}\" name=\"{}\"", xml(name), xml(&r.name()));
            match &r.failure {
                None => out.push_str("/>\n"),
                Some(why) => {
                    let _ = writeln!(
                        out,
                        ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>",
                        xml(why),
                        xml(&r.to_string())
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

pub fn run(a: Args) -> ExitCode {
    if let Some(code) = reject_env_options(&a, "test") {
        return code;
    }
    if a.rest.is_empty() {
        return usage_error("test needs at least one scenario FILE or DIR");
    }
    let files = match scenario_files(&a.rest) {
        Ok(f) if f.is_empty() => {
            return usage_error(&format!("no *.{EXTENSION} files in {}", a.rest.join(" ")));
        }
        Ok(f) => f,
        Err(e) => return usage_error(&e),
    };
    let mut out = io::stdout().lock();
    let mut results: Vec<FileResult> = Vec::new();
    let mut total = Report::default();
    let mut parse_failed = false;
    for path in &files {
        let name = path.display().to_string();
        let text = match fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("noproxy-check: cannot read {name}: {e}");
                parse_failed = true;
                results.push((name.clone(), vec![format!("{name}: cannot read: {e}")], Report::default()));
                continue;
            }
        };
        let file = match scenario::parse(&name, &text) {
            Ok(f) => f,
            Err(errs) => {
                for e in &errs {
                    eprintln!("{e}");
                }
                parse_failed = true;
                results.push((name, errs.iter().map(|e| e.to_string()).collect(), Report::default()));
                continue;
            }
        };
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let report = scenario::run_file(&name, &file, &FileLoader { dir });
        for r in report.failures() {
            if writeln!(out, "{r}\n").is_err() {
                return ExitCode::from(1);
            }
        }
        total.extend(report.clone());
        results.push((name, vec![], report));
    }
    if writeln!(out, "{}", total.summary()).is_err() {
        return ExitCode::from(1);
    }
    if let Some(path) = a.opt("--junit") {
        if let Err(e) = fs::write(path, junit(&results)) {
            eprintln!("noproxy-check: cannot write {path}: {e}");
            return ExitCode::from(2);
        }
    }
    if parse_failed {
        ExitCode::from(2)
    } else if total.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_markup_and_forbidden_characters() {
        assert_eq!(xml("a<b>&\"c'\u{1b}\n"), "a&lt;b&gt;&amp;&quot;c&apos;\\u{1b}\n");
    }

    #[test]
    fn env_files_keep_values_verbatim() {
        let env =
            parse_env_file("x.env", "# c\n\n  HTTPS_PROXY=http://a.invalid:1 # not a comment\nno_proxy=\r\n").unwrap();
        assert_eq!(env.get("HTTPS_PROXY"), Some("http://a.invalid:1 # not a comment"));
        assert_eq!(env.get("no_proxy"), Some(""));
        assert!(parse_env_file("x.env", "JUSTNAME\n").is_err());
    }
}
