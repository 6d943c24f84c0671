//! reqwest 0.13.5 recorder; the code is shared with the other reqwest version.
const REQWEST_VERSION: &str = "0.13.5";
#[path = "../common/recorder.rs"]
mod recorder;
include!("../common/reqwest_main.rs");
