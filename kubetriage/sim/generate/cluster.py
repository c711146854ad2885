"""The generated cluster as a whole: namespaces, apps and which of them fail, nodes, Flux's
sources and one HelmRelease per app; the workloads and events parts fill in the rest."""

from __future__ import annotations

from typing import Any

from kubetriage.cluster.dump import LogKey
from kubetriage.sim.generate.base import (
    APPS,
    ENVS,
    FAILING_POD_SHARE,
    FAILING_RELEASE_SHARE,
    REGISTRY,
    TEAMS,
    App,
)
from kubetriage.sim.generate.events import Events
from kubetriage.sim.generate.workloads import Workloads


class ClusterBuilder(Workloads, Events):
    """Builds the objects and logs in one pass: plan, then each part appends its objects."""

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
            team, env = TEAMS[i % len(TEAMS)], ENVS[(i // len(TEAMS)) % len(ENVS)]
            rnd = i // (len(TEAMS) * len(ENVS))
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

    def _plan_apps(self, ns_names: list[str]) -> list[App]:
        apps: list[App] = []
        for i in range(self.n_releases):
            n, j = i % len(ns_names), i // len(ns_names)  # the j-th release of namespace n
            ns = ns_names[n]
            kind, image, port, probe = APPS[(j + n) % len(APPS)]
            name = f"{ns.split('-')[0]}-{kind}" + (f"-{j // len(APPS) + 1}"
                                                  if j >= len(APPS) else "")
            tag = f"{self.rng.randint(0, 3)}.{self.rng.randint(0, 30)}.{self.rng.randint(0, 12)}"
            image = image or f"{REGISTRY}/{ns.split('-')[0]}/{kind}:{tag}"
            apps.append(App(ns, name, kind, image, port, probe))
        if not apps and self.n_pods:  # no releases asked for: plain Deployments hold the pods
            for i in range(max(1, round(self.n_pods / 20))):
                ns = ns_names[i % len(ns_names)]
                apps.append(App(ns, f"app-{i}", "api", f"{REGISTRY}/apps/app-{i}:1.0.{i % 10}",
                                8080, "/healthz"))
        return apps

    def _plan_failures(self, apps: list[App]) -> None:
        """Incidents spread over the namespaces: a hook group (three releases of one namespace),
        then x509, manifest unknown and a missing Secret, cycled until ~4% of releases fail."""
        if self.n_releases < 2:
            return
        target = min(len(apps) // 2, max(6, round(len(apps) * FAILING_RELEASE_SHARE)))
        by_ns: dict[str, list[App]] = {}
        for app in apps:
            by_ns.setdefault(app.namespace, []).append(app)
        ns_order = list(by_ns)
        self.rng.shuffle(ns_order)
        failing, turn = 0, 0
        while failing < target and ns_order:
            ns = ns_order[turn % len(ns_order)]
            free = [a for a in by_ns[ns] if a.failure is None and a.image.startswith(REGISTRY)]
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

    def _plan_replicas(self, apps: list[App]) -> None:
        running = [a for a in apps if a.workload]
        bad = [a for a in running if a.failure]
        good = [a for a in running if not a.failure]
        n_bad = min(self.n_pods, max(len(bad), round(self.n_pods * FAILING_POD_SHARE))) \
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

    def _release_objects(self, app: App) -> None:
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
        version = app.image.rpartition(":")[2] if app.image.startswith(REGISTRY) else "1.4.2"
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


def _share(apps: list[App], total: int, weights: list[float]) -> None:
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
