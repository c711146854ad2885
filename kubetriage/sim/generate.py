"""The scale generator: a large, realistic cluster for the benchmarks (`kubetriage sim --scale`).
kubetriage/sim/churn.py keeps it changing.

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

import random
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypedDict, cast

import orjson

from kubetriage.cluster.dump import Dump, LogKey
from kubetriage.core.gcpause import gc_paused
from kubetriage.sim.scenario import Scenario
from kubetriage.sim.timeline import Timeline

SCALE_KEYS = ("pods", "events", "helmreleases", "namespaces")


class Scale(TypedDict, total=False):
    """The counts --scale gives: generate_scenario's keywords of the same names."""

    pods: int
    events: int
    helmreleases: int
    namespaces: int
_WHOLE = re.compile(r"^(\d+)(k?)$")
_RATE = re.compile(r"^(\d+(?:\.\d+)?)(/s)?$")

_FAILING_POD_SHARE = 0.03  # of all pods
_FAILING_RELEASE_SHARE = 0.04  # of all releases
_HASH_CHARS = "bcdfghjklmnpqrstvwxz2456789"  # Kubernetes' SafeEncodeString alphabet
_REGISTRY = "registry.internal.example.com:5000"

_TEAMS = ("payments", "checkout", "catalog", "search", "identity", "billing", "media", "ads",
          "analytics", "notify", "orders", "inventory", "shipping", "support", "growth", "data",
          "ml", "platform", "web", "mobile")
_ENVS = ("prod", "staging", "dev", "qa", "canary")
# app name, image (None: the team's own image in the internal registry), port, probe path
_APPS = (("api", None, 8080, "/healthz"), ("worker", None, 8080, "/healthz"),
         ("web", None, 8080, "/ready"), ("gateway", None, 8443, "/healthz"),
         ("scheduler", None, 9090, "/livez"), ("exporter", None, 9100, "/metrics"),
         ("ingest", None, 8080, "/healthz"), ("auth", None, 8080, "/health"),
         ("redis", "docker.io/bitnami/redis:7.2.4-debian-12-r9", 6379, None),
         ("memcached", "docker.io/bitnami/memcached:1.6.24", 11211, None),
         ("reports", None, 8000, "/healthz"), ("notifier", None, 8080, "/healthz"))


def parse_scale(text: str) -> Scale:
    """`pods=10000,events=30k,helmreleases=500[,namespaces=N]` -> counts.

    Raises ValueError with the one line a user sees, naming the bad part."""
    out: dict[str, int] = {}
    for part in text.split(","):
        key, eq, value = part.strip().partition("=")
        if not eq or not key:
            raise ValueError(f'--scale: "{part.strip()}" is not KEY=NUMBER '
                             f"(known keys: {', '.join(SCALE_KEYS)})")
        if key not in SCALE_KEYS:
            raise ValueError(f'--scale: unknown key "{key}" (known: {", ".join(SCALE_KEYS)})')
        m = _WHOLE.match(value.strip())
        if not m:
            raise ValueError(f'--scale: "{part.strip()}" is not a whole number')
        out[key] = int(m.group(1)) * (1000 if m.group(2) else 1)
    if out.get("namespaces") == 0:
        raise ValueError('--scale: "namespaces=0" must be at least 1')
    return cast(Scale, out)  # its keys are SCALE_KEYS, checked above


def parse_rate(text: str) -> float:
    """`200/s` or `200` -> 200.0; ValueError names --churn."""
    m = _RATE.match(text.strip())
    if not m or float(m.group(1)) <= 0:
        raise ValueError(f'--churn: "{text}" is not a rate such as 200/s')
    return float(m.group(1))


@dataclass
class _App:
    namespace: str
    name: str
    kind: str  # image/port archetype from _APPS
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


def generate_scenario(pods: int = 10000, events: int = 30000, helmreleases: int = 500,
                      namespaces: int | None = None, seed: int = 1,
                      now: datetime | None = None) -> Scenario:
    """A large cluster, the same for the same seed and `now` (default: this second).

    Counts are exact, except that events are about pods: a cluster without pods has only its
    failing releases' events."""
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    with gc_paused():
        objects, logs = _Builder(pods, events, helmreleases, namespaces, seed, now).build()
    desc = (f"generated: {pods} pods, {events} events, {helmreleases} HelmReleases, "
            "a few percent failing")
    return Scenario("scale", Timeline(description=desc), Dump(objects=objects, logs=logs))


class _Builder:
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

    # -- helpers

    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def ts(self, seconds_ago: float) -> str:
        s = int(seconds_ago)
        if s not in self._ts:
            self._ts[s] = (self.now - timedelta(seconds=s)).strftime("%Y-%m-%dT%H:%M:%SZ")
        return self._ts[s]

    def suffix(self, n: int) -> str:
        return "".join(self.rng.choices(_HASH_CHARS, k=n))

    def hexid(self, n: int) -> str:
        return f"{self.rng.getrandbits(4 * n):0{n}x}"

    # -- plan

    def build(self) -> tuple[list[dict[str, Any]], dict[LogKey, str]]:
        ns_names = self._namespaces()
        apps = self._plan_apps(ns_names)
        self._plan_failures(apps)
        self._plan_replicas(apps)
        self.objects.extend(self._node(i, n) for i, n in enumerate(self.nodes))
        self._flux_system()
        for app in apps:
            self._release_objects(app)
        pods = [p for app in apps for p in self._pods(app)]
        events = self._events(pods, apps)
        self.objects.extend(p for p, _ in pods)
        self.objects.extend(events)
        return self.objects, self.logs

    def _namespaces(self) -> list[str]:
        names = []
        for i in range(self.n_ns):
            team, env = _TEAMS[i % len(_TEAMS)], _ENVS[(i // len(_TEAMS)) % len(_ENVS)]
            rnd = i // (len(_TEAMS) * len(_ENVS))
            names.append(f"{team}-{env}" + (f"-{rnd + 1}" if rnd else ""))
        for name in ["flux-system"] + names:
            self.objects.append({
                "apiVersion": "v1", "kind": "Namespace",
                "metadata": {"name": name, "uid": self.uid(),
                             "creationTimestamp": self.ts(self.rng.uniform(90, 120) * 86400),
                             "labels": {"kubernetes.io/metadata.name": name,
                                        "kustomize.toolkit.fluxcd.io/name": "flux-system",
                                        "kustomize.toolkit.fluxcd.io/namespace": "flux-system"}},
                "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})
        return names

    def _plan_apps(self, ns_names: list[str]) -> list[_App]:
        apps: list[_App] = []
        for i in range(self.n_releases):
            n, j = i % len(ns_names), i // len(ns_names)  # the j-th release of namespace n
            ns = ns_names[n]
            kind, image, port, probe = _APPS[(j + n) % len(_APPS)]
            name = f"{ns.split('-')[0]}-{kind}" + (f"-{j // len(_APPS) + 1}"
                                                  if j >= len(_APPS) else "")
            tag = f"{self.rng.randint(0, 3)}.{self.rng.randint(0, 30)}.{self.rng.randint(0, 12)}"
            image = image or f"{_REGISTRY}/{ns.split('-')[0]}/{kind}:{tag}"
            apps.append(_App(ns, name, kind, image, port, probe))
        if not apps and self.n_pods:  # no releases asked for: plain Deployments hold the pods
            for i in range(max(1, round(self.n_pods / 20))):
                ns = ns_names[i % len(ns_names)]
                apps.append(_App(ns, f"app-{i}", "api", f"{_REGISTRY}/apps/app-{i}:1.0.{i % 10}",
                                 8080, "/healthz"))
        return apps

    def _plan_failures(self, apps: list[_App]) -> None:
        """Incidents spread over the namespaces: a hook group (three releases of one namespace),
        then x509, manifest unknown and a missing Secret, cycled until ~4% of releases fail."""
        if self.n_releases < 2:
            return
        target = min(len(apps) // 2, max(6, round(len(apps) * _FAILING_RELEASE_SHARE)))
        by_ns: dict[str, list[_App]] = {}
        for app in apps:
            by_ns.setdefault(app.namespace, []).append(app)
        ns_order = list(by_ns)
        self.rng.shuffle(ns_order)
        failing, turn = 0, 0
        while failing < target and ns_order:
            ns = ns_order[turn % len(ns_order)]
            free = [a for a in by_ns[ns] if a.failure is None and a.image.startswith(_REGISTRY)]
            incident = ("group", "x509", "manifest", "secret")[turn % 4]
            turn += 1
            if turn > 8 * len(ns_order):
                break
            if incident == "group":
                if len(free) < 3:
                    continue
                backend, front, bot = free[:3]
                backend.failure = "hook"
                front.failure, front.upstream = "crashloop", backend.name
                front.image = "docker.io/library/nginx:1.27.3-alpine"
                front.port, front.probe = 80, "/"
                bot.failure, bot.upstream = "dependency", backend.name
                failing += 3
            elif free:
                free[0].failure = incident
                if incident == "manifest":  # a tag the registry never had, like the seed's 0.12.0
                    free[0].image = free[0].image.rpartition(":")[0] + ":0.12.0"
                failing += 1

    def _plan_replicas(self, apps: list[_App]) -> None:
        running = [a for a in apps if a.workload]
        bad = [a for a in running if a.failure]
        good = [a for a in running if not a.failure]
        n_bad = min(self.n_pods, max(len(bad), round(self.n_pods * _FAILING_POD_SHARE))) \
            if bad else 0
        if not good:
            n_bad = self.n_pods
        _share(bad, n_bad, [1.0] * len(bad))
        _share(good, self.n_pods - n_bad, [self.rng.choice((1, 1, 2, 2, 3, 5, 8)) for _ in good])
        for app in apps:
            app.hash = self.suffix(10)
            for kind in ("HelmRelease", "HelmChart", "Deployment", "ReplicaSet", "Service"):
                app.uids[kind] = self.uid()

    # -- objects

    def _node(self, i: int, name: str) -> dict[str, Any]:
        ip = f"10.0.{i // 250}.{i % 250 + 4}"
        created = self.ts(120 * 86400 - i * 3600)
        ready = {"type": "Ready", "status": "True", "lastHeartbeatTime": self.ts(20),
                 "lastTransitionTime": self.ts(30 * 86400), "reason": "KubeletReady",
                 "message": "kubelet is posting ready status"}
        pressure = [{"type": t, "status": "False", "lastHeartbeatTime": self.ts(20),
                     "lastTransitionTime": self.ts(30 * 86400), "reason": f"KubeletHas{r}",
                     "message": f"kubelet has {m}"}
                    for t, r, m in (
                        ("MemoryPressure", "SufficientMemory", "sufficient memory available"),
                        ("DiskPressure", "NoDiskPressure", "no disk pressure"),
                        ("PIDPressure", "SufficientPID", "sufficient PID available"))]
        cap = {"cpu": "16", "ephemeral-storage": "203056560Ki", "hugepages-1Gi": "0",
               "hugepages-2Mi": "0", "memory": "65842380Ki", "pods": "110"}
        return {
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "uid": self.uid(), "creationTimestamp": created,
                         "labels": {"beta.kubernetes.io/arch": "amd64",
                                    "beta.kubernetes.io/os": "linux",
                                    "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name,
                                    "kubernetes.io/os": "linux",
                                    "node.kubernetes.io/instance-type": "k3s"},
                         "annotations": {
                             "node.alpha.kubernetes.io/ttl": "0",
                             "volumes.kubernetes.io/controller-managed-attach-detach": "true"}},
            "spec": {"podCIDR": f"10.42.{i}.0/24", "podCIDRs": [f"10.42.{i}.0/24"]},
            "status": {
                "addresses": [{"type": "InternalIP", "address": ip},
                              {"type": "Hostname", "address": name}],
                "allocatable": dict(cap, cpu="15800m", memory="64793804Ki"), "capacity": cap,
                "conditions": pressure + [ready],
                "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
                "nodeInfo": {"architecture": "amd64", "bootID": self.uid(),
                             "containerRuntimeVersion": "containerd://1.7.22",
                             "kernelVersion": "6.8.0-45-generic", "kubeProxyVersion": "v1.31.2",
                             "kubeletVersion": "v1.31.2", "machineID": self.hexid(32),
                             "operatingSystem": "linux", "osImage": "Ubuntu 24.04.1 LTS",
                             "systemUUID": self.uid()}}}

    def _flux_meta(self, name: str, ns: str, uid: str, created: str,
                   gen: int = 1) -> dict[str, Any]:
        return {"name": name, "namespace": ns, "uid": uid, "generation": gen,
                "creationTimestamp": created, "finalizers": ["finalizers.fluxcd.io"],
                "labels": {"kustomize.toolkit.fluxcd.io/name": "apps",
                           "kustomize.toolkit.fluxcd.io/namespace": "flux-system"}}

    def _artifact(self, path: str, revision: str) -> dict[str, Any]:
        digest = f"sha256:{self.hexid(64)}"
        return {"digest": digest, "lastUpdateTime": self.ts(self.rng.uniform(60, 3600)),
                "path": path, "revision": revision, "size": self.rng.randint(2000, 90000),
                "url": f"http://source-controller.flux-system.svc.cluster.local./{path}"}

    def _ready(self, status: str, reason: str, message: str, gen: int,
               ago: float) -> dict[str, Any]:
        return {"type": "Ready", "status": status, "reason": reason, "message": message,
                "lastTransitionTime": self.ts(ago), "observedGeneration": gen}

    def _flux_system(self) -> None:
        revision = f"main@sha1:{self.hexid(40)}"
        created = self.ts(100 * 86400)
        gitrepo = {"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
                   "metadata": self._flux_meta("flux-system", "flux-system", self.uid(), created),
                   "spec": {"interval": "1m0s", "ref": {"branch": "main"},
                            "secretRef": {"name": "flux-system"}, "timeout": "60s",
                            "url": "ssh://git@github.com/example/fleet"},
                   "status": {"artifact": self._artifact("gitrepository/flux-system/flux-system/"
                                                         f"{self.hexid(40)}.tar.gz", revision),
                              "conditions": [self._ready(
                                  "True", "Succeeded", f"stored artifact for revision '{revision}'",
                                  1, 3600)],
                              "observedGeneration": 1}}
        ks = {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
              "metadata": self._flux_meta("apps", "flux-system", self.uid(), created),
              "spec": {"interval": "10m0s", "path": "./apps", "prune": True,
                       "sourceRef": {"kind": "GitRepository", "name": "flux-system"}},
              "status": {"conditions": [self._ready("True", "ReconciliationSucceeded",
                                                    f"Applied revision: {revision}", 1, 3600)],
                         "lastAppliedRevision": revision, "lastAttemptedRevision": revision,
                         "observedGeneration": 1}}
        self.objects += [gitrepo, ks]

    def _release_objects(self, app: _App) -> None:
        ns, name = app.namespace, app.name
        created = self.ts(self.rng.uniform(3, 80) * 86400)
        team = ns.split("-")[0]
        repo_name = f"{team}-charts"
        if ns not in self.repos and self.n_releases:
            self.repos.add(ns)
            url = f"https://charts.example.com/{team}"
            self.objects.append({
                "apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "HelmRepository",
                "metadata": self._flux_meta(repo_name, ns, self.uid(), created),
                "spec": {"interval": "1h0m0s", "url": url},
                "status": {"artifact": self._artifact(f"helmrepository/{ns}/{repo_name}/index-"
                                                      f"{self.hexid(64)}.yaml",
                                                      f"sha256:{self.hexid(64)}"),
                           "conditions": [self._ready("True", "Succeeded",
                                                      "stored artifact: revision "
                                                      f"'sha256:{self.hexid(64)}'", 1, 7200)],
                           "observedGeneration": 1,
                           "url": f"http://source-controller.flux-system.svc.cluster.local./"
                                  f"helmrepository/{ns}/{repo_name}/index.yaml"}})
        version = app.image.rpartition(":")[2] if app.image.startswith(_REGISTRY) else "1.4.2"
        chart_version = f"1.{self.rng.randint(0, 9)}.{self.rng.randint(0, 20)}"
        app.chart_version = chart_version
        chart_name = f"{ns}-{name}"
        flux: list[dict[str, Any]] = [{
            "apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "HelmChart",
            "metadata": self._flux_meta(chart_name, ns, app.uids["HelmChart"], created),
            "spec": {"chart": app.kind, "interval": "10m0s", "reconcileStrategy": "ChartVersion",
                     "sourceRef": {"kind": "HelmRepository", "name": repo_name},
                     "version": ">=1.0.0 <2.0.0"},
            "status": {"artifact": self._artifact(f"helmchart/{ns}/{chart_name}/{app.kind}-"
                                                  f"{chart_version}.tgz", chart_version),
                       "conditions": [self._ready("True", "ChartPullSucceeded",
                                                  f"pulled '{app.kind}' chart with version "
                                                  f"'{chart_version}'", 1, 7200)],
                       "observedChartName": app.kind, "observedGeneration": 1,
                       "observedSourceArtifactRevision": f"sha256:{self.hexid(64)}",
                       "url": f"http://source-controller.flux-system.svc.cluster.local./helmchart/"
                              f"{ns}/{chart_name}/latest.tar.gz"}}]
        revision = self.rng.randint(1, 40)
        gen = self.rng.randint(1, 6)
        chart = f"{app.kind}@{chart_version}"
        action = "upgrade" if revision > 1 else "install"
        ready = self._ready("True", f"{action.capitalize()}Succeeded",
                            f"Helm {action} succeeded for release {ns}/{name}.v{revision} with "
                            f"chart {chart}", gen, self.rng.uniform(600, 86400))
        released = dict(ready, type="Released")
        conditions = [ready, released]
        failed_msg = {"hook": f"Helm upgrade failed for release {ns}/{name} with chart {chart}: "
                              "pre-upgrade hooks failed: 1 error occurred:\n\t* job "
                              f"{name}-migrate failed: BackoffLimitExceeded",
                      "dependency": f"dependency '{ns}/{app.upstream}' is not ready"}.get(
            app.failure or "", f"Helm upgrade failed for release {ns}/{name} with chart {chart}: "
                         "context deadline exceeded")
        if app.failure == "dependency":
            conditions = [self._ready("False", "DependencyNotReady", failed_msg, gen, 26 * 3600)]
        elif app.failure:
            failed = self._ready("False", "UpgradeFailed", failed_msg, gen, 3 * 3600)
            conditions = [failed, dict(failed, type="Released")]
        hr_status: dict[str, Any] = {
            "conditions": conditions, "observedGeneration": gen,
            "helmChart": f"{ns}/{chart_name}", "lastAttemptedGeneration": gen,
            "lastAttemptedRevision": chart_version,
            "lastAttemptedConfigDigest": f"sha256:{self.hexid(64)}",
            "lastAttemptedReleaseAction": action,
            "storageNamespace": ns}
        if app.failure != "dependency":
            hr_status["history"] = [{
                "chartName": app.kind, "chartVersion": chart_version, "appVersion": version,
                "configDigest": f"sha256:{self.hexid(64)}", "digest": f"sha256:{self.hexid(64)}",
                "firstDeployed": created, "lastDeployed": self.ts(self.rng.uniform(600, 86400)),
                "name": name, "namespace": ns,
                "status": "failed" if app.failure else "deployed", "version": revision}]
        if app.failure:
            hr_status["failures"] = self.rng.randint(1, 30)
        spec: dict[str, Any] = {
            "chart": {"spec": {"chart": app.kind, "version": ">=1.0.0 <2.0.0", "interval": "10m0s",
                               "reconcileStrategy": "ChartVersion",
                               "sourceRef": {"kind": "HelmRepository", "name": repo_name}}},
            "interval": "10m0s", "timeout": "5m0s",
            "install": {"remediation": {"retries": 3}},
            "upgrade": {"remediation": {"retries": 3, "remediateLastFailure": True}},
            "values": {"image": {"repository": app.image.rpartition(":")[0], "tag": version},
                       "replicaCount": app.replicas, "service": {"port": app.port}}}
        if app.failure == "dependency":
            spec["dependsOn"] = [{"name": app.upstream}]
        flux.append({"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
                     "metadata": self._flux_meta(name, ns, app.uids["HelmRelease"], created, gen),
                     "spec": spec, "status": hr_status})
        if self.n_releases:
            self.objects += flux
        app.revision, app.app_version = revision, version
        if app.workload:
            self._workload(app, created)

    def _labels(self, app: _App) -> dict[str, str]:
        labels = {"app.kubernetes.io/name": app.kind, "app.kubernetes.io/instance": app.name,
                  "app.kubernetes.io/version": app.app_version,
                  "app.kubernetes.io/component": "server",
                  "app.kubernetes.io/part-of": app.namespace,
                  "app.kubernetes.io/managed-by": "Helm",
                  "helm.sh/chart": f"{app.kind}-{app.chart_version}"}
        if self.n_releases:
            labels["helm.toolkit.fluxcd.io/name"] = app.name
            labels["helm.toolkit.fluxcd.io/namespace"] = app.namespace
        return labels

    def _workload(self, app: _App, created: str) -> None:
        ns, name = app.namespace, app.name
        labels = self._labels(app)
        selector = {"app.kubernetes.io/name": app.kind, "app.kubernetes.io/instance": name}
        helm_ann = {"meta.helm.sh/release-name": name, "meta.helm.sh/release-namespace": ns}
        template = {"metadata": {"labels": dict(labels),
                                 "annotations": {"checksum/config": self.hexid(64)}},
                    "spec": self._pod_spec(app)}
        rolled = self.ts(self.rng.uniform(3600, 3 * 86400))
        ready = 0 if app.failure else app.replicas
        deploy_status: dict[str, Any] = {
            "observedGeneration": app.revision, "replicas": app.replicas,
            "updatedReplicas": app.replicas, "readyReplicas": ready, "availableReplicas": ready,
            "conditions": [
                {"type": "Available", "status": "True" if ready == app.replicas else "False",
                 "reason": "MinimumReplicasAvailable" if ready == app.replicas
                 else "MinimumReplicasUnavailable",
                 "message": "Deployment has minimum availability." if ready == app.replicas
                 else "Deployment does not have minimum availability.",
                 "lastUpdateTime": rolled, "lastTransitionTime": rolled},
                {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
                 "message": f'ReplicaSet "{name}-{app.hash}" has successfully progressed.',
                 "lastUpdateTime": rolled, "lastTransitionTime": created}]}
        if not ready:
            for k in ("readyReplicas", "availableReplicas"):
                del deploy_status[k]
            deploy_status["unavailableReplicas"] = app.replicas
        deploy = {"apiVersion": "apps/v1", "kind": "Deployment",
                  "metadata": {"name": name, "namespace": ns, "uid": app.uids["Deployment"],
                               "generation": app.revision, "creationTimestamp": created,
                               "labels": labels,
                               "annotations": {"deployment.kubernetes.io/revision":
                                               str(app.revision), **helm_ann}},
                  "spec": {"replicas": app.replicas, "revisionHistoryLimit": 10,
                           "progressDeadlineSeconds": 600,
                           "selector": {"matchLabels": selector},
                           "strategy": {"type": "RollingUpdate",
                                        "rollingUpdate": {"maxSurge": "25%",
                                                          "maxUnavailable": "25%"}},
                           "template": template},
                  "status": deploy_status}
        rs_labels = dict(template["metadata"]["labels"], **{"pod-template-hash": app.hash})
        rs_template = orjson.loads(orjson.dumps(template))
        rs_template["metadata"]["labels"] = dict(rs_labels)
        rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
              "metadata": {"name": f"{name}-{app.hash}", "namespace": ns,
                           "uid": app.uids["ReplicaSet"], "generation": 1,
                           "creationTimestamp": rolled, "labels": rs_labels,
                           "annotations": {"deployment.kubernetes.io/desired-replicas":
                                           str(app.replicas),
                                           "deployment.kubernetes.io/max-replicas":
                                           str(app.replicas + max(1, app.replicas // 4)),
                                           "deployment.kubernetes.io/revision": str(app.revision),
                                           **helm_ann},
                           "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment",
                                                "name": name, "uid": app.uids["Deployment"],
                                                "controller": True, "blockOwnerDeletion": True}]},
              "spec": {"replicas": app.replicas,
                       "selector": {"matchLabels": {**selector, "pod-template-hash": app.hash}},
                       "template": rs_template},
              "status": {"replicas": app.replicas, "fullyLabeledReplicas": app.replicas,
                         "observedGeneration": 1,
                         **({"readyReplicas": ready, "availableReplicas": ready} if ready else {})}}
        self.objects += [deploy, rs]
        a, b = divmod(self.rng.randrange(4, 65000), 256)
        self.objects.append({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": ns, "uid": app.uids["Service"],
                         "creationTimestamp": created, "labels": labels, "annotations": helm_ann},
            "spec": {"type": "ClusterIP", "clusterIP": f"10.43.{a}.{b}",
                     "clusterIPs": [f"10.43.{a}.{b}"], "internalTrafficPolicy": "Cluster",
                     "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                     "ports": [{"name": "http", "port": app.port, "protocol": "TCP",
                                "targetPort": "http"}],
                     "selector": selector, "sessionAffinity": "None"},
            "status": {"loadBalancer": {}}})
        app.pod_labels, app.pod_annotations = rs_labels, template["metadata"]["annotations"]

    def _pod_spec(self, app: _App) -> dict[str, Any]:
        port = {"name": "http", "containerPort": app.port, "protocol": "TCP"}
        container: dict[str, Any] = {
            "name": app.kind if app.failure != "crashloop" else "nginx", "image": app.image,
            "imagePullPolicy": "IfNotPresent", "ports": [port],
            "env": [{"name": "LOG_LEVEL", "value": "info"},
                    {"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1",
                                                                    "fieldPath": "metadata.name"}}},
                    {"name": "POD_NAMESPACE",
                     "valueFrom": {"fieldRef": {"apiVersion": "v1",
                                                "fieldPath": "metadata.namespace"}}},
                    {"name": "OTEL_EXPORTER_OTLP_ENDPOINT",
                     "value": "http://otel-collector.observability.svc.cluster.local:4317"}],
            "resources": {"limits": {"cpu": "500m", "memory": "512Mi"},
                          "requests": {"cpu": "50m", "memory": "128Mi"}},
            "securityContext": {"allowPrivilegeEscalation": False,
                                "capabilities": {"drop": ["ALL"]}, "readOnlyRootFilesystem": True,
                                "runAsNonRoot": True, "runAsUser": 10001},
            "terminationMessagePath": "/dev/termination-log",
            "terminationMessagePolicy": "File",
            "volumeMounts": [{"name": "config", "mountPath": "/etc/app", "readOnly": True},
                             {"name": "tmp", "mountPath": "/tmp"}]}
        if app.probe:
            probe = {"httpGet": {"path": app.probe, "port": "http", "scheme": "HTTP"},
                     "failureThreshold": 3, "periodSeconds": 10, "successThreshold": 1,
                     "timeoutSeconds": 1}
            container["livenessProbe"] = dict(probe, initialDelaySeconds=10)
            container["readinessProbe"] = dict(probe, initialDelaySeconds=5)
        else:
            probe = {"tcpSocket": {"port": "http"}, "failureThreshold": 5, "periodSeconds": 10,
                     "successThreshold": 1, "timeoutSeconds": 5}
            container["livenessProbe"] = dict(probe, initialDelaySeconds=20)
            container["readinessProbe"] = dict(probe, initialDelaySeconds=5)
        if app.failure == "secret":
            container["env"].append({"name": "DATABASE_PASSWORD", "valueFrom": {"secretKeyRef": {
                "name": f"{app.name}-db", "key": "password"}}})
        return {"containers": [container], "dnsPolicy": "ClusterFirst",
                "enableServiceLinks": True, "restartPolicy": "Always",
                "schedulerName": "default-scheduler",
                "securityContext": {"fsGroup": 10001, "seccompProfile": {"type": "RuntimeDefault"}},
                "serviceAccountName": app.name, "terminationGracePeriodSeconds": 30,
                "volumes": [{"name": "config", "configMap": {"name": f"{app.name}-config",
                                                             "defaultMode": 420}},
                            {"name": "tmp", "emptyDir": {}}]}

    # -- pods

    def _pod_template(self, app: _App) -> bytes:
        """Everything of the app's pods that does not vary per pod, as JSON bytes."""
        spec = self._pod_spec(app)
        spec["serviceAccount"] = app.name
        spec["priority"] = 0
        spec["preemptionPolicy"] = "PreemptLowerPriority"
        spec["tolerations"] = [{"key": f"node.kubernetes.io/{t}", "operator": "Exists",
                                "effect": "NoExecute", "tolerationSeconds": 300}
                               for t in ("not-ready", "unreachable")]
        cname = spec["containers"][0]["name"]
        fields = {"f:metadata": {"f:annotations": {".": {}, "f:checksum/config": {}},
                                 "f:generateName": {}, "f:labels": {".": {}, **{
                                     f"f:{k}": {} for k in app.pod_labels}},
                                 "f:ownerReferences": {
                                     ".": {}, f'k:{{"uid":"{app.uids["ReplicaSet"]}"}}': {}}},
                  "f:spec": {"f:containers": {f'k:{{"name":"{cname}"}}': {
                      ".": {}, "f:env": {}, "f:image": {}, "f:imagePullPolicy": {},
                      "f:livenessProbe": {}, "f:name": {}, "f:ports": {}, "f:readinessProbe": {},
                      "f:resources": {}, "f:securityContext": {}, "f:terminationMessagePath": {},
                      "f:terminationMessagePolicy": {}, "f:volumeMounts": {}}},
                      "f:dnsPolicy": {}, "f:enableServiceLinks": {}, "f:restartPolicy": {},
                      "f:schedulerName": {}, "f:securityContext": {}, "f:serviceAccount": {},
                      "f:serviceAccountName": {}, "f:terminationGracePeriodSeconds": {},
                      "f:volumes": {}}}
        status_fields = {"f:status": {"f:conditions": {
            f'k:{{"type":"{t}"}}': {".": {}, "f:lastProbeTime": {}, "f:lastTransitionTime": {},
                                    "f:status": {}, "f:type": {}}
            for t in ("ContainersReady", "Initialized", "PodReadyToStartContainers", "Ready")},
            "f:containerStatuses": {}, "f:hostIP": {}, "f:hostIPs": {}, "f:phase": {},
            "f:podIP": {}, "f:podIPs": {".": {}, 'k:{"ip":"IP"}': {".": {}, "f:ip": {}}},
            "f:startTime": {}}}
        template = {
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"generateName": f"{app.name}-{app.hash}-", "namespace": app.namespace,
                         "labels": app.pod_labels,
                         "annotations": app.pod_annotations,
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                              "name": f"{app.name}-{app.hash}",
                                              "uid": app.uids["ReplicaSet"], "controller": True,
                                              "blockOwnerDeletion": True}],
                         "managedFields": [
                             {"manager": "k3s", "operation": "Update", "apiVersion": "v1",
                              "time": "", "fieldsType": "FieldsV1", "fieldsV1": fields},
                             {"manager": "k3s", "operation": "Update", "apiVersion": "v1",
                              "time": "", "fieldsType": "FieldsV1", "fieldsV1": status_fields,
                              "subresource": "status"}]},
            "spec": spec,
            "status": {"phase": "Running", "qosClass": "Burstable"}}
        return orjson.dumps(template)

    def _pods(self, app: _App) -> list[tuple[dict[str, Any], _App]]:
        if not app.replicas:
            return []
        template = self._pod_template(app)
        out = []
        node_for_x509 = self.nodes[len(self.nodes) // 2]
        for _ in range(app.replicas):
            pod = orjson.loads(template)
            name = f"{app.name}-{app.hash}-{self.suffix(5)}"
            uid = self.uid()
            meta = pod["metadata"]
            meta["name"], meta["uid"] = name, uid
            ni = self.rng.randrange(len(self.nodes))
            node = node_for_x509 if app.failure == "x509" else self.nodes[ni]
            ni = self.nodes.index(node) if app.failure == "x509" else ni
            meta["creationTimestamp"] = created = self.ts(self.rng.uniform(3600, 3 * 86400))
            for mf in meta["managedFields"]:
                mf["time"] = created
            pod["spec"]["nodeName"] = node
            pod["spec"]["volumes"].append(_api_access_volume(self.suffix(5)))
            pod["spec"]["containers"][0]["volumeMounts"].append({
                "name": pod["spec"]["volumes"][-1]["name"], "readOnly": True,
                "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"})
            host_ip = f"10.0.{ni // 250}.{ni % 250 + 4}"
            pod_ip = f"10.42.{ni}.{self.rng.randrange(2, 254)}"
            self._pod_status(pod, app, created, host_ip, pod_ip)
            out.append((pod, app))
        return out

    def _pod_status(self, pod: dict[str, Any], app: _App, created: str, host_ip: str,
                    pod_ip: str) -> None:
        container = pod["spec"]["containers"][0]
        ok = app.failure is None
        not_ready = {"reason": "ContainersNotReady",
                     "message": f"containers with unready status: [{container['name']}]"}
        conds = []
        for t in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady",
                  "PodScheduled"):
            c = {"type": t, "status": "True", "lastProbeTime": None, "lastTransitionTime": created}
            if not ok and t in ("Ready", "ContainersReady"):
                c.update(status="False", **not_ready)
            conds.append(c)
        cstatus: dict[str, Any] = {"name": container["name"], "image": container["image"],
                                   "imageID": "", "ready": ok, "restartCount": 0,
                                   "started": ok, "lastState": {}}
        started = created
        if ok or app.failure == "crashloop":
            cstatus["imageID"] = (f"{container['image'].rpartition(':')[0]}@sha256:"
                                  f"{self.hexid(64)}")
            cstatus["containerID"] = f"containerd://{self.hexid(64)}"
        if ok:
            cstatus["state"] = {"running": {"startedAt": started}}
            if self.rng.random() < 0.05:  # an old restart, long healed
                cstatus["restartCount"] = self.rng.randint(1, 3)
                cstatus["lastState"] = {"terminated": {
                    "exitCode": 137, "reason": "OOMKilled", "startedAt": created,
                    "finishedAt": created, "containerID": f"containerd://{self.hexid(64)}"}}
        elif app.failure == "crashloop":
            age = (self.now - datetime.fromisoformat(created.replace("Z", "+00:00"))
                   ).total_seconds()
            restarts = max(20, int(age / 300) - self.rng.randint(0, 5))  # back-off caps at 5 min
            cstatus["restartCount"] = restarts
            cstatus["state"] = {"waiting": {
                "reason": "CrashLoopBackOff",
                "message": f"back-off 5m0s restarting failed container={container['name']} "
                           f"pod={pod['metadata']['name']}_{app.namespace}"
                           f"({pod['metadata']['uid']})"}}
            cstatus["lastState"] = {"terminated": {
                "exitCode": 1, "reason": "Error", "startedAt": self.ts(95),
                "finishedAt": self.ts(94), "containerID": cstatus["containerID"]}}
            line = (f'[emerg] 1#1: host not found in upstream "{app.upstream}" in '
                    "/etc/nginx/conf.d/default.conf:14")
            self.logs[LogKey(app.namespace, pod["metadata"]["name"], container["name"], True)] = (
                "/docker-entrypoint.sh: Configuration complete; ready for start up\n"
                f"{(self.now - timedelta(seconds=94)).strftime('%Y/%m/%d %H:%M:%S')} {line}\n"
                f'nginx: [emerg] host not found in upstream "{app.upstream}" in '
                "/etc/nginx/conf.d/default.conf:14\n")
        else:
            reason, message = {
                "x509": ("ImagePullBackOff", f'Back-off pulling image "{container["image"]}"'),
                "manifest": ("ImagePullBackOff", f'Back-off pulling image "{container["image"]}"'),
                "secret": ("CreateContainerConfigError", f'secret "{app.name}-db" not found'),
            }[app.failure or ""]
            cstatus["state"] = {"waiting": {"reason": reason, "message": message}}
        pod["status"].update({
            "conditions": conds, "containerStatuses": [cstatus], "hostIP": host_ip,
            "hostIPs": [{"ip": host_ip}], "podIP": pod_ip, "podIPs": [{"ip": pod_ip}],
            "startTime": created})

    # -- events

    def _events(self, pods: list[tuple[dict[str, Any], _App]], apps: list[_App]) -> list[dict]:
        """Warnings for every failing object first, then kubelet's startup sequence for the most
        recently started pods (older pods' events have expired, as on a real cluster)."""
        budget = self.n_events
        out: list[dict[str, Any]] = []
        for pod, app in pods:
            if app.failure and budget > 0:
                for ev in self._warnings(pod, app)[:budget]:
                    out.append(ev)
                    budget -= 1
        for app in apps:
            if app.failure in ("hook", "crashloop", "x509", "manifest", "secret") and budget > 0 \
                    and self.n_releases:
                msg = (f"Helm upgrade failed for release {app.namespace}/{app.name} with chart "
                       f"{app.kind}@{app.chart_version}: " +
                       ("pre-upgrade hooks failed: 1 error occurred:\n\t* job "
                        f"{app.name}-migrate failed: BackoffLimitExceeded" if app.failure == "hook"
                        else "context deadline exceeded"))
                out.append(self._event(app.namespace, {
                    "apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
                    "name": app.name, "namespace": app.namespace, "uid": app.uids["HelmRelease"]},
                    "Warning", "UpgradeFailed", msg, "helm-controller", None,
                    self.rng.randint(2, 40), 3 * 3600, self.rng.uniform(5, 600)))
                budget -= 1
        healthy = [(p, a) for p, a in pods if not a.failure]
        young = min(len(healthy), budget // 4)
        for pod, _ in healthy[len(healthy) - young:]:
            self._restart_young(pod)
            out.extend(self._startup(pod))
            budget -= 4
        i = 0
        while budget > 0 and pods:  # more events than pods can explain: repeated readiness blips
            pod, _ = pods[i % len(pods)]
            i += 1
            image = pod["spec"]["containers"][0]["image"]
            out.append(self._pod_event(
                pod, *(("Warning", "Unhealthy", "Readiness probe failed: HTTP probe failed with "
                        "statuscode: 503") if i % 2 else
                       ("Normal", "Pulled", f'Container image "{image}" already present on '
                        "machine")), 1, 1800, self.rng.uniform(60, 1800)))
            budget -= 1
        return out

    def _restart_young(self, pod: dict[str, Any]) -> None:
        """A pod whose startup events are still kept was created less than an hour ago."""
        created = self.ts(self.rng.uniform(120, 3300))
        meta, status = pod["metadata"], pod["status"]
        meta["creationTimestamp"] = status["startTime"] = created
        for mf in meta["managedFields"]:
            mf["time"] = created
        for c in status["conditions"]:
            c["lastTransitionTime"] = created
        cs = status["containerStatuses"][0]
        cs["state"] = {"running": {"startedAt": created}}
        cs["restartCount"], cs["lastState"] = 0, {}

    def _event(self, ns: str, involved: dict[str, Any], type_: str, reason: str, message: str,
               component: str, host: str | None, count: int, first_ago: float,
               last_ago: float) -> dict[str, Any]:
        name = f"{involved['name']}.{self.hexid(16)}"
        ev = {"apiVersion": "v1", "kind": "Event",
              "metadata": {"name": name, "namespace": ns, "uid": self.uid(),
                           "creationTimestamp": self.ts(first_ago)},
              "involvedObject": involved, "type": type_, "reason": reason, "message": message,
              "source": {"component": component, **({"host": host} if host else {})},
              "firstTimestamp": self.ts(first_ago),
              "lastTimestamp": self.ts(min(first_ago, last_ago)),
              "count": count, "eventTime": None, "reportingComponent": component,
              "reportingInstance": host or ""}
        return ev

    def _pod_event(self, pod: dict[str, Any], type_: str, reason: str, message: str, count: int,
                   first_ago: float, last_ago: float) -> dict[str, Any]:
        meta = pod["metadata"]
        involved = {"apiVersion": "v1", "kind": "Pod", "name": meta["name"],
                    "namespace": meta["namespace"], "uid": meta["uid"],
                    "fieldPath": f"spec.containers{{{pod['spec']['containers'][0]['name']}}}"}
        return self._event(meta["namespace"], involved, type_, reason, message, "kubelet",
                           pod["spec"]["nodeName"], count, first_ago, last_ago)

    def _startup(self, pod: dict[str, Any]) -> list[dict[str, Any]]:
        meta, spec = pod["metadata"], pod["spec"]
        c = spec["containers"][0]
        ago = (self.now - datetime.fromisoformat(meta["creationTimestamp"].replace("Z", "+00:00"))
               ).total_seconds()
        scheduled = self._event(meta["namespace"], {
            "apiVersion": "v1", "kind": "Pod", "name": meta["name"],
            "namespace": meta["namespace"], "uid": meta["uid"]}, "Normal", "Scheduled",
            f"Successfully assigned {meta['namespace']}/{meta['name']} to {spec['nodeName']}",
            "default-scheduler", None, 1, ago, ago)
        # the scheduler writes events.k8s.io events: eventTime set, the legacy fields empty
        scheduled.update(firstTimestamp=None, lastTimestamp=None, action="Binding",
                         eventTime=self.ts(ago)[:-1] + f".{self.rng.randrange(10**6):06d}Z",
                         reportingInstance=f"default-scheduler-{self.nodes[0]}", source={})
        del scheduled["count"]
        return [scheduled,
                self._pod_event(pod, "Normal", "Pulled", f'Container image "{c["image"]}" already '
                                "present on machine", 1, ago - 1, ago - 1),
                self._pod_event(pod, "Normal", "Created", f"Created container {c['name']}", 1,
                                ago - 1, ago - 1),
                self._pod_event(pod, "Normal", "Started", f"Started container {c['name']}", 1,
                                ago - 2, ago - 2)]

    def _warnings(self, pod: dict[str, Any], app: _App) -> list[dict[str, Any]]:
        image = pod["spec"]["containers"][0]["image"]
        name, ns, uid = (pod["metadata"][k] for k in ("name", "namespace", "uid"))
        cname = pod["spec"]["containers"][0]["name"]
        created = (self.now - datetime.fromisoformat(
            pod["metadata"]["creationTimestamp"].replace("Z", "+00:00"))).total_seconds()
        if app.failure == "crashloop":
            restarts = pod["status"]["containerStatuses"][0]["restartCount"]
            return [self._pod_event(pod, "Warning", "BackOff",
                                    f"Back-off restarting failed container {cname} in pod "
                                    f"{name}_{ns}({uid})", restarts * 4, created, 10)]
        if app.failure == "secret":
            return [self._pod_event(pod, "Warning", "Failed",
                                    f'Error: secret "{app.name}-db" not found',
                                    self.rng.randint(50, 900), created, 20)]
        repo, _, tag = image.rpartition(":")
        if app.failure == "x509":
            host, _, path = repo.partition("/")
            cause = (f'failed to pull and unpack image "{image}": failed to resolve reference '
                     f'"{image}": failed to do request: Head "https://{host}/v2/{path}/manifests/'
                     f'{tag}": tls: failed to verify certificate: x509: certificate signed by '
                     "unknown authority")
        else:
            cause = (f'rpc error: code = NotFound desc = failed to pull and unpack image '
                     f'"{image}": failed to resolve reference "{image}": {image}: not found: '
                     "manifest unknown: manifest unknown")
        n = self.rng.randint(20, 460)
        return [self._pod_event(pod, "Warning", "Failed",
                                f'Failed to pull image "{image}": {cause}', n, created, 30),
                self._pod_event(pod, "Normal", "BackOff", f'Back-off pulling image "{image}"',
                                n * 20, created, 5)]


def _api_access_volume(suffix: str) -> dict[str, Any]:
    return {"name": f"kube-api-access-{suffix}", "projected": {"defaultMode": 420, "sources": [
        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
        {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
        {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {
            "apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}]}}


def _share(apps: list[_App], total: int, weights: list[float]) -> None:
    """Split `total` replicas over apps by weight, exactly (largest remainder)."""
    if not apps:
        return
    scale = total / sum(weights)
    exact = [w * scale for w in weights]
    for app, x in zip(apps, exact):
        app.replicas = int(x)
    rest = total - sum(a.replicas for a in apps)
    order = sorted(range(len(apps)), key=lambda i: exact[i] - int(exact[i]), reverse=True)
    for i in order[:rest]:
        apps[i].replicas += 1
