"""Benchmark of the dashboard's first sync against the scale generator's cluster, beside what a
user would otherwise run against the same server in the same run.

    .venv/bin/python bench/sync.py [--scale pods=10000,events=30000,helmreleases=500] [--no-kubectl]

The embedded server runs as `kubetriage sim --scale ...` in a child process; the dashboard is the
installed `kubetriage --kubeconfig K` in a pseudo-terminal (see ui.py). Every clock starts just
before a process is created. Figures, one `name: value` line each, against the warmed server:
  sync_s              process start until every list the dashboard reads is in its store (all
                      kinds at once, in pages)
  raw_s               a plain aiohttp client reading the same lists the same way, process start
                      to exit (bench/raw_lists.py)
  kubectl_json_s      `kubectl get pods,events,helmreleases -A -o json` (fewer kinds: a floor)
  ratio_to_raw, ratio_to_kubectl
  rss_at_sync_mb      the dashboard process's peak resident memory (VmHWM) when synced
  store_bytes_per_pod memory the store keeps per pod, indexes included (traced in a pods-only
                      sync into a fresh store, in this process)
  load                the machine's load average (1, 5, 15 min)
Targets: ratio_to_raw <= 2, store <= 8 KiB per pod.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import tracemalloc
from pathlib import Path

import harness

from kubetriage.cluster import slim
from kubetriage.cluster.reflector import Reflector
from kubetriage.cluster.source import ClusterSource
from kubetriage.cluster.store import Store
from kubetriage.core.resources import by_kind


async def traced_pod_store(kubeconfig: Path) -> float:
    """Bytes retained per pod by a store holding only pods, with its indexes."""
    source = await ClusterSource.open(str(kubeconfig), kinds=())
    slim._shared.clear()
    gc.collect()
    tracemalloc.start()
    store = Store()
    await Reflector(source.conn, by_kind("v1", "Pod"), store)._list()
    slim._shared.clear()  # the template cache is bounded and shared by all kinds: not per pod
    gc.collect()
    retained, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    pods = store.count("Pod")
    await source.close()
    return retained / pods


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default=harness.DEFAULT_SCALE)
    parser.add_argument("--no-kubectl", action="store_true")
    args = parser.parse_args()
    out: dict[str, object] = {}
    with harness.server(args.scale) as kubeconfig:
        harness.warm(kubeconfig)
        out["raw_s"] = harness.raw_lists(kubeconfig).seconds
        with harness.dashboard(kubeconfig, harness.pod_count(args.scale)) as run:
            synced, _ = run.wait_for("synced", 600)
            out["rss_at_sync_mb"] = run.peak_rss_mb()
            out["sync_s"] = synced - run.started
        if not args.no_kubectl:
            out["kubectl_json_s"] = harness.kubectl_lists(kubeconfig,
                                                          "pods,events,helmreleases").seconds
        out["store_bytes_per_pod"] = asyncio.run(traced_pod_store(kubeconfig))
    out["ratio_to_raw"] = out["sync_s"] / out["raw_s"]  # type: ignore[operator]
    if "kubectl_json_s" in out:
        out["ratio_to_kubectl"] = out["sync_s"] / out["kubectl_json_s"]  # type: ignore[operator]
    out["load"] = harness.load()
    harness.print_figures(out)


if __name__ == "__main__":
    main()
