"""Benchmark of the live source's first sync against the scale generator's cluster, beside what a
user would otherwise run against the same server in the same run.

    .venv/bin/python bench/sync.py [--scale pods=10000,events=30000,helmreleases=500]

The embedded server runs as `kubetriage sim --scale ...` in a child process, so that rss_mb is
kubetriage's own memory (the server holds every object in full, as a real API server does).
Figures, one `name: value` line each:
Every figure is taken against the warmed server (each list fetched once before).
  sync_s              connect + discover + paged list of pods, events and HelmReleases into the
                      store (three reflectors at once), until all three are live
  kubectl_json_s      `kubectl get pods,events,helmreleases -A -o json`
  raw_s               `kubectl get --raw` of the three lists, one after the other: the bytes alone
  ratio_to_raw, ratio_to_kubectl
  rss_mb              peak resident memory of this process (kubectl runs in children)
  store_bytes_per_pod memory the store keeps per pod, indexes included (traced in a second,
                      pods-only sync into a fresh store)
Targets: ratio_to_raw <= 4, ratio_to_kubectl <= 0.2, store <= 8 KiB per pod, rss <= 250 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from kubetriage.cluster import slim
from kubetriage.cluster.reflector import Reflector
from kubetriage.cluster.source import ClusterSource
from kubetriage.cluster.store import Store
from kubetriage.core.resources import by_kind

KINDS = ("Pod", "Event", "HelmRelease")
RAW_PATHS = ("/api/v1/pods", "/api/v1/events", "/apis/helm.toolkit.fluxcd.io/v2/helmreleases")


def start_server(scale: str, kubeconfig: Path, log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "kubetriage", "sim", "--scale", scale,
                                 "--kubeconfig-out", str(kubeconfig)], stdout=out, stderr=out)
    while "kubeconfig:" not in log.read_text():  # printed once the server listens
        if proc.poll() is not None:
            raise SystemExit(f"the embedded server did not start: {log.read_text()}")
        time.sleep(0.1)
    return proc


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


async def sync(kubeconfig: Path) -> tuple[float, int]:
    start = time.perf_counter()
    source = await ClusterSource.open(str(kubeconfig), kinds=KINDS)
    await source.wait_synced()
    elapsed = time.perf_counter() - start
    pods = source.store.count("Pod")
    await source.close()
    return elapsed, pods


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
    parser.add_argument("--scale", default="pods=10000,events=30000,helmreleases=500")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        kubeconfig = Path(tmp) / "kubeconfig"
        server = start_server(args.scale, kubeconfig, Path(tmp) / "server.log")
        try:
            kubectl = ["kubectl", "--kubeconfig", str(kubeconfig)]
            for path in RAW_PATHS:  # warm the server (its first big answers pay for its GC)
                timed(kubectl + ["get", "--raw", path])  # and the dispatcher's binary choice
            sync_s, pods = asyncio.run(sync(kubeconfig))
            rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            kubectl_json_s = timed(kubectl + ["get", "pods,events,helmreleases", "-A",
                                              "-o", "json"])
            raw_s = sum(timed(kubectl + ["get", "--raw", path]) for path in RAW_PATHS)
            per_pod = asyncio.run(traced_pod_store(kubeconfig))
        finally:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
    print(f"pods: {pods}")
    print(f"sync_s: {sync_s:.3f}")
    print(f"kubectl_json_s: {kubectl_json_s:.3f}")
    print(f"raw_s: {raw_s:.3f}")
    print(f"ratio_to_raw: {sync_s / raw_s:.2f}")
    print(f"ratio_to_kubectl: {sync_s / kubectl_json_s:.3f}")
    print(f"rss_mb: {rss_mb:.0f}")
    print(f"store_bytes_per_pod: {per_pod:.0f}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
