"""The scale generator: a large, realistic cluster for the benchmarks (`kubetriage sim --scale`).
kubetriage/sim/churn.py keeps it changing. Its parts: cluster.py (the plan, nodes, Flux and
the releases), workloads.py (Deployments, ReplicaSets, Services, pods), events.py, base.py
(the vocabulary and what the parts share) and scale.py (the --scale and --churn flags).

Every release is a Flux HelmRelease with its HelmRepository and HelmChart, a Deployment, its
ReplicaSet and pods, and a Service. A few percent fail the way the seeds did: a pre-upgrade hook
failing, so its Service never appears and an nginx frontend crash-loops on `host not found in
upstream`, and a third release waits on the first; images that cannot be pulled (x509 from one
node, a tag the registry does not have); a pod waiting for a Secret that does not exist.

Pods are full-size (spec and status as kubelet writes them, managedFields included, about 6 KB as
JSON) because the benchmarks measure parse time and memory on them. Each pod is decoded from its
app's template bytes with orjson: a fast deep copy, so no two objects share a subtree.
"""

from __future__ import annotations

from datetime import UTC, datetime

from kubetriage.cluster.dump import Dump
from kubetriage.core.gcpause import gc_paused
from kubetriage.sim.generate.cluster import ClusterBuilder
from kubetriage.sim.generate.scale import SCALE_KEYS, Scale, parse_rate, parse_scale
from kubetriage.sim.scenario import Scenario
from kubetriage.sim.timeline import Timeline

__all__ = ["SCALE_KEYS", "Scale", "generate_scenario", "parse_rate", "parse_scale"]


def generate_scenario(pods: int = 10000, events: int = 30000, helmreleases: int = 500,
                      namespaces: int | None = None, seed: int = 1,
                      now: datetime | None = None) -> Scenario:
    """A large cluster, the same for the same seed and `now` (default: this second).

    Counts are exact, except that events are about pods: a cluster without pods has only its
    failing releases' events."""
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    with gc_paused():
        objects, logs = ClusterBuilder(pods, events, helmreleases, namespaces, seed, now).build()
    desc = (f"generated: {pods} pods, {events} events, {helmreleases} HelmReleases, "
            "a few percent failing")
    return Scenario("scale", Timeline(description=desc), Dump(objects=objects, logs=logs))
