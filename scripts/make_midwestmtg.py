"""Write the `midwestmtg` scenario (seed 000, TASK-008) into kubetriage/scenarios/midwestmtg/.

    .venv/bin/python scripts/make_midwestmtg.py

The scenario is data; this script is how it was made, so that uids, owner references, timestamps
and the Helm release secrets (base64 of base64(gzip(JSON)), kubetriage/cluster/helm.py) agree.
Edit here, re-run, commit the output.

The story (UTC; "now" is the seed's 2025-10-18T01:30:00Z; every release is 26h old):
- backend: the install (v1) failed on its migration hook (activeDeadlineSeconds 600 exceeded).
  With the deadline raised to 1800s and the secrets unsealed (the seed's infrastructure fixes),
  four upgrades (v2-v5) failed in the pre-upgrade hook: the migration pod now connects and dies
  on alembic's "Multiple head revisions" (BUG-021), helm stops waiting after spec.timeout (10m)
  and Flux stops after 1 + 3 retries. Never deployed: no backend Deployment, no Service. The hook
  Job of the last attempt is still crash-looping.
- frontend: nginx cannot resolve upstream "midwestmtg-backend" (CrashLoopBackOff, 67 restarts);
  chart 0.2.0 takes the image tag from its appVersion "0.12.0", not values' 0.1.12
  (ImagePullBackOff); its upgrade timed out: "context deadline exceeded".
- discord-bot: dependsOn the backend, never installed. redis: healthy.
The timeline keeps the crash loops going; reconcile outcomes play the fix forward.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta

from midwestmtg_kit import (
    FLUX_VERSION,
    GIT_REVISION,
    NODE,
    NODE_IP,
    NOW,
    NS,
    OUT,
    REGISTRY,
    ROOT,
    T0,
    Obj,
    at,
    chart_labels,
    condition,
    container,
    cstatus,
    deployment,
    dump,
    endpoints,
    event,
    helm_release,
    hexid,
    hook,
    http_probe,
    kubelet_event,
    meta,
    pod,
    release_annotations,
    replicaset,
    selector_labels,
    service,
    snapshot,
    ts,
    uid,
    write_list,
    write_log,
)
from scenario_kit import DOCKERD_NODE_ANNOTATIONS, helm_release_secret, node_conditions, node_labels
from scenario_kit import node as kube_node

from kubetriage.core import helm
from kubetriage.sim.workloads import template_hash

HELM_CONTROLLER = "helm-controller-7c8b6d9f5b-q4lzn"
LATER = NOW  # timeline objects: "now" of the recording; the server's clock takes over from there


def after(seconds: float) -> str:
    return ts(NOW + timedelta(seconds=seconds))


# -- cluster and Flux ----------------------------------------------------------------------------

def cluster() -> list[Obj]:
    node_created = T0 - timedelta(days=12, hours=3)
    node = kube_node(
        meta(NODE, None, node_created, annotations=DOCKERD_NODE_ANNOTATIONS,
             labels=node_labels(NODE, {
                 "minikube.k8s.io/name": NODE, "minikube.k8s.io/primary": "true",
                 "minikube.k8s.io/version": "v1.36.0", "node-role.kubernetes.io/control-plane": "",
                 "node.kubernetes.io/exclude-from-external-load-balancers": ""})),
        ip=NODE_IP, pod_cidr="10.244.0.0/24",
        allocatable={"cpu": "8", "ephemeral-storage": "490617784Ki", "hugepages-2Mi": "0",
                     "memory": "32767496Ki", "pods": "110"},
        capacity={"cpu": "8", "ephemeral-storage": "490617784Ki", "hugepages-2Mi": "0",
                  "memory": "32767496Ki", "pods": "110"},
        conditions=node_conditions(ts(at(seconds=41)), ts(node_created),
                                   ts(node_created + timedelta(seconds=14))),
        boot_id=uid("boot", NODE), runtime="docker://28.1.1", kernel="6.8.0-85-generic",
        kubelet="v1.33.1", kube_proxy="", machine_id=hexid("machine", n=32),
        os_image="Ubuntu 22.04.5 LTS", system_uuid=uid("system", NODE))
    return [
        {"apiVersion": "v1", "kind": "Namespace",
         "metadata": meta("flux-system", None, node_created + timedelta(minutes=9), labels={
             "app.kubernetes.io/instance": "flux-system", "app.kubernetes.io/part-of": "flux",
             "app.kubernetes.io/version": FLUX_VERSION,
             "kubernetes.io/metadata.name": "flux-system",
             "kustomize.toolkit.fluxcd.io/name": "flux-system",
             "kustomize.toolkit.fluxcd.io/namespace": "flux-system",
             "pod-security.kubernetes.io/warn": "restricted",
             "pod-security.kubernetes.io/warn-version": "latest"}),
         "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}},
        {"apiVersion": "v1", "kind": "Namespace",
         "metadata": meta(NS, None, T0 - timedelta(seconds=20), labels={
             "kubernetes.io/metadata.name": NS, "kustomize.toolkit.fluxcd.io/name": "apps",
             "kustomize.toolkit.fluxcd.io/namespace": "flux-system"}),
         "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}},
        node]


def flux_labels(ks: str = "apps") -> dict:
    return {"kustomize.toolkit.fluxcd.io/name": ks,
            "kustomize.toolkit.fluxcd.io/namespace": "flux-system"}


def flux_system() -> list[Obj]:
    created = T0 - timedelta(days=12)
    ready_since = at(minutes=52)
    git = {"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
           "metadata": {**meta("flux-system", "flux-system", created, labels=flux_labels(
               "flux-system"), generation=1), "finalizers": ["finalizers.fluxcd.io"]},
           "spec": {"interval": "1m0s", "ref": {"branch": "main"},
                    "secretRef": {"name": "flux-system"}, "timeout": "60s",
                    "url": "ssh://git@git.homelab.lan/becker/beckerkube.git"},
           "status": {
               "artifact": {"digest": f"sha256:{hexid('git-artifact')}",
                            "lastUpdateTime": ts(ready_since),
                            "path": "gitrepository/flux-system/flux-system/"
                                    f"{GIT_REVISION[10:]}.tar.gz",
                            "revision": GIT_REVISION, "size": 412877,
                            "url": "http://source-controller.flux-system.svc.cluster.local./"
                                   "gitrepository/flux-system/flux-system/"
                                   f"{GIT_REVISION[10:]}.tar.gz"},
               "conditions": [
                   condition("Ready", True, "Succeeded",
                             f"stored artifact for revision '{GIT_REVISION}'", ready_since, 1),
                   condition("ArtifactInStorage", True, "Succeeded",
                             f"stored artifact for revision '{GIT_REVISION}'", ready_since, 1)],
               "observedGeneration": 1}}
    out = [git]
    for name, path in (("flux-system", "./clusters/minikube"), ("apps", "./apps")):
        msg = f"Applied revision: {GIT_REVISION}"
        out.append({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
                    "metadata": {**meta(name, "flux-system", created, labels=flux_labels(
                        "flux-system"), generation=1, key=f"ks-{name}"),
                        "finalizers": ["finalizers.fluxcd.io"]},
                    "spec": {"force": False, "interval": "10m0s", "path": path, "prune": True,
                             "sourceRef": {"kind": "GitRepository", "name": "flux-system"},
                             **({"timeout": "5m"} if name == "apps" else {})},
                    "status": {"conditions": [condition("Ready", True, "ReconciliationSucceeded",
                                                        msg, ready_since, 1)],
                               "lastAppliedRevision": GIT_REVISION,
                               "lastAttemptedRevision": GIT_REVISION,
                               "observedGeneration": 1}})
    repos = (("midwestmtg-charts", "http://chartmuseum.flux-system.svc.cluster.local:8080"),
             ("bitnami", "https://charts.bitnami.com/bitnami"))
    for name, url in repos:
        digest = f"sha256:{hexid('index', name)}"
        msg = f"stored artifact: revision '{digest}'"
        out.append({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "HelmRepository",
                    "metadata": {**meta(name, "flux-system", created, labels=flux_labels(
                        "flux-system"), generation=1, key=f"helmrepo-{name}"),
                        "finalizers": ["finalizers.fluxcd.io"]},
                    "spec": {"interval": "10m0s", "provider": "generic", "timeout": "60s",
                             "url": url},
                    "status": {"artifact": {
                        "digest": digest, "lastUpdateTime": ts(at(minutes=7)),
                        "path": f"helmrepository/flux-system/{name}/index-{digest[7:]}.yaml",
                        "revision": digest, "size": 10981 if name != "bitnami" else 3512406,
                        "url": "http://source-controller.flux-system.svc.cluster.local./"
                               f"helmrepository/flux-system/{name}/index-{digest[7:]}.yaml"},
                        "conditions": [condition("Ready", True, "Succeeded", msg,
                                                 at(minutes=7), 1),
                                       condition("ArtifactInStorage", True, "Succeeded", msg,
                                                 at(minutes=7), 1)],
                        "observedGeneration": 1,
                        "url": "http://source-controller.flux-system.svc.cluster.local./"
                               f"helmrepository/flux-system/{name}/index.yaml"}})
    for release, chart, spec_version, version, repo, generation in (
            ("midwestmtg-backend", "midwestmtg-backend", "0.1.13", "0.1.13",
             "midwestmtg-charts", 2),
            ("midwestmtg-frontend", "midwestmtg-frontend", ">=0.2.0 <1.0.0", "0.2.0",
             "midwestmtg-charts", 1),
            ("redis", "redis", "20.6.2", "20.6.2", "bitnami", 1)):
        out.append(helm_chart(release, chart, spec_version, version, repo, generation))
    return out + registry()


def helm_chart(release: str, chart: str, spec_version: str, version: str, repo: str,
               generation: int) -> Obj:
    name = f"{NS}-{release}"
    msg = f"pulled '{chart}' chart with version '{version}'"
    return {"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "HelmChart",
            "metadata": {**meta(name, "flux-system", T0 + timedelta(seconds=2),
                                generation=generation),
                         "finalizers": ["finalizers.fluxcd.io"]},
            "spec": {"chart": chart, "interval": "5m0s", "reconcileStrategy": "ChartVersion",
                     "sourceRef": {"kind": "HelmRepository", "name": repo},
                     "version": spec_version},
            "status": {"artifact": {
                "digest": f"sha256:{hexid('chart', chart, version)}",
                "lastUpdateTime": ts(at(hours=1, minutes=10)),
                "path": f"helmchart/flux-system/{name}/{chart}-{version}.tgz",
                "revision": version, "size": 4821 if repo != "bitnami" else 115742,
                "url": "http://source-controller.flux-system.svc.cluster.local./"
                       f"helmchart/flux-system/{name}/{chart}-{version}.tgz"},
                "conditions": [condition("Ready", True, "ChartPullSucceeded", msg,
                                         at(hours=1, minutes=10), generation),
                               condition("ArtifactInStorage", True, "ChartPullSucceeded", msg,
                                         at(hours=1, minutes=10), generation)],
                "observedChartName": chart, "observedGeneration": generation,
                "observedSourceArtifactRevision": f"sha256:{hexid('index', repo)}",
                "url": "http://source-controller.flux-system.svc.cluster.local./"
                       f"helmchart/flux-system/{name}/latest.tgz"}}


def registry() -> list[Obj]:
    """The in-cluster registry the seed's images come from (`-l app=registry`)."""
    created = T0 - timedelta(days=11, hours=20)
    labels = {"app": "registry", **flux_labels("flux-system")}
    template = {"metadata": {"labels": {"app": "registry"}},
                "spec": _template_spec([container("registry", "registry:2.8.3", ports=[
                    {"containerPort": 5000, "name": "http", "protocol": "TCP"}], mounts=[
                    {"mountPath": "/var/lib/registry", "name": "data"}])],
                    volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "registry"}}])}
    deploy = {"apiVersion": "apps/v1", "kind": "Deployment",
              "metadata": meta("registry", "flux-system", created, labels=labels, annotations={
                  "deployment.kubernetes.io/revision": "1"}, generation=1),
              "spec": {"progressDeadlineSeconds": 600, "replicas": 1, "revisionHistoryLimit": 10,
                       "selector": {"matchLabels": {"app": "registry"}},
                       "strategy": {"type": "Recreate"}, "template": template},
              "status": _deploy_status(1, 1, created)}
    rs = replicaset(deploy, "6f9c7d4b8d", created, template=template, revision=1, replicas=1,
                    ready=1)
    rs["metadata"]["namespace"] = "flux-system"
    c = json.loads(json.dumps(template["spec"]["containers"]))
    p = pod("registry-6f9c7d4b8d-7kq2n", created + timedelta(days=3), owner=rs,
            labels={"app": "registry", "pod-template-hash": "6f9c7d4b8d"}, containers=c,
            statuses=[cstatus(c[0], state={"running": {"startedAt": ts(
                created + timedelta(days=3, seconds=6))}}, ready=True)],
            ip_last=4, ready=True, ns="flux-system",
            extra_volumes=template["spec"]["volumes"])
    svc = service("registry", created, labels=labels, annotations=None,
                  selector={"app": "registry"}, cluster_ip="10.104.23.187", ns="flux-system",
                  ports=[{"name": "http", "port": 5000, "protocol": "TCP",
                          "targetPort": "http"}])
    return [deploy, rs, p, svc,
            endpoints(svc, [p], [{"name": "http", "port": 5000, "protocol": "TCP"}])]


def _template_spec(containers: list[Obj], *, restart: str = "Always", volumes: list | None = None,
                   sa: str | None = None) -> Obj:
    spec: Obj = {"containers": containers, "dnsPolicy": "ClusterFirst",
                 "restartPolicy": restart, "schedulerName": "default-scheduler",
                 "securityContext": {}}
    if sa:
        spec.update({"serviceAccount": sa, "serviceAccountName": sa})
    spec["terminationGracePeriodSeconds"] = 30
    if volumes:
        spec["volumes"] = volumes
    return spec


def _deploy_status(replicas: int, ready: int, since: datetime, *, generation: int = 1,
                   updated: int | None = None, new_rs: str | None = None,
                   stuck: bool = False) -> Obj:
    if ready:
        conds = [{"lastTransitionTime": ts(since), "lastUpdateTime": ts(since),
                  "message": "Deployment has minimum availability.",
                  "reason": "MinimumReplicasAvailable", "status": "True", "type": "Available"}]
    else:
        conds = [{"lastTransitionTime": ts(since), "lastUpdateTime": ts(since),
                  "message": "Deployment does not have minimum availability.",
                  "reason": "MinimumReplicasUnavailable", "status": "False",
                  "type": "Available"}]
    if stuck:
        conds.append({"lastTransitionTime": ts(since + timedelta(minutes=10)),
                      "lastUpdateTime": ts(since + timedelta(minutes=10)),
                      "message": f'ReplicaSet "{new_rs}" has timed out progressing.',
                      "reason": "ProgressDeadlineExceeded", "status": "False",
                      "type": "Progressing"})
    else:
        conds.append({"lastTransitionTime": ts(since), "lastUpdateTime": ts(since),
                      "message": f'ReplicaSet "{new_rs}" has successfully progressed.'
                      if new_rs else "ReplicaSet has successfully progressed.",
                      "reason": "NewReplicaSetAvailable", "status": "True",
                      "type": "Progressing"})
    status: Obj = {}
    if ready:
        status["availableReplicas"] = ready
    status.update({"conditions": conds, "observedGeneration": generation})
    if ready:
        status["readyReplicas"] = ready
    status["replicas"] = replicas
    if replicas - ready:
        status["unavailableReplicas"] = replicas - ready
    status["updatedReplicas"] = replicas if updated is None else updated
    return status


# -- Helm releases: the HelmRelease objects and helm's own storage --------------------------------

BACKEND_VALUES = {
    "image": {"repository": f"{REGISTRY}/midwestmtg-backend", "tag": "main",
              "pullPolicy": "Always"},
    "migration": {"enabled": True, "command": ["alembic", "upgrade", "head"],
                  "activeDeadlineSeconds": 1800, "backoffLimit": 10},
    "service": {"port": 8000},
    "envFromSecrets": ["midwestmtg-database-secret", "midwestmtg-app-secret",
                       "midwestmtg-discord-secret"],
    "redis": {"url": "redis://redis-master.midwestmtg.svc.cluster.local:6379/0"},
}
FRONTEND_VALUES = {
    "image": {"repository": f"{REGISTRY}/midwestmtg-frontend", "tag": "0.1.12",
              "pullPolicy": "IfNotPresent"},
    "backend": {"host": "midwestmtg-backend", "port": 8000},
    "service": {"port": 80},
}
DISCORD_VALUES = {
    "image": {"repository": f"{REGISTRY}/midwestmtg-discord-bot", "tag": "0.1.4"},
    "existingSecret": "discord-bot-secrets",
    "backendUrl": "http://midwestmtg-backend.midwestmtg.svc.cluster.local:8000",
}
REDIS_VALUES = {"architecture": "standalone", "auth": {"enabled": False},
                "master": {"persistence": {"size": "8Gi"}}}

MIGRATION_JOB_MANIFEST = """apiVersion: batch/v1
kind: Job
metadata:
  name: midwestmtg-backend-migration
  labels:
    app.kubernetes.io/name: midwestmtg-backend
    app.kubernetes.io/instance: midwestmtg-backend
    app.kubernetes.io/component: migration
  annotations:
    "helm.sh/hook": pre-install,pre-upgrade
    "helm.sh/hook-weight": "-5"
    "helm.sh/hook-delete-policy": before-hook-creation
spec:
  activeDeadlineSeconds: 1800
  backoffLimit: 10
  template:
    spec:
      restartPolicy: OnFailure
      containers:
        - name: migration
          image: "registry.flux-system.svc.cluster.local:5000/midwestmtg-backend:main"
          command: ["alembic", "upgrade", "head"]
"""
BACKEND_MANIFEST = """---
# Source: midwestmtg-backend/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: midwestmtg-backend
spec:
  ports:
    - port: 8000
      targetPort: http
  selector:
    app.kubernetes.io/name: midwestmtg-backend
    app.kubernetes.io/instance: midwestmtg-backend
---
# Source: midwestmtg-backend/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: midwestmtg-backend
spec:
  replicas: 1
"""
FRONTEND_MANIFEST = """---
# Source: midwestmtg-frontend/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: midwestmtg-frontend
---
# Source: midwestmtg-frontend/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: midwestmtg-frontend
"""

HOOK_TIMEOUT = "pre-upgrade hooks failed: 1 error occurred:\n\t* timed out waiting for the condition"
BACKEND_UPGRADE_FAILED = ("Helm upgrade failed for release midwestmtg/midwestmtg-backend with chart "
                          f"midwestmtg-backend@0.1.13: {HOOK_TIMEOUT}")
FRONTEND_UPGRADE_FAILED = ("Helm upgrade failed for release midwestmtg/midwestmtg-frontend with "
                           "chart midwestmtg-frontend@0.2.0: context deadline exceeded")
DEPENDENCY = "dependency 'midwestmtg/midwestmtg-backend' is not ready"
REDIS_INSTALLED = "Helm install succeeded for release midwestmtg/redis.v1 with chart redis@20.6.2"
BACKEND_UPGRADED = ("Helm upgrade succeeded for release midwestmtg/midwestmtg-backend.v6 with "
                    "chart midwestmtg-backend@0.1.13")
FRONTEND_UPGRADED = ("Helm upgrade succeeded for release midwestmtg/midwestmtg-frontend.v3 with "
                     "chart midwestmtg-frontend@0.2.1")
DISCORD_INSTALLED = ("Helm install succeeded for release midwestmtg/midwestmtg-discord-bot.v1 with "
                     "chart midwestmtg-discord-bot@0.1.4")

# The backend's attempts: the install, then four upgrades 1 + 3 retries apart.
BACKEND_INSTALL = T0 + timedelta(seconds=65)
BACKEND_UPGRADES = [NOW - timedelta(minutes=44, seconds=15 - 10.583 * 60 * i) for i in range(4)]
MIGRATION_STARTED = BACKEND_UPGRADES[-1] + timedelta(seconds=1)
FRONTEND_INSTALL = T0 + timedelta(seconds=70)
FRONTEND_UPGRADE = datetime(2025, 10, 17, 2, 46, 30, tzinfo=NOW.tzinfo)
REDIS_INSTALL = T0 + timedelta(seconds=40)


def backend_releases() -> list[Obj]:
    install_values = json.loads(json.dumps(BACKEND_VALUES))
    install_values["migration"].update(activeDeadlineSeconds=600)
    install_values["migration"].pop("backoffLimit")
    v1 = helm_release(
        "midwestmtg-backend", 1, chart="midwestmtg-backend", chart_version="0.1.12",
        app_version="0.1.12", status="failed",
        description='Release "midwestmtg-backend" failed: pre-install hooks failed: 1 error '
                    "occurred:\n\t* job midwestmtg-backend-migration failed: DeadlineExceeded\n\n",
        first=BACKEND_INSTALL, last=BACKEND_INSTALL, values=install_values,
        manifest=BACKEND_MANIFEST,
        hooks=[hook("midwestmtg-backend-migration", MIGRATION_JOB_MANIFEST.replace(
            "1800", "600"), BACKEND_INSTALL, BACKEND_INSTALL + timedelta(seconds=601), "Failed")])
    out = [v1]
    for i, started in enumerate(BACKEND_UPGRADES):
        out.append(helm_release(
            "midwestmtg-backend", i + 2, chart="midwestmtg-backend", chart_version="0.1.13",
            app_version="0.1.13", status="failed",
            description=f'Upgrade "midwestmtg-backend" failed: {HOOK_TIMEOUT}\n\n',
            first=BACKEND_INSTALL, last=started, values=BACKEND_VALUES,
            manifest=BACKEND_MANIFEST,
            hooks=[hook("midwestmtg-backend-migration", MIGRATION_JOB_MANIFEST, started,
                        started + timedelta(minutes=10), "Failed")]))
    return out


def backend_v6() -> tuple[Obj, Obj]:
    """The revision the fixed migration lets through: pending while its hook runs, then deployed."""
    started = NOW
    pending = helm_release(
        "midwestmtg-backend", 6, chart="midwestmtg-backend", chart_version="0.1.13",
        app_version="0.1.13", status="pending-upgrade", description="Preparing upgrade",
        first=BACKEND_INSTALL, last=started, values=BACKEND_VALUES, manifest=BACKEND_MANIFEST,
        hooks=[hook("midwestmtg-backend-migration", MIGRATION_JOB_MANIFEST, started,
                    started, "Running")])
    deployed = json.loads(json.dumps(pending))
    deployed["info"].update(status="deployed", description="Upgrade complete")
    deployed["hooks"][0]["last_run"].update(phase="Succeeded")
    return pending, deployed


def frontend_releases() -> list[Obj]:
    v1 = helm_release(
        "midwestmtg-frontend", 1, chart="midwestmtg-frontend", chart_version="0.1.12",
        app_version="0.1.12", status="failed",
        description='Release "midwestmtg-frontend" failed: context deadline exceeded',
        first=FRONTEND_INSTALL, last=FRONTEND_INSTALL, values=FRONTEND_VALUES,
        manifest=FRONTEND_MANIFEST)
    v2 = helm_release(
        "midwestmtg-frontend", 2, chart="midwestmtg-frontend", chart_version="0.2.0",
        app_version="0.12.0", status="failed",
        description='Upgrade "midwestmtg-frontend" failed: context deadline exceeded',
        first=FRONTEND_INSTALL, last=FRONTEND_UPGRADE, values=FRONTEND_VALUES,
        manifest=FRONTEND_MANIFEST)
    return [v1, v2]


def frontend_v3() -> Obj:
    return helm_release(
        "midwestmtg-frontend", 3, chart="midwestmtg-frontend", chart_version="0.2.1",
        app_version="0.1.12", status="deployed", description="Upgrade complete",
        first=FRONTEND_INSTALL, last=NOW, values=FRONTEND_VALUES, manifest=FRONTEND_MANIFEST)


def discord_v1() -> Obj:
    return helm_release(
        "midwestmtg-discord-bot", 1, chart="midwestmtg-discord-bot", chart_version="0.1.4",
        app_version="0.1.4", status="deployed", description="Install complete",
        first=NOW, last=NOW, values=DISCORD_VALUES, manifest="")


def redis_release() -> Obj:
    return helm_release(
        "redis", 1, chart="redis", chart_version="20.6.2", app_version="7.4.2",
        status="deployed", description="Install complete", first=REDIS_INSTALL,
        last=REDIS_INSTALL, values=REDIS_VALUES,
        manifest="---\n# Source: redis/templates/master/application.yaml\n"
                 "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: redis-master\n")


def release_secrets() -> list[Obj]:
    out = []
    for rel in backend_releases() + frontend_releases() + [redis_release()]:
        created = _parse(rel["info"]["last_deployed"])
        modified = None if rel["info"]["status"] == "deployed" else created + timedelta(
            minutes=10, seconds=1)
        if rel["name"] == "midwestmtg-backend" and rel["version"] == 1:
            modified = created + timedelta(seconds=601)
        out.append(helm_release_secret(
            rel, meta(helm.secret_name(rel["name"], rel["version"]), NS, created),
            created_at=created, modified_at=modified))
    return out


def _parse(go: str) -> datetime:
    return datetime.fromisoformat(go[:19] + "+00:00")


def helmreleases() -> list[Obj]:
    repo = {"kind": "HelmRepository", "name": "midwestmtg-charts", "namespace": "flux-system"}
    backend_hist = [snapshot(r, "gen2" if r["version"] > 1 else "gen1")
                    for r in reversed(backend_releases())]
    frontend_hist = [snapshot(r, "gen1") for r in reversed(frontend_releases())]
    last = BACKEND_UPGRADES[-1] + timedelta(minutes=10)
    backend = hr("midwestmtg-backend", 2, chart="midwestmtg-backend", version="0.1.13",
                 source=repo, values=BACKEND_VALUES, depends=["redis"], status={
                     "conditions": [
                         condition("Stalled", True, "RetriesExceeded",
                                   "Failed to upgrade after 4 attempt(s)", last, 2),
                         condition("Ready", False, "UpgradeFailed", BACKEND_UPGRADE_FAILED,
                                   last, 2),
                         condition("Released", False, "UpgradeFailed", BACKEND_UPGRADE_FAILED,
                                   last, 2)],
                     "failures": 4,
                     "helmChart": "flux-system/midwestmtg-midwestmtg-backend",
                     "history": backend_hist,
                     "lastAttemptedConfigDigest": backend_hist[0]["configDigest"],
                     "lastAttemptedGeneration": 2,
                     "lastAttemptedReleaseAction": "upgrade",
                     "lastAttemptedRevision": "0.1.13",
                     "observedGeneration": 2,
                     "storageNamespace": NS,
                     "upgradeFailures": 4})
    frontend = hr("midwestmtg-frontend", 1, chart="midwestmtg-frontend",
                  version=">=0.2.0 <1.0.0", source=repo, values=FRONTEND_VALUES, status={
                      "conditions": [
                          condition("Stalled", True, "RetriesExceeded",
                                    "Failed to upgrade after 1 attempt(s)",
                                    FRONTEND_UPGRADE + timedelta(minutes=10), 1),
                          condition("Ready", False, "UpgradeFailed", FRONTEND_UPGRADE_FAILED,
                                    FRONTEND_UPGRADE + timedelta(minutes=10), 1),
                          condition("Released", False, "UpgradeFailed", FRONTEND_UPGRADE_FAILED,
                                    FRONTEND_UPGRADE + timedelta(minutes=10), 1)],
                      "failures": 1,
                      "helmChart": "flux-system/midwestmtg-midwestmtg-frontend",
                      "history": frontend_hist,
                      "installFailures": 1,
                      "lastAttemptedConfigDigest": frontend_hist[0]["configDigest"],
                      "lastAttemptedGeneration": 1,
                      "lastAttemptedReleaseAction": "upgrade",
                      "lastAttemptedRevision": "0.2.0",
                      "observedGeneration": 1,
                      "storageNamespace": NS,
                      "upgradeFailures": 1})
    discord = hr("midwestmtg-discord-bot", 1, chart="midwestmtg-discord-bot", version="0.1.4",
                 source=repo, values=DISCORD_VALUES, depends=["midwestmtg-backend"], status={
                     "conditions": [condition("Ready", False, "DependencyNotReady", DEPENDENCY,
                                              T0 + timedelta(seconds=3), 1)],
                     "observedGeneration": -1})
    redis_hist = [snapshot(redis_release(), "gen1")]
    redis = hr("redis", 1, chart="redis", version="20.6.2",
               source={"kind": "HelmRepository", "name": "bitnami", "namespace": "flux-system"},
               values=REDIS_VALUES, status={
                   "conditions": [
                       condition("Ready", True, "InstallSucceeded", REDIS_INSTALLED,
                                 REDIS_INSTALL + timedelta(seconds=48), 1),
                       condition("Released", True, "InstallSucceeded", REDIS_INSTALLED,
                                 REDIS_INSTALL + timedelta(seconds=48), 1)],
                   "helmChart": "flux-system/midwestmtg-redis",
                   "history": redis_hist,
                   "lastAttemptedConfigDigest": redis_hist[0]["configDigest"],
                   "lastAttemptedGeneration": 1,
                   "lastAttemptedReleaseAction": "install",
                   "lastAttemptedRevision": "20.6.2",
                   "observedGeneration": 1,
                   "storageNamespace": NS})
    return [backend, frontend, discord, redis]


def hr(name: str, generation: int, *, chart: str, version: str, source: Obj, values: Obj,
       status: Obj, depends: list[str] | None = None) -> Obj:
    spec: Obj = {"chart": {"spec": {"chart": chart, "reconcileStrategy": "ChartVersion",
                                    "sourceRef": source, "version": version}}}
    if depends:
        spec["dependsOn"] = [{"name": d} for d in depends]
    spec.update({"install": {"remediation": {"retries": 3}}, "interval": "5m0s",
                 "timeout": "10m0s", "upgrade": {"remediation": {"retries": 3}},
                 "values": values})
    if name == "midwestmtg-frontend":
        spec["upgrade"] = {"remediation": {"retries": 0}}
    return {"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
            "metadata": {**meta(name, NS, T0, labels=flux_labels(), generation=generation,
                                key=f"hr-{name}"), "finalizers": ["finalizers.fluxcd.io"]},
            "spec": spec, "status": status}


# -- secrets ---------------------------------------------------------------------------------------

SECRETS = {  # the seed's four, by key count; values are dummies
    "midwestmtg-database-secret": {
        "DATABASE_URL": "postgresql://midwestmtg:dummy-password@postgresql.databases.svc"
                        ".cluster.local:5432/midwestmtg",
        "POSTGRES_PASSWORD": "dummy-password"},
    "midwestmtg-discord-secret": {
        "DISCORD_CLIENT_ID": "000000000000000000", "DISCORD_CLIENT_SECRET": "dummy-client-secret",
        "DISCORD_BOT_TOKEN": "dummy-bot-token", "DISCORD_GUILD_ID": "000000000000000000",
        "DISCORD_REDIRECT_URI": "http://midwestmtg.homelab.lan/auth/discord/callback"},
    "midwestmtg-app-secret": {"SECRET_KEY": "dummy-secret-key", "JWT_SECRET": "dummy-jwt-secret"},
    "discord-bot-secrets": {"DISCORD_TOKEN": "dummy-bot-token",
                            "BACKEND_API_KEY": "dummy-api-key",
                            "DISCORD_GUILD_ID": "000000000000000000"},
}


def secrets() -> list[Obj]:
    import base64
    out = []
    unsealed = datetime(2025, 10, 17, 2, 45, tzinfo=NOW.tzinfo)
    for name, data in SECRETS.items():
        created = T0 - timedelta(minutes=1) if name != "midwestmtg-database-secret" else unsealed
        sealed = {"apiVersion": "bitnami.com/v1alpha1", "kind": "SealedSecret",
                  "metadata": meta(name, NS, created, labels=flux_labels(), generation=1,
                                   key=f"sealed-{name}"),
                  "spec": {"encryptedData": {k: _ciphertext(name, k) for k in data},
                           "template": {"metadata": {"creationTimestamp": None, "name": name,
                                                     "namespace": NS},
                                        "type": "Opaque"}},
                  "status": {"conditions": [{"lastTransitionTime": ts(created),
                                             "lastUpdateTime": ts(created),
                                             "status": "True", "type": "Synced"}],
                             "observedGeneration": 1}}
        secret = {"apiVersion": "v1", "kind": "Secret",
                  "data": {k: base64.b64encode(v.encode()).decode() for k, v in data.items()},
                  "metadata": meta(name, NS, created, owner=sealed), "type": "Opaque"}
        out += [sealed, secret]
    return out


def _ciphertext(name: str, key: str) -> str:
    """Looks like kubeseal output (RSA-OAEP + AES-GCM, base64, "Ag" first); decrypts to nothing."""
    import base64
    blob = bytes.fromhex("".join(hexid("sealed", name, key, str(i)) for i in range(6)))
    return "Ag" + base64.b64encode(blob).decode()[2:]


# -- the backend's migration hook ------------------------------------------------------------------

def backend_labels(component: str | None = None) -> dict:
    labels = chart_labels("midwestmtg-backend", "midwestmtg-backend", "0.1.13", "0.1.13",
                          "midwestmtg-backend")
    if component:
        labels["app.kubernetes.io/component"] = component
    return dict(sorted(labels.items()))


MIGRATION_IMAGE = f"{REGISTRY}/midwestmtg-backend:main"
ALEMBIC_ERROR = ("Multiple head revisions are present for given argument 'head'; please specify a "
                 "specific target revision, '<branchname>@head' to narrow to a specific head, or "
                 "'heads' for all heads")
MIGRATION_LOG = [
    "INFO  [alembic.runtime.migration] Context impl PostgresqlImpl.",
    "INFO  [alembic.runtime.migration] Will assume transactional DDL.",
    f"ERROR [alembic.util.messaging] {ALEMBIC_ERROR}",
    f"FAILED: {ALEMBIC_ERROR}",
]


def migration_job(job_uid_key: str, created: datetime, *, pod_name: str) -> tuple[Obj, Obj]:
    labels = backend_labels("migration")
    annotations = {"helm.sh/hook": "pre-install,pre-upgrade",
                   "helm.sh/hook-delete-policy": "before-hook-creation",
                   "helm.sh/hook-weight": "-5"}
    job_meta = meta("midwestmtg-backend-migration", NS, created, labels=labels,
                    annotations=annotations, generation=1, key=job_uid_key)
    job_uid = job_meta["uid"]
    pod_labels = {"app.kubernetes.io/component": "migration",
                  "app.kubernetes.io/instance": "midwestmtg-backend",
                  "app.kubernetes.io/name": "midwestmtg-backend",
                  "batch.kubernetes.io/controller-uid": job_uid,
                  "batch.kubernetes.io/job-name": "midwestmtg-backend-migration",
                  "controller-uid": job_uid, "job-name": "midwestmtg-backend-migration"}
    c = container("migration", MIGRATION_IMAGE, pull="Always",
                  command=["alembic", "upgrade", "head"],
                  env_from=["midwestmtg-database-secret", "midwestmtg-app-secret"])
    job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": job_meta,
           "spec": {"activeDeadlineSeconds": 1800, "backoffLimit": 10,
                    "completionMode": "NonIndexed", "completions": 1, "manualSelector": False,
                    "parallelism": 1, "podReplacementPolicy": "TerminatingOrFailed",
                    "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": job_uid}},
                    "suspend": False,
                    "template": {"metadata": {"labels": pod_labels},
                                 "spec": _template_spec([json.loads(json.dumps(c))],
                                                        restart="OnFailure")}},
           "status": {"active": 1, "ready": 0, "startTime": ts(created), "terminating": 0,
                      "uncountedTerminatedPods": {}}}
    return job, {"labels": pod_labels, "container": c, "name": pod_name}


def backend_hook() -> list[Obj]:
    job, p = migration_job("job-v5", MIGRATION_STARTED, pod_name="midwestmtg-backend-migration-kwtdz")
    c = [p["container"]]
    last_start = at(minutes=1, seconds=40)
    statuses = [cstatus(c[0], ready=False, restarts=6, variant="bug-021", state={"waiting": {
        "message": "back-off 5m0s restarting failed container=migration "
                   f"pod=midwestmtg-backend-migration-kwtdz_{NS}"
                   f"({_pod_uid('midwestmtg-backend-migration-kwtdz')})",
        "reason": "CrashLoopBackOff"}}, last={"terminated": {
        "containerID": f"docker://{hexid('cid-last', 'kwtdz')}", "exitCode": 255,
        "finishedAt": ts(last_start + timedelta(seconds=3)), "reason": "Error",
        "startedAt": ts(last_start)}})]
    migration_pod = pod(p["name"], MIGRATION_STARTED, owner=job, labels=p["labels"],
                        containers=c, statuses=statuses, ip_last=23, restart="OnFailure",
                        finalizers=["batch.kubernetes.io/job-tracking"])
    return [job, migration_pod]


def _pod_uid(name: str) -> str:
    return uid(name, NS)


# -- frontend --------------------------------------------------------------------------------------

FRONTEND_OLD = f"{REGISTRY}/midwestmtg-frontend:0.1.12"
FRONTEND_BAD = f"{REGISTRY}/midwestmtg-frontend:0.12.0"
X48QH = "midwestmtg-frontend-7797b494d9-x48qh"
WW4W8 = "midwestmtg-frontend-bb7d869dd-ww4w8"
X48QH_CREATED = at(hours=5, minutes=25)
NGINX_UPSTREAM = ('host not found in upstream "midwestmtg-backend" in /etc/nginx/nginx.conf:34')
NGINX_LOG = [
    "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform "
    "configuration",
    "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
    "10-listen-on-ipv6-by-default.sh: info: /etc/nginx/conf.d/default.conf is not a file or "
    "does not exist",
    "/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
    "/docker-entrypoint.sh: Configuration complete; ready for start up",
]


def nginx_log(when: datetime) -> list[str]:
    return NGINX_LOG + [f"{when:%Y/%m/%d %H:%M:%S} [emerg] 1#1: {NGINX_UPSTREAM}",
                        f"nginx: [emerg] {NGINX_UPSTREAM}"]


def frontend_template(chart_version: str, app_version: str, image: str) -> Obj:
    labels = {k: v for k, v in chart_labels(
        "midwestmtg-frontend", "midwestmtg-frontend", chart_version, app_version,
        "midwestmtg-frontend").items() if not k.startswith("helm.toolkit")}
    c = container("frontend", image, ports=[{"containerPort": 80, "name": "http",
                                             "protocol": "TCP"}],
                  probes={"livenessProbe": http_probe("/", "http"),
                          "readinessProbe": http_probe("/", "http")},
                  resources={"limits": {"memory": "128Mi"},
                             "requests": {"cpu": "50m", "memory": "64Mi"}})
    return {"metadata": {"labels": dict(sorted(labels.items()))},
            "spec": _template_spec([c], sa="midwestmtg-frontend")}


def frontend() -> list[Obj]:
    labels = dict(sorted(chart_labels("midwestmtg-frontend", "midwestmtg-frontend", "0.2.0",
                                      "0.12.0", "midwestmtg-frontend").items()))
    selector = selector_labels("midwestmtg-frontend", "midwestmtg-frontend")
    old_t = frontend_template("0.1.12", "0.1.12", FRONTEND_OLD)
    new_t = frontend_template("0.2.0", "0.12.0", FRONTEND_BAD)
    deploy = deployment("midwestmtg-frontend", FRONTEND_INSTALL, labels=labels,
                        annotations=release_annotations("midwestmtg-frontend"), selector=selector,
                        template=new_t, generation=2, revision=2,
                        status=_deploy_status(2, 0, FRONTEND_UPGRADE, generation=2, updated=1,
                                              new_rs="midwestmtg-frontend-bb7d869dd", stuck=True))
    rs_old = replicaset(deploy, "7797b494d9", FRONTEND_INSTALL, template=old_t, revision=1,
                        replicas=1, ready=0)
    rs_new = replicaset(deploy, "bb7d869dd", FRONTEND_UPGRADE, template=new_t, revision=2,
                        replicas=1, ready=0)
    c_old = json.loads(json.dumps(rs_old["spec"]["template"]["spec"]["containers"]))
    last_start = at(minutes=2, seconds=21)
    x48qh = pod(X48QH, X48QH_CREATED, owner=rs_old, labels=rs_old["spec"]["template"]["metadata"][
        "labels"], containers=c_old, sa="midwestmtg-frontend", ip_last=31, statuses=[cstatus(
            c_old[0], ready=False, restarts=67, state={"waiting": {
                "message": "back-off 5m0s restarting failed container=frontend "
                           f"pod={X48QH}_{NS}({_pod_uid(X48QH)})",
                "reason": "CrashLoopBackOff"}}, last={"terminated": {
                    "containerID": f"docker://{hexid('cid-last', X48QH)}", "exitCode": 1,
                    "finishedAt": ts(last_start), "reason": "Error",
                    "startedAt": ts(last_start)}})])
    c_new = json.loads(json.dumps(rs_new["spec"]["template"]["spec"]["containers"]))
    ww4w8 = pod(WW4W8, FRONTEND_UPGRADE + timedelta(seconds=1), owner=rs_new,
                labels=rs_new["spec"]["template"]["metadata"]["labels"], containers=c_new,
                sa="midwestmtg-frontend", ip_last=27, statuses=[cstatus(
                    c_new[0], ready=False, pulled=False, state={"waiting": {
                        "message": f'Back-off pulling image "{FRONTEND_BAD}"',
                        "reason": "ImagePullBackOff"}})])
    svc_labels = labels
    svc = service("midwestmtg-frontend", FRONTEND_INSTALL, labels=svc_labels,
                  annotations=release_annotations("midwestmtg-frontend"), selector=selector,
                  cluster_ip="10.98.141.62", ports=[{"name": "http", "port": 80,
                                                     "protocol": "TCP", "targetPort": "http"}])
    sa = {"apiVersion": "v1", "kind": "ServiceAccount", "automountServiceAccountToken": True,
          "metadata": meta("midwestmtg-frontend", NS, FRONTEND_INSTALL, labels=svc_labels,
                           annotations=release_annotations("midwestmtg-frontend"),
                           key="sa-midwestmtg-frontend")}
    return [deploy, rs_old, rs_new, x48qh, ww4w8, svc,
            endpoints(svc, [x48qh, ww4w8], [{"name": "http", "port": 80, "protocol": "TCP"}]), sa]


# -- redis -----------------------------------------------------------------------------------------

def redis() -> list[Obj]:
    labels = {"app.kubernetes.io/instance": "redis", "app.kubernetes.io/managed-by": "Helm",
              "app.kubernetes.io/name": "redis", "app.kubernetes.io/version": "7.4.2",
              "helm.sh/chart": "redis-20.6.2", "helm.toolkit.fluxcd.io/name": "redis",
              "helm.toolkit.fluxcd.io/namespace": NS}
    master = dict(labels, **{"app.kubernetes.io/component": "master"})
    ann = release_annotations("redis")
    selector = {"app.kubernetes.io/component": "master", "app.kubernetes.io/instance": "redis",
                "app.kubernetes.io/name": "redis"}
    pod_labels = {k: v for k, v in master.items() if not k.startswith("helm.toolkit")}
    c = container("redis", "docker.io/bitnami/redis:7.4.2-debian-12-r0",
                  command=["/bin/bash"], ports=[{"containerPort": 6379, "name": "redis",
                                                 "protocol": "TCP"}],
                  env=[{"name": "BITNAMI_DEBUG", "value": "false"},
                       {"name": "REDIS_REPLICATION_MODE", "value": "master"},
                       {"name": "ALLOW_EMPTY_PASSWORD", "value": "yes"},
                       {"name": "REDIS_TLS_ENABLED", "value": "no"},
                       {"name": "REDIS_PORT", "value": "6379"}],
                  probes={"livenessProbe": {"exec": {"command": [
                      "sh", "-c", "/health/ping_liveness_local.sh 5"]}, "failureThreshold": 5,
                      "initialDelaySeconds": 20, "periodSeconds": 5, "successThreshold": 1,
                      "timeoutSeconds": 6},
                      "readinessProbe": {"exec": {"command": [
                          "sh", "-c", "/health/ping_readiness_local.sh 1"]}, "failureThreshold": 5,
                          "initialDelaySeconds": 20, "periodSeconds": 5, "successThreshold": 1,
                          "timeoutSeconds": 2}},
                  resources={"limits": {"cpu": "150m", "ephemeral-storage": "2Gi",
                                        "memory": "192Mi"},
                             "requests": {"cpu": "100m", "ephemeral-storage": "50Mi",
                                          "memory": "128Mi"}},
                  mounts=[{"mountPath": "/data", "name": "redis-data"}])
    c["args"] = ["-c", "/opt/bitnami/scripts/start-scripts/start-master.sh"]
    c = dict(sorted(c.items()))
    template = {"metadata": {"labels": pod_labels},
                "spec": {**_template_spec([c], sa="redis-master"),
                         "automountServiceAccountToken": False}}
    sts = {"apiVersion": "apps/v1", "kind": "StatefulSet",
           "metadata": meta("redis-master", NS, REDIS_INSTALL, labels=master, annotations=ann,
                            generation=1),
           "spec": {"persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain",
                                                             "whenScaled": "Retain"},
                    "podManagementPolicy": "OrderedReady", "replicas": 1,
                    "revisionHistoryLimit": 10, "selector": {"matchLabels": selector},
                    "serviceName": "redis-headless", "template": template,
                    "updateStrategy": {"type": "RollingUpdate"},
                    "volumeClaimTemplates": [{
                        "apiVersion": "v1", "kind": "PersistentVolumeClaim",
                        "metadata": {"labels": {"app.kubernetes.io/component": "master",
                                                "app.kubernetes.io/instance": "redis",
                                                "app.kubernetes.io/name": "redis"},
                                     "name": "redis-data"},
                        "spec": {"accessModes": ["ReadWriteOnce"],
                                 "resources": {"requests": {"storage": "8Gi"}},
                                 "volumeMode": "Filesystem"},
                        "status": {"phase": "Pending"}}]},
           "status": {"availableReplicas": 1, "collisionCount": 0,
                      "currentReplicas": 1, "currentRevision": "redis-master-5b7c9d6f48",
                      "observedGeneration": 1, "readyReplicas": 1, "replicas": 1,
                      "updateRevision": "redis-master-5b7c9d6f48", "updatedReplicas": 1}}
    pc = [json.loads(json.dumps(c))]
    started = REDIS_INSTALL + timedelta(seconds=9)
    redis_pod = pod("redis-master-0", REDIS_INSTALL + timedelta(seconds=1), owner=sts,
                    labels={**pod_labels, "apps.kubernetes.io/pod-index": "0",
                            "controller-revision-hash": "redis-master-5b7c9d6f48",
                            "statefulset.kubernetes.io/pod-name": "redis-master-0"},
                    containers=pc, sa="redis-master", ip_last=12, ready=True,
                    hostname="redis-master-0", subdomain="redis-headless",
                    extra_volumes=[{"name": "redis-data", "persistentVolumeClaim": {
                        "claimName": "redis-data-redis-master-0"}}],
                    statuses=[cstatus(pc[0], ready=True, state={"running": {
                        "startedAt": ts(started)}})])
    redis_pod["spec"]["automountServiceAccountToken"] = False
    redis_pod["spec"]["volumes"] = redis_pod["spec"]["volumes"][:1]
    redis_pod["spec"]["containers"][0]["volumeMounts"] = [{"mountPath": "/data",
                                                           "name": "redis-data"}]
    port = [{"name": "tcp-redis", "port": 6379, "protocol": "TCP", "targetPort": "redis"}]
    svc = service("redis-master", REDIS_INSTALL, labels=master, annotations=ann,
                  selector=selector, cluster_ip="10.101.77.9", ports=port)
    headless = service("redis-headless", REDIS_INSTALL, labels=labels, annotations=ann,
                       selector={k: v for k, v in selector.items() if "component" not in k},
                       cluster_ip=None, headless=True, ports=port)
    pvc = {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
           "metadata": {**meta("redis-data-redis-master-0", NS, REDIS_INSTALL + timedelta(
               seconds=1), labels=selector, annotations={
               "pv.kubernetes.io/bind-completed": "yes",
               "pv.kubernetes.io/bound-by-controller": "yes",
               "volume.beta.kubernetes.io/storage-provisioner": "k8s.io/minikube-hostpath",
               "volume.kubernetes.io/storage-provisioner": "k8s.io/minikube-hostpath"}),
               "finalizers": ["kubernetes.io/pvc-protection"]},
           "spec": {"accessModes": ["ReadWriteOnce"],
                    "resources": {"requests": {"storage": "8Gi"}},
                    "storageClassName": "standard",
                    "volumeMode": "Filesystem",
                    "volumeName": f"pvc-{uid('pv', 'redis')}"},
           "status": {"accessModes": ["ReadWriteOnce"], "capacity": {"storage": "8Gi"},
                      "phase": "Bound"}}
    sa = {"apiVersion": "v1", "kind": "ServiceAccount", "automountServiceAccountToken": False,
          "metadata": meta("redis-master", NS, REDIS_INSTALL, labels=labels, annotations=ann,
                           key="sa-redis-master")}
    eps = [{"name": "tcp-redis", "port": 6379, "protocol": "TCP"}]
    return [sts, redis_pod, svc, headless, endpoints(svc, [redis_pod], eps),
            endpoints(headless, [redis_pod], eps), pvc, sa]


# -- events ----------------------------------------------------------------------------------------

def events(objs: dict[tuple[str, str], Obj]) -> list[Obj]:
    x48qh, ww4w8 = objs["Pod", X48QH], objs["Pod", WW4W8]
    kwtdz = objs["Pod", "midwestmtg-backend-migration-kwtdz"]
    job = objs["Job", "midwestmtg-backend-migration"]
    fc = "spec.containers{frontend}"
    mc = "spec.containers{migration}"
    now = at(seconds=10)
    backoff_first = X48QH_CREATED + timedelta(seconds=40)
    pull_first = FRONTEND_UPGRADE + timedelta(seconds=2)
    out = [
        # the frontend crash loop: started, crashed, restarted, 67 times
        kubelet_event(x48qh, "Pulled", f'Container image "{FRONTEND_OLD}" already present on '
                      "machine", first=X48QH_CREATED + timedelta(seconds=1),
                      last=at(minutes=2, seconds=21), count=68, field=fc),
        kubelet_event(x48qh, "Created", "Created container: frontend",
                      first=X48QH_CREATED + timedelta(seconds=1), last=at(minutes=2, seconds=21),
                      count=68, field=fc),
        kubelet_event(x48qh, "Started", "Started container frontend",
                      first=X48QH_CREATED + timedelta(seconds=1), last=at(minutes=2, seconds=21),
                      count=68, field=fc),
        kubelet_event(x48qh, "BackOff", "Back-off restarting failed container frontend in pod "
                      f"{X48QH}_{NS}({x48qh['metadata']['uid']})", first=backoff_first,
                      last=now, count=1596, type_="Warning", field=fc),
        # the wrong tag: pulled, not found, backed off
        kubelet_event(ww4w8, "Pulling", f'Pulling image "{FRONTEND_BAD}"', first=pull_first,
                      last=at(minutes=3, seconds=52), count=272, field=fc),
        kubelet_event(ww4w8, "Failed", f'Failed to pull image "{FRONTEND_BAD}": Error response '
                      f"from daemon: manifest for {FRONTEND_BAD} not found: manifest unknown: "
                      "manifest unknown", first=pull_first, last=at(minutes=3, seconds=52),
                      count=272, type_="Warning", field=fc),
        kubelet_event(ww4w8, "Failed", "Error: ErrImagePull", first=pull_first,
                      last=at(minutes=3, seconds=52), count=272, type_="Warning", field=fc),
        kubelet_event(ww4w8, "BackOff", f'Back-off pulling image "{FRONTEND_BAD}"',
                      first=pull_first + timedelta(seconds=1), last=at(seconds=6), count=8157,
                      field=fc),
        kubelet_event(ww4w8, "Failed", "Error: ImagePullBackOff",
                      first=pull_first + timedelta(seconds=1), last=at(seconds=6), count=8157,
                      type_="Warning", field=fc),
        # the migration hook of the last upgrade
        event(job, "SuccessfulCreate", "Created pod: midwestmtg-backend-migration-kwtdz",
              first=MIGRATION_STARTED, last=MIGRATION_STARTED, component="job-controller"),
        event(kwtdz, "Scheduled", f"Successfully assigned {NS}/midwestmtg-backend-migration-kwtdz"
              f" to {NODE}", first=MIGRATION_STARTED, last=MIGRATION_STARTED,
              component="default-scheduler", instance="default-scheduler-minikube"),
        kubelet_event(kwtdz, "Pulling", f'Pulling image "{MIGRATION_IMAGE}"',
                      first=MIGRATION_STARTED, last=at(minutes=1, seconds=41), count=7, field=mc),
        kubelet_event(kwtdz, "Pulled", f'Successfully pulled image "{MIGRATION_IMAGE}" in 412ms '
                      "(412ms including waiting). Image size: 412770189 bytes.",
                      first=MIGRATION_STARTED, last=at(minutes=1, seconds=41), count=7, field=mc),
        kubelet_event(kwtdz, "Created", "Created container: migration", first=MIGRATION_STARTED,
                      last=at(minutes=1, seconds=40), count=7, field=mc),
        kubelet_event(kwtdz, "Started", "Started container migration", first=MIGRATION_STARTED,
                      last=at(minutes=1, seconds=40), count=7, field=mc),
        kubelet_event(kwtdz, "BackOff", "Back-off restarting failed container migration in pod "
                      f"midwestmtg-backend-migration-kwtdz_{NS}({kwtdz['metadata']['uid']})",
                      first=MIGRATION_STARTED + timedelta(seconds=8), last=at(seconds=12),
                      count=49, type_="Warning", field=mc),
    ]
    hrs = {name: objs["HelmRelease", name] for name in (
        "midwestmtg-backend", "midwestmtg-frontend", "midwestmtg-discord-bot", "redis")}
    hook_log = "\n".join([
        "preparing upgrade for midwestmtg-backend",
        "performing update for midwestmtg-backend",
        "creating upgraded release for midwestmtg-backend",
        "checking 1 resources for changes",
        "running pre-upgrade hooks for midwestmtg-backend",
        "Watching for changes to Job midwestmtg-backend-migration with timeout of 10m0s",
        "Add/Modify event for midwestmtg-backend-migration: ADDED",
        "midwestmtg-backend-migration: Jobs active: 1, jobs failed: 0, jobs succeeded: 0",
        "Add/Modify event for midwestmtg-backend-migration: MODIFIED",
        "midwestmtg-backend-migration: Jobs active: 1, jobs failed: 0, jobs succeeded: 0"])
    backend_hr = hrs["midwestmtg-backend"]
    out += [
        event(backend_hr, "UpgradeFailed", f"{BACKEND_UPGRADE_FAILED}\n\nLast Helm logs:\n\n"
              f"{hook_log}", first=BACKEND_UPGRADES[0] + timedelta(minutes=10),
              last=BACKEND_UPGRADES[-1] + timedelta(minutes=10), count=4, type_="Warning",
              component="helm-controller", instance=HELM_CONTROLLER, annotations={
                  "helm.toolkit.fluxcd.io/revision": "0.1.13",
                  "helm.toolkit.fluxcd.io/token": backend_hr["status"]["history"][0][
                      "configDigest"]}),
        event(hrs["midwestmtg-frontend"], "UpgradeFailed", FRONTEND_UPGRADE_FAILED,
              first=FRONTEND_UPGRADE + timedelta(minutes=10),
              last=FRONTEND_UPGRADE + timedelta(minutes=10), type_="Warning",
              component="helm-controller", instance=HELM_CONTROLLER, annotations={
                  "helm.toolkit.fluxcd.io/revision": "0.2.0",
                  "helm.toolkit.fluxcd.io/token": hrs["midwestmtg-frontend"]["status"][
                      "history"][0]["configDigest"]}),
        # helm-controller records a waiting dependency as Normal, every 30s requeue
        event(hrs["midwestmtg-discord-bot"], "DependencyNotReady", DEPENDENCY,
              first=T0 + timedelta(seconds=3), last=at(seconds=14), count=3119,
              component="helm-controller", instance=HELM_CONTROLLER),
        event(hrs["redis"], "InstallSucceeded", REDIS_INSTALLED,
              first=REDIS_INSTALL + timedelta(seconds=48),
              last=REDIS_INSTALL + timedelta(seconds=48), component="helm-controller",
              instance=HELM_CONTROLLER, annotations={
                  "helm.toolkit.fluxcd.io/revision": "20.6.2",
                  "helm.toolkit.fluxcd.io/token": hrs["redis"]["status"]["history"][0][
                      "configDigest"]}),
    ]
    return out


# -- the timeline ----------------------------------------------------------------------------------

def timeline(objs: dict[tuple[str, str], Obj], evs: list[Obj]) -> Obj:
    def ev(pod_name: str, reason: str, contains: str = "") -> str:
        return next(e["metadata"]["name"] for e in evs
                    if e["involvedObject"]["name"] == pod_name and e["reason"] == reason
                    and contains in e["message"])

    def bump(name: str, start: float, every: float, times: int | None = None) -> Obj:
        step: Obj = {"at": start, "every": every}
        if times:
            step["times"] = times
        step["bump_event"] = {"namespace": NS, "name": name}
        return step

    kwtdz = "midwestmtg-backend-migration-kwtdz"
    steps = [
        {"at": 20, "every": 45, "restart": {"namespace": NS, "pod": X48QH,
                                            "container": "frontend"}},
        bump(ev(X48QH, "BackOff"), 5, 10),
        bump(ev(WW4W8, "Pulling"), 30, 60), bump(ev(WW4W8, "Failed", "manifest unknown"), 30, 60),
        bump(ev(WW4W8, "Failed", "ErrImagePull"), 30, 60),
        bump(ev(WW4W8, "BackOff"), 4, 10), bump(ev(WW4W8, "Failed", "ImagePullBackOff"), 4, 10),
        {"at": 140, "every": 300, "times": 3,
         "restart": {"namespace": NS, "pod": kwtdz, "container": "migration"}},
        bump(ev(kwtdz, "Pulling"), 140, 300, 3), bump(ev(kwtdz, "Pulled"), 140, 300, 3),
        bump(ev(kwtdz, "Created"), 140, 300, 3), bump(ev(kwtdz, "Started"), 140, 300, 3),
        bump(ev(kwtdz, "BackOff"), 8, 15),
        bump(ev("midwestmtg-discord-bot", "DependencyNotReady"), 16, 30),
    ]
    return {"description": "TASK-008: a backend migration hook stuck on alembic's multiple heads "
                           "blocks the backend, the frontend's nginx upstream and the discord "
                           "bot; the frontend also pulls a wrong tag",
            "recorded_at": ts(NOW), "steps": steps,
            "reconcile": {f"{NS}/midwestmtg-backend": backend_fix(objs, evs),
                          "flux-system/midwestmtg-midwestmtg-frontend": chart_021(objs),
                          f"{NS}/midwestmtg-frontend": frontend_fix(objs, evs)}}


def _ref(obj: Obj) -> Obj:
    m = obj["metadata"]
    return {"apiVersion": obj["apiVersion"], "kind": obj["kind"],
            **({"namespace": m["namespace"]} if m.get("namespace") else {}), "name": m["name"]}


def _new(obj: Obj) -> Obj:
    """An object as a timeline creates it: the server stamps creation time and resourceVersion."""
    obj = json.loads(json.dumps(obj))
    obj["metadata"].pop("creationTimestamp", None)
    obj["metadata"].pop("resourceVersion", None)
    return obj


def _progressing(generation: int) -> Obj:
    msg = "Running 'upgrade' action with timeout of 10m0s"
    return {"status": {"conditions": [
        condition("Reconciling", True, "Progressing", msg, NOW, generation),
        condition("Ready", "Unknown", "Progressing", msg, NOW, generation)]}}


def _event(evs: list[Obj], about: str, reason: str, contains: str = "") -> Obj:
    return next(e for e in evs if e["involvedObject"]["name"] == about
                and e["reason"] == reason and contains in e["message"])


def backend_fix(objs: dict[tuple[str, str], Obj], evs: list[Obj]) -> Obj:
    """BUG-021 is merged (a new `main` image). The release's retries are exhausted, so only a
    reset (`flux reconcile hr --reset`), a force or a new generation makes helm-controller try
    again (sim/helm_controller.py decides); then Helm replaces the stuck hook Job
    (before-hook-creation), the migration runs, the backend comes up, then everything behind
    it."""
    backend_hr = objs["HelmRelease", "midwestmtg-backend"]
    pending, deployed = backend_v6()
    job, p = migration_job("job-v6", NOW, pod_name="midwestmtg-backend-migration-p7z4c")
    job["status"] = {"active": 1, "ready": 1, "startTime": after(1), "terminating": 0,
                     "uncountedTerminatedPods": {}}
    c = [p["container"]]
    mig_pod = pod(p["name"], NOW, owner=job, labels=p["labels"], containers=c, ip_last=41,
                  restart="OnFailure", finalizers=["batch.kubernetes.io/job-tracking"],
                  ready=True, statuses=[cstatus(c[0], ready=True, variant="fixed", state={
                      "running": {"startedAt": after(2)}})])
    done_status = {"conditions": [
        {"lastProbeTime": None, "lastTransitionTime": after(5), "type": "PodReadyToStartContainers",
         "status": "False"},
        {"lastProbeTime": None, "lastTransitionTime": after(1), "type": "Initialized",
         "status": "True"},
        {"lastProbeTime": None, "lastTransitionTime": after(5), "reason": "PodCompleted",
         "type": "Ready", "status": "False"},
        {"lastProbeTime": None, "lastTransitionTime": after(5), "reason": "PodCompleted",
         "type": "ContainersReady", "status": "False"},
        {"lastProbeTime": None, "lastTransitionTime": after(1), "type": "PodScheduled",
         "status": "True"}],
        "containerStatuses": [cstatus(c[0], ready=False, started=False, variant="fixed", state={
            "terminated": {"containerID": f"docker://{hexid('cid', 'p7z4c')}", "exitCode": 0,
                           "finishedAt": after(5), "reason": "Completed",
                           "startedAt": after(2)}})],
        "phase": "Succeeded"}
    job_done = {"status": {"active": None, "ready": 0, "succeeded": 1,
                           "completionTime": after(5), "conditions": [
                               {"lastProbeTime": after(5), "lastTransitionTime": after(5),
                                "message": "Reached expected number of succeeded pods",
                                "reason": "CompletionsReached", "status": "True",
                                "type": "SuccessCriteriaMet"},
                               {"lastProbeTime": after(5), "lastTransitionTime": after(5),
                                "message": "Reached expected number of succeeded pods",
                                "reason": "CompletionsReached", "status": "True",
                                "type": "Complete"}]}}
    # the backend's workload and Service, as the upgrade creates them
    labels = backend_labels()
    selector = selector_labels("midwestmtg-backend", "midwestmtg-backend")
    bc = container("backend", MIGRATION_IMAGE, pull="Always",
                   ports=[{"containerPort": 8000, "name": "http", "protocol": "TCP"}],
                   env_from=BACKEND_VALUES["envFromSecrets"],
                   probes={"readinessProbe": http_probe("/health", "http")})
    tmpl = {"metadata": {"labels": {**selector, "app.kubernetes.io/version": "0.1.13"}},
            "spec": _template_spec([bc])}
    deploy = deployment("midwestmtg-backend", NOW, labels=labels,
                        annotations=release_annotations("midwestmtg-backend"), selector=selector,
                        template=tmpl, generation=1, revision=1,
                        status=_deploy_status(1, 0, NOW, new_rs="midwestmtg-backend-5d8f7c9b6d"))
    rs = replicaset(deploy, "5d8f7c9b6d", NOW, template=tmpl, revision=1, replicas=1, ready=0)
    pc = json.loads(json.dumps(rs["spec"]["template"]["spec"]["containers"]))
    bpod = pod("midwestmtg-backend-5d8f7c9b6d-h2k9s", NOW, owner=rs,
               labels=rs["spec"]["template"]["metadata"]["labels"], containers=pc, ip_last=42,
               statuses=[cstatus(pc[0], ready=False, started=True, variant="fixed",
                                 state={"running": {"startedAt": after(7)}})])
    svc = service("midwestmtg-backend", NOW, labels=labels,
                  annotations=release_annotations("midwestmtg-backend"), selector=selector,
                  cluster_ip="10.107.52.214", ports=[{"name": "http", "port": 8000,
                                                      "protocol": "TCP", "targetPort": "http"}])
    ready_pod = {"status": {"conditions": [
        {"lastProbeTime": None, "lastTransitionTime": after(9), "status": "True",
         "type": t} for t in ("PodReadyToStartContainers", "Initialized", "Ready",
                              "ContainersReady", "PodScheduled")],
        "containerStatuses": [cstatus(pc[0], ready=True, variant="fixed",
                                      state={"running": {"startedAt": after(7)}})]}}
    history = [snapshot(deployed, "gen2")] + backend_hr["status"]["history"][:4]
    backend_ready = {"status": {
        "conditions": [condition("Ready", True, "UpgradeSucceeded", BACKEND_UPGRADED, NOW, 2),
                       condition("Released", True, "UpgradeSucceeded", BACKEND_UPGRADED, NOW, 2)],
        "failures": None, "upgradeFailures": None, "history": history,
        "lastAttemptedConfigDigest": history[0]["configDigest"]}}
    pending_secret = helm.release_secret(pending, created_at=NOW)
    deployed_secret = helm.release_secret(deployed, created_at=NOW, modified_at=NOW)
    # then, without anyone asking: nginx finds its upstream, Flux's dependency check passes
    x48qh = objs["Pod", X48QH]
    fc = x48qh["spec"]["containers"]
    x48qh_ok = {"status": {"conditions": [
        {"lastProbeTime": None, "lastTransitionTime": after(20), "status": "True", "type": t}
        for t in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady",
                  "PodScheduled")],
        "containerStatuses": [cstatus(fc[0], ready=True, restarts=68, state={
            "running": {"startedAt": after(18)}}, last=x48qh["status"]["containerStatuses"][0][
                "lastState"])]}}
    discord = discord_install(objs, evs)
    step = {"at": 0, "patch": {**_ref(backend_hr), "merge": _progressing(2)}}
    gone_backoff = {"at": 0, "delete": _ref(_event(evs, "midwestmtg-backend-migration-kwtdz",
                                                   "BackOff"))}
    pod_ref = _ref(mig_pod)
    old_job = objs["Job", "midwestmtg-backend-migration"]
    return {
        "steps": [
            step,
            gone_backoff,
            # helm.sh/hook-delete-policy: before-hook-creation (skipped if the user deleted it)
            {"at": 0.5, "delete": _ref(old_job)},
            {"at": 1, "create": pending_secret},
            {"at": 1, "create": _new(job)},
            {"at": 1, "create": _new(mig_pod)},
            {"at": 1, "event": _event_for(job, "SuccessfulCreate",
                                          f"Created pod: {p['name']}", "job-controller")},
            {"at": 2, "log": {"namespace": NS, "pod": p["name"], "container": "migration",
                              "lines": MIGRATION_LOG[:2] + [
                                  "INFO  [alembic.runtime.migration] Running upgrade 3f1c2b9d8e7a, "
                                  "b72e4d1a9c05 -> 9d4e7f2a1b6c, merge heads (BUG-021)",
                                  "INFO  [alembic.runtime.migration] Running upgrade 9d4e7f2a1b6c "
                                  "-> e5a8c3d7f912, add tournament pairings"]}},
            {"at": 5, "patch": {**pod_ref, "merge": {"status": done_status}}},
            {"at": 5, "patch": {**_ref(job), "merge": job_done}},
            {"at": 5, "event": _event_for(job, "Completed", "Job completed", "job-controller")},
            {"at": 6, "create": _new(svc)},
            {"at": 6, "create": _new(deploy)},
            {"at": 6, "create": _new(rs)},
            {"at": 6, "create": _new(bpod)},
            {"at": 6, "event": _event_for(deploy, "ScalingReplicaSet",
                                          "Scaled up replica set midwestmtg-backend-5d8f7c9b6d "
                                          "from 0 to 1", "deployment-controller")},
            {"at": 9, "patch": {**_ref(bpod), "merge": ready_pod}},
            {"at": 9, "patch": {**_ref(deploy), "merge": {"status": _deploy_status(
                1, 1, NOW, new_rs="midwestmtg-backend-5d8f7c9b6d")}}},
            {"at": 9, "patch": {**_ref(rs), "merge": {"status": {
                "availableReplicas": 1, "fullyLabeledReplicas": 1, "observedGeneration": 1,
                "readyReplicas": 1, "replicas": 1}}}},
            {"at": 9, "create": _new(endpoints(svc, [], []) | {"subsets": [{
                "addresses": [{"ip": "10.244.0.42", "nodeName": NODE, "targetRef": {
                    "kind": "Pod", "name": bpod["metadata"]["name"], "namespace": NS,
                    "uid": bpod["metadata"]["uid"]}}],
                "ports": [{"name": "http", "port": 8000, "protocol": "TCP"}]}]})},
            {"at": 10, "patch": {"apiVersion": "v1", "kind": "Secret", "namespace": NS,
                                 "name": pending_secret["metadata"]["name"],
                                 "merge": {"metadata": {"labels": deployed_secret["metadata"][
                                     "labels"]}, "data": deployed_secret["data"]}}},
            {"at": 10, "patch": {**_ref(backend_hr), "merge": backend_ready}},
            {"at": 10, "event": _event_for(backend_hr, "UpgradeSucceeded", BACKEND_UPGRADED,
                                           "helm-controller")},
            {"at": 20, "patch": {**_ref(x48qh), "merge": x48qh_ok}},
            # a timeline bumps an event for as long as it exists: these back-offs are over
            {"at": 20, "delete": _ref(_event(evs, X48QH, "BackOff"))},
            *discord,
        ]}


def discord_install(objs: dict[tuple[str, str], Obj], evs: list[Obj]) -> list[Obj]:
    discord_hr = objs["HelmRelease", "midwestmtg-discord-bot"]
    rel = discord_v1()
    labels = dict(sorted(chart_labels("midwestmtg-discord-bot", "midwestmtg-discord-bot", "0.1.4",
                                      "0.1.4", "midwestmtg-discord-bot").items()))
    selector = selector_labels("midwestmtg-discord-bot", "midwestmtg-discord-bot")
    dc = container("discord-bot", f"{REGISTRY}/midwestmtg-discord-bot:0.1.4",
                   env_from=["discord-bot-secrets"])
    tmpl = {"metadata": {"labels": dict(selector)}, "spec": _template_spec([dc])}
    deploy = deployment("midwestmtg-discord-bot", NOW, labels=labels,
                        annotations=release_annotations("midwestmtg-discord-bot"),
                        selector=selector, template=tmpl, generation=1, revision=1,
                        status=_deploy_status(1, 1, NOW,
                                              new_rs="midwestmtg-discord-bot-6c9d7b8f5c"))
    rs = replicaset(deploy, "6c9d7b8f5c", NOW, template=tmpl, revision=1, replicas=1, ready=1)
    pc = json.loads(json.dumps(rs["spec"]["template"]["spec"]["containers"]))
    dpod = pod("midwestmtg-discord-bot-6c9d7b8f5c-t4w6p", NOW, owner=rs,
               labels=rs["spec"]["template"]["metadata"]["labels"], containers=pc, ip_last=43,
               ready=True, statuses=[cstatus(pc[0], ready=True, state={
                   "running": {"startedAt": after(33)}})])
    history = [snapshot(rel, "gen1")]
    ready = {"status": {
        "conditions": [condition("Ready", True, "InstallSucceeded", DISCORD_INSTALLED, NOW, 1),
                       condition("Released", True, "InstallSucceeded", DISCORD_INSTALLED, NOW, 1)],
        "helmChart": "flux-system/midwestmtg-midwestmtg-discord-bot", "history": history,
        "lastAttemptedConfigDigest": history[0]["configDigest"], "lastAttemptedGeneration": 1,
        "lastAttemptedReleaseAction": "install", "lastAttemptedRevision": "0.1.4",
        "observedGeneration": 1, "storageNamespace": NS}}
    return [
        {"at": 30, "patch": {**_ref(discord_hr), "merge": {"status": {"conditions": [
            condition("Reconciling", True, "Progressing",
                      "Running 'install' action with timeout of 10m0s", NOW, 1),
            condition("Ready", "Unknown", "Progressing",
                      "Running 'install' action with timeout of 10m0s", NOW, 1)]}}}},
        {"at": 31, "create": helm.release_secret(rel, created_at=NOW)},
        {"at": 31, "create": _new(deploy)},
        {"at": 31, "create": _new(rs)},
        {"at": 31, "create": _new(dpod)},
        {"at": 34, "patch": {**_ref(discord_hr), "merge": ready}},
        {"at": 34, "delete": _ref(_event(evs, "midwestmtg-discord-bot", "DependencyNotReady"))},
        {"at": 34, "event": _event_for(discord_hr, "InstallSucceeded", DISCORD_INSTALLED,
                                       "helm-controller")},
    ]


def chart_021(objs: dict[tuple[str, str], Obj]) -> Obj:
    """The frontend's HelmChart, reconciled (its interval, or `flux reconcile hr
    midwestmtg-frontend --with-source`), finds chart 0.2.1 in the `>=0.2.0 <1.0.0` range; the
    new artifact revision is what makes helm-controller upgrade the release, its failure
    counters reset ("chart version differs from last attempt")."""
    chart = objs["HelmChart", "midwestmtg-midwestmtg-frontend"]
    artifact = chart["status"]["artifact"]
    pulled = "pulled 'midwestmtg-frontend' chart with version '0.2.1'"
    generation = chart["metadata"].get("generation", 1)
    return {"steps": [{"at": 0, "patch": {**_ref(chart), "merge": {"status": {
        "artifact": {**artifact, "revision": "0.2.1",
                     "path": artifact["path"].replace("0.2.0", "0.2.1")},
        "conditions": [condition(kind, True, "ChartPullSucceeded", pulled, NOW, generation)
                       for kind in ("Ready", "ArtifactInStorage")]}}}}]}


def frontend_fix(objs: dict[tuple[str, str], Obj], evs: list[Obj]) -> Obj:
    """Chart 0.2.1 renders values' image tag again: the upgrade its HelmChart's new revision
    starts scales the two broken ReplicaSets away and rolls a working one out (the server's
    Deployment controller makes it from the new template). Only after the backend is up (its
    stuck migration pod gone), or nginx would still have no upstream."""
    frontend_hr = objs["HelmRelease", "midwestmtg-frontend"]
    deploy = objs["Deployment", "midwestmtg-frontend"]
    rel = frontend_v3()
    tmpl = frontend_template("0.2.1", "0.1.12", FRONTEND_OLD)
    new_rs = f"midwestmtg-frontend-{template_hash(tmpl)}"
    history = [snapshot(rel, "gen1")] + frontend_hr["status"]["history"]
    ready = {"status": {
        "conditions": [condition("Ready", True, "UpgradeSucceeded", FRONTEND_UPGRADED, NOW, 1),
                       condition("Released", True, "UpgradeSucceeded", FRONTEND_UPGRADED, NOW,
                                 1)],
        "failures": None, "installFailures": None, "upgradeFailures": None, "history": history,
        "lastAttemptedConfigDigest": history[0]["configDigest"],
        "lastAttemptedRevision": "0.2.1"}}
    labels = dict(deploy["metadata"]["labels"], **{"app.kubernetes.io/version": "0.1.12",
                                                   "helm.sh/chart": "midwestmtg-frontend-0.2.1"})
    scaled_down = {"spec": {"replicas": 0}, "status": {"replicas": 0,
                                                      "fullyLabeledReplicas": None}}
    old_events = [e for e in evs if e["involvedObject"]["name"] in (WW4W8, X48QH)
                  and e["involvedObject"]["kind"] == "Pod"]
    return {
        "unless_exists": _ref(objs["Pod", "midwestmtg-backend-migration-kwtdz"]),
        "steps": [
            {"at": 0, "patch": {**_ref(frontend_hr), "merge": _progressing(1)}},
            {"at": 1, "create": helm.release_secret(rel, created_at=NOW, modified_at=NOW)},
            {"at": 1, "patch": {**_ref(objs["ReplicaSet", "midwestmtg-frontend-bb7d869dd"]),
                                "merge": scaled_down}},
            {"at": 1, "patch": {**_ref(objs["ReplicaSet", "midwestmtg-frontend-7797b494d9"]),
                                "merge": scaled_down}},
            {"at": 1.5, "delete": _ref(objs["Pod", WW4W8])},
            {"at": 1.5, "delete": _ref(objs["Pod", X48QH])},
            *({"at": 1.5, "delete": _ref(e)} for e in old_events),
            {"at": 2, "patch": {**_ref(deploy), "merge": {
                "metadata": {"labels": labels}, "spec": {"template": tmpl}}}},
            {"at": 2, "event": _event_for(deploy, "ScalingReplicaSet",
                                          f"Scaled up replica set {new_rs} from 0 to 1",
                                          "deployment-controller")},
            {"at": 2, "event": _event_for(deploy, "ScalingReplicaSet",
                                          "Scaled down replica set midwestmtg-frontend-bb7d869dd "
                                          "from 1 to 0", "deployment-controller")},
            {"at": 6, "patch": {**_ref(deploy), "merge": {"status": _deploy_status(
                1, 1, NOW, generation=3, new_rs=new_rs)}}},
            {"at": 6, "patch": {**_ref(frontend_hr), "merge": ready}},
            {"at": 6, "event": _event_for(frontend_hr, "UpgradeSucceeded", FRONTEND_UPGRADED,
                                          "helm-controller")},
        ]}


def _event_for(obj: Obj, reason: str, message: str, component: str) -> Obj:
    """A whole Event for a timeline `event` step (the server stamps its times)."""
    e = event(obj, reason, message, first=NOW, last=NOW, component=component,
              instance=HELM_CONTROLLER if component == "helm-controller" else component)
    e["involvedObject"].pop("resourceVersion")
    e["metadata"].pop("creationTimestamp")
    e["metadata"].pop("resourceVersion")
    return e


# -- writing it ------------------------------------------------------------------------------------

def main() -> None:
    groups = {
        "cluster.yaml": ("Namespaces and the node", cluster()),
        "flux-system.yaml": ("Flux sources, Kustomizations, HelmCharts, the in-cluster registry",
                             flux_system()),
        "helmreleases.yaml": ("The four HelmReleases of the seed's table", helmreleases()),
        "secrets.yaml": ("The four secrets of the seed (dummy values) and their SealedSecrets",
                         secrets()),
        "helm-release-secrets.yaml": ("Helm's own storage: one Secret per revision",
                                      release_secrets()),
        "backend.yaml": ("The backend's pre-upgrade migration hook, still crash-looping",
                         backend_hook()),
        "frontend.yaml": ("The frontend: a crash loop on the old ReplicaSet, a wrong tag on the new",
                          frontend()),
        "redis.yaml": ("redis, the one healthy release", redis()),
    }
    objs = {(o["kind"], o["metadata"]["name"]): o for _, items in groups.values() for o in items}
    evs = events(objs)
    groups["events.yaml"] = ("Events of the last hours, counts as the kubelet and controllers "
                             "left them", evs)
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    for name, (note, items) in groups.items():
        write_list(name, items, note)
    tl = timeline(objs, evs)
    (OUT / "timeline.yaml").write_text(
        "# Generated by scripts/make_midwestmtg.py: edit the script, not this file.\n"
        + dump(tl), encoding="utf-8")
    crash = at(minutes=2, seconds=21)
    write_log(NS, X48QH, "frontend", nginx_log(crash))
    write_log(NS, X48QH, "frontend", nginx_log(crash - timedelta(minutes=5, seconds=1)),
              previous=True)
    write_log(NS, "midwestmtg-backend-migration-kwtdz", "migration", MIGRATION_LOG)
    write_log(NS, "midwestmtg-backend-migration-kwtdz", "migration", MIGRATION_LOG, previous=True)
    write_log(NS, "redis-master-0", "redis", [
        "redis 23:30:49.51 INFO  ==> ** Starting Redis setup **",
        "redis 23:30:49.55 INFO  ==> Initializing Redis",
        "redis 23:30:49.57 INFO  ==> Setting Redis config file",
        "redis 23:30:49.60 INFO  ==> ** Redis setup finished! **",
        "1:C 16 Oct 2025 23:30:49.632 # WARNING Memory overcommit must be enabled! Without it, a "
        "background save or replication may fail under low memory condition.",
        "1:M 16 Oct 2025 23:30:49.633 * monotonic clock: POSIX clock_gettime",
        "1:M 16 Oct 2025 23:30:49.634 * Running mode=standalone, port=6379.",
        "1:M 16 Oct 2025 23:30:49.634 * Server initialized",
        "1:M 16 Oct 2025 23:30:49.634 * Ready to accept connections tcp",
        "1:M 17 Oct 2025 23:30:50.012 * 1 changes in 3600 seconds. Saving...",
        "1:M 17 Oct 2025 23:30:50.013 * Background saving started by pid 412",
        "412:C 17 Oct 2025 23:30:50.021 * DB saved on disk",
        "1:M 17 Oct 2025 23:30:50.114 * Background saving terminated with success"])
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
