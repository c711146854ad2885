"""The events of a generated cluster: warnings for every failing object first, then kubelet's
startup sequence for the most recently started pods, within the --scale budget."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kubetriage.sim.generate.base import App, Base


class Events(Base):
    def _events(self, pods: list[tuple[dict[str, Any], App]], apps: list[App]) -> list[dict]:
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

    def _warnings(self, pod: dict[str, Any], app: App) -> list[dict[str, Any]]:
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

