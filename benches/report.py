#!/usr/bin/env python3
"""Print the ratios of the last `cargo bench --bench lookup` run (criterion's JSON estimates).

Usage: python3 benches/report.py [target/criterion]
Medians in ns; ratios are hyper-util / noproxy (how many times faster noproxy is), flatness is
noproxy at N / noproxy at N = 1, build is ns per entry.
"""
import json
import pathlib
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")
med = {}
for b in root.glob("**/new/benchmark.json"):
    full_id = json.loads(b.read_text())["full_id"]
    est = json.loads((b.parent / "estimates.json").read_text())
    med[full_id] = est["median"]["point_estimate"]

SIZES = [1, 10, 100, 1000, 10000]
KINDS = ["hit_first", "hit_last", "miss", "cidr_hit", "ip_miss"]


def fmt(ns):
    return f"{ns:,.0f}" if ns >= 100 else f"{ns:.1f}"


print("| N | lookup | noproxy ns | hyper-util ns | × faster | decide ns | flat (N vs 1) |")
print("|---|---|---|---|---|---|---|")
for n in SIZES:
    for k in KINDS:
        ours = med.get(f"lookup/noproxy/{n}/{k}")
        theirs = med.get(f"lookup/hyper-util/{n}/{k}")
        dec = med.get(f"decide/noproxy/{n}/{k}")
        base = med.get(f"lookup/noproxy/1/{k}")
        if ours is None or theirs is None:
            continue
        flat = f"{ours / base:.2f}" if base else "?"
        d = fmt(dec) if dec else "?"
        print(f"| {n} | {k} | {fmt(ours)} | {fmt(theirs)} | {theirs / ours:.1f} | {d} | {flat} |")
print()
print("| N | build noproxy ns/entry | of which compile | build hyper-util ns/entry | hyper-util / noproxy |")
print("|---|---|---|---|---|")
for n in SIZES:
    ours, theirs = med.get(f"build/noproxy/{n}"), med.get(f"build/hyper-util/{n}")
    comp = med.get(f"build/noproxy-compile/{n}")
    if ours and theirs:
        c = fmt(comp / n) if comp else "?"
        print(f"| {n} | {fmt(ours / n)} | {c} | {fmt(theirs / n)} | {theirs / ours:.2f} |")
for k in ["hit_last", "miss"]:
    for n in [1, 10000]:
        ref, dec = med.get(f"reference/noproxy/{n}/{k}"), med.get(f"decide/noproxy/{n}/{k}")
        if ref and dec:
            print(f"reference scan / compiled decide, N={n} {k}: {ref / dec:.1f}")
print()
print("| flavor (N = 10,000) | prepare ns/entry |")
print("|---|---|")
for full_id, ns in sorted(med.items()):
    if full_id.startswith("build-flavor/"):
        print(f"| {full_id.split('/')[1]} | {fmt(ns / 10000)} |")
