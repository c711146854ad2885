"""Benchmark of the `kubetriage check` command on a dump of the scale generator's cluster, beside
the bare load of the same dump in the same run.

    .venv/bin/python bench/check.py [--scale pods=10000,events=30000,helmreleases=500] [--repeat 3]

The dump is written as `kubectl get <kind> -A -o json` writes it (one List per kind, indented by
four spaces, ~1.6x the bytes of compact JSON), with the pods' logs beside it. Every figure is a
process of its own, timed from just before it is created until it has exited, with its peak
resident memory; each the best of --repeat runs, taken in turn:
  check_s, check_rss_mb  `kubetriage check --from-dump DIR -o json`
  parse_s, parse_rss_mb  the bare load: a Python process that reads and parses every file of the
                         dump with orjson, keeping what it parsed (what reading it costs anyway)
  load_s, load_rss_mb    kubetriage's own reader alone, in one process (check reads the largest
                         file in a forked child meanwhile)
  check_tree_rss_mb      check's peak summed over it and the child it forks (the _rss_mb
                         figures are each process's own peak, the larger of the two for check)
  ratio_to_parse, ratio_to_load, findings, chains, dump_mb, load
Targets (issue 18): at 10k pods check_s <= 1.5 x parse_s and check_rss_mb <= 400.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import harness
import orjson

from kubetriage.sim.generate import generate_scenario, parse_scale

PARSE = ("import gc, sys, pathlib, orjson\ngc.disable()  # as any bulk loader does (kubetriage too)\n"
         "files = sorted(pathlib.Path(sys.argv[1]).glob('*.json'))\n"
         "kept = [orjson.loads(p.read_bytes()) for p in files]\n"
         "print(sum(len(d.get('items') or ()) for d in kept))")
LOAD = ("import sys\n"
        "try:  # as check loads it\n"
        "    from kubetriage.cluster.slimdump import load_slim_dump as load\n"
        "except ImportError:  # an older tree: whole objects\n"
        "    from kubetriage.cluster.dump import load_dump as load\n"
        "print(len(load(sys.argv[1]).objects))")


def write_dump(scenario, root: Path) -> int:
    """As `kubectl get <kind> -A -o json` writes it: one List per kind, logs beside it."""
    by_kind: dict[str, list] = {}
    for obj in scenario.dump.objects:
        by_kind.setdefault(obj["kind"], []).append(obj)
    size = 0
    for kind, items in by_kind.items():
        path = root / f"{kind.lower()}s.json"
        with path.open("w") as out:
            json.dump({"apiVersion": "v1", "kind": "List", "items": items,
                       "metadata": {"resourceVersion": ""}}, out, indent=4)
        size += path.stat().st_size
    for key, text in scenario.dump.logs.items():
        name = f"{key.container}.previous.log" if key.previous else f"{key.container}.log"
        path = root / "logs" / key.namespace / key.pod / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default=harness.DEFAULT_SCALE)
    parser.add_argument("--repeat", type=int, default=3,
                        help="best of N, in turn: other load on the machine only adds")
    args = parser.parse_args()
    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="kt-bench-dump-") as tmp:
        out["dump_mb"] = write_dump(generate_scenario(**parse_scale(args.scale)), Path(tmp)) / 2**20
        runs: dict[str, list[harness.Run]] = {"check": [], "parse": [], "load": []}
        check = [*harness.KUBETRIAGE, "check", "--from-dump", tmp, "-o", "json"]
        for _ in range(args.repeat):
            runs["parse"].append(harness.measured([harness.PYTHON, "-c", PARSE, tmp]))
            runs["load"].append(harness.measured([harness.PYTHON, "-c", LOAD, tmp],
                                                 harness.product_env()))
            runs["check"].append(harness.measured(check, harness.product_env()))
        report = harness.output(check)
        for name, measured in runs.items():
            out[f"{name}_s"] = min(r.seconds for r in measured)
            out[f"{name}_rss_mb"] = min(r.rss_mb for r in measured)
        out["check_tree_rss_mb"] = harness.tree_rss_mb(check, harness.product_env())
    doc = orjson.loads(report)
    out["ratio_to_parse"] = out["check_s"] / out["parse_s"]  # type: ignore[operator]
    out["ratio_to_load"] = out["check_s"] / out["load_s"]  # type: ignore[operator]
    out["findings"] = len(doc["findings"])
    out["chains"] = len(doc["chains"])
    out["load"] = harness.load()
    harness.print_figures(out)


if __name__ == "__main__":
    main()
