//! Write a [`ProxyEnv`] into each format, so that reading it back gives the same variables
//! (R-SRC-RENDER-ROUNDTRIP). Rendering writes credentials — that is its job — and says so in
//! [`Rendered::warnings`].

use std::fmt;
use std::str::FromStr;

use crate::env::{EnvVar, ProxyEnv};
use crate::secret::redact_value;

use super::{gitlab_ci, json, shell, systemd, toml};

/// The formats noproxy writes (`render --to FORMAT`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Target {
    /// A systemd drop-in (`[Service]` `Environment=`).
    Systemd,
    /// Docker daemon `daemon.json` `"proxies"` (HTTP, HTTPS, NO only).
    DaemonJson,
    /// Docker CLI `config.json` `"proxies"` `"default"` block.
    DockerConfig,
    /// GitLab Runner `[[runners]]`: `environment` with both spellings and a `pre_build_script`
    /// that writes `~/.docker/config.json`.
    RunnerToml,
    /// `.gitlab-ci.yml` `before_script` exporting the variables and writing `~/.docker/config.json`.
    GitlabCi,
    /// `export NAME='value'` lines.
    Shell,
    /// `NAME='value'` lines.
    Dotenv,
}

/// Every target with its `--to` name.
pub const TARGETS: &[(&str, Target)] = &[
    ("systemd", Target::Systemd),
    ("daemon-json", Target::DaemonJson),
    ("docker-config", Target::DockerConfig),
    ("runner-toml", Target::RunnerToml),
    ("gitlab-ci", Target::GitlabCi),
    ("shell", Target::Shell),
    ("dotenv", Target::Dotenv),
];

impl FromStr for Target {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        TARGETS.iter().find(|(n, _)| *n == s).map(|(_, t)| *t).ok_or_else(|| {
            let names: Vec<&str> = TARGETS.iter().map(|(n, _)| *n).collect();
            format!("unknown render format {s:?}; known: {}", names.join(", "))
        })
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(TARGETS.iter().find(|(_, t)| t == self).map(|(n, _)| *n).unwrap_or("?"))
    }
}

/// The rendered text and what the caller should be told. `Debug` shows the text's size, not
/// the text (it holds credentials).
#[derive(Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The file content (credentials included, as given).
    pub text: String,
    /// Warnings (credentials written, variables that this format cannot hold, …); values
    /// redacted.
    pub warnings: Vec<String>,
}

impl fmt::Debug for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rendered")
            .field("text", &format_args!("<{} bytes>", self.text.len()))
            .field("warnings", &self.warnings)
            .finish()
    }
}

/// The five kinds Docker knows, as `(UPPER, config.json key, daemon.json key)`.
const KINDS: [(&str, &str, Option<&str>); 5] = [
    ("HTTP_PROXY", "httpProxy", Some("http-proxy")),
    ("HTTPS_PROXY", "httpsProxy", Some("https-proxy")),
    ("NO_PROXY", "noProxy", Some("no-proxy")),
    ("FTP_PROXY", "ftpProxy", None),
    ("ALL_PROXY", "allProxy", None),
];

/// Render `env` (its proxy variables, in order) as `target`.
pub fn render(target: Target, env: &ProxyEnv) -> Rendered {
    let mut warnings = vec![];
    let vars: Vec<&EnvVar> = env
        .vars()
        .iter()
        .filter(|v| crate::is_proxy_variable(&v.name))
        .filter(|v| {
            let ok = super::is_env_name(&v.name);
            if !ok {
                warnings.push(format!("{:?} is not a portable variable name; left out", v.name));
            }
            ok
        })
        .collect();
    for v in &vars {
        if redact_value(&v.value) != v.value {
            warnings.push(format!(
                "{} carries credentials ({}); they are written in clear text — restrict the file's permissions",
                v.name,
                redact_value(&v.value)
            ));
        }
    }
    let text = match target {
        Target::Systemd => {
            let mut t = String::from("[Service]\n");
            for v in &vars {
                t.push_str(&format!("Environment={}\n", systemd::quote_assignment(&v.name, &v.value)));
            }
            t
        }
        Target::Shell | Target::Dotenv => {
            let export = if target == Target::Shell { "export " } else { "" };
            vars.iter().map(|v| format!("{export}{}={}\n", v.name, shell::quote(&v.value))).collect()
        }
        Target::DaemonJson => {
            let picked = docker_kinds(env, &mut warnings, true);
            let mut t = String::from("{\n  \"proxies\": {");
            let body: Vec<String> = picked
                .iter()
                .filter_map(|(k, v)| {
                    KINDS
                        .iter()
                        .find(|x| x.0 == *k)
                        .and_then(|x| x.2)
                        .map(|key| format!("\n    {}: {}", json::quote(key), json::quote(v)))
                })
                .collect();
            t.push_str(&body.join(","));
            t.push_str("\n  }\n}\n");
            t
        }
        Target::DockerConfig => {
            let picked = docker_kinds(env, &mut warnings, false);
            format!(
                "{{\n  \"proxies\": {{\n    \"default\": {}\n  }}\n}}\n",
                config_block(&picked, "\n      ", "\n    ")
            )
        }
        Target::RunnerToml => {
            let mut all: Vec<(String, String)> = vars.iter().map(|v| (v.name.clone(), v.value.clone())).collect();
            // both spellings, as the guide recommends
            for (upper, _, _) in KINDS {
                let lower = upper.to_ascii_lowercase();
                let u = env.get(upper);
                let l = env.get(&lower);
                match (u, l) {
                    (Some(v), None) => all.push((lower, v.to_owned())),
                    (None, Some(v)) => all.push((upper.to_owned(), v.to_owned())),
                    _ => {}
                }
            }
            let picked = docker_kinds(env, &mut warnings, false);
            let mut t = String::from("[[runners]]\n  environment = [");
            let items: Vec<String> =
                all.iter().map(|(n, v)| format!("\n    {}", toml::quote(&format!("{n}={v}")))).collect();
            t.push_str(&items.join(","));
            t.push_str("\n  ]\n");
            if !picked.is_empty() {
                t.push_str(&format!("  pre_build_script = {}\n", toml::quote(&config_script(&picked))));
            }
            t
        }
        Target::GitlabCi => {
            let picked = docker_kinds(env, &mut warnings, false);
            let mut t = String::from("before_script:\n");
            for v in &vars {
                t.push_str(&format!(
                    "  - {}\n",
                    gitlab_ci::quote(&format!("export {}={}", v.name, shell::quote(&v.value)))
                ));
            }
            if !picked.is_empty() {
                t.push_str(&format!("  - {}\n", gitlab_ci::quote(&config_script(&picked))));
            }
            t
        }
    };
    Rendered { text, warnings }
}

/// One value per Docker kind: the upper-case spelling if set, else the lower-case one; empty
/// values are left out (Docker skips them).
fn docker_kinds(env: &ProxyEnv, warnings: &mut Vec<String>, daemon: bool) -> Vec<(&'static str, String)> {
    let mut out = vec![];
    for (upper, _, dkey) in KINDS {
        let lower = upper.to_ascii_lowercase();
        let (u, l) = (env.get(upper), env.get(&lower));
        if let (Some(a), Some(b)) = (u, l) {
            if a != b {
                warnings.push(format!("{upper} and {lower} differ; {upper} ({}) is written", redact_value(a)));
            }
        }
        let Some(v) = u.or(l).filter(|v| !v.is_empty()) else { continue };
        if daemon && dkey.is_none() {
            warnings.push(format!("daemon.json has no setting for {upper}; left out"));
            continue;
        }
        out.push((upper, v.to_owned()));
    }
    out
}

fn config_block(picked: &[(&str, String)], indent: &str, close: &str) -> String {
    let body: Vec<String> = picked
        .iter()
        .filter_map(|(k, v)| {
            KINDS.iter().find(|x| x.0 == *k).map(|x| format!("{indent}{}: {}", json::quote(x.1), json::quote(v)))
        })
        .collect();
    format!("{{{}{close}}}", body.join(","))
}

/// `mkdir -p "$HOME/.docker" && printf '%s\n' '<json>' > "$HOME/.docker/config.json"`: the JSON
/// is written literally (JSON-escaped, then single-quoted for the shell), never through `$VAR`
/// inside double quotes, so quotes, backslashes and `$` in values survive.
fn config_script(picked: &[(&str, String)]) -> String {
    let json = format!("{{\"proxies\":{{\"default\":{}}}}}", config_block(picked, "", ""));
    format!("mkdir -p \"$HOME/.docker\" && printf '%s\\n' {} > \"$HOME/.docker/config.json\"", shell::quote(&json))
}
