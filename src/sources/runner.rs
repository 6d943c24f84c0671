//! GitLab Runner `config.toml`: each `[[runners]]` `environment = [...]`, and what its
//! `pre_get_sources_script` / `pre_clone_script` / `pre_build_script` establish — the guide's
//! `git config --global http.proxy …` and the `~/.docker/config.json` it writes.
//!
//! Read from gitlab-org/gitlab-runner @ `d79f3e7b` `docs/configuration/proxy.md` ("Adding the
//! Proxy to the Docker containers", "Proxy settings when using dind service") and
//! `docs/configuration/advanced-configuration.md` (`[[runners]]` keys). See spec.md
//! R-SRC-RUNNER-*.

use crate::env::ProxyEnv;

use super::docker::DockerConfig;
use super::shell::{self, Word};
use super::toml::{self, TValue};
use super::{file_var, finding, shown, spelling_findings, Finding, FindingKind, Imported, LineIndex, SourceError};

/// A `git config` proxy setting a script makes. `Debug` redacts credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct GitProxy {
    /// The git key as written (`http.proxy`, `https.proxy`, `http.<url>.proxy`).
    pub key: String,
    /// The value after shell expansion with the runner's `environment`.
    pub value: String,
    /// Which script (`pre_get_sources_script`, …).
    pub script: &'static str,
    /// 1-based line of the script in `config.toml`.
    pub line: u32,
}

impl std::fmt::Debug for GitProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GitProxy")
            .field("key", &self.key)
            .field("value", &crate::redact_value(&self.value))
            .field("script", &self.script)
            .field("line", &self.line)
            .finish()
    }
}

/// One `[[runners]]` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Runner {
    /// `name`, when set.
    pub name: Option<String>,
    /// 1-based line of its `[[runners]]` header.
    pub line: u32,
    /// The job environment: `environment` entries in order (a repeated name: the later entry
    /// wins), then variables the `pre_build_script` exports.
    pub env: ProxyEnv,
    /// `git config … *.proxy` settings the scripts make.
    pub git_proxies: Vec<GitProxy>,
    /// The Docker CLI `config.json` that `pre_build_script` writes, parsed (values expanded
    /// with `environment`; lines are the script's line in `config.toml`).
    pub docker_config: Option<DockerConfig>,
    /// Findings for this runner.
    pub findings: Vec<Finding>,
}

const SCRIPTS: [&str; 3] = ["pre_get_sources_script", "pre_clone_script", "pre_build_script"];

/// Every `[[runners]]` of a `config.toml`.
pub fn parse(text: &str, path: &str) -> Result<Vec<Runner>, SourceError> {
    let sections = toml::parse(text).map_err(|(o, m)| SourceError::at(path, text, o, m))?;
    let lines = LineIndex::new(text);
    let mut runners = vec![];
    for sec in &sections {
        if sec.header != ["runners"] {
            continue;
        }
        if !sec.is_array {
            return Err(SourceError {
                path: path.into(),
                line: 1,
                column: 1,
                message: "[runners] must be an array of tables: write [[runners]]".into(),
            });
        }
        let header_line = lines.line(sec.at);
        let mut r = Runner { line: header_line, ..Runner::default() };
        for (key, at, v) in &sec.entries {
            let key = key.join(".");
            match (key.as_str(), v) {
                ("name", TValue::Str(s)) => r.name = Some(s.clone()),
                ("environment", TValue::Array(items)) => {
                    for (iat, item) in items {
                        let iline = lines.line(*iat);
                        let TValue::Str(s) = item else {
                            return Err(SourceError::at(path, text, *iat, "environment entries must be strings"));
                        };
                        match s.split_once('=') {
                            Some((n, val)) if !n.is_empty() => r.env.push(file_var(n, val, path, iline)),
                            _ => r.findings.push(finding(
                                FindingKind::Ignored,
                                path,
                                iline,
                                format!("environment entry {} has no NAME=", shown(s)),
                            )),
                        }
                    }
                }
                ("environment", _) => {
                    return Err(SourceError::at(
                        path,
                        text,
                        *at,
                        "environment must be an array of \"NAME=value\" strings",
                    ))
                }
                (k, TValue::Str(_)) if SCRIPTS.contains(&k) => {}
                (k, _) if SCRIPTS.contains(&k) => {
                    return Err(SourceError::at(path, text, *at, format!("{k} must be a string")))
                }
                _ => {}
            }
        }
        // Scripts run with the whole `environment`, wherever it is written in the table.
        for script_key in SCRIPTS {
            for (key, at, v) in &sec.entries {
                if let (true, TValue::Str(script)) = (key.join(".") == script_key, v) {
                    scan_script(script_key, script, path, lines.line(*at), &mut r);
                }
            }
        }
        let spell = spelling_findings(&r.env, path);
        r.findings.extend(spell);
        runners.push(r);
    }
    Ok(runners)
}

/// `--from runner-toml`: the first runner's job environment, with every runner's findings.
pub fn import(text: &str, path: &str) -> Result<Imported, SourceError> {
    let runners = parse(text, path)?;
    let mut out = Imported::default();
    if runners.is_empty() {
        out.findings.push(finding(FindingKind::Ignored, path, 1, "no [[runners]] entry"));
        return Ok(out);
    }
    if runners.len() > 1 {
        let first = runners[0].name.clone().unwrap_or_else(|| "(unnamed)".into());
        out.findings.push(finding(
            FindingKind::Ambiguous,
            path,
            runners[0].line,
            format!("{} [[runners]] entries; using the first ({first})", runners.len()),
        ));
    }
    out.env = runners[0].env.clone();
    for r in runners {
        out.findings.extend(r.findings);
    }
    Ok(out)
}

pub(crate) fn scan_script(key: &'static str, script: &str, path: &str, line: u32, r: &mut Runner) {
    let env = r.env.clone();
    let lookup = |n: &str| env.get(n).map(str::to_owned);
    let (cmds, err) = shell::commands(script, &lookup);
    if let Some((_, m)) = err {
        r.findings.push(finding(
            FindingKind::NotFollowed,
            path,
            line,
            format!("{key}: {m}; the rest of the script is not read"),
        ));
    }
    for c in cmds {
        let w: Vec<&str> = c.words.iter().map(|w| w.text.as_str()).collect();
        let unexpanded: Vec<&String> =
            c.words.iter().chain(c.redirect.iter()).flat_map(|w| w.unexpanded.iter()).collect();
        // git config [--global|--system|--local] KEY VALUE
        if w.first() == Some(&"git") && w.get(1) == Some(&"config") {
            let args: Vec<&Word> = c.words[2..].iter().filter(|x| !x.text.starts_with("--")).collect();
            if let [k, v, ..] = args.as_slice() {
                if k.text.to_ascii_lowercase().ends_with(".proxy") {
                    note_unexpanded(&v.unexpanded, key, path, line, r);
                    r.findings.push(finding(
                        FindingKind::GitProxy,
                        path,
                        line,
                        format!(
                            "{key} sets git {} = {} (git reads this instead of the environment)",
                            k.text,
                            shown(&v.text)
                        ),
                    ));
                    r.git_proxies.push(GitProxy { key: k.text.clone(), value: v.text.clone(), script: key, line });
                }
            }
            continue;
        }
        let target = c.redirect.as_ref().map(|t| t.text.as_str()).unwrap_or("");
        if target.ends_with(".docker/config.json") && matches!(w.first(), Some(&"echo") | Some(&"printf")) {
            let Some(json) = written_text(&w) else { continue };
            let names: Vec<String> =
                unexpanded.iter().filter(|n| n.as_str() != "HOME").map(|n| n.to_string()).collect();
            note_unexpanded(&names, key, path, line, r);
            if w[0] == "echo" && json.contains('\\') {
                r.findings.push(finding(
                    FindingKind::Ambiguous,
                    path,
                    line,
                    format!(
                        "{key}: echo with a backslash: dash's echo interprets it, bash's does not; use printf '%s\\n'"
                    ),
                ));
            }
            match DockerConfig::parse(&json, path) {
                Ok(mut cfg) => {
                    for (_, b) in cfg.blocks.iter_mut() {
                        for l in [&mut b.http_proxy, &mut b.https_proxy, &mut b.no_proxy, &mut b.ftp_proxy, &mut b.all_proxy]
                            .into_iter()
                            .flatten()
                        {
                            l.line = line;
                        }
                    }
                    r.findings.push(finding(
                        FindingKind::DockerConfigWritten,
                        path,
                        line,
                        format!("{key} writes {target}: docker run in the job injects its proxies into containers"),
                    ));
                    r.docker_config = Some(cfg);
                }
                Err(e) => r.findings.push(finding(
                    FindingKind::Ignored,
                    path,
                    line,
                    format!("{key} writes {target}, but after shell expansion it is not valid JSON ({}): docker ignores it with a warning", e.message),
                )),
            }
            continue;
        }
        // `export NAME=value` / `NAME=value` in the build stage become job variables.
        if key == "pre_build_script" {
            let words: Vec<&Word> = c.words.iter().filter(|x| !(x.assign.is_none() && x.text == "export")).collect();
            if !words.is_empty()
                && words.iter().all(|x| x.assign.is_some())
                && c.words.iter().any(|x| x.text == "export")
            {
                for x in words {
                    if let Some(n) = &x.assign {
                        r.env.push(file_var(n, &x.text, path, line));
                    }
                }
            }
        }
    }
}

fn note_unexpanded(names: &[String], key: &str, path: &str, line: u32, r: &mut Runner) {
    for n in names {
        r.findings.push(finding(
            FindingKind::Unexpanded,
            path,
            line,
            format!("{key}: ${n} is not in this runner's environment; taken as empty (at job time it may come from CI/CD variables)"),
        ));
    }
}

/// The text `echo ARGS` or `printf FORMAT [ARG]` writes (without the trailing newline).
fn written_text(w: &[&str]) -> Option<String> {
    match w.first()? {
        &"echo" => {
            let args: Vec<&str> =
                w[1..].iter().copied().skip_while(|a| *a == "-n" || *a == "-e" || *a == "-E").collect();
            Some(args.join(" "))
        }
        _ => {
            let fmt = *w.get(1)?;
            if fmt == "%s" || fmt == "%s\\n" {
                return w.get(2).map(|s| s.to_string());
            }
            Some(fmt.replace("%%", "%").replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\"))
        }
    }
}
