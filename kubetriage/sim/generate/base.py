"""The generator's shared parts: the cluster's vocabulary (teams, environments, app archetypes,
the registry), an app as planned, and the base every builder part extends."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from kubetriage.cluster.dump import LogKey

FAILING_POD_SHARE = 0.03  # of all pods
FAILING_RELEASE_SHARE = 0.04  # of all releases
SAFE_CHARS = "bcdfghjklmnpqrstvwxz2456789"  # Kubernetes' SafeEncodeString alphabet
REGISTRY = "registry.internal.example.com:5000"

TEAMS = ("payments", "checkout", "catalog", "search", "identity", "billing", "media", "ads",
         "analytics", "notify", "orders", "inventory", "shipping", "support", "growth", "data",
         "ml", "platform", "web", "mobile")
ENVS = ("prod", "staging", "dev", "qa", "canary")
# app name, image (None: the team's own image in the internal registry), port, probe path
APPS = (("api", None, 8080, "/healthz"), ("worker", None, 8080, "/healthz"),
        ("web", None, 8080, "/ready"), ("gateway", None, 8443, "/healthz"),
        ("scheduler", None, 9090, "/livez"), ("exporter", None, 9100, "/metrics"),
        ("ingest", None, 8080, "/healthz"), ("auth", None, 8080, "/health"),
        ("redis", "docker.io/bitnami/redis:7.2.4-debian-12-r9", 6379, None),
        ("memcached", "docker.io/bitnami/memcached:1.6.24", 11211, None),
        ("reports", None, 8000, "/healthz"), ("notifier", None, 8080, "/healthz"))


@dataclass
class App:
    """One release as planned: its namespace, archetype, failure and the uids of its objects."""

    namespace: str
    name: str
    kind: str  # image/port archetype from APPS
    image: str
    port: int
    probe: str | None
    failure: str | None = None  # hook, crashloop, dependency, x509, manifest, secret
    upstream: str | None = None  # crashloop: the host nginx cannot find; dependency: the release
    replicas: int = 0
    hash: str = ""  # pod-template-hash
    uids: dict[str, str] = field(default_factory=dict)  # kind -> uid of the app's objects
    chart_version: str = ""
    app_version: str = ""
    revision: int = 1  # Helm release revision, the Deployment's revision and generation
    pod_labels: dict[str, str] = field(default_factory=dict)
    pod_annotations: dict[str, str] = field(default_factory=dict)

    @property
    def workload(self) -> bool:
        return self.failure not in ("hook", "dependency")


class Base:
    """What every part of the generator shares: the seeded random source, the clock, the
    objects and logs made so far, and ids and times as the API server writes them."""

    def __init__(self, pods: int, events: int, releases: int, namespaces: int | None, seed: int,
                 now: datetime) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.n_pods, self.n_events, self.n_releases = pods, events, releases
        self.n_ns = namespaces or max(1, round(pods / 100))
        self.nodes = [f"node-{i:03d}" for i in range(1, max(3, round(pods / 50)) + 1)]
        self.objects: list[dict[str, Any]] = []
        self.logs: dict[LogKey, str] = {}
        self._ts: dict[int, str] = {}
        self.repos: set[str] = set()  # namespaces that have their HelmRepository

    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def ts(self, seconds_ago: float) -> str:
        s = int(seconds_ago)
        if s not in self._ts:
            self._ts[s] = (self.now - timedelta(seconds=s)).strftime("%Y-%m-%dT%H:%M:%SZ")
        return self._ts[s]

    def suffix(self, n: int) -> str:
        return "".join(self.rng.choices(SAFE_CHARS, k=n))

    def hexid(self, n: int) -> str:
        return f"{self.rng.getrandbits(4 * n):0{n}x}"

