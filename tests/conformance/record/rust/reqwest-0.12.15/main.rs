//! reqwest 0.12.15 recorder; the code is shared with the other reqwest version.
const REQWEST_VERSION: &str = "0.12.15";
#[path = "../common/recorder.rs"]
mod recorder;
include!("../common/reqwest_main.rs");
