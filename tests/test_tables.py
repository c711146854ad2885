"""Server-side Tables: the columns and cells `kubectl get` prints, checked on realistic objects."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import yaml

from kubetriage.core import resources
from kubetriage.core.resources import Resource
from kubetriage.sim.tables import human_duration, to_table

NOW = datetime(2025, 10, 18, 1, 30, tzinfo=UTC)


def ago(**kw) -> str:
    return (NOW - timedelta(**kw)).strftime("%Y-%m-%dT%H:%M:%SZ")


def res(api_version: str, kind: str) -> Resource:
    found = resources.by_kind(api_version, kind)
    assert found, (api_version, kind)
    return found


def shown(table: dict, wide: bool = False) -> list[list]:
    """The header and rows as kubectl prints them: priority-1 columns only with -o wide."""
    keep = [i for i, c in enumerate(table["columnDefinitions"]) if wide or c["priority"] == 0]
    header = [table["columnDefinitions"][i]["name"].upper() for i in keep]
    return [header] + [[row["cells"][i] for i in keep] for row in table["rows"]]


def get(api_version: str, kind: str, text: str, wide: bool = False, **kw) -> list[list]:
    objects = [o for o in yaml.safe_load_all(text) if o]
    return shown(to_table(res(api_version, kind), objects, now=NOW, **kw), wide)


POD = """
apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: midwestmtg
  creationTimestamp: "{created}"
spec:
  nodeName: homelab-2
  containers:
  - {{name: frontend, image: "registry.flux-system.svc.cluster.local:5000/midwestmtg-frontend:0.1.12"}}
status:
  phase: Running
  podIP: 10.42.1.17
  podIPs: [{{ip: 10.42.1.17}}]
  conditions:
  - {{type: Initialized, status: "True"}}
  - {{type: Ready, status: "False"}}
  containerStatuses:
  - name: frontend
    image: registry.flux-system.svc.cluster.local:5000/midwestmtg-frontend:0.1.12
    ready: false
    restartCount: {restarts}
    state: {state}
    lastState: {last}
"""


def pod(name: str, state: str, restarts: int = 0, last: str = "{}", created: str = "") -> str:
    return POD.format(name=name, state=state, restarts=restarts, last=last,
                      created=created or ago(hours=26))


class TestPodStatus:
    def test_crash_loop_with_67_restarts_shows_when_it_last_restarted(self):
        crashing = pod(
            "midwestmtg-frontend-7797b494d9-x48qh",
            '{waiting: {reason: CrashLoopBackOff, message: "back-off 5m0s restarting failed '
            'container=frontend"}}', restarts=67,
            last=f'{{terminated: {{exitCode: 1, reason: Error, startedAt: "{ago(seconds=140)}", '
                 f'finishedAt: "{ago(seconds=133)}"}}}}',
            created=ago(hours=5, minutes=40))
        assert get("v1", "Pod", crashing) == [
            ["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
            ["midwestmtg-frontend-7797b494d9-x48qh", "0/1", "CrashLoopBackOff", "67 (2m13s ago)",
             "5h40m"]]

    @pytest.mark.parametrize("state, status", [
        ('{waiting: {reason: ImagePullBackOff, message: "Back-off pulling image"}}',
         "ImagePullBackOff"),
        ('{waiting: {reason: ErrImagePull, message: "manifest unknown"}}', "ErrImagePull"),
        ("{waiting: {reason: CreateContainerConfigError, message: \"container's runAsUser "
         "breaks non-root policy\"}}", "CreateContainerConfigError"),
        ("{waiting: {reason: ContainerCreating}}", "ContainerCreating"),
        ("{terminated: {exitCode: 137}}", "ExitCode:137"),
    ])
    def test_waiting_and_terminated_reasons_are_the_status(self, state, status):
        rows = get("v1", "Pod", pod("midwestmtg-frontend-bb7d869dd-ww4w8", state))
        assert rows[1] == ["midwestmtg-frontend-bb7d869dd-ww4w8", "0/1", status, "0", "26h"]

    def test_init_container_pulling_a_bad_image(self):
        text = f"""
apiVersion: v1
kind: Pod
metadata: {{name: harbor-core-5d9f7c-2mlkq, namespace: harbor, creationTimestamp: "{ago(minutes=47)}"}}
spec:
  initContainers: [{{name: wait-for-db, image: docker.io/busybox:1.36}}]
  containers: [{{name: core, image: registry.lan:5000/harbor-core:v2.11.0}}]
status:
  phase: Pending
  conditions: [{{type: Initialized, status: "False", reason: ContainersNotInitialized}}]
  initContainerStatuses:
  - name: wait-for-db
    ready: false
    restartCount: 0
    state: {{waiting: {{reason: ImagePullBackOff, message: "Back-off pulling image"}}}}
  containerStatuses:
  - name: core
    ready: false
    restartCount: 0
    state: {{waiting: {{reason: PodInitializing}}}}
"""
        assert get("v1", "Pod", text)[1] == ["harbor-core-5d9f7c-2mlkq", "0/1",
                                             "Init:ImagePullBackOff", "0", "47m"]

    def test_init_progress_and_init_crash_loop_count_init_restarts(self):
        template = """
apiVersion: v1
kind: Pod
metadata: {{name: {name}, namespace: staging, creationTimestamp: "{created}"}}
spec:
  initContainers: [{{name: migrate, image: app:1}}, {{name: seed, image: app:1}}]
  containers: [{{name: app, image: app:1}}]
status:
  phase: Pending
  initContainerStatuses:
  - {{name: migrate, ready: false, restartCount: {restarts}, state: {state}, lastState: {last}}}
  - {{name: seed, ready: false, restartCount: 0, state: {{waiting: {{reason: PodInitializing}}}}}}
  containerStatuses:
  - {{name: app, ready: false, restartCount: 0, state: {{waiting: {{reason: PodInitializing}}}}}}
"""
        running = template.format(name="api-0", created=ago(seconds=50), restarts=0, last="{}",
                                  state=f'{{running: {{startedAt: "{ago(seconds=30)}"}}}}')
        crashing = template.format(
            name="api-1", created=ago(minutes=3), restarts=3,
            state="{waiting: {reason: CrashLoopBackOff}}",
            last=f'{{terminated: {{exitCode: 1, reason: Error, finishedAt: "{ago(seconds=40)}"}}}}')
        assert get("v1", "Pod", running + "---" + crashing)[1:] == [
            ["api-0", "0/1", "Init:0/2", "0", "50s"],
            ["api-1", "0/1", "Init:CrashLoopBackOff", "3 (40s ago)", "3m"]]

    def test_completed_pod_carries_the_completed_row_condition(self):
        text = f"""
apiVersion: v1
kind: Pod
metadata: {{name: midwestmtg-backend-migration-xk2p9, namespace: midwestmtg, creationTimestamp: "{ago(days=2, hours=3)}"}}
spec: {{containers: [{{name: migrate, image: midwestmtg-backend:0.4.2}}]}}
status:
  phase: Succeeded
  containerStatuses:
  - name: migrate
    ready: false
    restartCount: 0
    state: {{terminated: {{exitCode: 0, reason: Completed, finishedAt: "{ago(days=2)}"}}}}
"""
        table = to_table(res("v1", "Pod"), [yaml.safe_load(text)], now=NOW)
        assert shown(table)[1] == ["midwestmtg-backend-migration-xk2p9", "0/1", "Completed", "0",
                                   "2d3h"]
        assert table["rows"][0]["conditions"] == [{
            "type": "Completed", "status": "True", "reason": "Succeeded",
            "message": "The pod has completed successfully."}]

    def test_running_terminating_pending_and_not_ready(self):
        healthy = pod("redis-master-0", f'{{running: {{startedAt: "{ago(hours=26)}"}}}}')
        healthy = healthy.replace("ready: false", "ready: true").replace(
            '{type: Ready, status: "False"}', '{type: Ready, status: "True"}')
        deleting = healthy.replace("name: redis-master-0", "name: redis-replicas-1").replace(
            "creationTimestamp:", f'deletionTimestamp: "{ago(seconds=5)}"\n  creationTimestamp:')
        pending = f"""
apiVersion: v1
kind: Pod
metadata: {{name: discord-bot-6c9b8-qq7rt, namespace: midwestmtg, creationTimestamp: "{ago(seconds=75)}"}}
spec: {{containers: [{{name: bot, image: discord-bot:1.0.3}}]}}
status:
  phase: Pending
  conditions: [{{type: PodScheduled, status: "False", reason: Unschedulable}}]
"""
        # A finished sidecar beside a running app: Completed turns back into (Not)Ready.
        sidecar_done = f"""
apiVersion: v1
kind: Pod
metadata: {{name: worker-7f6d-abcde, namespace: staging, creationTimestamp: "{ago(minutes=9, seconds=5)}"}}
spec: {{containers: [{{name: app, image: app:2}}, {{name: setup, image: app:2}}]}}
status:
  phase: Running
  conditions: [{{type: Ready, status: "False"}}]
  containerStatuses:
  - {{name: app, ready: true, restartCount: 0, state: {{running: {{}}}}}}
  - {{name: setup, ready: false, restartCount: 0, state: {{terminated: {{exitCode: 0, reason: Completed}}}}}}
"""
        assert get("v1", "Pod", "---".join([healthy, deleting, pending, sidecar_done]))[1:] == [
            ["redis-master-0", "1/1", "Running", "0", "26h"],
            ["redis-replicas-1", "1/1", "Terminating", "0", "26h"],
            ["discord-bot-6c9b8-qq7rt", "0/1", "Pending", "0", "75s"],
            ["worker-7f6d-abcde", "1/2", "NotReady", "0", "9m5s"]]

    def test_wide_adds_ip_node_nominated_node_and_readiness_gates(self):
        text = pod("redis-master-0", "{running: {}}").replace(
            "  nodeName: homelab-2\n",
            "  nodeName: homelab-2\n  readinessGates: [{conditionType: example.com/lb}]\n")
        assert get("v1", "Pod", text, wide=True) == [
            ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE",
             "READINESS GATES"],
            ["redis-master-0", "0/1", "Running", "0", "26h", "10.42.1.17", "homelab-2", "<none>",
             "0/1"]]


def test_helmrelease_shows_ready_false_and_the_failure_message():
    text = f"""
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {{name: midwestmtg-backend, namespace: midwestmtg, creationTimestamp: "{ago(days=12)}"}}
spec: {{interval: 5m, chart: {{spec: {{chart: ./charts/backend, sourceRef: {{kind: GitRepository, name: midwestmtg}}}}}}}}
status:
  conditions:
  - {{type: Reconciling, status: "True", reason: ProgressingWithRetry, message: retrying}}
  - type: Ready
    status: "False"
    reason: UpgradeFailed
    message: "Helm upgrade failed for release midwestmtg/midwestmtg-backend with chart backend@0.4.2: pre-upgrade hooks failed: 1 error occurred:\\n\\t* job midwestmtg-backend-migration failed: BackoffLimitExceeded"
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {{name: redis, namespace: midwestmtg, creationTimestamp: "{ago(seconds=30)}"}}
spec: {{interval: 5m, chart: {{spec: {{chart: redis, sourceRef: {{kind: HelmRepository, name: bitnami}}}}}}}}
"""
    rows = get("helm.toolkit.fluxcd.io/v2", "HelmRelease", text)
    assert rows[0] == ["NAME", "AGE", "READY", "STATUS"]
    assert rows[1][:3] == ["midwestmtg-backend", "12d", "False"]
    # kubectl prints the message up to its first newline, then "...".
    assert rows[1][3].startswith("Helm upgrade failed for release midwestmtg/midwestmtg-backend "
                                 "with chart backend@0.4.2: pre-upgrade hooks failed: 1 error")
    # Not reconciled yet: no status, so the server sends null cells and kubectl prints nothing.
    assert rows[2] == ["redis", "30s", None, None]


def test_sealedsecret_columns_come_from_its_first_condition():
    text = f"""
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata: {{name: harbor-admin, namespace: harbor, creationTimestamp: "{ago(days=3, hours=1)}"}}
spec:
  encryptedData: {{password: AgBy3i4OJSWK+PiTySYZZA==}}
  template: {{metadata: {{name: harbor-admin, namespace: harbor}}}}
status:
  conditions:
  - {{type: Synced, status: "False", message: "no key could decrypt secret (password)"}}
"""
    assert get("bitnami.com/v1alpha1", "SealedSecret", text) == [
        ["NAME", "STATUS", "SYNCED", "AGE"],
        ["harbor-admin", "no key could decrypt secret (password)", "False", "3d1h"]]


EVENT = f"""
apiVersion: v1
kind: Event
metadata: {{name: midwestmtg-frontend-7797b494d9-x48qh.17f2a1c3b4d5e6f7, namespace: midwestmtg, creationTimestamp: "{ago(hours=5)}"}}
involvedObject: {{kind: Pod, namespace: midwestmtg, name: midwestmtg-frontend-7797b494d9-x48qh, fieldPath: "spec.containers{{frontend}}"}}
type: Warning
reason: BackOff
message: "Back-off restarting failed container frontend in pod midwestmtg-frontend-7797b494d9-x48qh_midwestmtg(0c1f)\\n"
source: {{component: kubelet, host: homelab-2}}
firstTimestamp: "{ago(hours=5, minutes=38)}"
lastTimestamp: "{ago(seconds=47)}"
count: 1534
"""


def test_event_as_kubectl_get_events_shows_it():
    assert get("v1", "Event", EVENT) == [
        ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
        ["47s", "Warning", "BackOff", "pod/midwestmtg-frontend-7797b494d9-x48qh",
         "Back-off restarting failed container frontend in pod "
         "midwestmtg-frontend-7797b494d9-x48qh_midwestmtg(0c1f)"]]
    assert get("v1", "Event", EVENT, wide=True)[1][4:] == [
        "spec.containers{frontend}", "kubelet, homelab-2",
        "Back-off restarting failed container frontend in pod "
        "midwestmtg-frontend-7797b494d9-x48qh_midwestmtg(0c1f)",
        "5h38m", 1534, "midwestmtg-frontend-7797b494d9-x48qh.17f2a1c3b4d5e6f7"]


def test_services_of_each_type():
    text = f"""
apiVersion: v1
kind: Service
metadata: {{name: redis-master, namespace: midwestmtg, creationTimestamp: "{ago(days=40)}"}}
spec:
  type: ClusterIP
  clusterIP: 10.43.12.7
  clusterIPs: [10.43.12.7]
  selector: {{app.kubernetes.io/name: redis, app.kubernetes.io/component: master}}
  ports: [{{name: tcp-redis, port: 6379, protocol: TCP, targetPort: redis}}]
---
apiVersion: v1
kind: Service
metadata: {{name: ingress-nginx-controller, namespace: ingress-nginx, creationTimestamp: "{ago(days=400)}"}}
spec:
  type: LoadBalancer
  clusterIP: 10.43.0.200
  ports:
  - {{name: http, port: 80, nodePort: 31080, protocol: TCP}}
  - {{name: https, port: 443, nodePort: 31443, protocol: TCP}}
status: {{loadBalancer: {{}}}}
---
apiVersion: v1
kind: Service
metadata: {{name: redis-headless, namespace: midwestmtg, creationTimestamp: "{ago(days=40)}"}}
spec: {{clusterIP: None, ports: [{{port: 6379}}]}}
"""
    assert get("v1", "Service", text, wide=True) == [
        ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR"],
        ["redis-master", "ClusterIP", "10.43.12.7", "<none>", "6379/TCP", "40d",
         "app.kubernetes.io/component=master,app.kubernetes.io/name=redis"],
        ["ingress-nginx-controller", "LoadBalancer", "10.43.0.200", "<pending>",
         "80:31080/TCP,443:31443/TCP", "400d", "<none>"],
        ["redis-headless", "ClusterIP", "None", "<none>", "6379/TCP", "40d", "<none>"]]


def test_job_status_completions_and_duration():
    text = f"""
apiVersion: batch/v1
kind: Job
metadata: {{name: midwestmtg-backend-migration, namespace: midwestmtg, creationTimestamp: "{ago(minutes=14)}"}}
spec:
  backoffLimit: 6
  completions: 1
  parallelism: 1
  selector: {{matchLabels: {{batch.kubernetes.io/controller-uid: 5f1e}}}}
  template: {{spec: {{restartPolicy: Never, containers: [{{name: migrate, image: "midwestmtg-backend:0.4.2"}}]}}}}
status:
  startTime: "{ago(minutes=14)}"
  failed: 5
  conditions: [{{type: Failed, status: "True", reason: BackoffLimitExceeded}}]
---
apiVersion: batch/v1
kind: Job
metadata: {{name: backup-29342160, namespace: ops, creationTimestamp: "{ago(hours=3)}"}}
spec: {{completions: 1, template: {{spec: {{containers: [{{name: restic, image: restic:0.17}}]}}}}}}
status:
  startTime: "{ago(hours=3)}"
  completionTime: "{ago(hours=2, minutes=55, seconds=48)}"
  succeeded: 1
  conditions: [{{type: Complete, status: "True"}}]
"""
    assert get("batch/v1", "Job", text, wide=True) == [
        ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"],
        ["midwestmtg-backend-migration", "Failed", "0/1", "14m", "14m", "migrate",
         "midwestmtg-backend:0.4.2", "batch.kubernetes.io/controller-uid=5f1e"],
        ["backup-29342160", "Complete", "1/1", "4m12s", "3h", "restic", "restic:0.17", "<none>"]]


def test_hpa_whose_target_is_gone_has_unknown_current_usage():
    text = f"""
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {{name: immich-server, namespace: immich, creationTimestamp: "{ago(days=62)}"}}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: immich-server}}
  minReplicas: 1
  maxReplicas: 4
  metrics:
  - {{type: Resource, resource: {{name: cpu, target: {{type: Utilization, averageUtilization: 80}}}}}}
  - {{type: Resource, resource: {{name: memory, target: {{type: AverageValue, averageValue: 512Mi}}}}}}
status:
  currentReplicas: 0
  desiredReplicas: 0
  conditions: [{{type: AbleToScale, status: "False", reason: FailedGetScale}}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {{name: web, namespace: shop, creationTimestamp: "{ago(days=3)}"}}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: web}}
  minReplicas: 2
  maxReplicas: 10
  metrics:
  - {{type: Resource, resource: {{name: cpu, target: {{type: Utilization, averageUtilization: 70}}}}}}
  - {{type: Pods, pods: {{metric: {{name: rps}}, target: {{type: AverageValue, averageValue: "100"}}}}}}
  - {{type: Resource, resource: {{name: memory, target: {{type: Utilization, averageUtilization: 90}}}}}}
status:
  currentReplicas: 3
  currentMetrics:
  - {{type: Resource, resource: {{name: cpu, current: {{averageUtilization: 45, averageValue: 90m}}}}}}
  - {{type: Pods, pods: {{metric: {{name: rps}}, current: {{averageValue: 87500m}}}}}}
"""
    assert get("autoscaling/v2", "HorizontalPodAutoscaler", text) == [
        ["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"],
        ["immich-server", "Deployment/immich-server", "cpu: <unknown>/80%, memory: <unknown>/512Mi",
         "1", 4, 0, "62d"],
        ["web", "Deployment/web", "cpu: 45%/70%, 87500m/100 + 1 more...", "2", 10, 3, "3d"]]


SECRET = f"""
apiVersion: v1
kind: Secret
metadata:
  name: midwestmtg-backend-env
  namespace: midwestmtg
  creationTimestamp: "{ago(days=12)}"
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{{"apiVersion":"v1","data":{{"DATABASE_URL":"cG9zdGdyZXM6Ly9zM2NyZXQ="}},"kind":"Secret"}}'
type: Opaque
data: {{DATABASE_URL: cG9zdGdyZXM6Ly9zM2NyZXQ=, DISCORD_TOKEN: eHl6enktdG9rZW4tdmFsdWU=}}
---
apiVersion: v1
kind: Secret
metadata: {{name: sh.helm.release.v1.midwestmtg-backend.v7, namespace: midwestmtg, creationTimestamp: "{ago(hours=2)}"}}
type: helm.sh/release.v1
data: {{release: SDRzSUFBQUFBQUFDLzZ4V1RZL2pSaEsrNjFjVXVDZ0Rra2RraFRqNWNhdGVRQWVOaHVhTEdt}}
"""


@pytest.mark.parametrize("include", ["None", "Metadata", "Object"])
def test_no_secret_value_appears_anywhere_in_a_secrets_table(include):
    objects = list(yaml.safe_load_all(SECRET))
    table = to_table(res("v1", "Secret"), objects, now=NOW, include_object=include)
    assert shown(table) == [["NAME", "TYPE", "DATA", "AGE"],
                            ["midwestmtg-backend-env", "Opaque", 2, "12d"],
                            ["sh.helm.release.v1.midwestmtg-backend.v7", "helm.sh/release.v1", 1,
                             "120m"]]
    wire = json.dumps(table)
    for secret in objects:
        for value in secret["data"].values():
            assert value not in wire
    assert "DATABASE_URL" not in wire  # not even a key, through the last-applied annotation
    assert objects[0]["data"]["DATABASE_URL"]  # and the caller's objects are left alone


def test_include_object_decides_what_each_row_carries():
    pod_obj = yaml.safe_load(pod("redis-master-0", "{running: {}}"))
    resource = res("v1", "Pod")
    none = to_table(resource, [pod_obj], now=NOW, include_object="None")
    meta = to_table(resource, [pod_obj], now=NOW, resource_version="4711")
    whole = to_table(resource, [pod_obj], now=NOW, include_object="Object")
    assert none["rows"][0]["object"] is None
    # kubectl -A prints NAMESPACE from this PartialObjectMetadata.
    assert meta["rows"][0]["object"] == {"kind": "PartialObjectMetadata",
                                         "apiVersion": "meta.k8s.io/v1",
                                         "metadata": pod_obj["metadata"]}
    assert whole["rows"][0]["object"] == pod_obj
    assert {k: meta[k] for k in ("kind", "apiVersion", "metadata")} == {
        "kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {"resourceVersion": "4711"}}
    name = meta["columnDefinitions"][0]
    assert (name["name"], name["type"], name["format"], name["priority"]) == (
        "Name", "string", "name", 0)


WORKLOADS = f"""
apiVersion: apps/v1
kind: Deployment
metadata: {{name: midwestmtg-frontend, namespace: midwestmtg, creationTimestamp: "{ago(days=12)}"}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app.kubernetes.io/name: frontend, app.kubernetes.io/instance: midwestmtg}}}}
  template:
    metadata: {{labels: {{app.kubernetes.io/name: frontend}}}}
    spec: {{containers: [{{name: frontend, image: "registry.flux-system.svc.cluster.local:5000/midwestmtg-frontend:0.12.0"}}]}}
status: {{replicas: 2, updatedReplicas: 1, unavailableReplicas: 2}}
"""


@pytest.mark.parametrize("api_version, kind, text, expected", [
    ("apps/v1", "Deployment", WORKLOADS, [
        ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"],
        ["midwestmtg-frontend", "0/1", 1, 0, "12d", "frontend",
         "registry.flux-system.svc.cluster.local:5000/midwestmtg-frontend:0.12.0",
         "app.kubernetes.io/instance=midwestmtg,app.kubernetes.io/name=frontend"]]),
    ("apps/v1", "ReplicaSet", f"""
kind: ReplicaSet
metadata: {{name: midwestmtg-frontend-bb7d869dd, namespace: midwestmtg, creationTimestamp: "{ago(hours=6)}"}}
spec:
  replicas: 1
  selector:
    matchLabels: {{pod-template-hash: bb7d869dd}}
    matchExpressions: [{{key: tier, operator: In, values: [web, edge]}}]
  template: {{spec: {{containers: [{{name: frontend, image: "frontend:0.12.0"}}, {{name: sidecar, image: "envoy:1.31"}}]}}}}
status: {{replicas: 1, readyReplicas: 0}}
""", [["NAME", "DESIRED", "CURRENT", "READY", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"],
      ["midwestmtg-frontend-bb7d869dd", 1, 1, 0, "6h", "frontend,sidecar",
       "frontend:0.12.0,envoy:1.31", "pod-template-hash=bb7d869dd,tier in (edge,web)"]]),
    ("apps/v1", "StatefulSet", f"""
kind: StatefulSet
metadata: {{name: redis-master, namespace: midwestmtg, creationTimestamp: "{ago(days=40)}"}}
spec: {{replicas: 1, template: {{spec: {{containers: [{{name: redis, image: "bitnami/redis:7.4"}}]}}}}}}
status: {{replicas: 1, readyReplicas: 1}}
""", [["NAME", "READY", "AGE", "CONTAINERS", "IMAGES"],
      ["redis-master", "1/1", "40d", "redis", "bitnami/redis:7.4"]]),
    ("apps/v1", "DaemonSet", f"""
kind: DaemonSet
metadata: {{name: promtail, namespace: monitoring, creationTimestamp: "{ago(days=90)}"}}
spec:
  selector: {{matchLabels: {{app: promtail}}}}
  template: {{spec: {{nodeSelector: {{kubernetes.io/os: linux}}, containers: [{{name: promtail, image: "grafana/promtail:3.2"}}]}}}}
status: {{desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2}}
""", [["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE",
       "CONTAINERS", "IMAGES", "SELECTOR"],
      ["promtail", 3, 3, 2, 3, 2, "kubernetes.io/os=linux", "90d", "promtail",
       "grafana/promtail:3.2", "app=promtail"]]),
    ("batch/v1", "CronJob", f"""
kind: CronJob
metadata: {{name: backup, namespace: ops, creationTimestamp: "{ago(days=30)}"}}
spec:
  schedule: "0 */3 * * *"
  suspend: false
  jobTemplate: {{spec: {{template: {{spec: {{containers: [{{name: restic, image: "restic:0.17"}}]}}}}}}}}
status: {{lastScheduleTime: "{ago(hours=3)}"}}
""", [["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE", "CONTAINERS",
       "IMAGES", "SELECTOR"],
      ["backup", "0 */3 * * *", "<none>", "False", 0, "3h", "30d", "restic", "restic:0.17",
       "<none>"]]),
    ("v1", "Endpoints", f"""
kind: Endpoints
metadata: {{name: redis-headless, namespace: midwestmtg, creationTimestamp: "{ago(days=40)}"}}
subsets:
- addresses: [{{ip: 10.42.0.5}}, {{ip: 10.42.1.9}}, {{ip: 10.42.2.3}}, {{ip: 10.42.2.4}}]
  ports: [{{name: tcp-redis, port: 6379}}]
---
kind: Endpoints
metadata: {{name: midwestmtg-frontend, namespace: midwestmtg, creationTimestamp: "{ago(days=12)}"}}
""", [["NAME", "ENDPOINTS", "AGE"],
      ["redis-headless", "10.42.0.5:6379,10.42.1.9:6379,10.42.2.3:6379 + 1 more...", "40d"],
      ["midwestmtg-frontend", "<none>", "12d"]]),
    ("v1", "Node", f"""
kind: Node
metadata:
  name: homelab-1
  creationTimestamp: "{ago(days=200)}"
  labels: {{node-role.kubernetes.io/control-plane: "", node-role.kubernetes.io/etcd: ""}}
spec: {{unschedulable: true}}
status:
  conditions: [{{type: MemoryPressure, status: "False"}}, {{type: Ready, status: "True"}}]
  addresses: [{{type: InternalIP, address: 192.168.1.21}}, {{type: Hostname, address: homelab-1}}]
  nodeInfo: {{kubeletVersion: v1.31.4+k3s1, osImage: Ubuntu 24.04.1 LTS, kernelVersion: 6.8.0-49-generic, containerRuntimeVersion: "containerd://1.7.23-k3s2"}}
""", [["NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE",
       "KERNEL-VERSION", "CONTAINER-RUNTIME"],
      ["homelab-1", "Ready,SchedulingDisabled", "control-plane,etcd", "200d", "v1.31.4+k3s1",
       "192.168.1.21", "<none>", "Ubuntu 24.04.1 LTS", "6.8.0-49-generic",
       "containerd://1.7.23-k3s2"]]),
    ("v1", "Namespace", f"""
kind: Namespace
metadata: {{name: midwestmtg, creationTimestamp: "{ago(days=12)}"}}
status: {{phase: Active}}
""", [["NAME", "STATUS", "AGE"], ["midwestmtg", "Active", "12d"]]),
    ("v1", "ConfigMap", f"""
kind: ConfigMap
metadata: {{name: frontend-nginx, namespace: midwestmtg, creationTimestamp: "{ago(days=12)}"}}
data: {{nginx.conf: "upstream backend {{ server midwestmtg-backend:8000; }}"}}
binaryData: {{favicon.ico: AAABAAEAEBA=}}
""", [["NAME", "DATA", "AGE"], ["frontend-nginx", 2, "12d"]]),
    ("v1", "ServiceAccount", f"""
kind: ServiceAccount
metadata: {{name: default, namespace: midwestmtg, creationTimestamp: "{ago(days=12)}"}}
""", [["NAME", "SECRETS", "AGE"], ["default", 0, "12d"]]),
    ("v1", "PersistentVolumeClaim", f"""
kind: PersistentVolumeClaim
metadata: {{name: redis-data-redis-master-0, namespace: midwestmtg, creationTimestamp: "{ago(days=40)}"}}
spec: {{accessModes: [ReadWriteOnce], storageClassName: local-path, volumeName: pvc-3f2a, volumeMode: Filesystem, resources: {{requests: {{storage: 8Gi}}}}}}
status: {{phase: Bound, accessModes: [ReadWriteOnce], capacity: {{storage: 8Gi}}}}
""", [["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS",
       "VOLUMEATTRIBUTESCLASS", "AGE", "VOLUMEMODE"],
      ["redis-data-redis-master-0", "Bound", "pvc-3f2a", "8Gi", "RWO", "local-path", "<unset>",
       "40d", "Filesystem"]]),
    ("networking.k8s.io/v1", "NetworkPolicy", f"""
kind: NetworkPolicy
metadata: {{name: keycloak-jgroups, namespace: staging, creationTimestamp: "{ago(days=5)}"}}
spec: {{podSelector: {{matchLabels: {{app: keycloak}}}}, policyTypes: [Ingress, Egress]}}
""", [["NAME", "POD-SELECTOR", "AGE"], ["keycloak-jgroups", "app=keycloak", "5d"]]),
    ("networking.k8s.io/v1", "Ingress", f"""
kind: Ingress
metadata: {{name: midwestmtg, namespace: midwestmtg, creationTimestamp: "{ago(days=12)}"}}
spec:
  ingressClassName: nginx
  tls: [{{hosts: [mtg.example.org], secretName: mtg-tls}}]
  rules: [{{host: mtg.example.org}}, {{host: api.mtg.example.org}}]
status: {{loadBalancer: {{ingress: [{{ip: 192.168.1.240}}]}}}}
""", [["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"],
      ["midwestmtg", "nginx", "mtg.example.org,api.mtg.example.org", "192.168.1.240", "80, 443",
       "12d"]]),
])
def test_builtin_printers(api_version, kind, text, expected):
    assert get(api_version, kind, text, wide=True) == expected


def test_unknown_kind_gets_name_and_age_like_a_crd_without_columns():
    widget = Resource("example.com", "v1", "Widget", "widgets")
    obj = {"apiVersion": "example.com/v1", "kind": "Widget",
           "metadata": {"name": "w1", "namespace": "default", "creationTimestamp": ago(minutes=7)}}
    assert shown(to_table(widget, [obj], now=NOW)) == [["NAME", "AGE"], ["w1", "7m"]]


def test_crd_columns_follow_jsonpath_types():
    gadget = Resource("example.com", "v1", "Gadget", "gadgets", columns=(
        resources.Column("Replicas", ".spec.replicas", "integer"),
        resources.Column("Paused", ".spec.paused", "boolean"),
        resources.Column("Ports", ".spec.ports", "string"),
        resources.Column("Host", ".metadata.annotations['example.com/host']"),
        resources.Column("Seen", ".status.lastSeen", "date", priority=1)))
    obj = {"metadata": {"name": "g", "annotations": {"example.com/host": "a<b"}},
           "spec": {"replicas": 3.0, "paused": True, "ports": [{"port": 80, "name": "http"}]},
           "status": {"lastSeen": "not a time"}}
    assert shown(to_table(gadget, [obj], now=NOW), wide=True) == [
        ["NAME", "REPLICAS", "PAUSED", "PORTS", "HOST", "SEEN"],
        ["g", 3, True, '[{"name":"http","port":80}]', "a<b", "<invalid>"]]


@pytest.mark.parametrize("seconds, text", [
    (0, "0s"), (45, "45s"), (119, "119s"), (310, "5m10s"), (600, "10m"), (3 * 3600 - 1, "179m"),
    (3 * 3600, "3h"), (7 * 3600 + 59 * 60, "7h59m"), (26 * 3600, "26h"), (51 * 3600, "2d3h"),
    (8 * 86400, "8d"), (400 * 86400, "400d"), ((3 * 365 + 12) * 86400, "3y12d"), (-1, "0s"),
    (-5, "<invalid>"),
])
def test_human_duration_matches_kubernetes(seconds, text):
    assert human_duration(timedelta(seconds=seconds)) == text
