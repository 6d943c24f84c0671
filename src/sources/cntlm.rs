//! cntlm `cntlm.conf`: the local proxy every other file should point at, and what is risky
//! about it.
//!
//! Read from versat/cntlm @ `090c7ba2` `config.c` (`config_open`: keyword, whitespace, value;
//! `#`/`;` comment lines; an unquoted value ends at the first `#`; a quoted value at the next
//! `"`; the last line is dropped when the file does not end with a newline), `utils.c`
//! (`hlist_get`: keywords compare with `strcasecmp`, the first occurrence of a single option
//! counts) and `main.c` (`listen_add`: a port-only `Listen` binds `INADDR_LOOPBACK`, or
//! `INADDR_ANY` with `Gateway yes`). See spec.md R-SRC-CNTLM-*.

use std::net::IpAddr;

use super::{file_var, finding, FindingKind, Imported, SourceError};

/// The docker0 address the GitLab guide assumes (`ip -4 -oneline addr show dev docker0`).
pub const DOCKER0_DEFAULT: &str = "172.17.0.1";

/// One `Listen` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Listen {
    /// The address cntlm binds (`None`: none written; see [`Listen::bind`]).
    pub addr: Option<String>,
    /// The port.
    pub port: u16,
    /// 1-based line.
    pub line: u32,
}

impl Listen {
    /// The address actually bound: as written, else `0.0.0.0` with `Gateway yes`, else
    /// `127.0.0.1`.
    pub fn bind(&self, gateway: bool) -> String {
        match &self.addr {
            Some(a) => a.clone(),
            None if gateway => "0.0.0.0".into(),
            None => "127.0.0.1".into(),
        }
    }
}

/// What `cntlm.conf` says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CntlmConf {
    /// `Listen` entries in order.
    pub listen: Vec<Listen>,
    /// `Proxy` (parent proxies) values with their lines.
    pub parents: Vec<(String, u32)>,
    /// `Gateway yes`.
    pub gateway: bool,
    /// `NoProxy` value (cntlm's own bypass list), with its line.
    pub no_proxy: Option<(String, u32)>,
    /// Lines holding a plain-text `Password`.
    pub password_lines: Vec<u32>,
    /// Lines holding `PassNTLMv2` / `PassNT` / `PassLM` hashes.
    pub hash_lines: Vec<u32>,
}

/// Parse `cntlm.conf` the way `config_open` does (never fails; unreadable lines are skipped as
/// cntlm skips them).
pub fn parse(text: &str) -> CntlmConf {
    let mut c = CntlmConf::default();
    let mut seen_gateway = false;
    let lines: Vec<&str> = text.split('\n').collect();
    for (i, raw) in lines.iter().enumerate() {
        // fgets + feof: a last line without '\n' is never processed.
        if i + 1 == lines.len() {
            break;
        }
        let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let l = raw.trim_start();
        if l.is_empty() || l.starts_with('#') || l.starts_with(';') {
            continue;
        }
        let kend = l.find(|ch: char| !ch.is_ascii_alphanumeric()).unwrap_or(l.len());
        let (key, rest) = l.split_at(kend);
        if rest.starts_with('[') || key.is_empty() {
            continue; // section header or malformed
        }
        let rest = rest.trim_start();
        if rest.is_empty() || rest.starts_with('#') || rest.starts_with(';') {
            continue;
        }
        let value = if let Some(q) = rest.strip_prefix('"') {
            match q.find('"') {
                Some(e) => q[..e].to_owned(),
                None => continue,
            }
        } else {
            let v = rest.split('#').next().unwrap_or("");
            v.trim_end().to_owned()
        };
        match key.to_ascii_lowercase().as_str() {
            "listen" => {
                let (addr, port) = match value.rsplit_once(':') {
                    Some((a, p)) => (Some(a.trim_matches(['[', ']']).to_owned()), p),
                    None => (None, value.as_str()),
                };
                if let Ok(port) = port.trim().parse::<u16>() {
                    c.listen.push(Listen { addr, port, line });
                }
            }
            "proxy" => c.parents.push((value, line)),
            // single options: the first occurrence counts (CFG_DEFAULT → config_pop → hlist_get)
            "gateway" if !seen_gateway => {
                seen_gateway = true;
                c.gateway = value.eq_ignore_ascii_case("yes");
            }
            "noproxy" if c.no_proxy.is_none() => c.no_proxy = Some((value, line)),
            "password" if !value.is_empty() => c.password_lines.push(line),
            "passntlmv2" | "passnt" | "passlm" if !value.is_empty() => c.hash_lines.push(line),
            _ => {}
        }
    }
    c
}

impl CntlmConf {
    /// The proxy URL clients should use: `http://ADDR:PORT` of the first `Listen` (a wildcard
    /// or missing address becomes the docker0 address the guide expects).
    pub fn local_proxy_url(&self, docker0: &str) -> Option<(String, u32)> {
        let l = self.listen.first()?;
        let bind = l.bind(self.gateway);
        let host = match bind.parse::<IpAddr>() {
            Ok(ip) if ip.is_unspecified() => docker0.to_owned(),
            Ok(IpAddr::V6(_)) => format!("[{bind}]"),
            _ => bind,
        };
        Some((format!("http://{host}:{}/", l.port), l.line))
    }

    /// Typed findings: `Listen` exposure (R-SRC-CNTLM-LISTEN) and credentials in plain text
    /// (R-SRC-CNTLM-CREDENTIALS). `docker0` is the docker0 address to expect.
    pub fn lint(&self, path: &str, docker0: &str) -> Vec<super::Finding> {
        let mut out = vec![];
        for l in &self.listen {
            let bind = l.bind(self.gateway);
            let (kind, msg) = match bind.parse::<IpAddr>() {
                Ok(ip) if ip.is_unspecified() => (
                    FindingKind::ListenExposed,
                    format!("Listen binds every interface ({bind}:{}): the proxy is reachable from outside the host; bind {docker0}", l.port),
                ),
                Ok(ip) if ip.is_loopback() => (
                    FindingKind::ListenLoopbackOnly,
                    format!("Listen binds {bind}:{}: containers cannot reach it; bind the docker0 address {docker0}", l.port),
                ),
                _ if bind == docker0 => continue,
                _ => (FindingKind::ListenNotDocker0, format!("Listen binds {bind}:{}, not the docker0 address {docker0}", l.port)),
            };
            out.push(finding(kind, path, l.line, msg));
        }
        for &line in &self.password_lines {
            out.push(finding(
                FindingKind::PlainTextCredentials,
                path,
                line,
                "Password in plain text; use `cntlm -H` and PassNTLMv2 instead, and keep the file mode 0600",
            ));
        }
        for &line in &self.hash_lines {
            out.push(finding(
                FindingKind::PasswordHash,
                path,
                line,
                "password hash: it authenticates as well as the password does; keep the file mode 0600",
            ));
        }
        out
    }
}

/// `--from cntlm`: `HTTP_PROXY`/`http_proxy`/`HTTPS_PROXY`/`https_proxy` set to the local proxy
/// URL (from the `Listen` line), `NO_PROXY`/`no_proxy` from cntlm's `NoProxy` if any, plus the
/// lint findings against the guide's docker0 address.
pub fn import(text: &str, path: &str) -> Result<Imported, SourceError> {
    let c = parse(text);
    let mut out = Imported { findings: c.lint(path, DOCKER0_DEFAULT), ..Imported::default() };
    let Some((url, line)) = c.local_proxy_url(DOCKER0_DEFAULT) else {
        return Err(SourceError {
            path: path.into(),
            line: 1,
            column: 1,
            message: "no usable Listen line (cntlm drops a last line without a newline)".into(),
        });
    };
    for n in ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"] {
        out.env.push(file_var(n, &url, path, line));
    }
    if let Some((np, line)) = &c.no_proxy {
        // cntlm's NoProxy is cntlm's own bypass list (wildcards, comma/space separated); the
        // guide does not copy it, so it is reported, not exported.
        out.findings.push(finding(
            FindingKind::NotFollowed,
            path,
            *line,
            format!(
                "NoProxy {} is cntlm's own list (shell wildcards), not NO_PROXY syntax; not exported",
                super::shown(np)
            ),
        ));
    }
    Ok(out)
}
