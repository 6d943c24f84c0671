//! hyper-util 0.1.19 recorder; the code is shared with the other hyper-util version.
const HYPER_UTIL_VERSION: &str = "0.1.19";
const HTTP_VERSION: &str = "1.5.0";
#[path = "../common/recorder.rs"]
mod recorder;
include!("../common/hyper_util_main.rs");
