//! Every spec rule id cited in the code exists in spec.md (rules are traceable both ways).

use std::fs;
use std::path::Path;

fn ids(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(p) = text[i..].find("R-") {
        let start = i + p;
        let mut end = start + 2;
        while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'-') {
            end += 1;
        }
        let id = text[start..end].trim_end_matches('-');
        if id.matches('-').count() >= 3 && id[2..].starts_with(|c: char| c.is_ascii_uppercase()) {
            out.push(id.to_owned());
        }
        i = end;
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<(String, String)>) {
    for e in fs::read_dir(dir).expect("readable src") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            let text = fs::read_to_string(&p).expect("utf-8 source");
            for id in ids(&text) {
                out.push((id, p.display().to_string()));
            }
        }
    }
}

#[test]
fn every_rule_cited_in_code_is_in_spec() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec = fs::read_to_string(root.join("spec.md")).expect("spec.md");
    let defined: std::collections::BTreeSet<String> = ids(&spec).into_iter().collect();
    let mut cited = Vec::new();
    walk(&root.join("src"), &mut cited);
    assert!(cited.len() > 20, "the code cites its rules");
    let missing: Vec<_> = cited.iter().filter(|(id, _)| !defined.contains(id)).collect();
    assert!(missing.is_empty(), "rule ids cited in code but absent from spec.md: {missing:?}");
}

/// Every lint code is in spec.md's table with its default severity and title.
#[test]
fn lint_codes_are_documented() {
    let spec = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/spec.md")).expect("spec.md");
    for c in noproxy::lint::Code::ALL {
        let row = format!("| `{}` | {} | {} |", c.as_str(), c.default_severity(), c.title());
        assert!(spec.contains(&row), "spec.md lacks the row {row}");
    }
}
