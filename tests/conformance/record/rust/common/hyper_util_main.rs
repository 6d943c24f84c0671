// Records `hyper_util::client::proxy::matcher::Matcher::from_env()` + `intercept(&uri)` for
// every case: the case's env becomes the whole process environment, the case URL is parsed
// as an `http::Uri` (a parse error is recorded as `error`). No network at all.
// Usage: record-hyper-util FLAVOR MODEL CASES.jsonl  (JSONL on stdout)

use hyper_util::client::proxy::matcher::Matcher;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (flavor, model, cases_path) = (&args[1], &args[2], &args[3]);
    let cases = recorder::read_cases(cases_path);
    let tool = format!("hyper-util {} (http {}), Matcher::from_env().intercept(&uri)", HYPER_UTIL_VERSION, HTTP_VERSION);
    let command = format!("python3 tests/conformance/record/record_rust.py --flavor {flavor}");
    println!("{}", recorder::header(flavor, model, &tool, &command, cases_path));
    for case in &cases {
        recorder::set_process_env(case);
        let uri = match case.url.parse::<http::Uri>() {
            Ok(u) => u,
            Err(e) => {
                println!("{}", recorder::line(case, "error", None, format!("http::Uri parse: {e}")));
                continue;
            }
        };
        let matcher = Matcher::from_env();
        let line = match matcher.intercept(&uri) {
            None => recorder::line(case, "direct", None, format!("intercept({uri}) = None")),
            Some(i) => {
                let u = i.uri();
                let host = u.host().unwrap_or("");
                let addr = match u.port_u16() {
                    Some(p) => format!("{host}:{p}"),
                    None => host.to_owned(),
                };
                recorder::line(case, "proxy", Some(addr), format!("intercept({uri}) = {u}"))
            }
        };
        println!("{line}");
    }
}
