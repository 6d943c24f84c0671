#!/usr/bin/env bash
# Build every fuzz target and run each for a bounded time on the stable toolchain.
#   fuzz/run.sh [SECONDS_PER_TARGET]      (default 30; CI uses 30)
# cargo-fuzz needs `-Z` flags; RUSTC_BOOTSTRAP=1 lets the stable compiler accept them.
# A crash fails the run; its input is copied to fuzz/regressions/<target>/ so that
# `cargo test --test fuzz_regressions` replays it once fixed (commit it with the fix).
# Run longer locally:  fuzz/run.sh 600   or   RUSTC_BOOTSTRAP=1 cargo fuzz run -O decide
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-30}
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --version 0.13.2
python3 seed.py
targets=$(sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.toml | grep -v noproxy-fuzz)
cargo fuzz build -O
rc=0
for t in $targets; do
  mkdir -p "corpus/$t" "artifacts/$t"
  if ! cargo fuzz run -O "$t" "corpus/$t" -- -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
       -print_final_stats=1 2>"artifacts/$t.log"; then
    echo "FUZZ CRASH in $t:"; tail -30 "artifacts/$t.log"
    mkdir -p "regressions/$t"; cp artifacts/"$t"/crash-* artifacts/"$t"/timeout-* artifacts/"$t"/oom-* "regressions/$t/" 2>/dev/null || true
    rc=1
  else
    grep -E "stat::number_of_executed_units|Done" "artifacts/$t.log" | tr '\n' ' '; echo " ($t)"
  fi
done
exit $rc
