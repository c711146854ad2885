"""Benchmark of `kubetriage check` on the scale generator's cluster, beside the bare load of the
same dump in the same run (what reading the input costs anyway).

    .venv/bin/python bench/check.py [--scale pods=10000,events=30000,helmreleases=500]

Prints one `name: value` line per figure: check_s (load + diagnosis + JSON output, as the command
does it), load_s (load_dump alone), diagnose_s (snapshot + checks + chains + JSON output of the
loaded dump: what check adds to the load), each the best of --repeat runs, ratio_to_load, findings,
chains. Targets: check_s < 3, ratio_to_load <= 1.5.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from pathlib import Path

import orjson

from kubetriage.cluster.dump import load_dump
from kubetriage.diagnosis import diagnose
from kubetriage.report import render
from kubetriage.sim.generate import generate_scenario, parse_scale


def write_dump(scenario, root: Path) -> None:
    """As `kubectl get <kinds> -A -o json` writes it: one List per kind, logs beside it."""
    by_kind: dict[str, list] = {}
    for obj in scenario.dump.objects:
        by_kind.setdefault(obj["kind"], []).append(obj)
    for kind, items in by_kind.items():
        (root / f"{kind.lower()}s.json").write_bytes(
            orjson.dumps({"apiVersion": "v1", "kind": "List", "items": items}))
    for key, text in scenario.dump.logs.items():
        name = f"{key.container}.previous.log" if key.previous else f"{key.container}.log"
        path = root / "logs" / key.namespace / key.pod / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="pods=10000,events=30000,helmreleases=500")
    parser.add_argument("--repeat", type=int, default=3,
                        help="best of N, alternating: other load on the machine only adds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        write_dump(generate_scenario(**parse_scale(args.scale)), Path(tmp))

        load_s = check_s = diagnose_s = float("inf")
        for _ in range(args.repeat):
            # each figure ends when its work is done: freeing the previous round's objects
            # (0.13 s at this scale) happens outside every timed region, for load and check alike
            start = time.perf_counter()
            dump = load_dump(tmp)
            load_s = min(load_s, time.perf_counter() - start)

            start = time.perf_counter()
            report = diagnose(dump.snapshot(), source=tmp)
            render(report, "json", io.StringIO())
            diagnose_s = min(diagnose_s, time.perf_counter() - start)
            del dump, report

            start = time.perf_counter()
            dump = load_dump(tmp)
            report = diagnose(dump.snapshot(), source=tmp)
            render(report, "json", io.StringIO())
            check_s = min(check_s, time.perf_counter() - start)
            findings, chains = len(report.findings), len(report.chains)
            del dump, report
    print(f"check_s: {check_s:.3f}")
    print(f"load_s: {load_s:.3f}")
    print(f"diagnose_s: {diagnose_s:.3f}")
    print(f"ratio_to_load: {check_s / load_s:.2f}")
    print(f"findings: {findings}")
    print(f"chains: {chains}")


if __name__ == "__main__":
    main()
