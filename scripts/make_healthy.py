"""Write kubetriage/scenarios/healthy/: the control cluster for false positives.

A three-node homelab run by Flux where nothing is wrong: 30+ HelmReleases all Ready with their
sources, 120+ pods Running and Ready behind Services with endpoints, CronJob backups whose Jobs
completed, only Normal events, and a few containers that restarted once or twice days ago.
Anything a check reports here is a false positive.

Run: python scripts/make_healthy.py
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
    _flux_cond,
    container,
    helm_chart,
    helm_release,
    helm_repository,
    job,
    last_terminated,
    namespace,
    node,
    running,
    service,
    terminated,
    workload,
)

OUT = Path(__file__).resolve().parent.parent / "kubetriage" / "scenarios" / "healthy"
RECORDED_AT = datetime(2025, 11, 3, 14, 0, tzinfo=UTC)
DAY = 86400.0
AGE = 63 * DAY
NODES = [("pve-k8s-1", "10.10.0.11"), ("pve-k8s-2", "10.10.0.12"), ("pve-k8s-3", "10.10.0.13"),
         ("pve-k8s-4", "10.10.0.14"), ("pve-k8s-5", "10.10.0.15")]
N = len(NODES)  # a DaemonSet's pods
GIT_REV = "main@sha1:8d2f4e6a1c3b5d7f9e0a2c4b6d8f1a3c5e7b9d0f"

# (release, namespace, chart, version, app version, repo,
#  [(kind, workload, component, image, port, replicas)], restarts as {workload: count})
APPS: list[tuple[str, str, str, str, str, str, list[tuple], dict[str, int]]] = [
    ("cert-manager", "cert-manager", "cert-manager", "v1.16.1", "v1.16.1", "jetstack", [
        ("Deployment", "cert-manager", "cert-manager",
         "quay.io/jetstack/cert-manager-controller:v1.16.1", 9402, 1),
        ("Deployment", "cert-manager-cainjector", "cainjector",
         "quay.io/jetstack/cert-manager-cainjector:v1.16.1", 9402, 1),
        ("Deployment", "cert-manager-webhook", "webhook",
         "quay.io/jetstack/cert-manager-webhook:v1.16.1", 10250, 1)], {}),
    ("ingress-nginx", "ingress-nginx", "ingress-nginx", "4.11.3", "1.11.3", "ingress-nginx", [
        ("Deployment", "ingress-nginx-controller", "ingress-nginx",
         "registry.k8s.io/ingress-nginx/controller:v1.11.3", 80, 3)], {}),
    ("metallb", "metallb-system", "metallb", "0.14.8", "v0.14.8", "metallb", [
        ("Deployment", "metallb-controller", "controller", "quay.io/metallb/controller:v0.14.8",
         7472, 1),
        ("DaemonSet", "metallb-speaker", "speaker", "quay.io/metallb/speaker:v0.14.8", 7472,
         N)], {"metallb-speaker": 1}),
    ("sealed-secrets", "kube-system", "sealed-secrets", "2.16.1", "0.27.1", "sealed-secrets", [
        ("Deployment", "sealed-secrets-controller", "sealed-secrets",
         "docker.io/bitnami/sealed-secrets-controller:0.27.1", 8080, 1)], {}),
    ("metrics-server", "kube-system", "metrics-server", "3.12.2", "0.7.2", "metrics-server", [
        ("Deployment", "metrics-server", "metrics-server",
         "registry.k8s.io/metrics-server/metrics-server:v0.7.2", 10250, 1)], {}),
    ("kube-prometheus-stack", "monitoring", "kube-prometheus-stack", "65.1.1", "v0.77.1",
     "prometheus-community", [
         ("Deployment", "kube-prometheus-stack-operator", "kube-prometheus-stack-operator",
          "quay.io/prometheus-operator/prometheus-operator:v0.77.1", 10250, 1),
         ("Deployment", "kube-prometheus-stack-kube-state-metrics", "kube-state-metrics",
          "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0", 8080, 1),
         ("Deployment", "kube-prometheus-stack-grafana", "grafana",
          "docker.io/grafana/grafana:11.2.2", 3000, 1),
         ("DaemonSet", "kube-prometheus-stack-prometheus-node-exporter",
          "prometheus-node-exporter", "quay.io/prometheus/node-exporter:v1.8.2", 9100, N)], {}),
    ("loki", "monitoring", "loki", "6.16.0", "3.2.0", "grafana", [
        ("StatefulSet", "loki", "loki", "docker.io/grafana/loki:3.2.0", 3100, 1),
        ("Deployment", "loki-gateway", "gateway",
         "docker.io/nginxinc/nginx-unprivileged:1.27-alpine", 8080, 1),
        ("DaemonSet", "loki-canary", "canary", "docker.io/grafana/loki-canary:3.2.0", 3500, N)],
     {}),
    ("promtail", "monitoring", "promtail", "6.16.6", "3.0.0", "grafana", [
        ("DaemonSet", "promtail", "promtail", "docker.io/grafana/promtail:3.0.0", 3101, N)],
     {}),
    ("longhorn", "longhorn-system", "longhorn", "1.7.2", "v1.7.2", "longhorn", [
        ("DaemonSet", "longhorn-manager", "longhorn-manager",
         "longhornio/longhorn-manager:v1.7.2", 9500, N),
        ("DaemonSet", "longhorn-csi-plugin", "longhorn-csi-plugin",
         "longhornio/longhorn-csi-plugin:v1.7.2", 9808, N),
        ("Deployment", "longhorn-ui", "longhorn-ui", "longhornio/longhorn-ui:v1.7.2", 8000, 3),
        ("Deployment", "longhorn-driver-deployer", "longhorn-driver-deployer",
         "longhornio/longhorn-manager:v1.7.2", 9500, 1)], {"longhorn-manager": 2}),
    ("authentik", "auth", "authentik", "2024.10.2", "2024.10.2", "authentik", [
        ("Deployment", "authentik-server", "server",
         "ghcr.io/goauthentik/server:2024.10.2", 9000, 3),
        ("Deployment", "authentik-worker", "worker",
         "ghcr.io/goauthentik/server:2024.10.2", 9000, 1)], {}),
    ("authentik-postgresql", "auth", "postgresql", "16.0.1", "16.4.0", "bitnami", [
        ("StatefulSet", "authentik-postgresql", "postgresql",
         "docker.io/bitnamilegacy/postgresql:16.4.0", 5432, 1)], {}),
    ("authentik-redis", "auth", "redis", "20.2.1", "7.4.1", "bitnami", [
        ("StatefulSet", "authentik-redis-master", "redis",
         "docker.io/bitnamilegacy/redis:7.4.1", 6379, 1)], {}),
    ("gitea", "dev", "gitea", "10.5.0", "1.22.3", "gitea", [
        ("Deployment", "gitea", "gitea", "docker.gitea.com/gitea:1.22.3-rootless", 3000, 1)],
     {}),
    ("gitea-runner", "dev", "actions", "0.0.1", "0.2.11", "gitea", [
        ("StatefulSet", "gitea-runner-act-runner", "act-runner",
         "docker.io/gitea/act_runner:0.2.11", 8088, 3)], {}),
    ("vaultwarden", "tools", "vaultwarden", "0.29.2", "1.32.3", "vaultwarden", [
        ("Deployment", "vaultwarden", "vaultwarden", "docker.io/vaultwarden/server:1.32.3", 80,
         1)], {}),
    ("paperless", "tools", "paperless-ngx", "0.19.1", "2.13.2", "gabe565", [
        ("Deployment", "paperless", "paperless-ngx",
         "ghcr.io/paperless-ngx/paperless-ngx:2.13.2", 8000, 1)], {"paperless": 1}),
    ("homepage", "tools", "homepage", "2.0.1", "v0.9.10", "jameswynn", [
        ("Deployment", "homepage", "homepage", "ghcr.io/gethomepage/homepage:v0.9.10", 3000,
         3)], {}),
    ("jellyfin", "media", "jellyfin", "2.1.0", "10.10.1", "jellyfin", [
        ("Deployment", "jellyfin", "jellyfin", "docker.io/jellyfin/jellyfin:10.10.1", 8096, 1)],
     {}),
    ("sonarr", "media", "app-template", "3.5.1", "4.0.10", "bjw-s", [
        ("Deployment", "sonarr", "sonarr", "ghcr.io/onedr0p/sonarr:4.0.10", 8989, 1)], {}),
    ("radarr", "media", "app-template", "3.5.1", "5.14.0", "bjw-s", [
        ("Deployment", "radarr", "radarr", "ghcr.io/onedr0p/radarr:5.14.0", 7878, 1)], {}),
    ("home-assistant", "home", "app-template", "3.5.1", "2024.10.4", "bjw-s", [
        ("StatefulSet", "home-assistant", "home-assistant",
         "ghcr.io/home-assistant/home-assistant:2024.10.4", 8123, 1)], {"home-assistant": 1}),
    ("mosquitto", "home", "app-template", "3.5.1", "2.0.20", "bjw-s", [
        ("Deployment", "mosquitto", "mosquitto", "docker.io/library/eclipse-mosquitto:2.0.20",
         1883, 1)], {}),
    ("zigbee2mqtt", "home", "app-template", "3.5.1", "1.41.0", "bjw-s", [
        ("Deployment", "zigbee2mqtt", "zigbee2mqtt", "ghcr.io/koenkk/zigbee2mqtt:1.41.0", 8080,
         1)], {}),
    ("shop-api", "shop", "shop-api", "1.8.2", "1.8.2", "chartmuseum", [
        ("Deployment", "shop-api", "shop-api", "registry.lab.internal/shop-api:1.8.2", 8000, 4)],
     {}),
    ("shop-web", "shop", "shop-web", "1.8.0", "1.8.0", "chartmuseum", [
        ("Deployment", "shop-web", "shop-web", "registry.lab.internal/shop-web:1.8.0", 80, 4)],
     {}),
    ("shop-worker", "shop", "shop-worker", "1.8.2", "1.8.2", "chartmuseum", [
        ("Deployment", "shop-worker", "shop-worker", "registry.lab.internal/shop-api:1.8.2",
         8001, 12)], {}),
    ("shop-postgresql", "shop", "postgresql", "16.0.1", "16.4.0", "bitnami", [
        ("StatefulSet", "shop-postgresql", "postgresql",
         "docker.io/bitnamilegacy/postgresql:16.4.0", 5432, 1)], {}),
    ("shop-redis", "shop", "redis", "20.2.1", "7.4.1", "bitnami", [
        ("StatefulSet", "shop-redis-master", "redis", "docker.io/bitnamilegacy/redis:7.4.1",
         6379, 1),
        ("StatefulSet", "shop-redis-replicas", "redis-replica",
         "docker.io/bitnamilegacy/redis:7.4.1", 6379, 2)], {}),
    ("blog", "blog", "ghost", "21.1.8", "5.99.0", "chartmuseum", [
        ("Deployment", "blog-ghost", "ghost", "docker.io/library/ghost:5.99.0-alpine", 2368,
         2)], {}),
    ("blog-mysql", "blog", "mysql", "11.1.19", "8.4.3", "bitnami", [
        ("StatefulSet", "blog-mysql", "mysql", "docker.io/bitnamilegacy/mysql:8.4.3", 3306, 1)],
     {}),
    ("immich", "media", "immich", "0.8.5", "v1.119.1", "immich", [
        ("Deployment", "immich-server", "server",
         "ghcr.io/immich-app/immich-server:v1.119.1", 2283, 1),
        ("Deployment", "immich-machine-learning", "machine-learning",
         "ghcr.io/immich-app/immich-machine-learning:v1.119.1", 3003, 1)], {}),
    ("podinfo", "podinfo", "podinfo", "6.7.1", "6.7.1", "podinfo", [
        ("Deployment", "podinfo", "podinfo", "ghcr.io/stefanprodan/podinfo:6.7.1", 9898, 4)],
     {}),
]

REPOS = {
    "jetstack": "https://charts.jetstack.io",
    "ingress-nginx": "https://kubernetes.github.io/ingress-nginx",
    "metallb": "https://metallb.github.io/metallb",
    "sealed-secrets": "https://bitnami-labs.github.io/sealed-secrets",
    "metrics-server": "https://kubernetes-sigs.github.io/metrics-server",
    "prometheus-community": "https://prometheus-community.github.io/helm-charts",
    "grafana": "https://grafana.github.io/helm-charts",
    "longhorn": "https://charts.longhorn.io",
    "authentik": "https://charts.goauthentik.io",
    "bitnami": "https://charts.bitnami.com/bitnami",
    "gitea": "https://dl.gitea.com/charts",
    "vaultwarden": "https://guerzon.github.io/vaultwarden",
    "gabe565": "https://charts.gabe565.com",
    "jameswynn": "https://jameswynn.github.io/helm-charts",
    "jellyfin": "https://jellyfin.github.io/jellyfin-helm",
    "bjw-s": "https://bjw-s.github.io/helm-charts",
    "chartmuseum": "http://chartmuseum.dev.svc.cluster.local:8080",
    "podinfo": "https://stefanprodan.github.io/podinfo",
    "immich": "https://immich-app.github.io/immich-charts",
}


def build() -> Builder:
    b = Builder("healthy", RECORDED_AT, NODES[0][0], NODES[0][1])
    for i, (name, ip) in enumerate(NODES):
        labels = {"node-role.kubernetes.io/control-plane": ""} if i == 0 else {}
        node(b, AGE + 3600, labels, "v1.31.2", "docker://27.3.1", "Ubuntu 24.04.1 LTS",
             "6.8.0-48-generic", "8", 32_817_540, name=name, ip=ip,
             pod_cidr=f"10.244.{i}.0/24")
    namespaces = ["default", "kube-system", "kube-public", "kube-node-lease", "flux-system"]
    namespaces += sorted({app[1] for app in APPS} - set(namespaces))
    for ns in namespaces:
        namespace(b, ns, AGE + 3000)
    flux(b)
    for app in APPS:
        release(b, *app)
    backups(b)
    return b


def _spread(b: Builder, n: int, created: float, key: str, restarts: int = 0,
            daemon: bool = False) -> list[dict[str, Any]]:
    """n pods over the nodes; `restarts` of them restarted once, days ago, and run since."""
    out = []
    for i in range(n):
        start = created - 20
        status = running(start)
        if i < restarts:
            crashed = 2 * DAY + 3600 * (i + 1) * 7
            status = running(crashed - 15, restarts=1 + i % 2,
                             last=last_terminated(start, crashed, "Error", 137 if i else 1))
        idx = i if daemon else int(b.hexid(f"{key}/{i}", 4), 16)
        out.append({"created": created, "statuses": [status], "node": NODES[idx % N][0]})
    return out


def release(b: Builder, name: str, ns: str, chart: str, version: str, app_version: str,
            repo: str, workloads: list[tuple], restarts: dict[str, int]) -> None:
    rel = Release(name, ns, chart, version, app_version, repo)
    created = AGE - 600 - len(b.objects)
    revision = 1 + int(b.hexid("rev/" + name, 2), 16) % 4
    verb = "install" if revision == 1 else "upgrade"
    upgraded = created if revision == 1 else (3 + revision * 5) * DAY
    helm_release(b, rel, created=created, values={"resources": {"requests": {"cpu": "50m"}}},
                 ready=True, reason=f"{verb.capitalize()}Succeeded", action=verb,
                 revision=revision, attempted=upgraded,
                 message=f"Helm {verb} succeeded for release {ns}/{name}.v{revision} with "
                         f"chart {chart}@{version}")
    helm_chart(b, rel, created)
    for kind, wname, component, image, port, replicas in workloads:
        pods_age = upgraded - 60
        c = container(component.split("-")[-1] if len(component) > 20 else component, image,
                      port=port, probe_path="/healthz" if port not in (5432, 6379, 3306, 1883)
                      else None, memory="128Mi")
        _, pods = workload(b, kind, ns, wname, release=rel, component=component,
                           created=created, revision=1 if kind != "Deployment" else revision,
                           containers=[c],
                           pods=_spread(b, replicas, pods_age, wname, restarts.get(wname, 0),
                                        daemon=kind == "DaemonSet"))
        if kind != "DaemonSet":
            service(b, ns, wname, selector=rel.selector(component), release=rel,
                    created=created, ports=[("http", port, "http")], pods=pods)


def flux(b: Builder) -> None:
    created = AGE
    for name, version in (("source-controller", "v1.4.1"), ("kustomize-controller", "v1.4.0"),
                          ("helm-controller", "v1.1.0"),
                          ("notification-controller", "v1.4.0")):
        workload(b, "Deployment", "flux-system", name, release=None,
                 labels={"app.kubernetes.io/component": name,
                         "app.kubernetes.io/instance": "flux-system",
                         "app.kubernetes.io/part-of": "flux",
                         "app.kubernetes.io/version": "v2.4.0", "control-plane": "controller",
                         "kustomize.toolkit.fluxcd.io/name": "flux-system",
                         "kustomize.toolkit.fluxcd.io/namespace": "flux-system"},
                 selector={"app": name}, created=created,
                 containers=[container("manager", f"ghcr.io/fluxcd/{name}:{version}",
                                       port=8080, port_name="http-prom", memory="1Gi")],
                 pods=_spread(b, 1, 9 * DAY, name))
    workload(b, "Deployment", "kube-system", "coredns", release=None,
             labels={"k8s-app": "kube-dns"}, created=AGE + 3000,
             containers=[container("coredns", "registry.k8s.io/coredns/coredns:v1.11.3",
                                   port=53, port_name="dns", memory="170Mi")],
             pods=_spread(b, 2, 20 * DAY, "coredns"), service_account="coredns",
             priority_class="system-cluster-critical")
    workload(b, "DaemonSet", "kube-system", "kube-proxy", release=None,
             labels={"k8s-app": "kube-proxy"}, created=AGE + 3000,
             containers=[container("kube-proxy", "registry.k8s.io/kube-proxy:v1.31.2")],
             pods=_spread(b, N, 20 * DAY, "kube-proxy", daemon=True),
             service_account="kube-proxy", host_network=True,
             priority_class="system-node-critical")
    t = b.ts(90)
    b.add({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
           "metadata": b.meta("GitRepository", "flux-system", "flux-system", created,
                              generation=1),
           "spec": {"interval": "1m0s", "ref": {"branch": "main"},
                    "secretRef": {"name": "flux-system"}, "timeout": "60s",
                    "url": "ssh://git@github.com/homelab/cluster"},
           "status": {"artifact": {
               "digest": f"sha256:{b.hexid('git')}", "lastUpdateTime": t,
               "path": f"gitrepository/flux-system/flux-system/{GIT_REV[10:]}.tar.gz",
               "revision": GIT_REV, "size": 96_211,
               "url": "http://source-controller.flux-system.svc.cluster.local./gitrepository/"
                      f"flux-system/flux-system/{GIT_REV[10:]}.tar.gz"},
               "conditions": [_flux_cond(t, "True", "Succeeded",
                                         f"stored artifact for revision '{GIT_REV}'"),
                              _flux_cond(t, "True", "Succeeded",
                                         f"stored artifact for revision '{GIT_REV}'",
                                         "ArtifactInStorage")],
               "observedGeneration": 1}})
    for name, path in (("flux-system", "./clusters/home"), ("infrastructure", "./infrastructure"),
                       ("apps", "./apps")):
        b.add({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
               "metadata": b.meta("Kustomization", name, "flux-system", created, generation=1),
               "spec": {"interval": "10m0s", "path": path, "prune": True,
                        "sourceRef": {"kind": "GitRepository", "name": "flux-system"}},
               "status": {"conditions": [_flux_cond(t, "True", "ReconciliationSucceeded",
                                                    f"Applied revision: {GIT_REV}")],
                          "lastAppliedRevision": GIT_REV, "lastAttemptedRevision": GIT_REV,
                          "observedGeneration": 1}})
    for name, url in REPOS.items():
        helm_repository(b, name, url, created)


def backups(b: Builder) -> None:
    """Nightly database dumps: a CronJob each, the last three Jobs Complete, pods Succeeded;
    the newest ran 35 minutes ago, so its events are still there (all Normal)."""
    for ns, name, image in (("shop", "shop-postgresql-backup",
                             "docker.io/bitnamilegacy/postgresql:16.4.0"),
                            ("auth", "authentik-postgresql-backup",
                             "docker.io/bitnamilegacy/postgresql:16.4.0"),
                            ("blog", "blog-mysql-backup", "docker.io/bitnamilegacy/mysql:8.4.3")):
        c = container("backup", image, command=["/bin/sh", "-c", "/scripts/backup.sh"])
        tmpl = {"metadata": {"labels": {"app.kubernetes.io/name": name}},
                "spec": {"containers": [{k: v for k, v in c.items() if k != "volumeMounts"}],
                         "restartPolicy": "OnFailure"}}
        cron = b.add({"apiVersion": "batch/v1", "kind": "CronJob",
                      "metadata": b.meta("CronJob", name, ns, AGE - 900,
                                         {"app.kubernetes.io/name": name}, generation=1),
                      "spec": {"concurrencyPolicy": "Forbid", "failedJobsHistoryLimit": 1,
                               "jobTemplate": {"spec": {"backoffLimit": 2, "template": tmpl}},
                               "schedule": "25 13 * * *", "successfulJobsHistoryLimit": 3,
                               "suspend": False},
                      "status": {"lastScheduleTime": b.ts(2100),
                                 "lastSuccessfulTime": b.ts(2100 - 48)}})
        for day in range(3):
            ago = 2100 + day * DAY
            stamp = int((RECORDED_AT.timestamp() - ago) // 60)
            j, p = job(b, ns, f"{name}-{stamp}", containers=[c], owner=cron,
                       labels={"app.kubernetes.io/name": name},
                       status=terminated(ago - 3, ago - 47), created=ago)
            if day == 0:
                b.event(cron, "SuccessfulCreate", f"Created job {j['metadata']['name']}",
                        first_ago=ago, component="cronjob-controller")
                b.event(j, "SuccessfulCreate", f"Created pod: {p['metadata']['name']}",
                        first_ago=ago - 1, component="job-controller")
                fp = "spec.containers{backup}"
                b.event(p, "Scheduled", f"Successfully assigned {ns}/{p['metadata']['name']} "
                        f"to {p['spec']['nodeName']}", first_ago=ago - 1,
                        component="default-scheduler")
                for reason, msg in (("Pulled", f'Container image "{image}" already present '
                                               "on machine"),
                                    ("Created", "Created container backup"),
                                    ("Started", "Started container backup")):
                    b.event(p, reason, msg, first_ago=ago - 2, field_path=fp)
                b.event(j, "Completed", "Job completed", first_ago=ago - 48,
                        component="job-controller")
                b.event(cron, "SawCompletedJob", f"Saw completed job: {j['metadata']['name']}, "
                        "status: Complete", first_ago=ago - 48, component="cronjob-controller")
                b.log(ns, p["metadata"]["name"], "backup", [
                    f"{b.ts(ago - 3)} starting dump of {name.rsplit('-', 1)[0]}",
                    f"{b.ts(ago - 46)} dump written: /backups/{name}-{stamp}.sql.gz "
                    "(41.2 MiB)",
                    f"{b.ts(ago - 47)} pruned 1 dump older than 14 days"])


def timeline() -> dict[str, Any]:
    return {"description": "a healthy homelab: 5 nodes, 32 Ready HelmReleases, 120+ pods, "
                           "completed backups, Normal events only (the control)",
            "recorded_at": RECORDED_AT.strftime("%Y-%m-%dT%H:%M:%SZ"), "steps": []}


def _group(obj: dict[str, Any]) -> str:
    kind = obj["kind"]
    if kind in ("Node", "Namespace"):
        return "cluster"
    if kind in ("GitRepository", "HelmRepository", "HelmChart", "Kustomization",
                "HelmRelease"):
        return "flux"
    return obj["metadata"]["namespace"]


def main() -> int:
    b = build()
    b.write(OUT, _group)
    b.write_logs(OUT)
    (OUT / "timeline.yaml").write_text(
        "# Written by scripts/make_healthy.py; edit the script, not this file.\n" +
        dump_yaml(timeline()), encoding="utf-8")
    print(f"{len(b.objects)} objects written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
