"""Benchmark of the scale generator: how long a 10k-pod cluster takes to build, how big it is, how
long the embedded server's state takes to load it, and what one churn change costs.

    .venv/bin/python bench/generate.py [--scale pods=10000,events=30000,helmreleases=500]

Prints one `name: value` line per figure.
"""

from __future__ import annotations

import argparse
import random
import time

import orjson

from kubetriage.core.resources import by_kind
from kubetriage.sim.churn import _Churn
from kubetriage.sim.generate import generate_scenario, parse_scale
from kubetriage.sim.state import ClusterState


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="pods=10000,events=30000,helmreleases=500")
    parser.add_argument("--churn-steps", type=int, default=2000)
    args = parser.parse_args()
    counts = parse_scale(args.scale)

    start = time.perf_counter()
    scenario = generate_scenario(**counts)
    build_s = time.perf_counter() - start
    objects = scenario.dump.objects
    pods = [o for o in objects if o["kind"] == "Pod"]
    pod_bytes = sum(len(orjson.dumps(p)) for p in pods)
    print(f"build_s: {build_s:.3f}")
    print(f"objects: {len(objects)}")
    print(f"objects_per_s: {len(objects) / build_s:.0f}")
    print(f"json_bytes: {sum(len(orjson.dumps(o)) for o in objects)}")
    print(f"pod_json_bytes_avg: {pod_bytes / max(1, len(pods)):.0f}")

    start = time.perf_counter()
    state = ClusterState(objects, scenario.dump.logs)
    print(f"state_load_s: {time.perf_counter() - start:.3f}")
    served = state.list(by_kind("v1", "Pod"))  # as the server sends them
    print(f"served_pod_json_bytes_avg: "
          f"{sum(len(orjson.dumps(p)) for p in served) / max(1, len(served)):.0f}")

    start = time.perf_counter()
    churn = _Churn(state, random.Random(1))
    print(f"churn_index_s: {time.perf_counter() - start:.3f}")
    start = time.perf_counter()
    writes = sum(churn.step() for _ in range(args.churn_steps))
    elapsed = time.perf_counter() - start
    print(f"churn_us_per_write: {elapsed / writes * 1e6:.0f}")
    print(f"churn_max_writes_per_s: {writes / elapsed:.0f}")


if __name__ == "__main__":
    main()
