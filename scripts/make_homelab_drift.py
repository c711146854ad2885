"""Writes kubetriage/scenarios/homelab-drift/ from seed 002 (the homelab deployment RCA, 2025-11-17).

The Deployment at revision 62 keeps the ReplicaSets of revisions 44-62 (what `kubectl rollout
history` showed), so the objects are generated; the output is committed. Run:
    .venv/bin/python scripts/make_homelab_drift.py
"""

from __future__ import annotations

import shutil
from datetime import timedelta

from scenario_builders import (
    bump,
    container,
    deployment,
    event,
    healthy_workload,
    http_probe,
    image_id,
    meta,
    namespace,
    pod,
    pod_template,
    replicaset,
    running,
    service,
    template_hash,
    terminated,
    waiting,
    write_list,
    write_timeline,
)
from scenario_kit import (
    SCENARIOS,
    Clock,
    hexdigest,
    node_conditions,
    node_labels,
    owner_ref,
    ts,
    uid,
    write_log,
)
from scenario_kit import node as kube_node

NS = "homelab"
ROOT = SCENARIOS / "homelab-drift"
clock = Clock("2025-11-17T15:30:00Z")

PESUBUNTU, PESUBUNTU_IP = "pesubuntu", "100.81.76.55"
ASUNA, ASUNA_IP = "asuna", "100.72.130.14"
REGISTRY = "100.81.76.55:30500"
K3S = "v1.33.5+k3s1"

BACKEND = "family-assistant-backend"
GOOD_IMAGE = f"{REGISTRY}/family-assistant:me-fixed"
BAD_IMAGE = "family-assistant:phase2-mcp-logging-fix"
OTEL_ENDPOINT = "otel-collector.homelab.svc.cluster.local:4317"
# Revisions 44-60: tags from the registry's catalog in the seed, pushed with and without prefix.
OLD_TAGS = ["fixed", "fixed-final", "fixed-v2", "fixed-v3", "fixed-v4", "fixed-v5", "phase2",
            "phase2-fixed", "mcp-working", "mcp-fixed", "mcp-system", "mcp-deps-fixed",
            "jwt-auth", "jwt-auth-fixed", "auth-complete", "pythonpath-fixed", "import-fixed"]
GOOD_HASH, BAD_HASH = "7748c945ff", "7fccb9956b"
GOOD_POD, BAD_POD = f"{BACKEND}-{GOOD_HASH}-n2kb7", f"{BACKEND}-{BAD_HASH}-9g4wb"

DASHBOARD = "homelab-dashboard"
DASH_IMAGE = "ghcr.io/pesuga/homelab/homelab-dashboard:latest"
DASH_HASH = "5946d57cdf"
DASH_POD = f"{DASHBOARD}-{DASH_HASH}-b7kwx"
DASH_RESTARTS = 598
KUBE_PROBE = "kube-probe/1.33"


def node(name: str, ip: str, cidr: str, age_days: int, *, control_plane: bool, os_image: str,
         kernel: str, images: list[tuple[list[str], int]]) -> dict:
    created = clock.ago(days=age_days)
    labels = node_labels(name, {"beta.kubernetes.io/instance-type": "k3s",
                                "node.kubernetes.io/instance-type": "k3s"})
    if control_plane:
        labels.update({"node-role.kubernetes.io/control-plane": "true",
                       "node-role.kubernetes.io/master": "true"})
    cpu, memory = ("16", "65622064Ki") if control_plane else ("8", "32651260Ki")
    return kube_node(
        meta(name, None, created, labels=labels, annotations={
            "alpha.kubernetes.io/provided-node-ip": ip,
            "flannel.alpha.coreos.com/backend-type": "vxlan",
            "flannel.alpha.coreos.com/public-ip": ip,
            "k3s.io/hostname": name, "k3s.io/internal-ip": ip,
            "k3s.io/node-args": f'["{"server" if control_plane else "agent"}",'
                                f'"--node-ip","{ip}","--flannel-iface","tailscale0"]',
            "node.alpha.kubernetes.io/ttl": "0",
            "volumes.kubernetes.io/controller-managed-attach-detach": "true"}),
        ip=ip, pod_cidr=cidr, provider_id=f"k3s://{name}",
        allocatable={"cpu": cpu, "ephemeral-storage": "934819631245", "memory": memory,
                     "pods": "110"},
        capacity={"cpu": cpu, "ephemeral-storage": "960993772Ki", "memory": memory, "pods": "110"},
        conditions=node_conditions(clock.s(seconds=41), ts(created), ts(clock.ago(days=6))),
        images=[{"names": names, "sizeBytes": size} for names, size in images],
        boot_id=uid(name, "boot"), runtime="containerd://2.1.4-k3s1", kernel=kernel, kubelet=K3S,
        machine_id=hexdigest(name, n=32), os_image=os_image, system_uuid=uid(name, "system"))


def backend_template(image: str, tag_note: str = "") -> dict:
    labels = {"app": BACKEND, "component": "backend"}
    env = [{"name": "PORT", "value": "8001"},
           {"name": "OTEL_SERVICE_NAME", "value": "family-assistant"},
           {"name": "OTEL_EXPORTER_OTLP_ENDPOINT", "value": f"http://{OTEL_ENDPOINT}"},
           {"name": "OTEL_EXPORTER_OTLP_INSECURE", "value": "true"},
           {"name": "OLLAMA_BASE_URL", "value": "http://100.72.130.14:11434"},
           {"name": "DATABASE_URL", "valueFrom": {"secretKeyRef": {
               "key": "database-url", "name": "family-assistant-secrets"}}},
           {"name": "TELEGRAM_BOT_TOKEN", "valueFrom": {"secretKeyRef": {
               "key": "telegram-bot-token", "name": "family-assistant-secrets"}}}]
    c = container("family-assistant", image, env=env,
                  ports=[{"containerPort": 8001, "name": "http", "protocol": "TCP"}],
                  probes={"livenessProbe": http_probe("/health", 8001, initial=30, period=30,
                                                      timeout=5),
                          "readinessProbe": http_probe("/health", 8001, initial=10, period=10,
                                                       timeout=5)},
                  resources={"limits": {"cpu": "2", "memory": "2Gi"},
                             "requests": {"cpu": "250m", "memory": "512Mi"}})
    ann = {"kubectl.kubernetes.io/restartedAt": tag_note} if tag_note else None
    return pod_template(labels, [c], annotations=ann)


def backend() -> tuple[list[dict], list[dict], dict, dict]:
    """The Deployment, its 19 ReplicaSets, and the two pods of the stuck rollout."""
    created = clock.ago(days=34)
    good_tmpl = backend_template(GOOD_IMAGE)
    bad_tmpl = backend_template(BAD_IMAGE)
    bad_created = clock.ago(minutes=105)
    labels = {"app": BACKEND, "component": "backend"}
    deploy = deployment(
        BACKEND, NS, created, labels=labels, selector={"app": BACKEND}, template=bad_tmpl,
        replicas=1, revision=62, generation=71, history=17,
        annotations={"kubectl.kubernetes.io/last-applied-configuration": _last_applied()},
        status={"availableReplicas": 1,
                "conditions": [
                    {"lastTransitionTime": clock.s(hours=26),
                     "lastUpdateTime": clock.s(hours=26),
                     "message": "Deployment has minimum availability.",
                     "reason": "MinimumReplicasAvailable", "status": "True",
                     "type": "Available"},
                    {"lastTransitionTime": clock.s(minutes=95),
                     "lastUpdateTime": clock.s(minutes=95),
                     "message": f'ReplicaSet "{BACKEND}-{BAD_HASH}" has timed out progressing.',
                     "reason": "ProgressDeadlineExceeded", "status": "False",
                     "type": "Progressing"}],
                "readyReplicas": 1, "replicas": 2, "unavailableReplicas": 1,
                "updatedReplicas": 1})
    rses = []
    for i, tag in enumerate(OLD_TAGS):
        revision = 44 + i
        image = f"{REGISTRY}/family-assistant:{tag}" if i % 3 else f"family-assistant:{tag}"
        rs_created = clock.ago(days=33 - i * 1.8)
        pod_hash = template_hash(BACKEND, str(revision))
        rses.append(replicaset(deploy, pod_hash, rs_created, template=backend_template(image),
                               revision=revision, replicas=0, ready=0, generation=2 + i % 3))
    rses.append(replicaset(deploy, GOOD_HASH, clock.ago(hours=26, minutes=3), template=good_tmpl,
                           revision=61, replicas=1, ready=1, generation=2))
    rses.append(replicaset(deploy, BAD_HASH, bad_created, template=bad_tmpl, revision=62,
                           replicas=1, ready=0, generation=1))
    good_rs, bad_rs = rses[-2], rses[-1]

    good_started = clock.ago(hours=26, minutes=2)
    good = pod(GOOD_POD, NS, clock.ago(hours=26, minutes=3),
               template=good_rs["spec"]["template"], owner=owner_ref(good_rs), node=PESUBUNTU,
               host_ip=PESUBUNTU_IP, pod_ip="10.42.0.87", phase="Running", qos="Burstable",
               statuses=[running("family-assistant", GOOD_IMAGE,
                                 f"{REGISTRY}/family-assistant@sha256:"
                                 f"{hexdigest('me-fixed')}", good_started,
                                 cid_seed=GOOD_POD)],
               ready_since=good_started + timedelta(seconds=14))
    pull_error = _pull_error()
    bad = pod(BAD_POD, NS, bad_created, template=bad_rs["spec"]["template"],
              owner=owner_ref(bad_rs), node=ASUNA, host_ip=ASUNA_IP, pod_ip="10.42.1.34",
              phase="Pending", qos="Burstable",
              statuses=[waiting("family-assistant", BAD_IMAGE, "ImagePullBackOff",
                                f'Back-off pulling image "{BAD_IMAGE}": ErrImagePull: '
                                f"{pull_error}")])
    return [deploy], rses, good, bad


def _pull_error() -> str:
    ref = f"docker.io/library/{BAD_IMAGE}"
    return (f'rpc error: code = Unknown desc = failed to pull and unpack image "{ref}": failed '
            f'to resolve reference "{ref}": pull access denied, repository does not exist or '
            "may require authorization: server message: insufficient_scope: authorization failed")


def _last_applied() -> str:
    # The last `kubectl apply` was of infrastructure/kubernetes/family-assistant-backend.yaml
    # (image family-assistant:fixed, imagePullPolicy Never, 2 replicas); `kubectl set image`
    # has changed the live object 18 times since, and none of that shows here.
    return ('{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{},'
            '"labels":{"app":"family-assistant-backend","component":"backend"},'
            '"name":"family-assistant-backend","namespace":"homelab"},"spec":{"replicas":2,'
            '"selector":{"matchLabels":{"app":"family-assistant-backend"}},"template":'
            '{"metadata":{"labels":{"app":"family-assistant-backend","component":"backend"}},'
            '"spec":{"containers":[{"image":"family-assistant:fixed","imagePullPolicy":"Never",'
            '"name":"family-assistant","ports":[{"containerPort":8001,"name":"http"}]}]}}}}\n')


def backend_events(good: dict, bad: dict) -> list[dict]:
    fp = "spec.containers{family-assistant}"
    first = clock.ago(minutes=105)
    ev = lambda *a, **k: event(NS, bad, *a, host=ASUNA, field_path=fp, first=first, **k)  # noqa: E731
    return [
        ev("Pulling", f'Pulling image "{BAD_IMAGE}"', count=24, last=clock.ago(minutes=3, seconds=2)),
        ev("Failed", f'Failed to pull image "{BAD_IMAGE}": {_pull_error()}', type_="Warning",
           count=24, last=clock.ago(minutes=3)),
        ev("Failed", "Error: ErrImagePull", type_="Warning", count=24,
           last=clock.ago(minutes=3)),
        ev("BackOff", f'Back-off pulling image "{BAD_IMAGE}"', count=461,
           last=clock.ago(seconds=14)),
        ev("Failed", "Error: ImagePullBackOff", type_="Warning", count=461,
           last=clock.ago(seconds=14)),
    ]


def dashboard() -> list[dict]:
    labels = {"app": DASHBOARD}
    created = clock.ago(days=47)
    c = container(DASHBOARD, DASH_IMAGE, pull="Always",
                  ports=[{"containerPort": 5000, "name": "http", "protocol": "TCP"}],
                  env=[{"name": "GITHUB_TOKEN", "valueFrom": {"secretKeyRef": {
                      "key": "github-token", "name": "homelab-dashboard"}}},
                       {"name": "REFRESH_INTERVAL", "value": "15"}],
                  probes={"livenessProbe": http_probe("/health", 5000, initial=15, period=10,
                                                      timeout=3),
                          "readinessProbe": http_probe("/health", 5000, initial=5, period=10,
                                                       timeout=3)},
                  resources={"limits": {"cpu": "500m", "memory": "256Mi"},
                             "requests": {"cpu": "50m", "memory": "128Mi"}})
    tmpl = pod_template(labels, [c], annotations={
        "kubectl.kubernetes.io/restartedAt": clock.s(days=5, hours=2, minutes=1)})
    deploy = deployment(DASHBOARD, NS, created, labels=labels, selector=labels, template=tmpl,
                        replicas=1, revision=9, generation=9,
                        status={"conditions": [
                            {"lastTransitionTime": clock.s(minutes=7),
                             "lastUpdateTime": clock.s(minutes=7),
                             "message": "Deployment does not have minimum availability.",
                             "reason": "MinimumReplicasUnavailable", "status": "False",
                             "type": "Available"},
                            {"lastTransitionTime": clock.s(days=5, hours=2),
                             "lastUpdateTime": clock.s(days=5, hours=2),
                             "message": f'ReplicaSet "{DASHBOARD}-{DASH_HASH}" has successfully '
                                        "progressed.",
                             "reason": "NewReplicaSetAvailable", "status": "True",
                             "type": "Progressing"}],
                            "replicas": 1, "unavailableReplicas": 1, "updatedReplicas": 1})
    rs = replicaset(deploy, DASH_HASH, clock.ago(days=5, hours=2), template=tmpl, revision=9,
                    replicas=1, ready=0)
    started = clock.ago(minutes=7, seconds=12)
    last = terminated(0, "Completed", clock.ago(minutes=19, seconds=40),
                      clock.ago(minutes=7, seconds=15), DASH_POD + "597")
    p = pod(DASH_POD, NS, clock.ago(days=5, hours=2), template=rs["spec"]["template"],
            owner=owner_ref(rs), node=ASUNA, host_ip=ASUNA_IP, pod_ip="10.42.1.19",
            phase="Running", qos="Burstable",
            statuses=[running(DASHBOARD, DASH_IMAGE,
                              f"ghcr.io/pesuga/homelab/homelab-dashboard@sha256:"
                              f"{hexdigest(DASH_IMAGE)}", started, ready=False,
                              restarts=DASH_RESTARTS, last=last, cid_seed=DASH_POD)],
            ready_since=clock.ago(minutes=1, seconds=5))
    return [deploy, rs, p]


def dashboard_events(p: dict) -> list[dict]:
    fp = f"spec.containers{{{DASHBOARD}}}"
    first = clock.ago(days=5, hours=1, minutes=48)
    ev = lambda *a, **k: event(NS, p, *a, host=ASUNA, field_path=fp, **k)  # noqa: E731
    return [
        ev("Unhealthy", "Liveness probe failed: HTTP probe failed with statuscode: 429",
           type_="Warning", count=DASH_RESTARTS * 3 + 2, first=first,
           last=clock.ago(seconds=25)),
        ev("Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 429",
           type_="Warning", count=2961, first=first, last=clock.ago(seconds=5)),
        ev("Killing", f"Container {DASHBOARD} failed liveness probe, will be restarted",
           count=DASH_RESTARTS, first=first, last=clock.ago(minutes=7, seconds=45)),
        ev("Pulling", f'Pulling image "{DASH_IMAGE}"', count=DASH_RESTARTS + 1,
           first=clock.ago(days=5, hours=2), last=clock.ago(minutes=7, seconds=14)),
        ev("Pulled", f'Successfully pulled image "{DASH_IMAGE}" in 612ms (612ms including '
           "waiting). Image size: 61834213 bytes.", first=clock.ago(minutes=7, seconds=13)),
        ev("Pulled", f'Successfully pulled image "{DASH_IMAGE}" in 1.047s (1.047s including '
           "waiting). Image size: 61834213 bytes.", first=clock.ago(minutes=19, seconds=37)),
        ev("Created", f"Created container: {DASHBOARD}", count=DASH_RESTARTS + 1,
           first=clock.ago(days=5, hours=2), last=clock.ago(minutes=7, seconds=12)),
        ev("Started", f"Started container {DASHBOARD}", count=DASH_RESTARTS + 1,
           first=clock.ago(days=5, hours=2), last=clock.ago(minutes=7, seconds=12)),
    ]


def hpas() -> tuple[list[dict], list[dict]]:
    out, events = [], []
    for name, target, age, metrics, current, count, first, last in (
        ("family-assistant-enhanced-hpa", "family-assistant-enhanced", 21,
         [("cpu", 70), ("memory", 80)], None, 1733, dict(days=6, hours=1),
         dict(minutes=4, seconds=24)),
        ("whisper-hpa", "whisper", 30, [("cpu", 80)], 0, 862, dict(days=3, hours=0, minutes=7),
         dict(minutes=2, seconds=38)),
    ):
        created = clock.ago(days=age)
        err = f'deployments/scale.apps "{target}" not found'
        status = {"conditions": [
            {"lastTransitionTime": clock.s(**first), "message": "the HPA controller was unable "
             f"to get the target's current scale: {err}", "reason": "FailedGetScale",
             "status": "False", "type": "AbleToScale"}],
            "currentReplicas": 1, "desiredReplicas": 1}
        if current is not None:
            status["currentMetrics"] = [{"resource": {"current": {
                "averageUtilization": current, "averageValue": "2m"}, "name": "cpu"},
                "type": "Resource"}]
            status["lastScaleTime"] = clock.s(days=12)
            status["conditions"] += [
                {"lastTransitionTime": clock.s(days=29), "message": "the HPA was able to "
                 "successfully calculate a replica count from cpu resource utilization "
                 "(percentage of request)", "reason": "ValidMetricFound", "status": "True",
                 "type": "ScalingActive"},
                {"lastTransitionTime": clock.s(days=12), "message": "the desired count is "
                 "within the acceptable range", "reason": "DesiredWithinRange",
                 "status": "False", "type": "ScalingLimited"}]
        hpa = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
               "metadata": meta(name, NS, created, labels={"app": target}),
               "spec": {"maxReplicas": 5 if current is None else 3,
                        "metrics": [{"resource": {"name": m, "target": {
                            "averageUtilization": v, "type": "Utilization"}},
                            "type": "Resource"} for m, v in metrics],
                        "minReplicas": 1,
                        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment",
                                           "name": target}},
               "status": status}
        out.append(hpa)
        events.append(event(NS, hpa, "FailedGetScale", err, type_="Warning", count=count,
                            first=clock.ago(**first), last=clock.ago(**last),
                            component="horizontal-pod-autoscaler"))
    return out, events


def supporting() -> list[dict]:
    """What works: the registry, Loki and Prometheus in homelab, k3s's own pods."""
    objs: list[dict] = []
    for name, image, port, node_, ip, hash_, age in (
        ("docker-registry", "registry:2.8.3", 5000, PESUBUNTU, "10.42.0.12", "6b9d8c7f4d", 118),
        ("loki", "grafana/loki:3.5.7", 3100, PESUBUNTU, "10.42.0.44", "85c6d9b7f8", 61),
        ("prometheus", "prom/prometheus:v3.7.3", 9090, PESUBUNTU, "10.42.0.45", "7d4f9c8b96",
         61),
    ):
        objs += healthy_workload(clock, name, NS, node=node_, host_ip=PESUBUNTU_IP, pod_ip=ip,
                                 image=image, image_id=image_id(image), pod_hash=hash_,
                                 age={"days": age},
                                 ports=[{"containerPort": port, "name": "http",
                                         "protocol": "TCP"}])
    for name, image, hash_, ip, labels in (
        ("coredns", "rancher/mirrored-coredns-coredns:1.12.3", "64fd4b4794", "10.42.0.2",
         {"k8s-app": "kube-dns"}),
        ("local-path-provisioner", "rancher/local-path-provisioner:v0.0.31", "774c6665dc",
         "10.42.0.3", {"app": "local-path-provisioner"}),
        ("metrics-server", "rancher/mirrored-metrics-server:v0.8.0", "7bfffcd44", "10.42.0.4",
         {"k8s-app": "metrics-server"}),
    ):
        objs += healthy_workload(clock, name, "kube-system", node=PESUBUNTU,
                                 host_ip=PESUBUNTU_IP, pod_ip=ip, image=image,
                                 image_id=image_id(image), pod_hash=hash_, labels=labels,
                                 age={"days": 120}, qos="Burstable",
                                 resources={"requests": {"cpu": "100m", "memory": "70Mi"}})
    return objs


def services() -> list[dict]:
    created = clock.ago(days=34)
    svc = lambda name, port, ip, **k: service(  # noqa: E731
        name, NS, created, labels={"app": name}, selector={"app": name},
        ports=[{"name": "http", "port": port, "protocol": "TCP", "targetPort": port,
                **({"nodePort": k["node_port"]} if "node_port" in k else {})}],
        cluster_ip=ip, type_="NodePort" if "node_port" in k else "ClusterIP")
    # No otel-collector here: the backend's exporter points at a Service that never existed.
    return [svc(BACKEND, 8001, "10.43.112.40"), svc(DASHBOARD, 5000, "10.43.87.201"),
            svc("docker-registry", 5000, "10.43.14.230", node_port=30500),
            svc("loki", 3100, "10.43.190.7"), svc("prometheus", 9090, "10.43.51.118")]


def backend_log() -> str:
    """The running backend's log: startup, then the OTLP exporter retrying against nothing."""
    lines = ["INFO:     Started server process [1]", "INFO:     Waiting for application startup.",
             "2025-11-16 13:27:41,208 - family_assistant.telemetry - INFO - OpenTelemetry "
             f"configured: service=family-assistant endpoint=http://{OTEL_ENDPOINT}",
             "2025-11-16 13:27:41,512 - family_assistant.mcp - INFO - MCP tools registered: 14",
             "INFO:     Application startup complete.",
             "INFO:     Uvicorn running on http://0.0.0.0:8001 (Press CTRL+C to quit)"]
    delays = [1, 2, 4, 8, 16, 32]
    for i in range(48):
        for signal in ("traces", "metrics"):
            lines.append(f"Transient error StatusCode.UNAVAILABLE encountered while exporting "
                         f"{signal} to {OTEL_ENDPOINT}, retrying in {delays[i % 6]}s.")
        if i % 2:
            lines.append(f'INFO:     10.42.0.1:{40000 + i * 37} - "GET /health HTTP/1.1" 200 OK')
        if i % 6 == 5:
            lines.append(f"Transient error StatusCode.UNAVAILABLE encountered while exporting "
                         f"logs to {OTEL_ENDPOINT}, retrying in 1s.")
    return "\n".join(lines)


def dashboard_logs() -> tuple[str, str]:
    """Gunicorn + Flask-Limiter: /health counts against the default 50/hour limit."""
    def run(start, probes: int, limited_from: int, tail: list[str]) -> list[str]:
        out = [f"[{start:%Y-%m-%d %H:%M:%S} +0000] [1] [INFO] Starting gunicorn 23.0.0",
               f"[{start:%Y-%m-%d %H:%M:%S} +0000] [1] [INFO] Listening at: "
               "http://0.0.0.0:5000 (1)",
               f"[{start:%Y-%m-%d %H:%M:%S} +0000] [1] [INFO] Using worker: gthread",
               f"[{start:%Y-%m-%d %H:%M:%S} +0000] [7] [INFO] Booting worker with pid: 7"]
        for n in range(probes):
            t = start + timedelta(seconds=5 + n * 5)
            code = 429 if n >= limited_from else 200
            if code == 429:
                out.append(f"[{t:%Y-%m-%d %H:%M:%S} +0000] [7] [INFO] ratelimit 50 per 1 hour "
                           "(10.42.1.1) exceeded at endpoint: health")
            out.append(f'10.42.1.1 - - [{t:%d/%b/%Y:%H:%M:%S} +0000] "GET /health HTTP/1.1" '
                       f'{code} {15 if code == 200 else 137} "-" "{KUBE_PROBE}"')
            if n % 9 == 4:
                out.append(f"[{t:%Y-%m-%d %H:%M:%S} +0000] [7] [WARNING] GitHub API rate limit "
                           "low: 38 requests remaining (resets in 2841s)")
        return out + tail

    prev_start = clock.ago(minutes=19, seconds=40)
    stop = clock.ago(minutes=7, seconds=15)
    previous = run(prev_start, 120, 50, [
        f"[{stop:%Y-%m-%d %H:%M:%S} +0000] [1] [INFO] Handling signal: term",
        f"[{stop:%Y-%m-%d %H:%M:%S} +0000] [7] [INFO] Worker exiting (pid: 7)",
        f"[{stop:%Y-%m-%d %H:%M:%S} +0000] [1] [INFO] Shutting down: Master"])
    current = run(clock.ago(minutes=7, seconds=12), 84, 50, [])
    return "\n".join(current), "\n".join(previous)


def main() -> None:
    if ROOT.exists():
        shutil.rmtree(ROOT)
    local_images = [([f"docker.io/library/family-assistant:{t}"], 1_530_000_000 + i * 7_100_000)
                    for i, t in enumerate(["phase2-mcp-logging-fix", "phase2-mcp-logging",
                                           "fixed", "complete", "working"])]
    nodes = [
        node(PESUBUNTU, PESUBUNTU_IP, "10.42.0.0/24", 214, control_plane=True,
             os_image="Ubuntu 24.04.3 LTS", kernel="6.8.0-87-generic",
             images=local_images + [
                 ([f"{REGISTRY}/family-assistant@sha256:{hexdigest('me-fixed')}",
                   GOOD_IMAGE], 1_547_113_282),
                 ([f"docker.io/library/registry@sha256:{hexdigest('registry:2.8.3')}",
                   "docker.io/library/registry:2.8.3"], 10_183_046)]),
        node(ASUNA, ASUNA_IP, "10.42.1.0/24", 96, control_plane=False,
             os_image="Ubuntu 24.04.3 LTS", kernel="6.14.0-35-generic",
             images=[([f"ghcr.io/pesuga/homelab/homelab-dashboard@sha256:"
                       f"{hexdigest(DASH_IMAGE)}", DASH_IMAGE], 61_834_213)]),
    ]
    namespaces = [namespace(n, clock.ago(days=d)) for n, d in
                  (("default", 214), ("kube-system", 214), ("kube-public", 214),
                   ("kube-node-lease", 214), (NS, 118))]
    deploys, rses, good, bad = backend()
    dash = dashboard()
    hpa_objs, hpa_events = hpas()
    write_list(ROOT / "cluster.yaml", namespaces + nodes)
    write_list(ROOT / "kube-system.yaml", [o for o in supporting()
                                           if o["metadata"]["namespace"] == "kube-system"])
    write_list(ROOT / "homelab" / "family-assistant-backend.yaml", deploys + rses + [good, bad])
    write_list(ROOT / "homelab" / "homelab-dashboard.yaml", dash)
    write_list(ROOT / "homelab" / "hpa.yaml", hpa_objs)
    write_list(ROOT / "homelab" / "others.yaml",
               [o for o in supporting() if o["metadata"]["namespace"] == NS] + services())
    b_events, d_events = backend_events(good, bad), dashboard_events(dash[2])
    write_list(ROOT / "homelab" / "events.yaml", b_events + d_events + hpa_events)
    write_log(ROOT, NS, GOOD_POD, "family-assistant", backend_log())
    current, previous = dashboard_logs()
    write_log(ROOT, NS, DASH_POD, DASHBOARD, current)
    write_log(ROOT, NS, DASH_POD, DASHBOARD, previous, previous=True)
    write_timeline(ROOT, "make_homelab_drift.py", DESCRIPTION, ts(clock.now),
                   timeline(b_events, d_events, hpa_events))


DESCRIPTION = ("seed 002: homelab on pesubuntu + asuna; an unqualified image pulls on asuna "
               "(ImagePullBackOff), 62 revisions without change-cause, homelab-dashboard "
               "restarted 598 times on 429 probes, OTLP exporter retrying a missing collector, "
               "two HPAs whose targets are gone")


def timeline(b_events: list[dict], d_events: list[dict], hpa_events: list[dict]) -> list[dict]:
    """Kubelet and controllers carry on at their own pace: image back-off every ~14 s, the
    dashboard's probes every 10 s and a liveness kill every 12 min, the OTLP exporter's retries,
    and the HPA controller's FailedGetScale (rate-limited to one event per 5 min)."""
    pulling, pull_failed, err_pull, backoff, err_backoff = b_events
    liveness, readiness, killing, d_pulling, _, _, created, started = d_events
    exporter = {"namespace": NS, "pod": GOOD_POD, "container": "family-assistant"}
    dash = {"namespace": NS, "pod": DASH_POD, "container": DASHBOARD}
    otel = [f"Transient error StatusCode.UNAVAILABLE encountered while exporting {s} to "
            f"{OTEL_ENDPOINT}, retrying in {d}s." for s, d in (("traces", 1), ("metrics", 1))]
    steps = [bump(backoff, 4, 14), bump(err_backoff, 4, 14),
             bump(pulling, 178, 300), bump(pull_failed, 180, 300), bump(err_pull, 180, 300),
             bump(readiness, 5, 10), bump(liveness, 5, 10),
             {"at": 3, "every": 10, "log": {**dash, "lines": [
                 "[INFO] ratelimit 50 per 1 hour (10.42.1.1) exceeded at endpoint: health",
                 f'10.42.1.1 - - "GET /health HTTP/1.1" 429 137 "-" "{KUBE_PROBE}"']}},
             {"at": 30, "every": 720, "restart": dash},
             bump(killing, 30, 720), bump(d_pulling, 31, 720), bump(created, 32, 720),
             bump(started, 32, 720),
             {"at": 2, "every": 5, "log": {**exporter, "lines": otel}},
             {"at": 2, "every": 30, "log": {**exporter, "lines": [
                 'INFO:     10.42.0.1:51234 - "GET /health HTTP/1.1" 200 OK']}},
             bump(hpa_events[0], 36, 300), bump(hpa_events[1], 142, 300)]
    return steps


if __name__ == "__main__":
    main()
