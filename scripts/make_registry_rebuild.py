"""Write kubetriage/scenarios/registry-rebuild/: seed 001 (TASK-003), the cluster after the registry
was rebuilt at 192.168.7.21:5000, before the beckerbox node trusted its certificate.

What the seed states and this reproduces: 27 HelmReleases, 16 Ready and 11 not (midwestmtg x3,
triager x7, velero); `x509: certificate signed by unknown authority` on the one node for images of
the new registry (istio-ingressgateway, ffl, the midwestmtg migration hook); SealedSecrets of
midwestmtg and triager that no key decrypts, their pods in CreateContainerConfigError; the
midwestmtg-backend pre-upgrade hook timing out; triager `context deadline exceeded`;
velero-upgrade-crds in Init:ImagePullBackOff on an external image; midwestmtg-frontend crashing on
the missing backend Service. The seed's cluster has a single node (beckerbox), so the x509 failure
cannot be shown against a second node: images already on beckerbox run, new pulls fail.
The timeline (timeline.yaml, kept by hand) makes the node trust the registry after 120 s.

Run: python scripts/make_registry_rebuild.py
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scenario_kit import dump_yaml
from scenario_objects import (
    Builder,
    Release,
    _deployment_status,
    _flux_cond,
    container,
    helm_chart,
    helm_release,
    helm_repository,
    job,
    last_terminated,
    namespace,
    node,
    pod,
    running,
    service,
    terminated,
    waiting,
    workload,
)

OUT = Path(__file__).resolve().parent.parent / "kubetriage" / "scenarios" / "registry-rebuild"
RECORDED_AT = datetime(2025, 10, 17, 11, 10, tzinfo=UTC)
REG = "192.168.7.21:5000"
NODE = "beckerbox"
HOUR = 3600.0
CLUSTER_AGE = 11.7 * HOUR  # releases were created 2025-10-16 23:30 (seed 000 shows them 26h old)
GIT_REV = "main@sha1:3f1c2a9e7b5d4c8a1e0f6b2d9c7a5e3b1d8f4a6c"


def x509(image: str) -> str:
    return (f'Failed to pull image "{image}": Error response from daemon: Get '
            f'"https://{REG}/v2/": tls: failed to verify certificate: x509: certificate signed '
            f'by unknown authority')


def pull_backoff_events(b: Builder, p: dict[str, Any], c: dict[str, Any], age: float,
                        failure: str, init: bool = False) -> None:
    """What kubelet records for a container whose image it cannot pull: a pull every back-off
    (capped at 5 minutes), a BackOff event every sync in between."""
    fp = f"spec.{'initContainers' if init else 'containers'}{{{c['name']}}}"
    pulls = max(2, int(age // 300) + 3)
    backoffs = int(age // 15)
    b.event(p, "Scheduled", f"Successfully assigned {p['metadata']['namespace']}/"
            f"{p['metadata']['name']} to {NODE}", first_ago=age, component="default-scheduler")
    b.event(p, "Pulling", f'Pulling image "{c["image"]}"', count=pulls, first_ago=age - 1,
            last_ago=age % 300 + 5, field_path=fp)
    b.event(p, "Failed", failure, type_="Warning", count=pulls, first_ago=age - 2,
            last_ago=age % 300 + 4, field_path=fp)
    b.event(p, "Failed", "Error: ErrImagePull", type_="Warning", count=pulls, first_ago=age - 2,
            last_ago=age % 300 + 4, field_path=fp)
    b.event(p, "BackOff", f'Back-off pulling image "{c["image"]}"', count=backoffs,
            first_ago=age - 3, last_ago=7, field_path=fp)
    b.event(p, "Failed", "Error: ImagePullBackOff", type_="Warning", count=backoffs,
            first_ago=age - 3, last_ago=7, field_path=fp)


def secret_missing_events(b: Builder, p: dict[str, Any], c: dict[str, Any], age: float,
                          secret: str) -> None:
    fp = f"spec.containers{{{c['name']}}}"
    n = int(age // 14)
    b.event(p, "Scheduled", f"Successfully assigned {p['metadata']['namespace']}/"
            f"{p['metadata']['name']} to {NODE}", first_ago=age, component="default-scheduler")
    b.event(p, "Pulled", f'Container image "{c["image"]}" already present on machine', count=n,
            first_ago=age - 1, last_ago=4, field_path=fp)
    b.event(p, "Failed", f'Error: secret "{secret}" not found', type_="Warning", count=n,
            first_ago=age - 1, last_ago=4, field_path=fp)


def ok(age: float) -> dict[str, Any]:
    return {"created": age, "statuses": [running(age - 3)]}


def build() -> Builder:
    b = Builder("registry-rebuild", RECORDED_AT, NODE, "192.168.7.15")
    A = CLUSTER_AGE
    node(b, 14 * 24 * HOUR, {"minikube.k8s.io/name": "minikube",
                             "minikube.k8s.io/primary": "true",
                             "minikube.k8s.io/version": "v1.34.0",
                             "node-role.kubernetes.io/control-plane": "",
                             "node.kubernetes.io/exclude-from-external-load-balancers": ""},
         "v1.31.0", "docker://27.2.0", "Ubuntu 24.04.1 LTS", "6.8.0-45-generic", "16",
         65_577_092)
    the_node = b.objects[-1]
    for ns in ("default", "kube-system", "kube-public", "kube-node-lease"):
        namespace(b, ns, 14 * 24 * HOUR)
    for ns in ("flux-system", "infrastructure", "cert-manager", "ingress-nginx", "monitoring",
               "logging", "istio-system", "velero", "ffl", "midwestmtg", "triager", "podinfo"):
        namespace(b, ns, A + 600, {"kustomize.toolkit.fluxcd.io/name": "clusters-minikube",
                                   "kustomize.toolkit.fluxcd.io/namespace": "flux-system"})

    kube_system(b, the_node)
    flux(b)
    releases = infrastructure(b) + ffl(b) + midwestmtg(b) + triager(b) + podinfo(b) + velero(b)
    assert len(releases) == 27, len(releases)
    for rel in releases:
        helm_chart(b, rel, A)
    return b


def kube_system(b: Builder, the_node: dict[str, Any]) -> None:
    age = 14 * 24 * HOUR
    boot = A = CLUSTER_AGE + 900  # the node last booted just before the releases came up
    for comp, image in (("etcd", "registry.k8s.io/etcd:3.5.15-0"),
                        ("kube-apiserver", "registry.k8s.io/kube-apiserver:v1.31.0"),
                        ("kube-controller-manager",
                         "registry.k8s.io/kube-controller-manager:v1.31.0"),
                        ("kube-scheduler", "registry.k8s.io/kube-scheduler:v1.31.0")):
        pod(b, "kube-system", f"{comp}-{NODE}", owner=the_node,
            labels={"component": comp, "tier": "control-plane"},
            containers=[container(comp, image, command=[comp], cpu="100m", memory="128Mi")],
            statuses=[running(boot - 5, restarts=1, last=last_terminated(
                age, boot + 30, "Error", 255))], created=boot, host_network=True,
            priority_class="system-node-critical",
            annotations={"kubernetes.io/config.hash": b.hexid(comp, 32),
                         "kubernetes.io/config.mirror": b.hexid(comp, 32),
                         "kubernetes.io/config.seen": b.ts(boot) .replace("Z", ".000000000Z"),
                         "kubernetes.io/config.source": "file"})
    workload(b, "Deployment", "kube-system", "coredns", release=None,
             labels={"k8s-app": "kube-dns"}, created=age,
             containers=[container("coredns", "registry.k8s.io/coredns/coredns:v1.11.3",
                                   args=["-conf", "/etc/coredns/Corefile"], port=53,
                                   port_name="dns", memory="170Mi")],
             pods=[{"created": A, "statuses": [running(A - 4)]}], service_account="coredns",
             priority_class="system-cluster-critical")
    workload(b, "DaemonSet", "kube-system", "kube-proxy", release=None,
             labels={"k8s-app": "kube-proxy"}, created=age,
             containers=[container("kube-proxy", "registry.k8s.io/kube-proxy:v1.31.0",
                                   command=["/usr/local/bin/kube-proxy"])],
             pods=[{"created": A, "statuses": [running(A - 4)]}],
             service_account="kube-proxy", host_network=True,
             priority_class="system-node-critical")
    pod(b, "kube-system", "storage-provisioner", owner=None,
        labels={"addonmanager.kubernetes.io/mode": "Reconcile",
                "integration-test": "storage-provisioner"},
        containers=[container("storage-provisioner",
                              "gcr.io/k8s-minikube/storage-provisioner:v5",
                              command=["/storage-provisioner"])],
        statuses=[running(A - 60, restarts=1, last=last_terminated(A, A - 55, "Error", 1))],
        created=age, host_network=True, service_account="storage-provisioner")


def flux(b: Builder) -> None:
    """The Flux controllers, the Git source and the three Kustomizations, all Ready."""
    A = CLUSTER_AGE + 600
    for name, version in (("source-controller", "v1.4.1"), ("kustomize-controller", "v1.4.0"),
                          ("helm-controller", "v1.1.0"),
                          ("notification-controller", "v1.4.0")):
        workload(b, "Deployment", "flux-system", name, release=None,
                 labels={"app.kubernetes.io/component": name,
                         "app.kubernetes.io/instance": "flux-system",
                         "app.kubernetes.io/part-of": "flux",
                         "app.kubernetes.io/version": "v2.4.0", "control-plane": "controller",
                         "kustomize.toolkit.fluxcd.io/name": "clusters-minikube",
                         "kustomize.toolkit.fluxcd.io/namespace": "flux-system"},
                 selector={"app": name}, created=A,
                 containers=[container("manager", f"ghcr.io/fluxcd/{name}:{version}",
                                       args=["--events-addr=http://notification-controller."
                                             "flux-system.svc.cluster.local./",
                                             "--watch-all-namespaces=true", "--log-level=info",
                                             "--log-encoding=json"],
                                       port=8080, port_name="http-prom", memory="1Gi")],
                 pods=[ok(A - 30)], service_account=name)
    t = b.ts(240)
    b.add({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
           "metadata": b.meta("GitRepository", "flux-system", "flux-system", A,
                              {"kustomize.toolkit.fluxcd.io/name": "clusters-minikube",
                               "kustomize.toolkit.fluxcd.io/namespace": "flux-system"},
                              generation=1),
           "spec": {"interval": "1m0s", "ref": {"branch": "main"},
                    "secretRef": {"name": "flux-system"}, "timeout": "60s",
                    "url": "ssh://git@github.com/beckerkube/beckerkube"},
           "status": {"artifact": {
               "digest": f"sha256:{b.hexid('git')}", "lastUpdateTime": t,
               "path": f"gitrepository/flux-system/flux-system/{GIT_REV[10:]}.tar.gz",
               "revision": GIT_REV, "size": 118_392,
               "url": "http://source-controller.flux-system.svc.cluster.local./gitrepository/"
                      f"flux-system/flux-system/{GIT_REV[10:]}.tar.gz"},
               "conditions": [
                   _flux_cond(t, "True", "Succeeded",
                              f"stored artifact for revision '{GIT_REV}'"),
                   _flux_cond(t, "True", "Succeeded",
                              f"stored artifact for revision '{GIT_REV}'",
                              "ArtifactInStorage")],
               "observedGeneration": 1}})
    for name, path, deps in (("clusters-minikube", "./clusters/minikube", []),
                             ("infrastructure", "./infrastructure", []),
                             ("apps", "./apps", ["infrastructure"])):
        spec: dict[str, Any] = {}
        if deps:
            spec["dependsOn"] = [{"name": d} for d in deps]
        spec.update({"force": False, "interval": "10m0s", "path": path, "prune": True,
                     "sourceRef": {"kind": "GitRepository", "name": "flux-system"}})
        if name == "apps":
            spec["timeout"] = "5m0s"
        b.add({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
               "metadata": b.meta("Kustomization", name, "flux-system", A,
                                  {"kustomize.toolkit.fluxcd.io/name": "clusters-minikube",
                                   "kustomize.toolkit.fluxcd.io/namespace": "flux-system"}
                                  if name != "clusters-minikube" else None, generation=1),
               "spec": spec,
               "status": {"conditions": [_flux_cond(t, "True", "ReconciliationSucceeded",
                                                    f"Applied revision: {GIT_REV}")],
                          "lastAppliedRevision": GIT_REV, "lastAttemptedRevision": GIT_REV,
                          "observedGeneration": 1}})
    repos = {"chartmuseum": "http://chartmuseum.infrastructure.svc.cluster.local:8080",
             "jetstack": "https://charts.jetstack.io",
             "chartmuseum-charts": "https://chartmuseum.github.io/charts",
             "ingress-nginx": "https://kubernetes.github.io/ingress-nginx",
             "sealed-secrets": "https://bitnami-labs.github.io/sealed-secrets",
             "prometheus-community": "https://prometheus-community.github.io/helm-charts",
             "fluent": "https://fluent.github.io/helm-charts",
             "istio": "https://istio-release.storage.googleapis.com/charts",
             "twuni": "https://helm.twun.io",
             "podinfo": "https://stefanprodan.github.io/podinfo",
             "vmware-tanzu": "https://vmware-tanzu.github.io/helm-charts"}
    for name, url in repos.items():
        helm_repository(b, name, url, A, "10m" if name == "chartmuseum" else "1h")
    b.add({"apiVersion": "v1", "kind": "Secret",
           "metadata": b.meta("Secret", "registry-tls", "flux-system", A,
                              {"kustomize.toolkit.fluxcd.io/name": "infrastructure",
                               "kustomize.toolkit.fluxcd.io/namespace": "flux-system"}),
           "type": "kubernetes.io/tls",
           "data": {"ca.crt": "ZHVtbXk=", "tls.crt": "ZHVtbXk=", "tls.key": "ZHVtbXk="}})


def _ready(b: Builder, rel: Release, values: dict[str, Any], revision: int = 1,
           attempted: float = CLUSTER_AGE - 300, **kw: Any) -> Release:
    action = "install" if revision == 1 else "upgrade"
    verb = "install" if revision == 1 else "upgrade"
    helm_release(b, rel, created=CLUSTER_AGE, values=values, ready=True,
                 reason=f"{verb.capitalize()}Succeeded", action=action, revision=revision,
                 attempted=attempted,
                 message=f"Helm {verb} succeeded for release {rel.target}/{rel.name}.v{revision}"
                         f" with chart {rel.chart}@{rel.version}", **kw)
    return rel


def _failed(b: Builder, rel: Release, values: dict[str, Any], error: str, revision: int,
            attempted: float, failures: int = 3, **kw: Any) -> Release:
    helm_release(b, rel, created=CLUSTER_AGE, values=values, ready=False,
                 reason="UpgradeFailed", action="upgrade", revision=revision,
                 attempted=attempted, failures=failures, history_status="failed",
                 message=f"Helm upgrade failed for release {rel.target}/{rel.name} with chart "
                         f"{rel.chart}@{rel.version}: {error}", **kw)
    return rel


def infrastructure(b: Builder) -> list[Release]:
    A = CLUSTER_AGE - 120
    rels: list[Release] = []

    def rel(name: str, target: str, chart: str, version: str, app: str, repo: str) -> Release:
        r = Release(name, "infrastructure", chart, version, app, repo, target)
        rels.append(r)
        return r

    cm = rel("cert-manager", "cert-manager", "cert-manager", "v1.16.1", "v1.16.1", "jetstack")
    _ready(b, cm, {"crds": {"enabled": True}})
    for comp, port in (("cert-manager", 9402), ("cainjector", 9402), ("webhook", 10250)):
        name = "cert-manager" if comp == "cert-manager" else f"cert-manager-{comp}"
        dep, pods = workload(b, "Deployment", "cert-manager", name, release=cm, component=comp,
                             created=A, pods=[ok(A - 20)],
                             containers=[container(f"cert-manager-{comp}",
                                                   f"quay.io/jetstack/cert-manager-{comp if comp != 'cert-manager' else 'controller'}:v1.16.1",
                                                   port=port)])
        service(b, "cert-manager", name, selector=cm.selector(comp), release=cm, created=A,
                ports=[("https" if comp == "webhook" else "tcp-prometheus-servicemonitor",
                        443 if comp == "webhook" else port, port)], pods=pods)

    mus = rel("chartmuseum", "infrastructure", "chartmuseum", "3.10.3", "0.16.2",
              "chartmuseum-charts")
    _ready(b, mus, {"env": {"open": {"DISABLE_API": False, "STORAGE": "local"}},
                    "persistence": {"enabled": True, "size": "8Gi"}})
    _, pods = workload(b, "Deployment", "infrastructure", "chartmuseum", release=mus, created=A,
                       pods=[ok(A - 30)],
                       containers=[container("chartmuseum",
                                             "ghcr.io/helm/chartmuseum:v0.16.2", port=8080,
                                             probe_path="/health")])
    service(b, "infrastructure", "chartmuseum", selector=mus.selector(), release=mus,
            created=A, ports=[("http", 8080, "http")], pods=pods)

    ing = rel("ingress-nginx", "ingress-nginx", "ingress-nginx", "4.11.3", "1.11.3",
              "ingress-nginx")
    _ready(b, ing, {"controller": {"service": {"loadBalancerIP": "192.168.7.20"}}})
    _, pods = workload(b, "Deployment", "ingress-nginx", "ingress-nginx-controller",
                       release=ing, component="ingress-nginx", created=A, pods=[ok(A - 25)],
                       containers=[container("controller",
                                             "registry.k8s.io/ingress-nginx/controller:v1.11.3",
                                             args=["/nginx-ingress-controller",
                                                   "--ingress-class=nginx"], port=80,
                                             probe_path="/healthz", memory="256Mi")],
                       service_account="ingress-nginx")
    service(b, "ingress-nginx", "ingress-nginx-controller", release=ing, created=A,
            selector=ing.selector("ingress-nginx"), type_="LoadBalancer",
            lb_ip="192.168.7.20", ports=[("http", 80, "http"), ("https", 443, "https")],
            pods=pods)

    ss = rel("sealed-secrets", "kube-system", "sealed-secrets", "2.16.1", "0.27.1",
             "sealed-secrets")
    _ready(b, ss, {"fullnameOverride": "sealed-secrets-controller"})
    _, pods = workload(b, "Deployment", "kube-system", "sealed-secrets-controller", release=ss,
                       component="sealed-secrets", created=A, pods=[ok(A - 15)],
                       containers=[container("controller",
                                             "docker.io/bitnami/sealed-secrets-controller:0.27.1",
                                             command=["controller"], port=8080,
                                             probe_path="/healthz")])
    service(b, "kube-system", "sealed-secrets-controller", selector=ss.selector("sealed-secrets"),
            release=ss, created=A, ports=[("http", 8080, "http")], pods=pods)
    b.add({"apiVersion": "v1", "kind": "Secret",
           "metadata": b.meta("Secret", f"sealed-secrets-key{b.suffix('sskey')}", "kube-system",
                              A - 15, {"sealedsecrets.bitnami.com/sealed-secrets-key": "active"}),
           "type": "kubernetes.io/tls", "data": {"tls.crt": "ZHVtbXk=", "tls.key": "ZHVtbXk="}})
    b.log("kube-system", pods[0]["metadata"]["name"], "controller", [
        "time=2025-10-16T23:28:14.512Z level=INFO msg=\"Starting sealed-secrets controller\" "
        "version=0.27.1",
        "time=2025-10-16T23:28:14.540Z level=INFO msg=\"Searching for existing private keys\"",
        "time=2025-10-16T23:28:14.601Z level=INFO msg=\"New key written\" namespace=kube-system "
        f"name=sealed-secrets-key{b.suffix('sskey')}",
        "time=2025-10-16T23:28:14.602Z level=INFO msg=\"Certificate generated\"",
        "time=2025-10-16T23:28:14.610Z level=INFO msg=\"HTTP server serving\" addr=:8080",
    ] + [line for i, (ns, name, keys) in enumerate(SEALED_FAILING) for line in (
        f"time=2025-10-17T11:08:4{i}.{i}12Z level=INFO msg=Updating key={ns}/{name}",
        f"time=2025-10-17T11:08:4{i}.{i}37Z level=ERROR msg=\"Error updating\" key={ns}/{name} "
        f"error=\"no key could decrypt secret ({', '.join(keys)})\"")])

    kps = rel("kube-prometheus-stack", "monitoring", "kube-prometheus-stack", "65.1.1",
              "v0.77.1", "prometheus-community")
    _ready(b, kps, {"grafana": {"enabled": True}, "prometheus": {"prometheusSpec": {
        "retention": "7d"}}})
    for name, comp, image, port in (
            ("kube-prometheus-stack-operator", "kube-prometheus-stack-prometheus-operator",
             "quay.io/prometheus-operator/prometheus-operator:v0.77.1", 10250),
            ("kube-prometheus-stack-kube-state-metrics", "kube-state-metrics",
             "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0", 8080),
            ("kube-prometheus-stack-grafana", "grafana", "docker.io/grafana/grafana:11.2.2",
             3000)):
        _, pods = workload(b, "Deployment", "monitoring", name, release=kps, component=comp,
                           created=A, pods=[ok(A - 40)],
                           containers=[container(comp.rsplit("-", 1)[-1] if comp != "grafana"
                                                 else "grafana", image, port=port,
                                                 memory="200Mi")])
        service(b, "monitoring", name, selector=kps.selector(comp), release=kps, created=A,
                ports=[("http", 80 if comp == "grafana" else port, port)], pods=pods)
    _, pods = workload(b, "DaemonSet", "monitoring",
                       "kube-prometheus-stack-prometheus-node-exporter", release=kps,
                       component="prometheus-node-exporter", created=A, pods=[ok(A - 40)],
                       containers=[container("node-exporter",
                                             "quay.io/prometheus/node-exporter:v1.8.2",
                                             port=9100, port_name="http-metrics")],
                       host_network=True)
    for sts, image, port in (("prometheus-kube-prometheus-stack-prometheus",
                              "quay.io/prometheus/prometheus:v2.54.1", 9090),
                             ("alertmanager-kube-prometheus-stack-alertmanager",
                              "quay.io/prometheus/alertmanager:v0.27.0", 9093)):
        app = sts.split("-")[0]
        workload(b, "StatefulSet", "monitoring", sts, release=None, created=A - 60,
                 labels={"app.kubernetes.io/managed-by": "prometheus-operator",
                         "app.kubernetes.io/name": app, "operator.prometheus.io/name":
                         sts.split("-", 1)[1], "operator.prometheus.io/shard": "0"},
                 selector={"app.kubernetes.io/name": app, "app.kubernetes.io/instance":
                           sts.split("-", 1)[1]},
                 containers=[container(app, image, port=port, port_name="http-web",
                                       memory="512Mi")],
                 pods=[ok(A - 70)], service_account=f"kube-prometheus-stack-{app}")

    fb = rel("fluent-bit", "logging", "fluent-bit", "0.47.10", "3.1.9", "fluent")
    _ready(b, fb, {"config": {"outputs": "[OUTPUT]\n    Name stdout\n    Match *\n"}})
    workload(b, "DaemonSet", "logging", "fluent-bit", release=fb, created=A, pods=[ok(A - 20)],
             containers=[container("fluent-bit", "cr.fluentbit.io/fluent/fluent-bit:3.1.9",
                                   port=2020, probe_path="/")])

    base = rel("istio-base", "istio-system", "base", "1.23.2", "1.23.2", "istio")
    _ready(b, base, {"defaultRevision": "default"})
    istiod = rel("istiod", "istio-system", "istiod", "1.23.2", "1.23.2", "istio")
    _ready(b, istiod, {"global": {"hub": f"{REG}/istio"}}, depends_on=None)
    _, pods = workload(b, "Deployment", "istio-system", "istiod", release=istiod,
                       component="istiod", created=A, pods=[ok(A - 30)],
                       containers=[container("discovery", f"{REG}/istio/pilot:1.23.2",
                                             port=8080, probe_path="/ready", memory="2Gi")])
    service(b, "istio-system", "istiod", selector=istiod.selector("istiod"), release=istiod,
            created=A, ports=[("grpc-xds", 15010, 15010), ("https-dns", 15012, 15012),
                              ("https-webhook", 443, 15017)], pods=pods)
    gw = rel("istio-ingressgateway", "istio-system", "gateway", "1.23.2", "1.23.2", "istio")
    _ready(b, gw, {"global": {"hub": f"{REG}/istio"}, "service": {"type": "ClusterIP"}})
    gw_image = f"{REG}/istio/proxyv2:1.23.2"
    gw_age = 2460.0
    gw_c = container("istio-proxy", gw_image, port=15021, port_name="status-port",
                     probe_path="/healthz/ready", args=["proxy", "router"], memory="1Gi")
    _, pods = workload(b, "Deployment", "istio-system", "istio-ingressgateway", release=gw,
                       component="istio-ingressgateway", created=A,
                       containers=[gw_c],
                       pods=[{"created": gw_age, "statuses": [
                           waiting("ImagePullBackOff", f'Back-off pulling image "{gw_image}"')]}])
    pull_backoff_events(b, pods[0], gw_c, gw_age, x509(gw_image))
    service(b, "istio-system", "istio-ingressgateway", release=gw, created=A,
            selector=gw.selector("istio-ingressgateway"),
            ports=[("status-port", 15021, 15021), ("http2", 80, 80), ("https", 443, 443)],
            pods=pods)

    reg = rel("registry", "flux-system", "docker-registry", "2.2.3", "2.8.1", "twuni")
    _ready(b, reg, {"service": {"type": "LoadBalancer", "loadBalancerIP": "192.168.7.21",
                                "port": 5000}, "tlsSecretName": "registry-tls"},
           revision=3, attempted=2 * HOUR)
    _, pods = workload(b, "Deployment", "flux-system", "registry", release=reg,
                       component="docker-registry", created=A, pods=[ok(2 * HOUR - 20)],
                       revision=3,
                       containers=[container("docker-registry", "registry:2.8.1", port=5000,
                                             probe_path="/", command=["/bin/registry",
                                                                      "serve",
                                                                      "/etc/docker/registry/config.yml"])])
    service(b, "flux-system", "registry", selector=reg.selector("docker-registry"),
            release=reg, created=A, ports=[("http-5000", 5000, 5000)], pods=pods,
            type_="LoadBalancer", lb_ip="192.168.7.21")

    pg = rel("postgresql", "infrastructure", "pgvector", "0.1.2", "pg16", "chartmuseum")
    _ready(b, pg, {"image": {"tag": "pg16"}, "persistence": {"size": "20Gi"}})
    _, pods = workload(b, "StatefulSet", "infrastructure", "postgresql", release=pg,
                       component="pgvector", created=A, pods=[ok(A - 50)],
                       containers=[container("postgresql", "pgvector/pgvector:pg16",
                                             port=5432, port_name="tcp-postgresql",
                                             secret="postgresql-auth",
                                             secret_keys=("POSTGRES_PASSWORD",),
                                             memory="1Gi")])
    service(b, "infrastructure", "postgresql", selector=pg.selector("pgvector"), release=pg,
            created=A, ports=[("tcp-postgresql", 5432, "tcp-postgresql")], pods=pods)
    _secret(b, "infrastructure", "postgresql-auth", A, ("POSTGRES_PASSWORD",), pg)
    return rels


def _secret(b: Builder, ns: str, name: str, ago: float, keys: tuple[str, ...],
            rel: Release | None = None, sealed: dict[str, Any] | None = None) -> None:
    """A Secret with dummy values, owned by its SealedSecret when it was unsealed."""
    b.add({"apiVersion": "v1", "kind": "Secret",
           "metadata": b.meta("Secret", name, ns, ago, rel.labels() if rel else None,
                              rel.annotations() if rel else None,
                              owner=b.owner_ref(sealed) if sealed else None),
           "type": "Opaque", "data": {k: "ZHVtbXk=" for k in keys}})


SEALED_FAILING = (("midwestmtg", "midwestmtg-database-secret", ("DATABASE_URL", "POSTGRES_PASSWORD")),
                  ("midwestmtg", "midwestmtg-discord-secret", ("DISCORD_BOT_TOKEN",)),
                  ("triager", "triager-secrets", ("ANTHROPIC_API_KEY", "DATABASE_URL",
                                                  "GITHUB_TOKEN")),
                  ("triager", "ccbot-secrets", ("ANTHROPIC_API_KEY", "DISCORD_TOKEN")),
                  ("triager", "triager-redis-secret", ("redis-password",)))


def sealed_secret(b: Builder, ns: str, name: str, keys: tuple[str, ...],
                  synced: bool) -> dict[str, Any]:
    """A SealedSecret: synced, or one no key of the controller decrypts (sealed with another
    controller's certificate: the seed's key mismatch)."""
    t = b.ts(CLUSTER_AGE - 700 if synced else 75)
    message = ("SealedSecret unsealed successfully" if synced
               else f"no key could decrypt secret ({', '.join(keys)})")
    cond: dict[str, Any] = {"lastTransitionTime": b.ts(CLUSTER_AGE - 700),
                            "lastUpdateTime": t, "message": message,
                            "status": "True" if synced else "False", "type": "Synced"}
    if not synced:
        cond["reason"] = "ErrUnsealFailed"
    ss = b.add({"apiVersion": "bitnami.com/v1alpha1", "kind": "SealedSecret",
                "metadata": b.meta("SealedSecret", name, ns, CLUSTER_AGE - 700,
                                   {"kustomize.toolkit.fluxcd.io/name": "apps",
                                    "kustomize.toolkit.fluxcd.io/namespace": "flux-system"},
                                   generation=1),
                "spec": {"encryptedData": {k: "AgB" + b.hexid(f"enc/{name}/{k}", 60)
                                           for k in keys},
                         "template": {"metadata": {"name": name, "namespace": ns},
                                      "type": "Opaque"}},
                "status": {"conditions": [cond], "observedGeneration": 1}})
    if synced:
        _secret(b, ns, name, CLUSTER_AGE - 700, keys, sealed=ss)
    else:
        b.event(ss, "ErrUnsealFailed", f"Failed to unseal: {message}", type_="Warning",
                count=int((CLUSTER_AGE - 700) // 600), first_ago=CLUSTER_AGE - 700,
                last_ago=75, component="sealed-secrets-controller")
    return ss


def ffl(b: Builder) -> list[Release]:
    A = CLUSTER_AGE - 200
    backend = Release("ffl-backend", "ffl", "ffl-backend", "0.1.18", "1.0.0", "chartmuseum")
    frontend = Release("ffl-frontend", "ffl", "ffl-frontend", "0.1.9", "0.1.9", "chartmuseum")
    redis = Release("redis", "ffl", "redis", "0.1.0", "7.4.1", "chartmuseum")
    _ready(b, redis, {"auth": {"enabled": False}})
    _ready(b, backend, {"image": {"repository": f"{REG}/ffl-backend", "tag": "0.1.18"},
                        "replicaCount": 2, "migrations": {"enabled": True}},
           revision=5, attempted=3 * HOUR)
    _ready(b, frontend, {"image": {"repository": f"{REG}/ffl-frontend", "tag": "0.1.9"},
                         "replicaCount": 2}, revision=4, attempted=3 * HOUR)
    sealed_secret(b, "ffl", "ffl-backend-secrets", ("DATABASE_URL", "SECRET_KEY"), True)
    age = 2400.0
    for rel, image, port, health in ((backend, f"{REG}/ffl-backend:0.1.18", 8000,
                                      "/api/health"),
                                     (frontend, f"{REG}/ffl-frontend:0.1.9", 80, "/")):
        c = container(rel.chart.split("-")[1], image, port=port, probe_path=health,
                      secret="ffl-backend-secrets" if rel is backend else None,
                      memory="256Mi")
        _, pods = workload(b, "Deployment", "ffl", rel.name, release=rel, created=A,
                           revision=5 if rel is backend else 4, containers=[c],
                           pods=[{"created": age - 5 * i, "statuses": [
                               waiting("ImagePullBackOff", f'Back-off pulling image "{image}"')]}
                                 for i in range(2)])
        for i, p in enumerate(pods):
            pull_backoff_events(b, p, c, age - 5 * i, x509(image))
        service(b, "ffl", rel.name, selector=rel.selector(), release=rel, created=A,
                ports=[("http", 80 if rel is frontend else 8000, "http")], pods=pods)
    migrate = container("migrate", f"{REG}/ffl-backend:0.1.18",
                        command=["alembic", "upgrade", "head"], secret="ffl-backend-secrets")
    job(b, "ffl", "ffl-backend-migrate", containers=[migrate], release=backend,
        hook="pre-install,pre-upgrade", created=3 * HOUR + 90,
        status=terminated(3 * HOUR + 85, 3 * HOUR + 62))
    b.log("ffl", b.objects[-1]["metadata"]["name"], "migrate", [
        "INFO  [alembic.runtime.migration] Context impl PostgresqlImpl.",
        "INFO  [alembic.runtime.migration] Will assume transactional DDL.",
        "INFO  [alembic.runtime.migration] Running upgrade 7c2e91d0a4b3 -> 9f1d3b6a2c8e, "
        "add league season archive"])
    _, pods = workload(b, "Deployment", "ffl", "redis", release=redis, created=A,
                       pods=[ok(A - 10)],
                       containers=[container("redis", "redis:7.4.1-alpine", port=6379,
                                             port_name="redis")])
    service(b, "ffl", "redis", selector=redis.selector(), release=redis, created=A,
            ports=[("redis", 6379, "redis")], pods=pods)
    ingress(b, "ffl", "ffl", A, [("/ffl/api", "ffl-backend", 8000), ("/ffl", "ffl-frontend", 80)],
            frontend)
    return [backend, frontend, redis]


def ingress(b: Builder, ns: str, name: str, ago: float, paths: list[tuple[str, str, int]],
            rel: Release) -> None:
    b.add({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
           "metadata": b.meta("Ingress", name, ns, ago, rel.labels(), rel.annotations(),
                              generation=1),
           "spec": {"ingressClassName": "nginx", "rules": [{"http": {"paths": [
               {"backend": {"service": {"name": svc, "port": {"number": port}}},
                "path": path, "pathType": "Prefix"} for path, svc, port in paths]}}]},
           "status": {"loadBalancer": {"ingress": [{"ip": "192.168.7.20"}]}}})


def midwestmtg(b: Builder) -> list[Release]:
    A = CLUSTER_AGE - 200
    backend = Release("midwestmtg-backend", "midwestmtg", "midwestmtg-backend", "0.1.13",
                      "0.1.12", "chartmuseum")
    frontend = Release("midwestmtg-frontend", "midwestmtg", "midwestmtg-frontend", "0.2.0",
                       "0.1.12", "chartmuseum")
    bot = Release("midwestmtg-discord-bot", "midwestmtg", "midwestmtg-discord-bot", "0.1.4",
                  "0.1.4", "chartmuseum")
    redis = Release("redis", "midwestmtg", "redis", "0.1.0", "7.4.1", "chartmuseum")
    for ns, name, keys in SEALED_FAILING:
        if ns == "midwestmtg":
            sealed_secret(b, ns, name, keys, False)

    image = f"{REG}/midwestmtg-backend:0.1.12"
    _failed(b, backend, {"image": {"repository": f"{REG}/midwestmtg-backend", "tag": "0.1.12"},
                         "existingSecret": "midwestmtg-database-secret",
                         "migrations": {"enabled": True}},
            "pre-upgrade hooks failed: timed out waiting for the condition", revision=4,
            attempted=360)
    hook_age = 660.0
    migrate = container("migrate", image, command=["alembic", "upgrade", "head"],
                        secret="midwestmtg-database-secret",
                        secret_keys=("DATABASE_URL", "POSTGRES_PASSWORD"))
    _, p = job(b, "midwestmtg", "midwestmtg-backend-migrate", containers=[migrate],
               release=backend, hook="pre-install,pre-upgrade", created=hook_age,
               status=waiting("ImagePullBackOff", f'Back-off pulling image "{image}"'))
    b.event(b.objects[-2], "SuccessfulCreate", f"Created pod: {p['metadata']['name']}",
            first_ago=hook_age - 1, component="job-controller")
    pull_backoff_events(b, p, migrate, hook_age - 1, x509(image))
    b.event(b.get("HelmRelease", "midwestmtg", "midwestmtg-backend"), "UpgradeFailed",
            "Helm upgrade failed for release midwestmtg/midwestmtg-backend with chart "
            "midwestmtg-backend@0.1.13: pre-upgrade hooks failed: timed out waiting for the "
            "condition", type_="Warning", count=3, first_ago=2 * HOUR, last_ago=360,
            component="helm-controller")

    fimage = f"{REG}/midwestmtg-frontend:0.1.12"
    _failed(b, frontend, {"image": {"repository": f"{REG}/midwestmtg-frontend",
                                    "tag": "0.1.12"}},
            "context deadline exceeded", revision=3, attempted=1500, spec_version=">=0.2.0 <1.0.0")
    f_age = 2700.0
    fc = container("frontend", fimage, port=80, probe_path="/")
    crash_last = last_terminated(95, 94, "Error", 1)
    _, pods = workload(b, "Deployment", "midwestmtg", "midwestmtg-frontend", release=frontend,
                       created=A, revision=3, containers=[fc],
                       pods=[{"created": f_age, "statuses": [waiting(
                           "CrashLoopBackOff",
                           "back-off 5m0s restarting failed container=frontend pod="
                           "PODNAME_midwestmtg(PODUID)", restarts=11, last=crash_last)]}])
    fp = pods[0]
    w = fp["status"]["containerStatuses"][0]["state"]["waiting"]
    w["message"] = w["message"].replace("PODNAME", fp["metadata"]["name"]).replace(
        "PODUID", fp["metadata"]["uid"])
    service(b, "midwestmtg", "midwestmtg-frontend", selector=frontend.selector(),
            release=frontend, created=A, ports=[("http", 80, "http")], pods=pods)
    field = "spec.containers{frontend}"
    b.event(fp, "Pulled", f'Container image "{fimage}" already present on machine', count=12,
            first_ago=f_age - 2, last_ago=96, field_path=field)
    b.event(fp, "Created", "Created container frontend", count=12, first_ago=f_age - 2,
            last_ago=96, field_path=field)
    b.event(fp, "Started", "Started container frontend", count=12, first_ago=f_age - 2,
            last_ago=95, field_path=field)
    b.event(fp, "BackOff", f"Back-off restarting failed container frontend in pod "
            f"{fp['metadata']['name']}_midwestmtg({fp['metadata']['uid']})", type_="Warning",
            count=203, first_ago=f_age - 30, last_ago=6, field_path=field)
    nginx = NGINX_START + [
        "2025/10/17 11:08:26 [emerg] 1#1: host not found in upstream \"midwestmtg-backend\" in "
        "/etc/nginx/nginx.conf:34",
        "nginx: [emerg] host not found in upstream \"midwestmtg-backend\" in "
        "/etc/nginx/nginx.conf:34"]
    b.log("midwestmtg", fp["metadata"]["name"], "frontend", nginx)
    b.log("midwestmtg", fp["metadata"]["name"], "frontend", nginx, previous=True)
    b.event(b.get("HelmRelease", "midwestmtg", "midwestmtg-frontend"), "UpgradeFailed",
            "Helm upgrade failed for release midwestmtg/midwestmtg-frontend with chart "
            "midwestmtg-frontend@0.2.0: context deadline exceeded", type_="Warning", count=2,
            first_ago=2 * HOUR + 600, last_ago=1500, component="helm-controller")

    helm_release(b, bot, created=CLUSTER_AGE, values={"existingSecret":
                                                      "midwestmtg-discord-secret"},
                 ready=False, reason="DependencyNotReady",
                 message="dependency 'midwestmtg/midwestmtg-backend' is not ready",
                 attempted=40, depends_on=["midwestmtg/midwestmtg-backend"])

    _ready(b, redis, {"auth": {"enabled": False}})
    _, pods = workload(b, "Deployment", "midwestmtg", "redis", release=redis, created=A,
                       pods=[ok(A - 10)],
                       containers=[container("redis", "redis:7.4.1-alpine", port=6379,
                                             port_name="redis")])
    service(b, "midwestmtg", "redis", selector=redis.selector(), release=redis, created=A,
            ports=[("redis", 6379, "redis")], pods=pods)
    return [backend, frontend, bot, redis]


NGINX_START = [
    "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform "
    "configuration",
    "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
    "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of "
    "/etc/nginx/conf.d/default.conf",
    "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in "
    "/etc/nginx/conf.d/default.conf",
    "/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
    "/docker-entrypoint.sh: Configuration complete; ready for start up"]


TRIAGER_WORKERS = ("triager-intake-worker", "triager-classifier-worker",
                   "triager-research-worker", "triager-notifier-worker")


def triager(b: Builder) -> list[Release]:
    """Seven releases, every pod waiting for a Secret its SealedSecret never produced."""
    A = CLUSTER_AGE - 200
    for ns, name, keys in SEALED_FAILING:
        if ns == "triager":
            sealed_secret(b, ns, name, keys, False)
    rels = [Release("ccbot", "triager", "ccbot", "0.2.3", "2.0.2", "chartmuseum"),
            Release("triager-orchestrator", "triager", "triager-orchestrator", "0.1.1", "0.1.1",
                    "chartmuseum")]
    rels += [Release(w, "triager", "triager-worker", "0.1.1", "0.1.1", "chartmuseum")
             for w in TRIAGER_WORKERS]
    rels.append(Release("triager-redis", "triager", "redis", "0.1.0", "7.4.1", "chartmuseum"))
    age = 2820.0
    for i, rel in enumerate(rels):
        secret = {"ccbot": "ccbot-secrets", "triager-redis": "triager-redis-secret"}.get(
            rel.name, "triager-secrets")
        image = {"ccbot": f"{REG}/ccbot:2.0.2", "triager-redis": "redis:7.4.1-alpine"}.get(
            rel.name, f"{REG}/{rel.name}:0.1.1")
        _failed(b, rel, {"image": {"tag": image.rsplit(":", 1)[1]}, "existingSecret": secret},
                "context deadline exceeded", revision=2, attempted=age - 300 - 7 * i)
        kind = "StatefulSet" if rel.name == "triager-redis" else "Deployment"
        name = rel.name.split("-", 1)[1] if rel.name == "triager-redis" else rel.name
        c = container(name, image, port=6379 if kind == "StatefulSet" else 8080,
                      port_name="redis" if kind == "StatefulSet" else "http",
                      secret=secret, memory="256Mi",
                      secret_keys=("redis-password",) if kind == "StatefulSet" else ())
        _, pods = workload(b, kind, "triager", rel.name, release=rel, created=A,
                           component=rel.name, revision=2, containers=[c],
                           pods=[{"created": age - 3 * i, "statuses": [waiting(
                               "CreateContainerConfigError", f'secret "{secret}" not found',
                               pulled=True)]}])
        secret_missing_events(b, pods[0], c, age - 3 * i, secret)
        service(b, "triager", rel.name, selector=rel.selector(rel.name), release=rel,
                created=A, ports=[(c["ports"][0]["name"], c["ports"][0]["containerPort"],
                                   c["ports"][0]["name"])], pods=pods)
        b.event(b.get("HelmRelease", "triager", rel.name), "UpgradeFailed",
                f"Helm upgrade failed for release triager/{rel.name} with chart "
                f"{rel.chart}@{rel.version}: context deadline exceeded", type_="Warning",
                count=3, first_ago=age - 300 - 7 * i + 1800, last_ago=age - 300 - 7 * i,
                component="helm-controller")
    return rels


def podinfo(b: Builder) -> list[Release]:
    A = CLUSTER_AGE - 150
    rel = Release("podinfo", "podinfo", "podinfo", "6.7.1", "6.7.1", "podinfo")
    _ready(b, rel, {"replicaCount": 1})
    _, pods = workload(b, "Deployment", "podinfo", "podinfo", release=rel, created=A,
                       selector={"app.kubernetes.io/name": "podinfo"}, pods=[ok(A - 10)],
                       containers=[container("podinfo", "ghcr.io/stefanprodan/podinfo:6.7.1",
                                             port=9898, probe_path="/healthz")])
    service(b, "podinfo", "podinfo", selector={"app.kubernetes.io/name": "podinfo"},
            release=rel, created=A, ports=[("http", 9898, "http")], pods=pods)
    return [rel]


def velero(b: Builder) -> list[Release]:
    """The chart's pre-upgrade CRD job copies kubectl from an image Docker Hub no longer serves;
    the Velero server from the previous chart version keeps running."""
    A = CLUSTER_AGE - 100
    rel = Release("velero", "infrastructure", "velero", "10.0.10", "1.16.1", "vmware-tanzu",
                  "velero")
    old = Release("velero", "infrastructure", "velero", "7.2.1", "1.14.0", "vmware-tanzu",
                  "velero")
    _failed(b, rel, {"configuration": {"backupStorageLocation": [
        {"name": "default", "provider": "aws", "bucket": "velero"}]},
        "upgradeCRDs": True}, "pre-upgrade hooks failed: timed out waiting for the condition",
        revision=2, attempted=700)
    _, pods = workload(b, "Deployment", "velero", "velero", release=old, created=A,
                       pods=[ok(A - 20)], component="velero",
                       containers=[container("velero", "velero/velero:v1.14.0",
                                             command=["/velero"], args=["server"], port=8085,
                                             port_name="http-monitoring")])
    service(b, "velero", "velero", selector=old.selector("velero"), release=old, created=A,
            ports=[("http-monitoring", 8085, "http-monitoring")], pods=pods)
    kimage = "docker.io/bitnami/kubectl:1.31"
    kubectl = container("kubectl", kimage, command=["/bin/sh", "-c"],
                        args=["cp `which sh` /tmp && cp `which kubectl` /tmp"],
                        mounts=[{"name": "crds", "mountPath": "/tmp"}])
    main = container("velero", "velero/velero:v1.16.1", command=["/tmp/sh"],
                     args=["-c", "/velero install --crds-only --dry-run -o yaml | "
                                 "/tmp/kubectl apply -f -"],
                     mounts=[{"name": "crds", "mountPath": "/tmp"}])
    age = 1000.0
    j, p = job(b, "velero", "velero-upgrade-crds", containers=[main], release=rel,
               hook="pre-install,pre-upgrade,pre-rollback", created=age, init=[kubectl],
               init_status=waiting("ImagePullBackOff", f'Back-off pulling image "{kimage}"'),
               status=waiting("PodInitializing"), backoff_limit=3)
    p["spec"]["volumes"].insert(0, {"name": "crds", "emptyDir": {}})
    j["spec"]["template"]["spec"]["volumes"] = [{"name": "crds", "emptyDir": {}}]
    b.event(j, "SuccessfulCreate", f"Created pod: {p['metadata']['name']}", first_ago=age - 1,
            component="job-controller")
    pull_backoff_events(b, p, kubectl, age - 1,
                        f'Failed to pull image "{kimage}": Error response from daemon: manifest '
                        f'for bitnami/kubectl:1.31 not found: manifest unknown: manifest unknown',
                        init=True)
    b.event(b.get("HelmRelease", "infrastructure", "velero"), "UpgradeFailed",
            "Helm upgrade failed for release velero/velero with chart velero@10.0.10: "
            "pre-upgrade hooks failed: timed out waiting for the condition", type_="Warning",
            count=2, first_ago=1000 + 1800, last_ago=700, component="helm-controller")
    return [rel]


FIX_AT = 120  # seconds (divided by the server's speed) until beckerbox trusts the registry


def timeline(b: Builder) -> dict[str, Any]:
    """What keeps happening: kubelet's back-offs, the unseal retries, the frontend restarting;
    at FIX_AT the registry's CA is installed on beckerbox: the x509 pods pull and start (the
    migration hook then stops at its missing Secret) and their pull events stop."""
    events = [o for o in b.objects if o["kind"] == "Event"]
    pods = {o["metadata"]["uid"]: o for o in b.objects if o["kind"] == "Pod"}
    x509_pods = {e["involvedObject"]["uid"] for e in events if "x509" in e["message"]}
    steps: list[dict[str, Any]] = []
    for e in events:
        ref = {"bump_event": {"namespace": e["metadata"]["namespace"],
                              "name": e["metadata"]["name"]}}
        target = pods.get(e["involvedObject"]["uid"])
        reason, message = e["reason"], e["message"]
        if e["involvedObject"]["uid"] in x509_pods:
            if reason == "BackOff" or message == "Error: ImagePullBackOff":
                steps.append({"at": 10, "every": 20, "times": (FIX_AT - 10) // 20, **ref})
            elif reason in ("Pulling", "Failed"):
                steps.append({"at": 60, **ref})  # the one pull attempt before the fix
            continue
        if reason in ("Scheduled", "SuccessfulCreate"):
            continue
        if target and target["status"]["containerStatuses"][0]["restartCount"]:
            every, at = (20, 10) if reason == "BackOff" else (300, 205)  # restarts at 5m
        elif reason == "Pulling" or message == "Error: ErrImagePull" or \
                message.startswith("Failed to pull"):
            every, at = 300, 290
        else:
            every, at = {"ErrUnsealFailed": 60, "UpgradeFailed": 600}.get(reason, 15), 5
        steps.append({"at": at, "every": every, **ref})
        if target and reason == "Started":
            steps.append({"at": at, "every": every, "restart": {
                "namespace": e["metadata"]["namespace"], "pod": target["metadata"]["name"],
                "container": target["spec"]["containers"][0]["name"]}})
    for uid in sorted(x509_pods, key=lambda u: pods[u]["metadata"]["name"]):
        steps += _trusted(b, pods[uid])
    return {"description": "seed 001 (TASK-003): registry rebuilt at 192.168.7.21:5000; beckerbox "
                           "does not trust its certificate (x509) for the first 120 s; sealed "
                           "secrets no key decrypts block 11 of 27 releases",
            "recorded_at": b.ts(0), "steps": steps}


def _trusted(b: Builder, p: dict[str, Any]) -> list[dict[str, Any]]:
    """The steps at FIX_AT for one pod whose image pull failed on x509."""
    ns, name = p["metadata"]["namespace"], p["metadata"]["name"]
    c = p["spec"]["containers"][0]
    fp = f"spec.containers{{{c['name']}}}"
    missing = {n for n_s, n, _ in SEALED_FAILING if n_s == ns}
    secret = next((r["secretRef"]["name"] for r in c.get("envFrom", [])
                   if r["secretRef"]["name"] in missing), None) or next(
        (v["valueFrom"]["secretKeyRef"]["name"] for v in c.get("env", [])
         if "valueFrom" in v and v["valueFrom"]["secretKeyRef"]["name"] in missing), None)
    scratch = Builder(b.seed, b.recorded_at, b.node, b.node_ip)
    scratch._ips = b._ips
    now = -FIX_AT
    pulled = [("Pulling", f'Pulling image "{c["image"]}"', "Normal"),
              ("Pulled", f'Successfully pulled image "{c["image"]}" in 2.481s (2.481s '
                         f'including waiting). Image size: 184722311 bytes.', "Normal")]
    if secret:
        state = waiting("CreateContainerConfigError", f'secret "{secret}" not found',
                        pulled=True)
        after = [("Failed", f'Error: secret "{secret}" not found', "Warning")]
    else:
        state = running(now)
        after = [("Created", f"Created container {c['name']}", "Normal"),
                 ("Started", f"Started container {c['name']}", "Normal")]
    fixed = pod(scratch, ns, name, owner=None, labels={}, containers=p["spec"]["containers"],
                statuses=[state], created=p_age(b, p))
    for cond in fixed["status"]["conditions"]:
        if cond["type"] != "PodScheduled":
            cond["lastTransitionTime"] = scratch.ts(now)
    steps: list[dict[str, Any]] = [{"at": FIX_AT, "patch": {
        "apiVersion": "v1", "kind": "Pod", "namespace": ns, "name": name,
        "merge": {"status": {k: fixed["status"][k] for k in
                             ("conditions", "containerStatuses", "phase")}}}}]
    for reason, message, type_ in pulled + after:
        ev = scratch.event(p, reason, message, type_=type_, first_ago=now, field_path=fp)
        steps.append({"at": FIX_AT, "event": ev})
        if type_ == "Warning":
            steps.append({"at": FIX_AT + 15, "every": 15, "bump_event": {
                "namespace": ns, "name": ev["metadata"]["name"]}})
    if not secret:
        steps += _owners_ready(b, p, scratch.ts(now))
    return steps


def p_age(b: Builder, p: dict[str, Any]) -> float:
    created = datetime.fromisoformat(p["metadata"]["creationTimestamp"].replace("Z", "+00:00"))
    return (b.recorded_at - created).total_seconds()


def _owners_ready(b: Builder, p: dict[str, Any], t: str) -> list[dict[str, Any]]:
    """The ReplicaSet, Deployment and Endpoints once every pod of the ReplicaSet is Ready
    (all of a ReplicaSet's pods here failed on the same image, so they come up together)."""
    ns = p["metadata"]["namespace"]
    rs = next(o for o in b.objects if o["metadata"]["uid"] ==
              p["metadata"]["ownerReferences"][0]["uid"])
    if p["metadata"]["name"] != max(o["metadata"]["name"] for o in b.objects
                                    if o["kind"] == "Pod" and o["metadata"].get(
                                        "ownerReferences", [{}])[0].get("uid") ==
                                    rs["metadata"]["uid"]):
        return []
    dep = next(o for o in b.objects if o["metadata"]["uid"] ==
               rs["metadata"]["ownerReferences"][0]["uid"])
    n = rs["spec"]["replicas"]
    rs_status = {**rs["status"], "availableReplicas": n, "readyReplicas": n}
    dep_status = _deployment_status(n, n, rs["metadata"]["name"], t,
                                    dep["metadata"]["generation"])
    dep_status["unavailableReplicas"] = None  # merge patch: remove the key
    ep = b.get("Endpoints", ns, dep["metadata"]["name"])
    subset = dict(ep["subsets"][0])
    subset["addresses"] = sorted(subset.pop("notReadyAddresses", []) +
                                 subset.get("addresses", []), key=lambda a: a["ip"])
    return [{"at": FIX_AT + 1, "patch": {"apiVersion": "apps/v1", "kind": kind, "namespace": ns,
                                         "name": obj["metadata"]["name"],
                                         "merge": {"status": status}}}
            for kind, obj, status in (("ReplicaSet", rs, rs_status),
                                      ("Deployment", dep, dep_status))] + [
        {"at": FIX_AT + 1, "patch": {"apiVersion": "v1", "kind": "Endpoints", "namespace": ns,
                                     "name": ep["metadata"]["name"],
                                     "merge": {"subsets": [subset]}}}]


def _group(obj: dict[str, Any]) -> str:
    kind = obj["kind"]
    if kind in ("Node", "Namespace"):
        return "cluster"
    if kind in ("GitRepository", "HelmRepository", "HelmChart", "Kustomization"):
        return "flux-sources"
    if kind == "HelmRelease":
        return "helmreleases"
    if kind == "Event":
        return f"events-{obj['metadata']['namespace']}"
    return obj["metadata"]["namespace"]


def main() -> int:
    b = build()
    b.write(OUT, _group)
    b.write_logs(OUT)
    (OUT / "timeline.yaml").write_text(
        "# Written by scripts/make_registry_rebuild.py; edit the script, not this file.\n" +
        dump_yaml(timeline(b)), encoding="utf-8")
    print(f"{len(b.objects)} objects written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
