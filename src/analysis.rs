//! Diff mode and entry analysis: where flavors disagree, on which entry, and a URL that shows it.
//!
//! ```
//! use noproxy::{analysis, Flavor, ProxyEnv};
//! let env = ProxyEnv::builder()
//!     .both("https_proxy", "http://proxy.invalid:3128")
//!     .both("no_proxy", ".example.com")
//!     .build();
//! let flavors: Vec<Flavor> = ["go", "curl"].iter().map(|f| f.parse().unwrap()).collect();
//! let d = analysis::diff(&env, &flavors, &["https://example.com/", "https://www.example.com/"]);
//! assert!(!d.agree());
//! let row = &d.rows[0];
//! assert!(!row.agree && d.rows[1].agree);
//! // The cause names the entry and how each side read it.
//! assert!(d.causes[0].summary.contains(".example.com"), "{}", d.causes[0].summary);
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;
use std::ops::Range;

use crate::decision::{Decision, Outcome, Rule};
use crate::env::ProxyEnv;
use crate::flavors::Flavor;
use crate::noproxy::{Entry, EntryKind};
use crate::secret::redact_value;
use crate::target::Target;

/// A decision reduced to what can be compared across flavors: direct, which proxy endpoint
/// (scheme, host and dialled port; never credentials), or an error.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "decision", rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Verdict {
    /// Connects directly.
    Direct,
    /// Connects through this proxy endpoint (`scheme://host:port`).
    Proxy {
        /// `scheme://host:port`, credentials removed.
        endpoint: String,
    },
    /// Fails before connecting.
    Error,
}

impl Verdict {
    /// The verdict of an outcome.
    pub fn of(o: &Outcome) -> Verdict {
        match o {
            Outcome::Direct => Verdict::Direct,
            Outcome::Proxy { proxy, .. } => Verdict::Proxy { endpoint: proxy.endpoint() },
            _ => Verdict::Error,
        }
    }
    /// True for [`Verdict::Proxy`].
    pub fn is_proxy(&self) -> bool {
        matches!(self, Verdict::Proxy { .. })
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Direct => f.write_str("direct"),
            Verdict::Proxy { endpoint } => write!(f, "proxy {endpoint}"),
            Verdict::Error => f.write_str("error"),
        }
    }
}

/// One flavor's decision for one URL.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Cell {
    /// The comparable part.
    pub verdict: Verdict,
    /// The full decision with its explanation.
    pub decision: Decision,
}

/// One URL across every selected flavor.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Row {
    /// The URL, credentials redacted.
    pub url: String,
    /// One cell per flavor, in the order the flavors were given.
    pub cells: Vec<Cell>,
    /// Every flavor reached the same verdict.
    pub agree: bool,
    /// Index into [`Diff::causes`] when the flavors disagree.
    pub cause: Option<usize>,
}

/// The flavors that reached one verdict on a disagreeing URL.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Side {
    /// The verdict.
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub verdict: Verdict,
    /// The flavor IDs.
    pub flavors: Vec<String>,
}

/// A group of disagreeing URLs with one cause.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Cause {
    /// One sentence: who does what, and because of which entry or rule.
    pub summary: String,
    /// The NO_PROXY entry at the heart of it (as written, with its variable and byte span).
    pub entry: Option<EntryRef>,
    /// The sides of the first URL in the group.
    pub sides: Vec<Side>,
    /// Indexes into [`Diff::rows`].
    pub rows: Vec<usize>,
}

/// A NO_PROXY entry as written: which variable, the text and its byte span in the value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct EntryRef {
    /// The variable as spelled (`NO_PROXY`, `no_proxy`).
    pub variable: String,
    /// The entry text as written.
    pub text: String,
    /// Byte span in the value.
    pub span: Range<usize>,
}

/// A flavors × URLs matrix with the disagreements grouped by cause.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Diff {
    /// The flavor IDs, in column order.
    pub flavors: Vec<String>,
    /// One row per URL, in the order given.
    pub rows: Vec<Row>,
    /// Disagreements grouped by cause, in order of first appearance.
    pub causes: Vec<Cause>,
}

impl Diff {
    /// True when every flavor agrees on every URL.
    pub fn agree(&self) -> bool {
        self.rows.iter().all(|r| r.agree)
    }
    /// The rows where flavors disagree.
    pub fn disagreements(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|r| !r.agree)
    }
}

/// Decide every URL with every flavor and group the disagreements by cause.
pub fn diff<S: AsRef<str>>(env: &ProxyEnv, flavors: &[Flavor], urls: &[S]) -> Diff {
    let prepared: Vec<_> = flavors.iter().map(|f| f.prepare(env)).collect();
    let mut rows = Vec::new();
    let mut causes: Vec<Cause> = Vec::new();
    let mut by_key: BTreeMap<String, usize> = BTreeMap::new();
    for url in urls {
        let target = Target::parse(url.as_ref());
        let cells: Vec<Cell> = prepared
            .iter()
            .map(|p| {
                let decision = p.decide_target(&target);
                Cell { verdict: Verdict::of(&decision.outcome), decision }
            })
            .collect();
        let agree = cells.windows(2).all(|w| w[0].verdict == w[1].verdict);
        let mut row = Row { url: target.to_string(), cells, agree, cause: None };
        if !agree {
            let (key, cause) = explain_disagreement(&row.cells);
            let idx = *by_key.entry(key).or_insert_with(|| {
                causes.push(cause);
                causes.len() - 1
            });
            causes[idx].rows.push(rows.len());
            row.cause = Some(idx);
        }
        rows.push(row);
    }
    Diff { flavors: flavors.iter().map(|f| f.id().to_owned()).collect(), rows, causes }
}

/// `a`, `a and b`, `a, b and c`.
pub(crate) fn names(v: &[String]) -> String {
    match v {
        [] => String::new(),
        [a] => a.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn sides(cells: &[Cell]) -> Vec<Side> {
    let mut out: Vec<Side> = Vec::new();
    for c in cells {
        match out.iter_mut().find(|s| s.verdict == c.verdict) {
            Some(s) => s.flavors.push(c.decision.flavor.clone()),
            None => out.push(Side { verdict: c.verdict.clone(), flavors: vec![c.decision.flavor.clone()] }),
        }
    }
    out
}

/// The entry a flavor matched, as written in the value.
fn matched(d: &Decision) -> Option<(EntryRef, &Entry)> {
    let np = d.explanation.no_proxy.as_ref()?;
    let e = np.entries.get(d.explanation.matched?)?;
    let text = np.value.get(e.span.clone()).unwrap_or(&e.text).to_owned();
    Some((EntryRef { variable: np.variable.clone(), text, span: e.span.clone() }, e))
}

/// How a flavor read the entry written at `span` of the same value, if it read that value.
fn reading_of(d: &Decision, r: &EntryRef) -> Option<String> {
    let np = d.explanation.no_proxy.as_ref()?;
    if np.value.get(r.span.clone()) != Some(r.text.as_str()) {
        return Some(format!("reads {} instead", np.variable));
    }
    let overlapping: Vec<&Entry> =
        np.entries.iter().filter(|e| e.span.start < r.span.end && r.span.start < e.span.end).collect();
    if overlapping.is_empty() {
        return Some("does not read it at all".into());
    }
    Some(overlapping.iter().map(|e| e.meaning()).collect::<Vec<_>>().join(" + "))
}

fn explain_disagreement(cells: &[Cell]) -> (String, Cause) {
    let sides = sides(cells);
    let side_key: Vec<String> = sides.iter().map(|s| format!("{}={}", s.verdict, s.flavors.join("+"))).collect();
    // 1. An entry matched for some flavors: say how every other flavor read it.
    if let Some((eref, _)) = cells.iter().find_map(|c| matched(&c.decision)) {
        let mut readings: Vec<(String, Vec<String>)> = Vec::new();
        for c in cells {
            let how = match matched(&c.decision) {
                Some((m, e))
                    if m.variable == eref.variable && m.span.start < eref.span.end && eref.span.start < m.span.end =>
                {
                    format!("match it as {}", e.meaning())
                }
                Some((m, e)) if m.text.trim_start_matches(['.', '*']) == eref.text.trim_start_matches(['.', '*']) => {
                    format!("match it in {} as {}", m.variable, e.meaning())
                }
                Some((m, _)) => format!("match another entry {:?}", m.text),
                None => match reading_of(&c.decision, &eref) {
                    Some(r) if r.starts_with("reads ") || r.starts_with("does not") => r.replacen("reads", "read", 1),
                    Some(r) => format!("read it as {r} and do not match (rule {})", c.decision.explanation.rule),
                    None => format!("never get to NO_PROXY (rule {})", c.decision.explanation.rule),
                },
            };
            let how = how.replace("does not read", "do not read");
            match readings.iter_mut().find(|(h, _)| *h == how) {
                Some((_, f)) => f.push(c.decision.flavor.clone()),
                None => readings.push((how, vec![c.decision.flavor.clone()])),
            }
        }
        let summary = format!(
            "{}={:?}: {}",
            eref.variable,
            eref.text,
            readings.iter().map(|(h, f)| format!("{} {h}", names(f))).collect::<Vec<_>>().join("; ")
        );
        let key = format!("entry:{}:{}:{:?}|{}", eref.variable, eref.text, eref.span, summary);
        return (key, Cause { summary, entry: Some(eref), sides, rows: vec![] });
    }
    // 2. No entry involved: the deciding rules or the variables differ.
    let mut parts: Vec<(String, Vec<String>)> = Vec::new();
    for c in cells {
        let d = &c.decision;
        let how = match (&d.outcome, d.explanation.rule) {
            (Outcome::Proxy { variable, .. }, _) => format!("use {variable} ({})", c.verdict),
            (Outcome::Direct, Rule::Localhost | Rule::Loopback) => "never proxy loopback".to_owned(),
            (Outcome::Direct, r) => format!("go direct (rule {r})"),
            (Outcome::Error { error }, _) => format!("fail: {error}"),
        };
        match parts.iter_mut().find(|(h, _)| *h == how) {
            Some((_, f)) => f.push(d.flavor.clone()),
            None => parts.push((how, vec![d.flavor.clone()])),
        }
    }
    let summary = parts.iter().map(|(h, f)| format!("{} {h}", names(f))).collect::<Vec<_>>().join("; ");
    (format!("rule:{}|{summary}", side_key.join(",")), Cause { summary, entry: None, sides, rows: vec![] })
}

// ---------------------------------------------------------------------------------------------
// Entry analysis

/// What one flavor makes of one written entry.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Reading {
    /// Flavor ID.
    pub flavor: String,
    /// Short class: `ignored`, `never_matches`, `exact_host`, `host_and_subdomains`,
    /// `subdomains_only`, `ip`, `cidr`, `all`, `not_read` (the flavor reads no NO_PROXY
    /// variable), or `split` (the flavor reads the text as several entries).
    pub class: &'static str,
    /// The port the entry is restricted to for this flavor, if any.
    pub port: Option<String>,
    /// The flavor drops the written port.
    pub port_ignored: bool,
    /// In words.
    pub meaning: String,
}

/// A URL on which flavors disagree because of one entry, with every flavor's verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Witness {
    /// The URL.
    pub url: String,
    /// The `NO_PROXY`/`no_proxy` value the witness was evaluated with.
    pub no_proxy: String,
    /// Every flavor's verdict, in flavor order.
    pub verdicts: Vec<FlavorVerdict>,
}

/// One flavor's verdict on a witness URL.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FlavorVerdict {
    /// Flavor ID.
    pub flavor: String,
    /// What it does.
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub verdict: Verdict,
}

impl FlavorVerdict {
    pub(crate) fn new(flavor: &str, verdict: &Verdict) -> Self {
        FlavorVerdict { flavor: flavor.to_owned(), verdict: verdict.clone() }
    }
}

impl Witness {
    /// The flavors that go direct.
    pub fn direct(&self) -> Vec<String> {
        self.verdicts.iter().filter(|v| v.verdict == Verdict::Direct).map(|v| v.flavor.clone()).collect()
    }
    /// The flavors that do not go direct.
    pub fn not_direct(&self) -> Vec<String> {
        self.verdicts.iter().filter(|v| v.verdict != Verdict::Direct).map(|v| v.flavor.clone()).collect()
    }
}

impl fmt::Display for Witness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.direct();
        let n = self.not_direct();
        write!(f, "{}: {} direct", self.url, if d.is_empty() { "none".into() } else { names(&d) })?;
        if !n.is_empty() {
            write!(f, ", {} not", names(&n))?;
        }
        Ok(())
    }
}

/// One written entry of a NO_PROXY value (split at commas) and how every flavor reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct EntryAnalysis {
    /// The text between two commas, as written (untrimmed).
    pub text: String,
    /// Byte span in the value.
    pub span: Range<usize>,
    /// One reading per flavor.
    pub readings: Vec<Reading>,
    /// URLs on which the flavors disagree because of this entry alone (empty: they agree).
    pub witnesses: Vec<Witness>,
}

impl EntryAnalysis {
    /// True when every flavor reads the entry the same way on every probe URL.
    pub fn agree(&self) -> bool {
        self.witnesses.is_empty()
    }
}

/// The proxy every analysis environment uses; `.invalid` never resolves.
pub const PROBE_PROXY: &str = "http://proxy.invalid:3128";

/// The environment witnesses and entry readings are evaluated in: `http_proxy`, `https_proxy`
/// (both spellings) = [`PROBE_PROXY`], and `no_proxy` (both spellings) = the given value.
pub fn probe_env(no_proxy: &str) -> ProxyEnv {
    ProxyEnv::builder()
        .both("http_proxy", PROBE_PROXY)
        .both("https_proxy", PROBE_PROXY)
        .both("no_proxy", no_proxy)
        .build()
}

/// `text` split at commas, with byte spans (the comma is every flavor's separator).
pub(crate) fn comma_tokens(value: &str) -> Vec<(String, Range<usize>)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in value.char_indices() {
        if c == ',' {
            out.push((value[start..i].to_owned(), start..i));
            start = i + 1;
        }
    }
    out.push((value[start..].to_owned(), start..value.len()));
    out
}

/// How every flavor reads every comma-separated entry of `no_proxy`, with witness URLs
/// (evaluated with that entry alone, so the disagreement is the entry's own).
///
/// ```
/// use noproxy::{analysis, Flavor};
/// let flavors: Vec<Flavor> = ["go", "curl@7.88.1"].iter().map(|f| f.parse().unwrap()).collect();
/// let a = analysis::analyze_no_proxy("docker:2375", &flavors);
/// assert_eq!(a[0].readings[0].port.as_deref(), Some("2375"));  // go honours the port
/// assert_eq!(a[0].readings[1].class, "never_matches");          // curl 7.88.1 compares "docker:2375" with the host
/// let w = &a[0].witnesses[0];
/// assert_eq!(w.url, "http://docker:2375/");
/// assert_eq!(w.direct(), vec!["go".to_string()]);
/// ```
pub fn analyze_no_proxy(no_proxy: &str, flavors: &[Flavor]) -> Vec<EntryAnalysis> {
    let whole = readings_by_span(no_proxy, flavors);
    comma_tokens(no_proxy)
        .into_iter()
        .map(|(text, span)| {
            let readings = flavors
                .iter()
                .zip(&whole)
                .map(|(f, entries)| match entries {
                    None => Reading {
                        flavor: f.id().to_owned(),
                        class: "not_read",
                        port: None,
                        port_ignored: false,
                        meaning: "reads no NO_PROXY variable".into(),
                    },
                    Some(es) => {
                        let over: Vec<&Entry> =
                            es.iter().filter(|e| e.span.start < span.end && span.start < e.span.end).collect();
                        reading(f.id(), &over)
                    }
                })
                .collect();
            let witnesses = witnesses_for(&text, flavors);
            EntryAnalysis { text, span, readings, witnesses }
        })
        .collect()
}

/// The entries each flavor parses out of `no_proxy` (None: it reads no NO_PROXY variable).
fn readings_by_span(no_proxy: &str, flavors: &[Flavor]) -> Vec<Option<Vec<Entry>>> {
    let env = probe_env(no_proxy);
    flavors
        .iter()
        .map(|f| {
            let d = f.decide(&env, "http://noproxy-analysis.invalid/");
            d.explanation.no_proxy.as_ref().map(|np| np.entries.clone())
        })
        .collect()
}

fn reading(flavor: &str, over: &[&Entry]) -> Reading {
    let mut r =
        Reading { flavor: flavor.to_owned(), class: "ignored", port: None, port_ignored: false, meaning: "".into() };
    match over {
        [] => r.meaning = "not an entry (dropped while parsing)".into(),
        [e] => {
            r.class = match &e.kind {
                EntryKind::All => "all",
                EntryKind::Domain { apex: true, subdomains: true, .. } => "host_and_subdomains",
                EntryKind::Domain { apex: false, subdomains: true, .. } => "subdomains_only",
                EntryKind::Domain { .. } => "exact_host",
                EntryKind::Ip { .. } => "ip",
                EntryKind::Cidr { .. } => "cidr",
                EntryKind::NeverMatches { .. } => "never_matches",
                EntryKind::Ignored { .. } => "ignored",
                #[allow(unreachable_patterns)]
                _ => "other",
            };
            r.port = e.port.clone();
            r.port_ignored = e.port_ignored;
            r.meaning = e.meaning();
        }
        many => {
            r.class = "split";
            r.meaning =
                format!("split into {}", many.iter().map(|e| format!("{:?}", e.text)).collect::<Vec<_>>().join(", "));
        }
    }
    r
}

/// Probe URLs that exercise one entry's syntax: the name, a subdomain, a look-alike, the
/// written port and another port, an address inside and outside a range.
pub(crate) fn probe_urls(token: &str) -> Vec<String> {
    let t = token.trim();
    let mut out: Vec<String> = Vec::new();
    if t.is_empty() {
        return out;
    }
    if t == "*" {
        out.push("http://example.invalid/".into());
        return out;
    }
    if let Some((addr, len)) = t.split_once('/') {
        if let (Ok(ip), Ok(len)) = (addr.trim_matches(['[', ']']).parse::<IpAddr>(), len.parse::<u8>()) {
            if let Ok(net) = ipnet::IpNet::new(ip, len) {
                let net = net.trunc();
                let inside = net.hosts().next().unwrap_or(net.addr());
                out.push(url_for_ip(inside, None));
                out.push(url_for_ip(net.broadcast(), None));
                if let Some(outside) = next_ip(net.broadcast()) {
                    out.push(url_for_ip(outside, None));
                }
            }
        }
        return out;
    }
    let (host, port) = split_host_port(t);
    if let Ok(ip) = host.trim_matches(['[', ']']).parse::<IpAddr>() {
        out.push(url_for_ip(ip, None));
        if let Some(p) = port {
            out.push(url_for_ip(ip, Some(p)));
            out.push(url_for_ip(ip, Some(other_port(p))));
        }
        return out;
    }
    let name = host.trim_start_matches("*.").trim_start_matches('.').trim_start_matches('*');
    let bare = name.trim_end_matches('.');
    if bare.is_empty() || bare.contains(['/', '?', '#', '@', ' ', '\t', '[', ']']) {
        return out;
    }
    let sample = bare.replace('*', "x");
    match port {
        Some(p) => {
            out.push(format!("http://{sample}:{p}/"));
            out.push(format!("http://{sample}:{}/", other_port(p)));
            out.push(format!("https://{sample}/"));
        }
        None => {
            out.push(format!("http://{sample}/"));
            out.push(format!("https://{sample}:8443/"));
        }
    }
    out.push(format!("http://www.{sample}/"));
    out.push(format!("http://x{sample}/"));
    if name.ends_with('.') {
        out.push(format!("http://{sample}./"));
    }
    out
}

fn other_port(p: u16) -> u16 {
    if p == u16::MAX {
        p - 1
    } else {
        p + 1
    }
}

fn next_ip(ip: IpAddr) -> Option<IpAddr> {
    match ip {
        IpAddr::V4(a) => u32::from(a).checked_add(1).map(|n| IpAddr::V4(n.into())),
        IpAddr::V6(a) => u128::from(a).checked_add(1).map(|n| IpAddr::V6(n.into())),
    }
}

fn url_for_ip(ip: IpAddr, port: Option<u16>) -> String {
    let host = match ip {
        IpAddr::V4(a) => a.to_string(),
        IpAddr::V6(a) => format!("[{a}]"),
    };
    match port {
        Some(p) => format!("http://{host}:{p}/"),
        None => format!("http://{host}/"),
    }
}

/// `host:port`, `[v6]:port`, bare v6 (no port), or a name.
pub(crate) fn split_host_port(t: &str) -> (&str, Option<u16>) {
    if let Some(rest) = t.strip_prefix('[') {
        if let Some((h, after)) = rest.split_once(']') {
            let port = after.strip_prefix(':').and_then(|p| p.parse().ok());
            return (&t[..h.len() + 2], port);
        }
        return (t, None);
    }
    match t.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => match p.parse() {
            Ok(p) => (h, Some(p)),
            Err(_) => (t, None),
        },
        _ => (t, None),
    }
}

/// Evaluate probe URLs for one entry alone (as written, spaces included); keep those where
/// the flavors disagree.
fn witnesses_for(token: &str, flavors: &[Flavor]) -> Vec<Witness> {
    let env = probe_env(token);
    let prepared: Vec<_> = flavors.iter().map(|f| f.prepare(&env)).collect();
    probe_urls(token.trim())
        .into_iter()
        .filter_map(|url| {
            let verdicts: Vec<FlavorVerdict> = prepared
                .iter()
                .zip(flavors)
                .map(|(p, f)| FlavorVerdict::new(f.id(), &Verdict::of(&p.decide(&url).outcome)))
                .collect();
            let direct = verdicts.iter().filter(|v| v.verdict == Verdict::Direct).count();
            (direct != 0 && direct != verdicts.len()).then(|| Witness {
                url: redact_value(&url).into_owned(),
                no_proxy: token.to_owned(),
                verdicts,
            })
        })
        .take(4)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fl(ids: &[&str]) -> Vec<Flavor> {
        ids.iter().map(|i| i.parse().unwrap()).collect()
    }

    #[test]
    fn host_port_split() {
        assert_eq!(split_host_port("docker:2375"), ("docker", Some(2375)));
        assert_eq!(split_host_port("[::1]:80"), ("[::1]", Some(80)));
        assert_eq!(split_host_port("::1"), ("::1", None));
        assert_eq!(split_host_port("a:b"), ("a:b", None));
    }

    #[test]
    fn leading_dot_witness_is_the_apex() {
        let a = analyze_no_proxy(".example.com", &fl(&["go", "curl"]));
        assert_eq!(a[0].readings[0].class, "subdomains_only");
        assert_eq!(a[0].readings[1].class, "host_and_subdomains");
        let w = &a[0].witnesses[0];
        assert_eq!(w.url, "http://example.com/");
        assert_eq!(w.direct(), vec!["curl".to_string()]);
    }

    #[test]
    fn agreeing_entry_has_no_witness() {
        let a = analyze_no_proxy("example.com", &fl(&["go", "curl@7.88.1"]));
        assert!(a[0].agree(), "{:?}", a[0].witnesses);
    }

    #[test]
    fn diff_groups_rows_by_cause() {
        let env = probe_env("docker:2375");
        let d =
            diff(&env, &fl(&["go", "curl@7.88.1"]), &["http://docker:2375/", "https://docker:2375/", "http://other/"]);
        assert_eq!(d.causes.len(), 1, "{:#?}", d.causes);
        assert_eq!(d.causes[0].rows, vec![0, 1]);
        assert!(d.rows[2].agree);
        let c = &d.causes[0];
        assert_eq!(c.entry.as_ref().unwrap().text, "docker:2375");
        assert!(c.summary.contains("on port 2375"), "{}", c.summary);
        assert!(c.summary.contains("never matches"), "{}", c.summary);
    }
}
