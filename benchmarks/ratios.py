#!/usr/bin/env python3
"""Print feedwatch's ratios to its targets from the newest shared-bench results.json.

Targets (issue 18; issue 2 had 2x and 1.2x): cold fetch <= 0.5x newsboat and <= 1.5x the floor; unchanged
re-fetch (all 304) <= 1.1x the floor;
peak RSS <= 150 MB. When a peer was not run in the same session, its reference figure from
../shared/bench/README.md is used and marked "(ref)".
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

REFERENCE = {"newsboat": {"cold": 6.08, "warm": 2.80}, "floor": {"cold": 1.28, "warm": 0.79}}


def medians(entry: dict) -> dict | None:
    reps = [r for r in entry.get("reps", []) if r.get("runs")]
    if entry.get("skipped") or not reps or entry.get("kind") == "parse":
        return None
    runs = lambda i: [r["runs"][i] for r in reps if len(r["runs"]) > i]  # noqa: E731
    out = {"cold": statistics.median(x["wall_s"] for x in runs(0)),
           "rss_cold": statistics.median(x["maxrss_mib"] for x in runs(0))}
    if runs(1):
        out["warm"] = statistics.median(x["wall_s"] for x in runs(1))
        out["rss_warm"] = statistics.median(x["maxrss_mib"] for x in runs(1))
    if runs(2):
        out["warm3"] = statistics.median(x["wall_s"] for x in runs(2))
    return out


def main() -> int:
    work = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/bench-work")
    files = sorted((work / "results").glob("*/results.json"))
    if not files:
        print(f"ratios.py: no results under {work}/results", file=sys.stderr)
        return 2
    results = json.loads(files[-1].read_text())
    print(f"\n## feedwatch against the targets ({files[-1].parent.name})\n")
    for lat, per in results["latencies"].items():
        m = {key: medians(entry) for key, entry in per.items()}
        # the harness files the project under test as "project" (label = --name)
        fw = m.get("feedwatch") or m.get("project")
        if not fw:
            print(f"latency {lat} ms: no feedwatch runs")
            continue
        # newsboat 2.21 only gets its 304s on the 3rd run (see the bench README); compare with that.
        nb = m.get("newsboat")
        nb_cold = nb["cold"] if nb else REFERENCE["newsboat"]["cold"]
        fl = m.get("floor")
        fl_cold = fl["cold"] if fl else REFERENCE["floor"]["cold"]
        fl_warm = fl.get("warm") if fl else REFERENCE["floor"]["warm"]
        ref = lambda d: "" if d else " (ref)"  # noqa: E731
        print(f"latency {lat} ms:")
        print(f"  cold {fw['cold']:.2f} s = {fw['cold'] / nb_cold:.2f}x newsboat{ref(nb)} (target <= 0.5), "
              f"{fw['cold'] / fl_cold:.2f}x floor{ref(fl)} (target <= 1.5)")
        if "warm" in fw:
            print(f"  unchanged re-fetch {fw['warm']:.2f} s = {fw['warm'] / fl_warm:.2f}x floor{ref(fl)} "
                  f"(target <= 1.1)")
        print(f"  peak RSS {max(fw['rss_cold'], fw.get('rss_warm', 0)):.0f} MiB (target <= 150 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
