"""Writes kubetriage/scenarios/dapr-local/ from seed 004 (Minikube on WSL2, 2026-01-07).

backend-api is a Helm release in default. Revision 1 (Dapr off, pod runs as uid 1000) crash-loops
on an image without the Dapr SDK; the image is being rebuilt (multi-stage, packages in
/root/.local), so its next start fails with Permission denied instead (the timeline plays that).
Revision 2 (values-local.yaml: runAsNonRoot false, runAsUser 0, Dapr on) gets the daprd sidecar
injected with its own runAsNonRoot: true, and kubelet refuses to create it.

The `unknown field "spec.template.spec.securityContext.capabilities"` warning was printed by the
API server to helm at install time and the field was dropped: no object keeps a warning. What the
cluster does keep is helm's release record, whose manifest still has `capabilities` at pod level.
Run: .venv/bin/python scripts/make_dapr_local.py
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
    meta,
    namespace,
    pod,
    pod_template,
    replicaset,
    running,
    service,
    terminated,
    waiting,
    write_list,
    write_timeline,
)
from scenario_kit import (
    DOCKERD_NODE_ANNOTATIONS,
    SCENARIOS,
    Clock,
    helm_release_secret,
    hexdigest,
    node_conditions,
    node_labels,
    owner_ref,
    ts,
    uid,
    write_log,
)
from scenario_kit import node as kube_node

from kubetriage.core import helm

NS = "default"
ROOT = SCENARIOS / "dapr-local"
clock = Clock("2026-01-07T15:20:00Z")
NODE, NODE_IP = "minikube", "192.168.49.2"
K8S = "v1.34.0"
RUNTIME = "docker"
APP, IMAGE = "backend-api", "backend-api:latest"
OLD_IMAGE_ID = f"docker://sha256:{hexdigest('backend-api', 'no-dapr')}"
NEW_IMAGE_ID = f"docker://sha256:{hexdigest('backend-api', 'root-local')}"
DAPR = "1.14.4"
DAPRD = f"ghcr.io/dapr/daprd:{DAPR}"
A_HASH, B_HASH = "6d9c7b8f5d", "7f5b9c6d48"
POD_A, POD_B = f"{APP}-{A_HASH}-wq7zk", f"{APP}-{B_HASH}-8ncv4"
CHART = "backend-api-0.1.0"
HELM = {"meta.helm.sh/release-name": APP, "meta.helm.sh/release-namespace": NS}
PERMISSION_DENIED = ("/usr/local/bin/python3.13: can't open file '/root/.local/bin/uvicorn': "
                     "[Errno 13] Permission denied")


def node() -> dict:
    created = clock.ago(days=1, hours=3)
    labels = node_labels(NODE, {
        "minikube.k8s.io/commit": "65318f4cfff9c12cc87ec9eb8f4cdd57b25047f3",
        "minikube.k8s.io/name": NODE, "minikube.k8s.io/primary": "true",
        "minikube.k8s.io/updated_at": f"{created:%Y_%m_%dT%H_%M_%S_0700}",
        "minikube.k8s.io/version": "v1.37.0", "node-role.kubernetes.io/control-plane": "",
        "node.kubernetes.io/exclude-from-external-load-balancers": ""})
    return kube_node(meta(NODE, None, created, labels=labels,
                          annotations=DOCKERD_NODE_ANNOTATIONS),
                     ip=NODE_IP, pod_cidr="10.244.0.0/24",
                     allocatable={"cpu": "16", "ephemeral-storage": "1055762868Ki",
                                  "hugepages-1Gi": "0", "hugepages-2Mi": "0",
                                  "memory": "16283248Ki", "pods": "110"},
                     conditions=node_conditions(clock.s(seconds=12), ts(created)),
                     boot_id=uid(NODE, "boot"), runtime="docker://28.4.0",
                     kernel="6.6.87.2-microsoft-standard-WSL2", kubelet=K8S, kube_proxy="",
                     machine_id=hexdigest(NODE, n=32), os_image="Ubuntu 22.04.5 LTS",
                     system_uuid=uid(NODE, "system"))


def app_container(dapr: bool) -> dict:
    env = [{"name": "ENVIRONMENT", "value": "local"},
           {"name": "KAFKA_BOOTSTRAP_SERVERS", "value": "host.minikube.internal:9092"},
           {"name": "DATABASE_URL", "valueFrom": {"secretKeyRef": {
               "key": "database-url", "name": "backend-api-secrets"}}}]
    if dapr:  # what the sidecar injector adds to the app container
        env += [{"name": "DAPR_HTTP_PORT", "value": "3500"},
                {"name": "DAPR_GRPC_PORT", "value": "50001"}]
    return container(APP, IMAGE, pull="IfNotPresent", env=env,
                     ports=[{"containerPort": 8000, "name": "http", "protocol": "TCP"}],
                     probes={"livenessProbe": http_probe("/health", "http", initial=10),
                             "readinessProbe": http_probe("/health", "http", initial=5)},
                     resources={"limits": {"cpu": "500m", "memory": "512Mi"},
                                "requests": {"cpu": "100m", "memory": "256Mi"}},
                     security={"allowPrivilegeEscalation": False})


def daprd(pod_name: str) -> dict:
    args = ["/daprd", "--dapr-http-port=3500", "--dapr-grpc-port=50001",
            "--dapr-internal-grpc-port=50002", "--dapr-listen-addresses=[::1],127.0.0.1",
            "--dapr-public-port=3501", f"--app-id={APP}", "--app-port=8000",
            "--app-protocol=http", "--control-plane-address=dapr-api.dapr-system.svc.cluster.local:443",
            "--placement-host-address=dapr-placement-server.dapr-system.svc.cluster.local:50005",
            "--scheduler-host-address=dapr-scheduler-server-0.dapr-scheduler-server.dapr-system"
            ".svc.cluster.local:50006",
            "--sentry-address=dapr-sentry.dapr-system.svc.cluster.local:443",
            "--mode=kubernetes", "--log-level=info", "--enable-metrics=true",
            "--metrics-port=9090", "--enable-mtls=true", "--config=dapr-config-local"]
    c = container("daprd", DAPRD, args=args,
                  env=[{"name": "DAPR_HOST_IP", "valueFrom": {"fieldRef": {
                          "apiVersion": "v1", "fieldPath": "status.podIP"}}},
                       {"name": "NAMESPACE", "value": NS},
                       {"name": "POD_NAME", "valueFrom": {"fieldRef": {
                           "apiVersion": "v1", "fieldPath": "metadata.name"}}},
                       {"name": "DAPR_CONTROLPLANE_NAMESPACE", "value": "dapr-system"},
                       {"name": "SENTRY_LOCAL_IDENTITY", "value": f"{NS}:default"}],
                  ports=[{"containerPort": 3500, "name": "dapr-http", "protocol": "TCP"},
                         {"containerPort": 50001, "name": "dapr-grpc", "protocol": "TCP"},
                         {"containerPort": 50002, "name": "dapr-internal", "protocol": "TCP"},
                         {"containerPort": 9090, "name": "dapr-metrics", "protocol": "TCP"}],
                  probes={"livenessProbe": http_probe("/v1.0/healthz", 3501, initial=3,
                                                      period=6, timeout=3),
                          "readinessProbe": http_probe("/v1.0/healthz", 3501, initial=3,
                                                       period=6, timeout=3)},
                  # runAsNonRoot comes from the injector (sidecarRunAsNonRoot defaults to true);
                  # the user is the pod's: 0, set in values-local.yaml
                  security={"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]},
                            "readOnlyRootFilesystem": True, "runAsNonRoot": True,
                            "seccompProfile": {"type": "RuntimeDefault"}},
                  mounts=[{"mountPath": "/var/run/secrets/dapr.io/sentrytoken",
                           "name": "dapr-identity-token", "readOnly": True}])
    return c


def template(dapr: bool) -> dict:
    labels = {"app.kubernetes.io/instance": APP, "app.kubernetes.io/name": APP}
    if not dapr:
        return pod_template(labels, [app_container(False)],
                            security={"fsGroup": 1000, "runAsNonRoot": True, "runAsUser": 1000})
    return pod_template(labels, [app_container(True)],
                        annotations={"dapr.io/app-id": APP, "dapr.io/app-port": "8000",
                                     "dapr.io/config": "dapr-config-local",
                                     "dapr.io/enabled": "true"},
                        security={"fsGroup": 1000, "runAsNonRoot": False, "runAsUser": 0})


def backend(events: list, logs: list) -> list[dict]:
    labels = {"app.kubernetes.io/instance": APP, "app.kubernetes.io/managed-by": "Helm",
              "app.kubernetes.io/name": APP, "app.kubernetes.io/version": "1.0.0",
              "helm.sh/chart": CHART}
    created = clock.ago(minutes=41)
    t1, t2 = template(False), template(True)
    deploy = deployment(APP, NS, created, labels=labels,
                        selector={"app.kubernetes.io/instance": APP,
                                  "app.kubernetes.io/name": APP},
                        template=t2, replicas=1, revision=2, generation=2, annotations=HELM,
                        status={"conditions": [
                            {"lastTransitionTime": ts(created), "lastUpdateTime": ts(created),
                             "message": "Deployment does not have minimum availability.",
                             "reason": "MinimumReplicasUnavailable", "status": "False",
                             "type": "Available"},
                            {"lastTransitionTime": ts(created),
                             "lastUpdateTime": clock.s(minutes=3),
                             "message": f'ReplicaSet "{APP}-{B_HASH}" is progressing.',
                             "reason": "ReplicaSetUpdated", "status": "True",
                             "type": "Progressing"}],
                            "replicas": 2, "unavailableReplicas": 2, "updatedReplicas": 1})
    rs_a = replicaset(deploy, A_HASH, created, template=t1, revision=1, replicas=1, ready=0)
    rs_b = replicaset(deploy, B_HASH, clock.ago(minutes=3), template=t2, revision=2, replicas=1,
                      ready=0)
    a_uid = uid(NS, POD_A, ts(created))
    last = terminated(1, "Error", clock.ago(minutes=2, seconds=13), clock.ago(minutes=2, seconds=10),
                      POD_A + "12")
    a = pod(POD_A, NS, created, template=rs_a["spec"]["template"], owner=owner_ref(rs_a),
            node=NODE, host_ip=NODE_IP, pod_ip="10.244.0.14", phase="Running", qos="Burstable",
            runtime=RUNTIME, statuses=[waiting(
                APP, IMAGE, "CrashLoopBackOff", f"back-off 5m0s restarting failed container="
                f"{APP} pod={POD_A}_{NS}({a_uid})", image_id=OLD_IMAGE_ID, restarts=12,
                last=last)])
    b_created = clock.ago(minutes=3)
    b_uid = uid(NS, POD_B, ts(b_created))
    b_tmpl = {"metadata": {**rs_b["spec"]["template"]["metadata"],
                           "labels": {**rs_b["spec"]["template"]["metadata"]["labels"],
                                      "dapr.io/app-id": APP, "dapr.io/metrics-enabled": "true",
                                      "dapr.io/sidecar-injected": "true"}},
              "spec": {**rs_b["spec"]["template"]["spec"],
                       "containers": rs_b["spec"]["template"]["spec"]["containers"] + [
                           daprd(POD_B)],
                       "volumes": [{"name": "dapr-identity-token", "projected": {
                           "defaultMode": 420, "sources": [{"serviceAccountToken": {
                               "audience": "spiffe://cluster.local/ns/dapr-system/dapr-sentry",
                               "expirationSeconds": 7200, "path": "token"}}]}}]}}
    denied = (f"container's runAsUser breaks non-root policy (pod: \"{POD_B}_{NS}({b_uid})\", "
              "container: daprd)")
    b = pod(POD_B, NS, b_created, template=b_tmpl, owner=owner_ref(rs_b), node=NODE,
            host_ip=NODE_IP, pod_ip="10.244.0.17", phase="Running", qos="Burstable",
            runtime=RUNTIME, ready_since=b_created + timedelta(seconds=2), statuses=[
                running(APP, IMAGE, NEW_IMAGE_ID, b_created + timedelta(seconds=2),
                        cid_seed=POD_B),
                waiting("daprd", DAPRD, "CreateContainerConfigError", denied)])
    for st in b["status"]["containerStatuses"]:
        if st["name"] == APP:  # Ready only counts for the pod when every container is
            st["ready"] = True
    fp_a = fp_app = f"spec.containers{{{APP}}}"
    fp_d = "spec.containers{daprd}"
    events += [
        event(NS, a, "BackOff", f"Back-off restarting failed container {APP} in pod "
              f"{POD_A}_{NS}({a_uid})", type_="Warning", count=178, first=clock.ago(minutes=40),
              last=clock.ago(seconds=8), host=NODE, field_path=fp_a),
        event(NS, a, "Pulled", f'Container image "{IMAGE}" already present on machine',
              count=13, first=created, last=clock.ago(minutes=2, seconds=13), host=NODE,
              field_path=fp_a),
        event(NS, a, "Created", f"Created container: {APP}", count=13, first=created,
              last=clock.ago(minutes=2, seconds=13), host=NODE, field_path=fp_a),
        event(NS, a, "Started", f"Started container {APP}", count=13, first=created,
              last=clock.ago(minutes=2, seconds=13), host=NODE, field_path=fp_a),
        event(NS, b, "Scheduled", f"Successfully assigned {NS}/{POD_B} to {NODE}",
              first=b_created, component="default-scheduler"),
        event(NS, b, "Pulled", f'Container image "{IMAGE}" already present on machine',
              first=b_created + timedelta(seconds=1), host=NODE, field_path=fp_app),
        event(NS, b, "Created", f"Created container: {APP}", first=b_created + timedelta(seconds=1),
              host=NODE, field_path=fp_app),
        event(NS, b, "Started", f"Started container {APP}", first=b_created + timedelta(seconds=2),
              host=NODE, field_path=fp_app),
        event(NS, b, "Pulled", f'Container image "{DAPRD}" already present on machine', count=15,
              first=b_created + timedelta(seconds=2), last=clock.ago(seconds=6), host=NODE,
              field_path=fp_d),
        event(NS, b, "Failed", f"Error: {denied}", type_="Warning", count=15,
              first=b_created + timedelta(seconds=2), last=clock.ago(seconds=6), host=NODE,
              field_path=fp_d),
        event(NS, deploy, "ScalingReplicaSet", f"Scaled up replica set {APP}-{B_HASH} from 0 to 1",
              first=b_created, component="deployment-controller"),
    ]
    crash = module_not_found()
    logs += [(POD_A, APP, crash, False), (POD_A, APP, crash, True),
             (POD_B, APP, "\n".join([
                 "INFO:     Started server process [1]",
                 "INFO:     Waiting for application startup.",
                 "WARNING:  Dapr sidecar not reachable at 127.0.0.1:3500; events will not be "
                 "published",
                 "INFO:     Application startup complete.",
                 "INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)"] + [
                 f'INFO:     10.244.0.1:{38000 + i * 7} - "GET /health HTTP/1.1" 200 OK'
                 for i in range(17)]), False)]
    svc = service(APP, NS, created, labels=labels, annotations=HELM,
                  selector={"app.kubernetes.io/instance": APP, "app.kubernetes.io/name": APP},
                  cluster_ip="10.103.84.212", type_="NodePort",
                  ports=[{"name": "http", "nodePort": 30081, "port": 8000, "protocol": "TCP",
                          "targetPort": "http"}])
    return [deploy, rs_a, rs_b, a, b, svc]


def module_not_found() -> str:
    site = "/usr/local/lib/python3.13/site-packages"
    return "\n".join([
        "Traceback (most recent call last):",
        '  File "/usr/local/bin/uvicorn", line 8, in <module>',
        "    sys.exit(main())",
        "             ~~~~^^",
        f'  File "{site}/click/core.py", line 1462, in __call__',
        "    return self.main(*args, **kwargs)",
        f'  File "{site}/click/core.py", line 1383, in main',
        "    rv = self.invoke(ctx)",
        f'  File "{site}/click/core.py", line 1246, in invoke',
        "    return ctx.invoke(self.callback, **ctx.params)",
        f'  File "{site}/click/core.py", line 814, in invoke',
        "    return callback(*args, **kwargs)",
        f'  File "{site}/uvicorn/main.py", line 413, in main',
        "    run(",
        f'  File "{site}/uvicorn/main.py", line 580, in run',
        "    server.run()",
        f'  File "{site}/uvicorn/server.py", line 67, in run',
        "    return asyncio.run(self.serve(sockets=sockets))",
        '  File "/usr/local/lib/python3.13/asyncio/runners.py", line 195, in run',
        "    return runner.run(main)",
        '  File "/usr/local/lib/python3.13/asyncio/runners.py", line 118, in run',
        "    return self._loop.run_until_complete(task)",
        '  File "uvloop/loop.pyx", line 1518, in uvloop.loop.Loop.run_until_complete',
        f'  File "{site}/uvicorn/server.py", line 71, in serve',
        "    await self._serve(sockets)",
        f'  File "{site}/uvicorn/server.py", line 78, in _serve',
        "    config.load()",
        f'  File "{site}/uvicorn/config.py", line 436, in load',
        "    self.loaded_app = import_from_string(self.app)",
        f'  File "{site}/uvicorn/importer.py", line 19, in import_from_string',
        "    module = importlib.import_module(module_str)",
        '  File "/usr/local/lib/python3.13/importlib/__init__.py", line 88, in import_module',
        "    return _bootstrap._gcd_import(name[level:], package, level)",
        '  File "<frozen importlib._bootstrap>", line 1387, in _gcd_import',
        '  File "<frozen importlib._bootstrap>", line 1360, in _find_and_load',
        '  File "<frozen importlib._bootstrap>", line 1331, in _find_and_load_unlocked',
        '  File "<frozen importlib._bootstrap>", line 935, in _load_unlocked',
        '  File "<frozen importlib._bootstrap_external>", line 1026, in exec_module',
        '  File "<frozen importlib._bootstrap>", line 488, in _call_with_frames_removed',
        '  File "/app/main.py", line 12, in <module>',
        "    from app.events.publisher import EventPublisher",
        '  File "/app/app/events/publisher.py", line 9, in <module>',
        "    from dapr.clients import DaprClient",
        "ModuleNotFoundError: No module named 'dapr'"])


def helm_releases() -> list[dict]:
    """helm's release records; revision 1's manifest is where the pod-level capabilities live."""
    out = []
    for version, status, desc, dapr, t in ((1, "superseded", "Install complete", False,
                                            clock.ago(minutes=41)),
                                           (2, "deployed", "Upgrade complete", True,
                                            clock.ago(minutes=3))):
        sc = ("  securityContext:\n    fsGroup: 1000\n    runAsNonRoot: false\n    runAsUser: 0\n"
              if dapr else
              "  securityContext:\n    runAsNonRoot: true\n    runAsUser: 1000\n    fsGroup: 1000\n"
              "    capabilities:\n      drop:\n      - ALL\n")
        ann = ('      annotations:\n        dapr.io/enabled: "true"\n        dapr.io/app-id: '
               '"backend-api"\n        dapr.io/app-port: "8000"\n        dapr.io/config: '
               '"dapr-config-local"\n' if dapr else "")
        manifest = (
            "---\n# Source: backend-api/templates/service.yaml\napiVersion: v1\nkind: Service\n"
            "metadata:\n  name: backend-api\nspec:\n  type: NodePort\n  ports:\n  - port: 8000\n"
            "    targetPort: http\n    nodePort: 30081\n    name: http\n  selector:\n"
            "    app.kubernetes.io/name: backend-api\n    app.kubernetes.io/instance: backend-api\n"
            "---\n# Source: backend-api/templates/deployment.yaml\napiVersion: apps/v1\n"
            "kind: Deployment\nmetadata:\n  name: backend-api\nspec:\n  replicas: 1\n"
            "  template:\n    metadata:\n" + ann +
            "    spec:\n" + "\n".join("    " + line for line in sc.splitlines()) + "\n"
            "      containers:\n      - name: backend-api\n        image: \"backend-api:latest\"\n"
            "        imagePullPolicy: IfNotPresent\n")
        release = {"name": APP, "namespace": NS, "version": version,
                   "info": {"first_deployed": ts(clock.ago(minutes=41)), "last_deployed": ts(t),
                            "deleted": "", "description": desc, "status": status},
                   "chart": {"metadata": {"name": APP, "version": "0.1.0", "appVersion": "1.0.0",
                                          "apiVersion": "v2", "type": "application",
                                          "description": "Backend API for the task manager"}},
                   "config": ({"podAnnotations": {"dapr.io/enabled": "true"},
                               "securityContext": {"fsGroup": 1000, "runAsNonRoot": False,
                                                   "runAsUser": 0}} if dapr else {}),
                   "manifest": manifest}
        out.append(helm_release_secret(release, meta(helm.secret_name(APP, version), NS, t),
                                       modified_at=t, go_json=False))
    return out


def control_plane() -> list[dict]:
    """kube-system and dapr-system as `minikube start` and `dapr init -k` leave them."""
    objs: list[dict] = []
    objs += healthy_workload(clock, "coredns", "kube-system", node=NODE, host_ip=NODE_IP,
                             pod_ip="10.244.0.2", image="registry.k8s.io/coredns/coredns:v1.12.1",
                             image_id="docker-pullable://registry.k8s.io/coredns/coredns@sha256:"
                                      + hexdigest("coredns"),
                             pod_hash="66bc5c9577", labels={"k8s-app": "kube-dns"},
                             age={"days": 1, "hours": 3}, qos="Burstable", runtime=RUNTIME,
                             resources={"limits": {"memory": "170Mi"},
                                        "requests": {"cpu": "100m", "memory": "70Mi"}})
    dapr_labels = lambda name: {"app": name, "app.kubernetes.io/component": name.split("-")[1],  # noqa: E731
                                "app.kubernetes.io/managed-by": "helm",
                                "app.kubernetes.io/name": "dapr", "app.kubernetes.io/part-of": "dapr",
                                "app.kubernetes.io/version": DAPR}
    for name, image, hash_, ip in (("dapr-operator", "operator", "7c8b6d9f54", "10.244.0.5"),
                                   ("dapr-sentry", "sentry", "5d8f7c4b96", "10.244.0.6"),
                                   ("dapr-sidecar-injector", "injector", "6f9d5b8c47", "10.244.0.7"),
                                   ("dapr-placement-server", "placement", "84b7c9d65f",
                                    "10.244.0.8"),
                                   ("dapr-scheduler-server", "scheduler", "9c6d4f7b58",
                                    "10.244.0.9")):
        img = f"ghcr.io/dapr/{image}:{DAPR}"
        workload = healthy_workload(clock, name, "dapr-system", node=NODE, host_ip=NODE_IP,
                                 pod_ip=ip, image=img, image_id="docker-pullable://ghcr.io/dapr/"
                                 f"{image}@sha256:{hexdigest(img)}", pod_hash=hash_,
                                 labels=dapr_labels(name), age={"hours": 2, "minutes": 10},
                                 annotations={"meta.helm.sh/release-name": "dapr",
                                              "meta.helm.sh/release-namespace": "dapr-system"},
                                 sa=name.replace("-server", ""), runtime=RUNTIME)
        objs += as_statefulset(workload) if name.endswith("-server") else workload
    return objs


def as_statefulset(workload: list[dict]) -> list[dict]:
    """placement and scheduler run as StatefulSets: <name>-0, no ReplicaSet."""
    deploy, _, p = workload
    name, hash_ = deploy["metadata"]["name"], p["metadata"]["labels"]["pod-template-hash"]
    sts = {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": deploy["metadata"],
           "spec": {"persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain",
                                                             "whenScaled": "Retain"},
                    "podManagementPolicy": "Parallel", "replicas": 1, "revisionHistoryLimit": 10,
                    "selector": deploy["spec"]["selector"], "serviceName": name,
                    "template": deploy["spec"]["template"],
                    "updateStrategy": {"rollingUpdate": {"partition": 0},
                                       "type": "RollingUpdate"}},
           "status": {"availableReplicas": 1, "collisionCount": 0, "currentReplicas": 1,
                      "currentRevision": f"{name}-{hash_}", "observedGeneration": 1,
                      "readyReplicas": 1, "replicas": 1, "updateRevision": f"{name}-{hash_}",
                      "updatedReplicas": 1}}
    sts["metadata"].get("annotations", {}).pop("deployment.kubernetes.io/revision", None)
    sts["metadata"]["generation"] = 1
    pod_name = f"{name}-0"
    labels = {k: v for k, v in p["metadata"]["labels"].items() if k != "pod-template-hash"}
    labels.update({"apps.kubernetes.io/pod-index": "0",
                   "controller-revision-hash": f"{name}-{hash_}",
                   "statefulset.kubernetes.io/pod-name": pod_name})
    p["metadata"].update(name=pod_name, labels=labels, ownerReferences=[owner_ref(sts)],
                         uid=uid("dapr-system", pod_name))
    p["spec"].update(hostname=pod_name, subdomain=name)
    return [sts, p]


DESCRIPTION = ("seed 004: Minikube on WSL2; backend-api crash-loops on ModuleNotFoundError: No module "
               "named 'dapr', then on Permission denied for /root/.local/bin/uvicorn; its Dapr "
               "revision's daprd sidecar is refused: container's runAsUser breaks non-root policy")


def timeline(events: list[dict]) -> list[dict]:
    """The rebuilt image (Dapr SDK in /root/.local) meets uid 1000 at pod A's next start, 170 s in."""
    backoff, pulled, created, started = events[:4]
    dapr_pulled, dapr_failed = events[8:10]
    status = lambda state, last, restarts, started_: {"status": {"containerStatuses": [{  # noqa: E731
        "containerID": f"docker://{hexdigest(POD_A, str(restarts))}", "image": IMAGE,
        "imageID": NEW_IMAGE_ID, "lastState": {"terminated": last}, "name": APP,
        "ready": False, "restartCount": restarts, "started": started_, "state": state}]}}
    pod_ref = {"apiVersion": "v1", "kind": "Pod", "namespace": NS, "name": POD_A}
    crashloop = {"waiting": {"reason": "CrashLoopBackOff", "message": (
        f"back-off 5m0s restarting failed container={APP} pod={POD_A}_{NS}"
        f"({uid(NS, POD_A, ts(clock.ago(minutes=41)))})")}}
    return [
        bump(backoff, 5, 15), bump(dapr_pulled, 9, 15), bump(dapr_failed, 9, 15),
        {"at": 169, "patch": {**pod_ref, "merge": status({"running": {}}, {
            "exitCode": 1, "reason": "Error"}, 12, True)}},
        {"at": 170, "restart": {"namespace": NS, "pod": POD_A, "container": APP}},
        {"at": 170.5, "log": {"namespace": NS, "pod": POD_A, "container": APP,
                              "lines": [PERMISSION_DENIED]}},
        bump(pulled, 170), bump(created, 170), bump(started, 170),
        {"at": 171, "patch": {**pod_ref, "merge": status(crashloop, {
            "exitCode": 2, "reason": "Error"}, 13, False)}},
        {"at": 471, "every": 300, "restart": {"namespace": NS, "pod": POD_A, "container": APP}},
    ]


def main() -> None:
    if ROOT.exists():
        shutil.rmtree(ROOT)
    events: list[dict] = []
    logs: list[tuple] = []
    app_objs = backend(events, logs)
    namespaces = [namespace(n, clock.ago(days=1, hours=3)) for n in
                  ("default", "kube-system", "kube-public", "kube-node-lease")]
    namespaces.append(namespace("dapr-system", clock.ago(hours=2, minutes=10)))
    write_list(ROOT / "cluster.yaml", namespaces + [node()])
    write_list(ROOT / "control-plane.yaml", control_plane())
    write_list(ROOT / "backend-api.yaml", app_objs + helm_releases())
    write_list(ROOT / "events.yaml", events)
    for pod_name, cont, text, previous in logs:
        write_log(ROOT, NS, pod_name, cont, text, previous=previous)
    write_timeline(ROOT, "make_dapr_local.py", DESCRIPTION, ts(clock.now), timeline(events))


if __name__ == "__main__":
    main()
