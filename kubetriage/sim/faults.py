"""Fault injection for the embedded server: off by default, set per server, changeable while it
runs (the server reads the fields on every request), so the cluster source's resilience can be
tested against the failures a real cluster has."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Faults:
    drop_watch_every: int = 0  # every Nth watch is cut mid-stream (TCP closed after a whole line)
    gone_watch_every: int = 0  # every Nth watch is answered with 410 Expired
    stall_watch_every: int = 0  # every Nth watch stays open and never sends anything
    error_rate: float = 0.0  # fraction of API requests answered 500, drawn from `seed`
    latency: float = 0.0  # seconds added before every API answer
    forbid_cluster_wide: bool = False  # 403 for all-namespaces lists and watches
    # no kubelet answers, as when a node is gone (and on a kube-apiserver without kubelets):
    # pods/log is 500 `dial tcp NODE:10250: connect: connection refused`, and a deleted pod that
    # is bound to a node stays Terminating until deleted with gracePeriodSeconds 0
    kubelet_down: bool = False
    seed: int = 1
    _rng: random.Random = field(default_factory=random.Random, init=False, repr=False,
                                compare=False)  # seeded from `seed` below
    _watches: int = field(default=0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def fail_request(self) -> bool:
        return self.error_rate > 0 and self._rng.random() < self.error_rate

    def next_watch(self) -> str | None:
        """The fault for the watch being opened now: "gone", "stall", "drop" or None."""
        self._watches += 1
        n = self._watches
        for every, fault in ((self.gone_watch_every, "gone"), (self.stall_watch_every, "stall"),
                             (self.drop_watch_every, "drop")):
            if every and n % every == 0:
                return fault
        return None
