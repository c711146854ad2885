"""Builders for the issue-13 incident scenarios (scripts/make_flux_sources.py and its siblings):
a small Flux-run cluster with its controllers Running, plus the objects those incidents are made
of as the controllers write them: failing Flux sources, HelmCharts and consumers, claims,
storage classes, quotas, cert-manager objects, unschedulable pods, node conditions.

Every message a scenario puts in an object comes from the scenario script, which quotes it from a
public issue (its header lists the sources); this module only lays out fields.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from scenario_kit import dump_yaml
from scenario_objects import (
    Builder,
    Release,
    _flux_cond,
    container,
    namespace,
    node,
    running,
    service,
    workload,
)

Obj = dict[str, Any]
DAY = 86400.0
SCENARIOS = Path(__file__).resolve().parent.parent / "kubetriage" / "scenarios"
GIT_REV = "main@sha1:3f6c1e9a7b2d4f8e0c5a1b3d7e9f2a4c6b8d0e1f"
FLUX = "v2.6.4"
CONTROLLERS = (("source-controller", "v1.6.2"), ("kustomize-controller", "v1.6.1"),
               ("helm-controller", "v1.3.0"), ("notification-controller", "v1.6.0"))


def cluster(seed: str, recorded_at: datetime, nodes: list[tuple[str, str]],
            namespaces: list[str], *, kubelet: str = "v1.33.4+k3s1",
            arch: dict[str, str] | None = None, dns_service: str = "kube-dns") -> Builder:
    """Nodes, namespaces, Flux's controllers, CoreDNS behind kube-dns, and the cluster's own
    GitRepository and Kustomization, Ready."""
    b = Builder(seed, recorded_at, nodes[0][0], nodes[0][1])
    for i, (name, ip) in enumerate(nodes):
        labels = {"node-role.kubernetes.io/control-plane": "true"} if i == 0 else {}
        if arch and name in arch:
            labels.update({"kubernetes.io/arch": arch[name], "beta.kubernetes.io/arch": arch[name]})
        n = node(b, 120 * DAY, labels, kubelet, "containerd://2.0.5-k3s2", "Ubuntu 24.04.2 LTS",
                 "6.8.0-60-generic", "4", 16_318_464, name=name, ip=ip,
                 pod_cidr=f"10.42.{i}.0/24")
        if arch and name in arch:
            n["status"]["nodeInfo"]["architecture"] = arch[name]
    for ns in ["default", "kube-system", "flux-system", *namespaces]:
        namespace(b, ns, 120 * DAY)
    for name, version in CONTROLLERS:
        workload(b, "Deployment", "flux-system", name, release=None,
                 labels={"app.kubernetes.io/component": name,
                         "app.kubernetes.io/instance": "flux-system",
                         "app.kubernetes.io/part-of": "flux",
                         "app.kubernetes.io/version": FLUX, "control-plane": "controller"},
                 selector={"app": name}, created=100 * DAY,
                 containers=[container("manager", f"ghcr.io/fluxcd/{name}:{version}", port=8080,
                                       port_name="http-prom", memory="1Gi")],
                 pods=[{"created": 9 * DAY, "statuses": [running(9 * DAY - 20)]}])
    _, dns = workload(b, "Deployment", "kube-system", "coredns", release=None,
                      labels={"k8s-app": "kube-dns"}, created=120 * DAY,
                      containers=[container("coredns", "rancher/mirrored-coredns-coredns:1.12.1",
                                            port=53, port_name="dns", memory="170Mi")],
                      pods=[{"created": 20 * DAY, "statuses": [running(20 * DAY - 20)]}],
                      service_account="coredns", priority_class="system-cluster-critical")
    service(b, "kube-system", dns_service, selector={"k8s-app": "kube-dns"},
            labels={"k8s-app": "kube-dns"}, ports=[("dns", 53, 53)], created=120 * DAY, pods=dns)
    git_repository(b, "flux-system", "ssh://git@github.com/homelab/cluster",
                   secret="flux-system")
    kustomization(b, "flux-system", path="./clusters/home", source="flux-system")
    return b


def set_cluster_ip(b: Builder, namespace_: str, name: str, ip: str) -> None:
    svc = b.get("Service", namespace_, name)
    svc["spec"]["clusterIP"] = ip
    svc["spec"]["clusterIPs"] = [ip]


# --- Flux ------------------------------------------------------------------------------------------

def _meta(b: Builder, kind: str, name: str, ns: str, created: float = 60 * DAY) -> Obj:
    return b.meta(kind, name, ns, created,
                  {"kustomize.toolkit.fluxcd.io/name": "flux-system",
                   "kustomize.toolkit.fluxcd.io/namespace": "flux-system"}, generation=1)


def _artifact(b: Builder, kind: str, ns: str, name: str, revision: str) -> Obj:
    path = f"{kind.lower()}/{ns}/{name}/{b.hexid(kind + name, 40)}.tar.gz"
    return {"digest": f"sha256:{b.hexid('art/' + kind + name)}",
            "lastUpdateTime": b.ts(3 * 3600), "path": path, "revision": revision,
            "size": 40_000 + len(name) * 311,
            "url": f"http://source-controller.flux-system.svc.cluster.local./{path}"}


def failing_conditions(b: Builder, reason: str, message: str, *, since: float,
                       stalled: bool = False, fetch: str = "FetchFailed") -> list[Obj]:
    """source-controller's conditions of a source that fails: Ready=False with the negative
    condition's reason and message, Reconciling with retry (or Stalled for a persistent error)."""
    t = b.ts(since)
    conds = [_flux_cond(t, "True", reason, message, fetch)]
    if stalled:
        conds.append(_flux_cond(t, "True", reason, message, "Stalled"))
    else:
        conds.append(_flux_cond(t, "True", "ProgressingWithRetry", "building artifact",
                                "Reconciling"))
    conds.append(_flux_cond(t, "False", reason, message))
    return conds


def _ready(b: Builder, message: str) -> list[Obj]:
    t = b.ts(3 * 3600)
    return [_flux_cond(t, "True", "Succeeded", message),
            _flux_cond(t, "True", "Succeeded", message, "ArtifactInStorage")]


def git_repository(b: Builder, name: str, url: str, *, ns: str = "flux-system",
                   secret: str | None = None, failing: tuple[str, str] | None = None,
                   since: float = 3600, artifact: bool = True) -> Obj:
    spec: Obj = {"interval": "1m0s", "ref": {"branch": "main"}}
    if secret:
        spec["secretRef"] = {"name": secret}
    spec.update({"timeout": "60s", "url": url})
    status: Obj = {"observedGeneration": 1}
    if artifact:
        status["artifact"] = _artifact(b, "GitRepository", ns, name, GIT_REV)
    status["conditions"] = failing_conditions(b, *failing, since=since) if failing else \
        _ready(b, f"stored artifact for revision '{GIT_REV}'")
    return b.add({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
                  "metadata": _meta(b, "GitRepository", name, ns), "spec": spec,
                  "status": status})


def helm_repository(b: Builder, name: str, url: str, *, ns: str = "flux-system",
                    failing: tuple[str, str] | None = None, since: float = 3600,
                    artifact: bool = True) -> Obj:
    digest = f"sha256:{b.hexid('index/' + name)}"
    status: Obj = {"observedGeneration": 1}
    if artifact:
        status["artifact"] = _artifact(b, "HelmRepository", ns, name, digest)
    status["conditions"] = failing_conditions(b, *failing, since=since) if failing else \
        _ready(b, f"stored artifact: revision '{digest}'")
    if artifact:
        status["url"] = (f"http://source-controller.flux-system.svc.cluster.local./"
                         f"helmrepository/{ns}/{name}/index.yaml")
    return b.add({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "HelmRepository",
                  "metadata": _meta(b, "HelmRepository", name, ns),
                  "spec": {"interval": "1h0m0s", "provider": "generic", "timeout": "60s",
                           "url": url}, "status": status})


def oci_repository(b: Builder, name: str, ns: str, url: str, tag: str, *,
                   failing: tuple[str, str] | None = None, since: float = 3600) -> Obj:
    status: Obj = {"observedGeneration": 1}
    status["conditions"] = failing_conditions(b, *failing, since=since) if failing else \
        _ready(b, f"stored artifact for digest '{tag}@sha256:{b.hexid('oci' + name)}'")
    return b.add({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "OCIRepository",
                  "metadata": _meta(b, "OCIRepository", name, ns),
                  "spec": {"interval": "10m0s", "provider": "generic", "ref": {"tag": tag},
                           "timeout": "60s", "url": url}, "status": status})


def helm_chart(b: Builder, name: str, ns: str, chart: str, version: str, repo: str, *,
               failing: tuple[str, str] | None = None, stalled: bool = False,
               since: float = 3600) -> Obj:
    status: Obj = {"observedGeneration": 1}
    if failing:
        status["conditions"] = failing_conditions(b, *failing, since=since, stalled=stalled,
                                                  fetch="BuildFailed" if stalled else
                                                  "FetchFailed")
    else:
        status["artifact"] = _artifact(b, "HelmChart", ns, name, version)
        status["conditions"] = _ready(b, f"pulled '{chart}' chart with version '{version}'")
        status["observedChartName"] = chart
    return b.add({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "HelmChart",
                  "metadata": b.meta("HelmChart", name, ns, 60 * DAY, generation=1),
                  "spec": {"chart": chart, "interval": "10m0s",
                           "reconcileStrategy": "ChartVersion",
                           "sourceRef": {"kind": "HelmRepository", "name": repo},
                           "version": version}, "status": status})


def kustomization(b: Builder, name: str, *, path: str, source: str,
                  source_kind: str = "GitRepository", depends_on: list[str] | None = None,
                  ready: tuple[str, str, str] | None = None, since: float = 1800,
                  health: list[Obj] | None = None, wait: bool = False) -> Obj:
    """ready: (status, reason, message); None: applied and Ready."""
    spec: Obj = {}
    if depends_on:
        spec["dependsOn"] = [{"name": d} for d in depends_on]
    if health:
        spec["healthChecks"] = health
    spec.update({"interval": "10m0s", "path": path, "prune": True,
                 "sourceRef": {"kind": source_kind, "name": source}, "timeout": "10m0s"})
    if wait:
        spec["wait"] = True
    t = b.ts(since)
    status: Obj = {"observedGeneration": 1}
    if ready is None:
        status["conditions"] = [_flux_cond(t, "True", "ReconciliationSucceeded",
                                           f"Applied revision: {GIT_REV}")]
        status.update({"lastAppliedRevision": GIT_REV, "lastAttemptedRevision": GIT_REV})
    else:
        state, reason, message = ready
        status["conditions"] = [_flux_cond(t, "True", "ProgressingWithRetry", message,
                                           "Reconciling"),
                                _flux_cond(t, state, reason, message)]
    return b.add({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
                  "metadata": _meta(b, "Kustomization", name, "flux-system"), "spec": spec,
                  "status": status})


def helm_release(b: Builder, rel: Release, *, ready: tuple[str, str, str] | None = None,
                 repo_ns: str = "flux-system", chart_ref: Obj | None = None,
                 since: float = 1800, failures: int = 0, installed: bool = True) -> Obj:
    """A HelmRelease v2; ready: (status, reason, message), None for a Ready release."""
    spec: Obj = {"chartRef": chart_ref} if chart_ref else {"chart": {"spec": {
        "chart": rel.chart, "reconcileStrategy": "ChartVersion",
        "sourceRef": {"kind": "HelmRepository", "name": rel.repo, "namespace": repo_ns},
        "version": rel.version}}}
    spec.update({"install": {"remediation": {"retries": 3}}, "interval": "10m0s",
                 "releaseName": rel.name, "upgrade": {"remediation": {"retries": 3}}})
    t = b.ts(since)
    status: Obj = {"observedGeneration": 1}
    if not chart_ref:
        status["helmChart"] = f"{repo_ns}/{rel.namespace}-{rel.name}"
    if ready is None:
        message = (f"Helm install succeeded for release {rel.namespace}/{rel.name}.v1 with chart "
                   f"{rel.chart}@{rel.version}")
        status["conditions"] = [_flux_cond(t, "True", "InstallSucceeded", message),
                                _flux_cond(t, "True", "InstallSucceeded", message, "Released")]
    else:
        state, reason, message = ready
        status["conditions"] = [_flux_cond(t, state, reason, message)]
        if reason in ("InstallFailed", "UpgradeFailed"):
            status["conditions"].append(_flux_cond(t, "False", reason, message, "Released"))
    if installed and (ready is None or ready[1] in ("InstallFailed", "UpgradeFailed")):
        status["history"] = [{
            "appVersion": rel.app_version, "chartName": rel.chart, "chartVersion": rel.version,
            "configDigest": f"sha256:{b.hexid('cfg/' + rel.name)}",
            "digest": f"sha256:{b.hexid('rel/' + rel.name)}", "firstDeployed": t,
            "lastDeployed": t, "name": rel.name, "namespace": rel.namespace,
            "status": "failed" if ready else "deployed", "version": 1}]
        status["lastAttemptedRevision"] = rel.version
    if failures:
        status["failures"] = failures
        status["installFailures"] = failures
    return b.add({"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
                  "metadata": b.meta("HelmRelease", rel.name, rel.namespace, 30 * DAY,
                                     {"kustomize.toolkit.fluxcd.io/name": "apps",
                                      "kustomize.toolkit.fluxcd.io/namespace": "flux-system"},
                                     generation=1),
                  "spec": spec, "status": status})


# --- pods that never ran ----------------------------------------------------------------------

def unschedulable(b: Builder, pod: Obj, message: str) -> Obj:
    """The pod as the scheduler leaves it: no node, Pending, PodScheduled=False Unschedulable."""
    pod["spec"].pop("nodeName", None)
    t = pod["metadata"]["creationTimestamp"]
    pod["status"] = {"conditions": [{"lastProbeTime": None, "lastTransitionTime": t,
                                     "message": message, "reason": "Unschedulable",
                                     "status": "False", "type": "PodScheduled"}],
                     "phase": "Pending", "qosClass": "Burstable"}
    return pod


def container_creating(pod: Obj) -> Obj:
    """Scheduled, but its containers never start (a volume does not mount)."""
    for st in pod["status"]["containerStatuses"]:
        st.update({"image": st["image"], "imageID": "", "ready": False, "restartCount": 0,
                   "started": False, "state": {"waiting": {"reason": "ContainerCreating"}},
                   "lastState": {}})
        st.pop("containerID", None)
    pod["status"]["phase"] = "Pending"
    pod["status"].pop("podIP", None)
    pod["status"].pop("podIPs", None)
    return pod


def claim(b: Builder, name: str, ns: str, *, storage_class: str | None, size: str = "1Gi",
          labels: dict[str, str] | None = None, annotations: dict[str, str] | None = None,
          phase: str = "Pending", created: float = 3600) -> Obj:
    spec: Obj = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": size}}}
    if storage_class:
        spec["storageClassName"] = storage_class
    spec["volumeMode"] = "Filesystem"
    status: Obj = {"phase": phase}
    if phase == "Bound":
        spec["volumeName"] = f"pvc-{b.uid('pv/' + ns + name)}"
        status.update({"accessModes": ["ReadWriteOnce"], "capacity": {"storage": size}})
    return b.add({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                  "metadata": b.meta("PersistentVolumeClaim", name, ns, created, labels,
                                     annotations),
                  "spec": spec, "status": status})


def storage_class(b: Builder, name: str, provisioner: str, *, default: bool = False,
                  binding: str = "WaitForFirstConsumer") -> Obj:
    ann = {"storageclass.kubernetes.io/is-default-class": "true"} if default else None
    return b.add({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                  "metadata": b.meta("StorageClass", name, None, 120 * DAY, annotations=ann),
                  "provisioner": provisioner, "reclaimPolicy": "Delete",
                  "volumeBindingMode": binding})


def write(b: Builder, name: str, script: str, description: str, sources: str,
          steps: list[Obj]) -> None:
    """The scenario's List files by namespace, its logs, and a timeline whose header lists the
    public sources of every line (and says which lines are composed)."""
    out = SCENARIOS / name
    b.write(out, lambda o: o["metadata"].get("namespace") or "cluster")
    b.write_logs(out)
    header = f"# Written by scripts/{script}; edit the script, not this file.\n#\n" + \
        "".join(f"# {line}\n" if line else "#\n" for line in sources.strip().splitlines())
    (out / "timeline.yaml").write_text(header + dump_yaml(
        {"description": description, "recorded_at": b.ts(0), "steps": steps}), encoding="utf-8")
    print(f"{len(b.objects)} objects written to {out}")


def bump(b: Builder, event: Obj, at: float, every: float) -> Obj:
    return {"at": at, "every": every, "bump_event": {
        "namespace": event["metadata"]["namespace"], "name": event["metadata"]["name"]}}


def deployment(b: Builder, ns: str, name: str, rs_hash: str, *, replicas: int,
               pods: list[Obj], release: Release | None = None,
               containers: list[Obj], labels: dict[str, str] | None = None,
               pod_names: list[str] | None = None) -> tuple[Obj, Obj, list[Obj]]:
    """A Deployment that wants `replicas` pods and has len(pods), its ReplicaSet named
    <name>-<rs_hash> (the name a public event quotes) and pods named pod_names when given."""
    import json
    start = len(b.objects)
    deploy, made = workload(b, "Deployment", ns, name, release=release, labels=labels,
                            containers=containers, pods=pods, created=pods[0]["created"]
                            if pods else 3600)
    rs = b.objects[start + 1]
    old = rs["metadata"]["name"].rsplit("-", 1)[1]
    renames = {old: rs_hash}
    for pod, new in zip(made, pod_names or []):
        renames[pod["metadata"]["name"].rsplit("-", 1)[1]] = new.rsplit("-", 1)[1]
    for i in range(start, len(b.objects)):
        text = json.dumps(b.objects[i])
        for a, z in renames.items():
            text = text.replace(a, z)
        b.objects[i] = json.loads(text)
    deploy, rs = b.objects[start], b.objects[start + 1]
    made = [o for o in b.objects[start:] if o["kind"] == "Pod"]
    deploy["spec"]["replicas"] = replicas
    rs["spec"]["replicas"] = replicas
    rs["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] = str(replicas)
    rs["metadata"]["annotations"]["deployment.kubernetes.io/max-replicas"] = str(replicas + 1)
    have = len(made)
    rs["status"]["replicas"] = have
    rs["status"]["fullyLabeledReplicas"] = have
    deploy["status"]["replicas"] = have
    deploy["status"]["updatedReplicas"] = have
    if replicas > have:
        deploy["status"]["unavailableReplicas"] = replicas - have
    return deploy, rs, made


def replica_failure(b: Builder, deploy: Obj, message: str, ago: float) -> None:
    """The Deployment condition the controller sets when its ReplicaSet cannot create pods."""
    t = b.ts(ago)
    deploy["status"]["conditions"].append({"lastTransitionTime": t, "lastUpdateTime": t,
                                           "message": message, "reason": "FailedCreate",
                                           "status": "True", "type": "ReplicaFailure"})
