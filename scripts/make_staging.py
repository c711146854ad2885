"""Writes kubetriage/scenarios/staging/ from seed 003 (the GKE staging fix report, 2025-11-06).

The moment is 16:50 UTC, before the first fix (16:54): the Keycloak NetworkPolicy admits JGroups
(7800) and management (9000) traffic from keycloak pods on ingress but has no egress rule for
them; the new MCP image dies at import with `RuntimeError: Observability not initialized`; the
previous one runs but its health routes are mounted twice (/health/health/...), so every probe
gets 404; its Cloud SQL proxy sidecar is probed on 9801 without `--health-check`, so nothing
listens there. Manifests follow the project's deployments/overlays/staging-gke at that commit.
Run: .venv/bin/python scripts/make_staging.py
"""

from __future__ import annotations

import shutil
from datetime import timedelta

from scenario_builders import (
    bump,
    container,
    deployment,
    event,
    http_probe,
    image_id,
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

NS = "staging-mcp-server-langgraph"
ROOT = SCENARIOS / "staging"
clock = Clock("2025-11-06T16:50:00Z")
GKE = "v1.33.5-gke.1080000"
PROJECT = "vishnu-sandbox-20250310"
INSTANCE = f"{PROJECT}:us-central1:staging-mcp-slg-postgres"
PROXY_IMAGE = "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.1"
KEYCLOAK_IMAGE = "quay.io/keycloak/keycloak:26.4.2"
AGENT = f"us-central1-docker.pkg.dev/{PROJECT}/mcp-staging/agent"
OLD_IMAGE, NEW_IMAGE = f"{AGENT}:staging-4d1c7a2", f"{AGENT}:staging-9cdd80e"
NODES = [("gk3-staging-mcp-slg-gke-pool-2-8f3a2c1d-7kq2", "10.128.0.41", "10.8.1.0/26"),
         ("gk3-staging-mcp-slg-gke-pool-2-8f3a2c1d-w9xh", "10.128.0.42", "10.8.2.0/26"),
         ("gk3-staging-mcp-slg-gke-pool-2-8f3a2c1d-zc5m", "10.128.0.43", "10.8.3.0/26")]
COMMON_ANN = {"cloud-provider": "google", "environment": "staging", "managed-by": "kustomize",
              "platform": "gcp"}
COMMON_LABELS = {"cloud": "gcp", "environment": "staging", "platform": "gke"}

KC_HASH = "5847455794"
KC_OK, KC_BAD = f"staging-keycloak-{KC_HASH}-2wdjr", f"staging-keycloak-{KC_HASH}-q7xvd"
KC_OK_IP, KC_BAD_IP = "10.8.1.23", "10.8.2.17"
KC_OK_ADDR, KC_BAD_ADDR = f"{KC_OK}-18934", f"{KC_BAD}-41273"
MCP = "staging-mcp-server-langgraph"
OLD_HASH, NEW_HASH = "6b8d9f7c54", "5c9f8d6b47"
OPENFGA_HASH, QDRANT_HASH = "c58f84668", "567d6fdb54"
SITE = "/opt/venv/lib/python3.12/site-packages/mcp_server_langgraph"


def node(name: str, ip: str, cidr: str) -> dict:
    created = clock.ago(days=2, hours=20)
    labels = node_labels(name, {
        "beta.kubernetes.io/instance-type": "e2-standard-4",
        "cloud.google.com/gke-boot-disk": "pd-balanced", "cloud.google.com/gke-nodepool": "pool-2",
        "cloud.google.com/gke-os-distribution": "cos", "cloud.google.com/machine-family": "e2",
        "node.kubernetes.io/instance-type": "e2-standard-4",
        "topology.kubernetes.io/region": "us-central1",
        "topology.kubernetes.io/zone": "us-central1-" + "abc"[int(ip[-1]) % 3]})
    return kube_node(meta(name, None, created, labels=labels, annotations={
                         "container.googleapis.com/instance_id": str(int(hexdigest(name, n=12), 16)),
                         "node.alpha.kubernetes.io/ttl": "0",
                         "volumes.kubernetes.io/controller-managed-attach-detach": "true"}),
                     ip=ip, pod_cidr=cidr, provider_id=f"gce://{PROJECT}/us-central1-a/{name}",
                     allocatable={"cpu": "3920m", "ephemeral-storage": "47060071478",
                                  "memory": "13903968Ki", "pods": "32"},
                     capacity={"cpu": "4", "ephemeral-storage": "98831908Ki",
                               "memory": "16393312Ki", "pods": "32"},
                     conditions=node_conditions(clock.s(seconds=33), ts(created)),
                     boot_id=uid(name, "boot"), runtime="containerd://2.0.6", kernel="6.6.97+",
                     kubelet=GKE, machine_id=hexdigest(name, n=32),
                     os_image="Container-Optimized OS from Google", system_uuid=uid(name, "system"))


def proxy(health: bool) -> dict:
    args = ["--structured-logs", "--port=5432"]
    if health:  # what keycloak-patch.yaml and openfga-patch.yaml pass; deployment-patch.yaml did not
        args += ["--http-port=9801", "--http-address=0.0.0.0", "--health-check"]
    args += ["--private-ip", INSTANCE]
    return container("cloud-sql-proxy", PROXY_IMAGE, args=args,
                     probes={"livenessProbe": http_probe("/liveness", 9801, initial=30, period=30,
                                                         timeout=10),
                             "readinessProbe": http_probe("/readiness", 9801, initial=10,
                                                          period=10, timeout=5)},
                     resources={"limits": {"cpu": "200m", "memory": "256Mi"},
                                "requests": {"cpu": "100m", "memory": "128Mi"}},
                     security={"allowPrivilegeEscalation": False,
                               "capabilities": {"drop": ["ALL"]}, "readOnlyRootFilesystem": True,
                               "runAsNonRoot": True, "runAsUser": 65532},
                     mounts=[{"mountPath": "/tmp", "name": "tmp"}])


def secret_env(name: str, key: str, optional: bool = False) -> dict:
    ref = {"key": key, "name": "staging-mcp-server-langgraph-secrets"}
    if optional:
        ref["optional"] = True
    return {"name": name, "valueFrom": {"secretKeyRef": ref}}


def keycloak_template() -> dict:
    kc = container("keycloak", KEYCLOAK_IMAGE, args=["start"],
                   env=[secret_env("KEYCLOAK_ADMIN", "keycloak-admin-user"),
                        secret_env("KEYCLOAK_ADMIN_PASSWORD", "keycloak-admin-password"),
                        {"name": "KC_DB", "value": "postgres"},
                        {"name": "KC_DB_URL", "value": "jdbc:postgresql://127.0.0.1:5432/keycloak"},
                        secret_env("KC_DB_USERNAME", "postgres-username"),
                        secret_env("KC_DB_PASSWORD", "keycloak-db-password"),
                        {"name": "KC_HEALTH_ENABLED", "value": "true"},
                        {"name": "KC_HTTP_ENABLED", "value": "true"},
                        {"name": "KC_HOSTNAME_STRICT", "value": "false"},
                        {"name": "KC_PROXY_HEADERS", "value": "xforwarded"},
                        {"name": "KC_CACHE", "value": "ispn"}],
                   ports=[{"containerPort": 8080, "name": "http", "protocol": "TCP"},
                          {"containerPort": 8443, "name": "https", "protocol": "TCP"},
                          {"containerPort": 9000, "name": "management", "protocol": "TCP"}],
                   probes={"startupProbe": http_probe("/health", "management", initial=30,
                                                      period=5, timeout=3, failure=60),
                           "livenessProbe": http_probe("/health", "management", initial=60,
                                                       period=10, timeout=5),
                           "readinessProbe": http_probe("/health/ready", "management",
                                                        initial=30, period=5, timeout=3)},
                   resources={"limits": {"cpu": "1", "memory": "1Gi"},
                              "requests": {"cpu": "500m", "memory": "512Mi"}},
                   mounts=[{"mountPath": "/tmp", "name": "tmp"},
                           {"mountPath": "/opt/keycloak/data", "name": "cache"}])
    return pod_template({"app": "keycloak", "component": "identity"}, [kc, proxy(True)],
                        annotations=COMMON_ANN, sa="staging-keycloak",
                        security={"fsGroup": 1000, "runAsNonRoot": True, "runAsUser": 1000},
                        volumes=[{"emptyDir": {}, "name": "tmp"}, {"emptyDir": {}, "name": "cache"}])


def mcp_template(image: str) -> dict:
    app = container(
        "mcp-server-langgraph", image,
        env=[{"name": "SERVICE_NAME", "value": "mcp-server-langgraph"},
             {"name": "ENVIRONMENT", "valueFrom": {"configMapKeyRef": {
                 "key": "environment", "name": "staging-mcp-server-langgraph-config"}}},
             {"name": "OTLP_ENDPOINT", "value": "http://staging-otel-collector:4317"},
             {"name": "VERTEX_PROJECT", "value": PROJECT},
             {"name": "VERTEX_LOCATION", "value": "us-central1"},
             secret_env("ANTHROPIC_API_KEY", "anthropic-api-key"),
             secret_env("GOOGLE_API_KEY", "google-api-key"),
             secret_env("JWT_SECRET_KEY", "jwt-secret"),
             secret_env("REDIS_HOST", "redis-host"),
             secret_env("REDIS_PASSWORD", "redis-password"),
             {"name": "POSTGRES_USER", "value": "keycloak"},
             secret_env("POSTGRES_PASSWORD", "keycloak-db-password"),
             secret_env("OPENFGA_STORE_ID", "openfga-store-id", optional=True),
             secret_env("KEYCLOAK_CLIENT_SECRET", "keycloak-client-secret", optional=True)],
        ports=[{"containerPort": 8000, "name": "http", "protocol": "TCP"}],
        probes={"startupProbe": http_probe("/health/startup", "http", initial=10, period=5,
                                           timeout=3, failure=30),
                "livenessProbe": http_probe("/health/live", 8000, initial=30, period=30,
                                            timeout=5),
                "readinessProbe": http_probe("/health/ready", 8000, initial=10, period=10,
                                             timeout=5)},
        resources={"limits": {"cpu": "1", "memory": "1Gi"},
                   "requests": {"cpu": "500m", "memory": "512Mi"}},
        security={"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]},
                  "readOnlyRootFilesystem": False})
    init = [container(f"wait-for-{svc}", "busybox:1.36", command=["sh", "-c"],
                      args=[f'until nc -z staging-{svc} 8080; do\n  echo "Waiting for '
                            f'{svc.capitalize()}..."\n  sleep 2\ndone\necho "'
                            f'{svc.capitalize()} is ready!"\n'],
                      resources={"limits": {"cpu": "500m", "memory": "256Mi"},
                                 "requests": {"cpu": "500m", "memory": "128Mi"}},
                      security={"allowPrivilegeEscalation": False,
                                "capabilities": {"drop": ["ALL"]}, "runAsNonRoot": True,
                                "runAsUser": 65534})
            for svc in ("openfga", "keycloak")]
    return pod_template({"app": "mcp-server-langgraph"}, [app, proxy(False)], init=init,
                        annotations=COMMON_ANN, sa="staging-mcp-server-langgraph",
                        security={"fsGroup": 1000, "runAsNonRoot": True, "runAsUser": 1000,
                                  "seccompProfile": {"type": "RuntimeDefault"}},
                        volumes=[{"emptyDir": {}, "name": "tmp"}])


def _deploy(name, created, tmpl, replicas, revision, status, **kw):
    labels = {**COMMON_LABELS, **tmpl["metadata"]["labels"]}
    return deployment(name, NS, created, labels=labels,
                      selector={"app": tmpl["metadata"]["labels"]["app"]}, template=tmpl,
                      replicas=replicas, revision=revision, generation=revision,
                      annotations=COMMON_ANN, status=status, **kw)


def _avail(ok: bool, since, rs_name: str, progressing: tuple[str, str, str] | None = None):
    avail = ({"message": "Deployment has minimum availability.",
              "reason": "MinimumReplicasAvailable", "status": "True"} if ok else
             {"message": "Deployment does not have minimum availability.",
              "reason": "MinimumReplicasUnavailable", "status": "False"})
    reason, status, message = progressing or (
        "NewReplicaSetAvailable", "True", f'ReplicaSet "{rs_name}" has successfully progressed.')
    return [{**avail, "lastTransitionTime": ts(since), "lastUpdateTime": ts(since),
             "type": "Available"},
            {"lastTransitionTime": ts(since), "lastUpdateTime": ts(since), "message": message,
             "reason": reason, "status": status, "type": "Progressing"}]


def _init_done(pod_name: str, started) -> list[dict]:
    return [{"containerID": f"containerd://{hexdigest(pod_name, svc)}", "image": "busybox:1.36",
             "imageID": image_id("busybox:1.36"), "lastState": {}, "name": f"wait-for-{svc}",
             "ready": True, "restartCount": 0, "started": False,
             "state": {"terminated": {"containerID": f"containerd://{hexdigest(pod_name, svc)}",
                                      "exitCode": 0, "finishedAt": ts(started + timedelta(
                                          seconds=4 + i)), "reason": "Completed",
                                      "startedAt": ts(started + timedelta(seconds=2 + i))}}}
            for i, svc in enumerate(("openfga", "keycloak"))]


def keycloak(events: list, logs: list) -> list[dict]:
    tmpl = keycloak_template()
    created = clock.ago(hours=20, minutes=47)
    deploy = _deploy("staging-keycloak", created, tmpl, 2, 3, {
        "availableReplicas": 1, "conditions": _avail(False, clock.ago(minutes=38),
                                                     f"staging-keycloak-{KC_HASH}"),
        "readyReplicas": 1, "replicas": 2, "unavailableReplicas": 1, "updatedReplicas": 2})
    rs = replicaset(deploy, KC_HASH, clock.ago(hours=5, minutes=12), template=tmpl, revision=3,
                    replicas=2, ready=1)
    proxy_id = image_id(PROXY_IMAGE)
    kc_id = image_id(KEYCLOAK_IMAGE)
    ok_start = clock.ago(minutes=7)
    ok = pod(KC_OK, NS, ok_start, template=rs["spec"]["template"], owner=owner_ref(rs),
             node=NODES[0][0], host_ip=NODES[0][1], pod_ip=KC_OK_IP, phase="Running",
             qos="Burstable", ready_since=ok_start + timedelta(seconds=58),
             statuses=[running("keycloak", KEYCLOAK_IMAGE, kc_id, ok_start + timedelta(seconds=3),
                               cid_seed=KC_OK),
                       running("cloud-sql-proxy", PROXY_IMAGE, proxy_id,
                               ok_start + timedelta(seconds=3), cid_seed=KC_OK + "p")])
    bad_start = clock.ago(minutes=38)
    last = terminated(1, "Error", clock.ago(minutes=4, seconds=31), clock.ago(minutes=2, seconds=9),
                      KC_BAD + "6")
    bad = pod(KC_BAD, NS, bad_start, template=rs["spec"]["template"], owner=owner_ref(rs),
              node=NODES[1][0], host_ip=NODES[1][1], pod_ip=KC_BAD_IP, phase="Running",
              qos="Burstable", ready_since=clock.ago(minutes=4, seconds=31),
              statuses=[waiting("keycloak", KEYCLOAK_IMAGE, "CrashLoopBackOff",
                                "back-off 5m0s restarting failed container=keycloak "
                                f"pod={KC_BAD}_{NS}({uid(NS, KC_BAD, ts(bad_start))})",
                                image_id=kc_id, restarts=6, last=last),
                        running("cloud-sql-proxy", PROXY_IMAGE, proxy_id,
                                bad_start + timedelta(seconds=4), cid_seed=KC_BAD + "p")])
    fp = "spec.containers{keycloak}"
    host = NODES[1][0]
    events += [
        event(NS, bad, "BackOff", f"Back-off restarting failed container keycloak in pod "
              f"{KC_BAD}_{NS}({bad['metadata']['uid']})", type_="Warning", count=23,
              first=clock.ago(minutes=31), last=clock.ago(seconds=20), host=host, field_path=fp),
        event(NS, bad, "Pulled", f'Container image "{KEYCLOAK_IMAGE}" already present on '
              "machine", count=7, first=clock.ago(minutes=38), last=clock.ago(minutes=4,
                                                                               seconds=31),
              host=host, field_path=fp),
        event(NS, bad, "Created", "Created container: keycloak", count=7,
              first=clock.ago(minutes=38), last=clock.ago(minutes=4, seconds=31), host=host,
              field_path=fp),
        event(NS, bad, "Started", "Started container keycloak", count=7,
              first=clock.ago(minutes=38), last=clock.ago(minutes=4, seconds=31), host=host,
              field_path=fp),
        event(NS, bad, "Unhealthy", f'Startup probe failed: Get "http://{KC_BAD_IP}:9000/health": '
              f"dial tcp {KC_BAD_IP}:9000: connect: connection refused", type_="Warning",
              count=41, first=clock.ago(minutes=37, seconds=25),
              last=clock.ago(minutes=3, seconds=58), host=host, field_path=fp),
    ]
    logs += [(KC_BAD, "keycloak", _keycloak_crash(clock.ago(minutes=4, seconds=31)), False),
             (KC_BAD, "keycloak", _keycloak_crash(clock.ago(minutes=10, seconds=12)), True),
             (KC_OK, "keycloak", _keycloak_coordinator(ok_start), False),
             (KC_OK, "cloud-sql-proxy", _proxy_log(ok_start, health=True), False)]
    svc = service("staging-keycloak", NS, created, labels={**COMMON_LABELS, "app": "keycloak",
                                                           "component": "identity"},
                  selector={"app": "keycloak"}, cluster_ip="34.118.231.52",
                  annotations=COMMON_ANN,
                  ports=[{"name": "http", "port": 8080, "protocol": "TCP", "targetPort": 8080},
                         {"name": "https", "port": 8443, "protocol": "TCP", "targetPort": 8443}])
    return [deploy, rs, ok, bad, svc]


def _kc_line(t, level: str, category: str, thread: str, message: str) -> str:
    return f"{t:%Y-%m-%d %H:%M:%S},{t.microsecond // 1000:03d} {level:<5} [{category}] ({thread}) " \
           f"{message}"


def _keycloak_boot(t0) -> list[str]:
    return [
        "Updating the configuration and installing your custom providers, if any. Please wait.",
        _kc_line(t0 + timedelta(seconds=9, milliseconds=215), "INFO",
                 "io.quarkus.deployment.QuarkusAugmentor", "main",
                 "Quarkus augmentation completed in 7412ms"),
        _kc_line(t0 + timedelta(seconds=14, milliseconds=47), "INFO",
                 "org.keycloak.quarkus.runtime.storage.database.jpa."
                 "QuarkusJpaConnectionProviderFactory", "main",
                 "Database info: {databaseUrl=jdbc:postgresql://127.0.0.1:5432/keycloak, "
                 "databaseUser=keycloak, databaseProduct=PostgreSQL 15.14, "
                 "databaseDriver=PostgreSQL JDBC Driver 42.7.7}"),
        _kc_line(t0 + timedelta(seconds=17, milliseconds=603), "INFO",
                 "org.infinispan.CONTAINER", "main", "ISPN000556: Starting user marshaller "
                 "'org.infinispan.commons.marshall.ImmutableProtoStreamMarshaller'"),
        _kc_line(t0 + timedelta(seconds=18, milliseconds=12), "INFO", "org.infinispan.CLUSTER",
                 "main", "ISPN000078: Starting JGroups channel `ISPN` with stack `jdbc-ping`"),
    ]


def _keycloak_crash(t0) -> str:
    lines = _keycloak_boot(t0)
    me = KC_BAD_ADDR
    lines.append(_kc_line(t0 + timedelta(seconds=18, milliseconds=34), "INFO",
                          "org.jgroups.JChannel", "main", f"local_addr: "
                          f"{uid(me)}, name: {me}"))
    for attempt in range(10):
        t = t0 + timedelta(seconds=20 + attempt * 2, milliseconds=40 + attempt)
        lines.append(_kc_line(t, "WARN", "org.jgroups.protocols.TCP",
                              f"TQ-Bundler-4,{me}", f"JGRP000034: {me}: failure sending message "
                              f"to {KC_OK_IP}:7800: java.net.SocketTimeoutException: Connect "
                              "timed out"))
        lines.append(_kc_line(t + timedelta(milliseconds=3), "WARN",
                              "org.jgroups.protocols.pbcast.GMS", "main",
                              f"{me}: JOIN({me}) sent to {KC_OK_ADDR} timed out (after 2000 ms), "
                              f"on try {attempt}"))
    t = t0 + timedelta(seconds=100, milliseconds=512)
    for message in ("ERROR: Failed to start server in (production) mode",
                    "ERROR: Failed to start caches",
                    "ERROR: ISPN000476: Timed out waiting for responses for request 2 from "
                    f"{KC_OK_ADDR} after 60 seconds",
                    "For more details run the same command passing the '--verbose' option. Also "
                    "you can use '--help' to see the details about the usage of the particular "
                    "command."):
        lines.append(_kc_line(t, "ERROR", "org.keycloak.quarkus.runtime.cli."
                              "ExecutionExceptionHandler", "main", message))
    return "\n".join(lines)


def _keycloak_coordinator(t0) -> str:
    me = KC_OK_ADDR
    lines = _keycloak_boot(t0) + [
        _kc_line(t0 + timedelta(seconds=18, milliseconds=30), "INFO", "org.jgroups.JChannel",
                 "main", f"local_addr: {uid(me)}, name: {me}"),
        _kc_line(t0 + timedelta(seconds=20, milliseconds=91), "INFO",
                 "org.jgroups.protocols.pbcast.GMS", "main",
                 f"{me}: no members discovered after 2004 ms: creating cluster as coordinator"),
        _kc_line(t0 + timedelta(seconds=20, milliseconds=120), "INFO", "org.infinispan.CLUSTER",
                 "main", f"ISPN000094: Received new cluster view for channel ISPN: [{me}|0] (1) "
                 f"[{me}]"),
        _kc_line(t0 + timedelta(seconds=20, milliseconds=131), "INFO", "org.infinispan.CLUSTER",
                 "main", f"ISPN000079: Channel `ISPN` local address is `{me}`, physical "
                 f"addresses are `[{KC_OK_IP}:7800]`"),
        _kc_line(t0 + timedelta(seconds=24, milliseconds=876), "INFO", "io.quarkus", "main",
                 "Keycloak 26.4.2 on JVM (powered by Quarkus 3.27.0) started in 24.731s. "
                 "Listening on: http://0.0.0.0:8080 and https://0.0.0.0:8443. Management "
                 "interface listening on http://0.0.0.0:9000."),
        _kc_line(t0 + timedelta(seconds=24, milliseconds=877), "INFO", "io.quarkus", "main",
                 "Profile prod activated."),
    ]
    for i in range(12):
        t = t0 + timedelta(seconds=60 + i * 30, milliseconds=17 * i)
        lines.append(_kc_line(t, "WARN", "org.jgroups.protocols.TCP", f"TQ-Bundler-7,{me}",
                              f"JGRP000034: {me}: failure sending message to {KC_BAD_IP}:7800: "
                              "java.net.SocketTimeoutException: Connect timed out"))
    return "\n".join(lines)


def _proxy_log(t0, health: bool, shutdown: bool = False) -> str:
    def line(t, msg, sev="INFO"):
        return (f'{{"severity":"{sev}","timestamp":"{t:%Y-%m-%dT%H:%M:%S}.'
                f'{t.microsecond // 1000:03d}Z","message":"{msg}"}}')
    out = [line(t0 + timedelta(milliseconds=180), "Authorizing with Application Default "
                "Credentials"),
           line(t0 + timedelta(milliseconds=902), f"[{INSTANCE}] Listening on 127.0.0.1:5432"),
           line(t0 + timedelta(milliseconds=903), "The proxy has started successfully and is "
                "ready for new connections!")]
    if health:
        out.insert(0, line(t0 + timedelta(milliseconds=101), "Starting health check server at "
                                                              "0.0.0.0:9801"))
    if shutdown:
        t = t0 + timedelta(seconds=120, milliseconds=14)
        out += [line(t, "SIGTERM signal received. Shutting down..."),
                line(t + timedelta(milliseconds=2), "The proxy has encountered a terminal error: "
                     "SIGTERM signal received", "ERROR")]
    return "\n".join(out)


def _traceback() -> str:
    lazy = (f'  File "{SITE}/observability/telemetry.py", line 594, in <lambda>\n'
            '    logger = type("LazyLogger", (), {"__getattr__": lambda self, name: '
            'getattr(get_logger(), name)})()\n'
            "                                                                               "
            "^^^^^^^^^^^^\n"
            f'  File "{SITE}/observability/telemetry.py", line 585, in get_logger\n'
            "    return get_config().get_logger()\n"
            "           ^^^^^^^^^^^^\n"
            f'  File "{SITE}/observability/telemetry.py", line 500, in get_config\n'
            "    raise RuntimeError(\n"
            "RuntimeError: Observability not initialized. Call init_observability(settings) in "
            "your entry point before using observability features.\n")
    return ("Traceback (most recent call last):\n"
            f'  File "{SITE}/mcp/server_streamable.py", line 187, in <module>\n'
            "    logger.info(\n    ^^^^^^^^^^^\n" + lazy +
            "\nDuring handling of the above exception, another exception occurred:\n\n"
            "Traceback (most recent call last):\n"
            '  File "<frozen runpy>", line 198, in _run_module_as_main\n'
            '  File "<frozen runpy>", line 88, in _run_code\n'
            f'  File "{SITE}/mcp/server_streamable.py", line 196, in <module>\n'
            "    logger.warning(\n    ^^^^^^^^^^^^^^\n" + lazy)


def _mcp_404_log(t0, node_ip: str, probes: int, shutdown: bool) -> str:
    lines = ["INFO:     Started server process [1]", "INFO:     Waiting for application startup.",
             f'{{"timestamp": "{t0 + timedelta(seconds=3):%Y-%m-%dT%H:%M:%S}Z", "level": "INFO", '
             '"logger": "mcp-server-langgraph", "message": "Observability initialized", '
             '"service": "mcp-server-langgraph", "environment": "staging"}',
             "INFO:     Application startup complete.",
             "INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)"]
    for i in range(probes):
        lines.append(f'INFO:     {node_ip}:{41000 + i * 13} - "GET /health/startup HTTP/1.1" '
                     "404 Not Found")
    if shutdown:
        lines += ["INFO:     Shutting down", "INFO:     Waiting for application shutdown.",
                  "INFO:     Application shutdown complete.", "INFO:     Finished server process [1]"]
    return "\n".join(lines)


def mcp(events: list, logs: list) -> list[dict]:
    old_tmpl, new_tmpl = mcp_template(OLD_IMAGE), mcp_template(NEW_IMAGE)
    created = clock.ago(hours=20, minutes=47)
    new_rs_created = clock.ago(minutes=19)
    deploy = _deploy(MCP, created, new_tmpl, 3, 14, {
        "conditions": _avail(False, clock.ago(minutes=52), f"{MCP}-{NEW_HASH}",
                             ("ReplicaSetUpdated", "True",
                              f'ReplicaSet "{MCP}-{NEW_HASH}" is progressing.')),
        "replicas": 4, "unavailableReplicas": 4, "updatedReplicas": 1},
        strategy={"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
                  "type": "RollingUpdate"})
    deploy["spec"]["template"]["metadata"]["labels"] = {"app": "mcp-server-langgraph"}
    old_rs = replicaset(deploy, OLD_HASH, clock.ago(hours=2, minutes=6), template=old_tmpl,
                        revision=13, replicas=3, ready=0)
    new_rs = replicaset(deploy, NEW_HASH, new_rs_created, template=new_tmpl, revision=14,
                        replicas=1, ready=0)
    proxy_id, old_id, new_id = image_id(PROXY_IMAGE), image_id(OLD_IMAGE), image_id(NEW_IMAGE)
    pods = []
    # (suffix, node, ip, app state, proxy state); app restarts come from the startup probe (404),
    # proxy restarts from its liveness probe (nothing on 9801)
    plan = [("hx4mp", 0, "10.8.1.31", "running", 9, "crashloop", 14),
            ("kt8zn", 1, "10.8.2.29", "crashloop", 10, "running", 15),
            ("v2rwl", 2, "10.8.3.12", "running", 9, "running", 14)]
    started = clock.ago(minutes=46)
    for sfx, n, ip, app_state, app_restarts, proxy_state, proxy_restarts in plan:
        name = f"{MCP}-{OLD_HASH}-{sfx}"
        node_name, node_ip, _ = NODES[n]
        app_last = terminated(0, "Completed", clock.ago(minutes=7, seconds=30 + n * 40),
                              clock.ago(minutes=4, seconds=50 + n * 40), name + "a")
        proxy_last = terminated(143, "Error", clock.ago(minutes=3, seconds=45 + n * 10),
                                clock.ago(minutes=1, seconds=45 + n * 10), name + "p")
        app = (running("mcp-server-langgraph", OLD_IMAGE, old_id,
                       clock.ago(minutes=1, seconds=10 + n * 20), ready=False,
                       restarts=app_restarts, last=app_last, cid_seed=name + "a")
               if app_state == "running" else
               waiting("mcp-server-langgraph", OLD_IMAGE, "CrashLoopBackOff",
                       f"back-off 5m0s restarting failed container=mcp-server-langgraph "
                       f"pod={name}_{NS}({uid(NS, name, ts(started))})", image_id=old_id,
                       restarts=app_restarts, last=app_last))
        app["started"] = False  # the startup probe has never passed
        prox = (running("cloud-sql-proxy", PROXY_IMAGE, proxy_id,
                        clock.ago(minutes=1, seconds=40 + n * 10), ready=False,
                        restarts=proxy_restarts, last=proxy_last, cid_seed=name + "p")
                if proxy_state == "running" else
                waiting("cloud-sql-proxy", PROXY_IMAGE, "CrashLoopBackOff",
                        f"back-off 2m40s restarting failed container=cloud-sql-proxy "
                        f"pod={name}_{NS}({uid(NS, name, ts(started))})", image_id=proxy_id,
                        restarts=proxy_restarts, last=proxy_last))
        p = pod(name, NS, started, template=old_rs["spec"]["template"], owner=owner_ref(old_rs),
                node=node_name, host_ip=node_ip, pod_ip=ip, phase="Running", qos="Burstable",
                statuses=[app, prox], init_statuses=_init_done(name, started),
                ready_since=started + timedelta(seconds=9))
        pods.append(p)
        events += _mcp_probe_events(p, node_name, ip, app_restarts, proxy_restarts, started,
                                    startup_404=True)
        logs += [(name, "mcp-server-langgraph", _mcp_404_log(
                     clock.ago(minutes=1, seconds=10), node_ip, 12, False), False),
                 (name, "mcp-server-langgraph", _mcp_404_log(
                     clock.ago(minutes=7, seconds=30), node_ip, 30, True), True),
                 (name, "cloud-sql-proxy", _proxy_log(clock.ago(minutes=1, seconds=40),
                                                      health=False), False),
                 (name, "cloud-sql-proxy", _proxy_log(clock.ago(minutes=3, seconds=45),
                                                      health=False, shutdown=True), True)]
    name = f"{MCP}-{NEW_HASH}-zq6tn"
    node_name, node_ip, _ = NODES[2]
    ip = "10.8.3.27"
    app_last = terminated(1, "Error", clock.ago(minutes=1, seconds=52),
                          clock.ago(minutes=1, seconds=49), name + "a")
    prox_last = terminated(143, "Error", clock.ago(minutes=6, seconds=5),
                           clock.ago(minutes=4, seconds=4), name + "p")
    p = pod(name, NS, new_rs_created, template=new_rs["spec"]["template"],
            owner=owner_ref(new_rs), node=node_name, host_ip=node_ip, pod_ip=ip,
            phase="Running", qos="Burstable", init_statuses=_init_done(name, new_rs_created),
            ready_since=new_rs_created + timedelta(seconds=9),
            statuses=[waiting("mcp-server-langgraph", NEW_IMAGE, "CrashLoopBackOff",
                              "back-off 2m40s restarting failed container=mcp-server-langgraph "
                              f"pod={name}_{NS}({uid(NS, name, ts(new_rs_created))})",
                              image_id=new_id, restarts=5, last=app_last),
                      running("cloud-sql-proxy", PROXY_IMAGE, proxy_id,
                              clock.ago(minutes=4), ready=False, restarts=3, last=prox_last,
                              cid_seed=name + "p")])
    pods.append(p)
    events += _mcp_probe_events(p, node_name, ip, 5, 3, new_rs_created, startup_404=False)
    events.append(event(NS, p, "BackOff", "Back-off restarting failed container "
                        f"mcp-server-langgraph in pod {name}_{NS}({p['metadata']['uid']})",
                        type_="Warning", count=71, first=clock.ago(minutes=18, seconds=20),
                        last=clock.ago(seconds=11), host=node_name,
                        field_path="spec.containers{mcp-server-langgraph}"))
    events.append(event(NS, deploy, "ScalingReplicaSet", f"Scaled up replica set "
                        f"{MCP}-{NEW_HASH} from 0 to 1", first=new_rs_created,
                        component="deployment-controller"))
    crash = _traceback()
    logs += [(name, "mcp-server-langgraph", crash, False),
             (name, "mcp-server-langgraph", crash, True),
             (name, "cloud-sql-proxy", _proxy_log(clock.ago(minutes=4), health=False), False)]
    svc = service(MCP, NS, created, labels={**COMMON_LABELS, "app": "mcp-server-langgraph"},
                  selector={"app": "mcp-server-langgraph"}, cluster_ip="34.118.226.190",
                  annotations=COMMON_ANN,
                  ports=[{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8000}])
    return [deploy, old_rs, new_rs, *pods, svc]


def _mcp_probe_events(p: dict, host: str, ip: str, app_restarts: int, proxy_restarts: int,
                      started, *, startup_404: bool) -> list[dict]:
    app_fp, proxy_fp = "spec.containers{mcp-server-langgraph}", "spec.containers{cloud-sql-proxy}"
    name = p["metadata"]["name"]
    first = started + timedelta(seconds=12)
    ev = lambda *a, **k: event(NS, p, *a, host=host, first=first, **k)  # noqa: E731
    out = [
        ev("Unhealthy", f'Liveness probe failed: Get "http://{ip}:9801/liveness": dial tcp '
           f"{ip}:9801: connect: connection refused", type_="Warning",
           count=proxy_restarts * 3 + 1, last=clock.ago(seconds=29), field_path=proxy_fp),
        ev("Unhealthy", f'Readiness probe failed: Get "http://{ip}:9801/readiness": dial tcp '
           f"{ip}:9801: connect: connection refused", type_="Warning",
           count=proxy_restarts * 11 + 4, last=clock.ago(seconds=6), field_path=proxy_fp),
        ev("Killing", "Container cloud-sql-proxy failed liveness probe, will be restarted",
           count=proxy_restarts, last=clock.ago(minutes=1, seconds=46), field_path=proxy_fp),
        ev("BackOff", f"Back-off restarting failed container cloud-sql-proxy in pod "
           f"{name}_{NS}({p['metadata']['uid']})", type_="Warning",
           count=proxy_restarts * 2, last=clock.ago(seconds=41), field_path=proxy_fp),
    ]
    if startup_404:
        out += [
            ev("Unhealthy", "Startup probe failed: HTTP probe failed with statuscode: 404",
               type_="Warning", count=app_restarts * 30 + 12, last=clock.ago(seconds=3),
               field_path=app_fp),
            ev("Killing", "Container mcp-server-langgraph failed startup probe, will be restarted",
               count=app_restarts, last=clock.ago(minutes=4, seconds=52), field_path=app_fp),
        ]
    return out


def healthy(logs: list) -> list[dict]:
    """OpenFGA (2/2, with a proxy that has its health server) and Qdrant (1/1)."""
    out = []
    created = clock.ago(hours=20, minutes=47)
    ofga = container("openfga", "openfga/openfga:v1.10.2", args=["run"],
                     ports=[{"containerPort": 8080, "name": "http", "protocol": "TCP"},
                            {"containerPort": 8081, "name": "grpc", "protocol": "TCP"},
                            {"containerPort": 3000, "name": "playground", "protocol": "TCP"}],
                     probes={"livenessProbe": http_probe("/healthz", 8080, initial=10),
                             "readinessProbe": http_probe("/healthz", 8080, initial=5)},
                     resources={"limits": {"cpu": "500m", "memory": "512Mi"},
                                "requests": {"cpu": "250m", "memory": "256Mi"}})
    tmpl = pod_template({"app": "openfga"}, [ofga, proxy(True)], annotations=COMMON_ANN,
                        sa="staging-openfga", volumes=[{"emptyDir": {}, "name": "tmp"}])
    deploy = _deploy("staging-openfga", created, tmpl, 2, 4, {
        "availableReplicas": 2, "conditions": _avail(True, clock.ago(hours=2, minutes=20),
                                                     f"staging-openfga-{OPENFGA_HASH}"),
        "readyReplicas": 2, "replicas": 2, "updatedReplicas": 2})
    rs = replicaset(deploy, OPENFGA_HASH, clock.ago(hours=2, minutes=21), template=tmpl,
                    revision=4, replicas=2, ready=2)
    out += [deploy, rs]
    for sfx, n, ip, age in (("6dbbc", 0, "10.8.1.14", dict(hours=2, minutes=20)),
                            ("m4k2p", 2, "10.8.3.9", dict(hours=1, minutes=58))):
        name = f"staging-openfga-{OPENFGA_HASH}-{sfx}"
        t0 = clock.ago(**age)
        out.append(pod(name, NS, t0, template=rs["spec"]["template"], owner=owner_ref(rs),
                       node=NODES[n][0], host_ip=NODES[n][1], pod_ip=ip, phase="Running",
                       qos="Burstable", ready_since=t0 + timedelta(seconds=21), statuses=[
                           running("openfga", "openfga/openfga:v1.10.2",
                                   image_id("openfga/openfga:v1.10.2"),
                                   t0 + timedelta(seconds=4), cid_seed=name),
                           running("cloud-sql-proxy", PROXY_IMAGE, image_id(PROXY_IMAGE),
                                   t0 + timedelta(seconds=4), cid_seed=name + "p")]))
        logs.append((name, "cloud-sql-proxy", _proxy_log(t0, health=True), False))
    q = container("qdrant", "qdrant/qdrant:v1.14.0",
                  ports=[{"containerPort": 6333, "name": "http", "protocol": "TCP"},
                         {"containerPort": 6334, "name": "grpc", "protocol": "TCP"}],
                  probes={"livenessProbe": http_probe("/", 6333, initial=10),
                          "readinessProbe": http_probe("/", 6333, initial=5)},
                  resources={"limits": {"cpu": "500m", "memory": "1Gi"},
                             "requests": {"cpu": "250m", "memory": "512Mi"}})
    qt = pod_template({"app": "qdrant"}, [q], annotations=COMMON_ANN)
    qd = _deploy("staging-qdrant", created, qt, 1, 2, {
        "availableReplicas": 1, "conditions": _avail(True, clock.ago(hours=1, minutes=46),
                                                     f"staging-qdrant-{QDRANT_HASH}"),
        "readyReplicas": 1, "replicas": 1, "updatedReplicas": 1})
    qrs = replicaset(qd, QDRANT_HASH, clock.ago(hours=1, minutes=46), template=qt, revision=2,
                     replicas=1, ready=1)
    t0 = clock.ago(hours=1, minutes=46)
    name = f"staging-qdrant-{QDRANT_HASH}-8gsr4"
    out += [qd, qrs, pod(name, NS, t0, template=qrs["spec"]["template"], owner=owner_ref(qrs),
                         node=NODES[1][0], host_ip=NODES[1][1], pod_ip="10.8.2.8",
                         phase="Running", qos="Burstable", ready_since=t0 + timedelta(seconds=9),
                         statuses=[running("qdrant", "qdrant/qdrant:v1.14.0",
                                           image_id("qdrant/qdrant:v1.14.0"),
                                           t0 + timedelta(seconds=3), cid_seed=name)])]
    for svc_name, app, ip, ports in (("staging-openfga", "openfga", "34.118.236.71",
                                      [("http", 8080), ("grpc", 8081)]),
                                     ("staging-qdrant", "qdrant", "34.118.229.140",
                                      [("http", 6333), ("grpc", 6334)])):
        out.append(service(svc_name, NS, created, labels={**COMMON_LABELS, "app": app},
                           selector={"app": app}, cluster_ip=ip, annotations=COMMON_ANN,
                           ports=[{"name": n, "port": p, "protocol": "TCP", "targetPort": p}
                                  for n, p in ports]))
    return out


def network_policies() -> list[dict]:
    """deployments/overlays/staging-gke/network-policy.yaml before commit 9c0c605."""
    created = clock.ago(hours=20, minutes=47)
    tcp = lambda *ports: [{"port": p, "protocol": "TCP"} for p in ports]  # noqa: E731
    dns = [{"ports": [{"port": 53, "protocol": "UDP"}], "to": [{"namespaceSelector": {
               "matchLabels": {"kubernetes.io/metadata.name": "kube-system"}}}]},
           {"ports": [{"port": 53, "protocol": "UDP"}],
            "to": [{"ipBlock": {"cidr": "169.254.0.0/16"}}]}]
    metadata_server = [{"ports": tcp(80, 988), "to": [{"ipBlock": {"cidr": "169.254.169.254/32"}}]},
                       {"ports": tcp(988), "to": [{"ipBlock": {"cidr": "169.254.169.252/32"}}]}]
    cloud_sql = [{"ports": tcp(3307), "to": [{"ipBlock": {"cidr": "10.0.0.0/8"}}]},
                 {"ports": tcp(443), "to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]}]
    from_app = lambda app: {"podSelector": {"matchLabels": {"app": app}}}  # noqa: E731
    ingress_nginx = {"namespaceSelector": {"matchLabels": {"name": "ingress-nginx"}}}

    def np(name, selector, types, ingress=None, egress=None):
        spec = {}
        if egress is not None:
            spec["egress"] = egress
        if ingress is not None:
            spec["ingress"] = ingress
        spec["podSelector"] = selector
        spec["policyTypes"] = types
        return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                "metadata": meta(f"staging-{name}", NS, created, labels=COMMON_LABELS,
                                 annotations=COMMON_ANN, generation=1),
                "spec": spec}

    return [
        np("allow-ingress", {"matchLabels": {"app": "mcp-server-langgraph"}}, ["Ingress"],
           ingress=[{"from": [ingress_nginx], "ports": tcp(8000)},
                    {"from": [{"podSelector": {}}], "ports": tcp(8000)}]),
        np("allow-egress", {"matchLabels": {"app": "mcp-server-langgraph"}}, ["Egress"],
           egress=dns + [{"ports": tcp(3307, 443), "to": [{"ipBlock": {"cidr": "10.0.0.0/8"}}]},
                         {"ports": tcp(6378), "to": [{"ipBlock": {"cidr": "10.0.0.0/8"}}]},
                         {"ports": tcp(8080), "to": [from_app("keycloak")]},
                         {"ports": tcp(8080), "to": [from_app("openfga")]},
                         {"ports": tcp(6333), "to": [from_app("qdrant")]}]
           + metadata_server + [{"ports": tcp(443), "to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]},
                                {"ports": tcp(80), "to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]},
                                {"ports": tcp(4317, 4318), "to": [from_app("otel-collector")]}]),
        np("default-deny-ingress", {}, ["Ingress"]),
        np("keycloak-network-policy", {"matchLabels": {"app": "keycloak"}}, ["Ingress", "Egress"],
           ingress=[{"from": [from_app("mcp-server-langgraph")], "ports": tcp(8080, 9000)},
                    {"from": [ingress_nginx], "ports": tcp(8080)},
                    {"from": [from_app("keycloak")], "ports": tcp(7800, 9000)}],
           egress=dns + metadata_server + cloud_sql),
        np("openfga-network-policy", {"matchLabels": {"app": "openfga"}}, ["Ingress", "Egress"],
           ingress=[{"from": [from_app("mcp-server-langgraph")], "ports": tcp(8080)}],
           egress=dns + metadata_server + cloud_sql),
    ]


DESCRIPTION = ("seed 003: GKE staging; a NetworkPolicy admits JGroups 7800/9000 on ingress but not "
               "egress (Keycloak CrashLoopBackOff), MCP server dies with RuntimeError: Observability "
               "not initialized, probes 404 on doubled health routes, Cloud SQL proxy probed on 9801 "
               "with nothing listening")


def timeline(events: list[dict]) -> list[dict]:
    steps: list[dict] = []
    for ev in events:
        msg, reason = ev["message"], ev["reason"]
        if reason == "BackOff":
            steps.append(bump(ev, 7, 20))
        elif reason == "Unhealthy" and "Readiness" in msg:
            steps.append(bump(ev, 4, 10))
        elif reason == "Unhealthy" and "Startup probe failed: HTTP" in msg:
            steps.append(bump(ev, 2, 5))
        elif reason == "Unhealthy" and "Liveness" in msg:
            steps.append(bump(ev, 1, 30))
    for name, n in (("hx4mp", 0), ("kt8zn", 1), ("v2rwl", 2)):
        pod_name = f"{MCP}-{OLD_HASH}-{name}"
        steps.append({"at": 3 + n, "every": 5, "log": {
            "namespace": NS, "pod": pod_name, "container": "mcp-server-langgraph",
            "lines": [f'INFO:     {NODES[n][1]}:43117 - "GET /health/startup HTTP/1.1" '
                      "404 Not Found"]}})
    steps.append({"at": 45, "every": 30, "log": {
        "namespace": NS, "pod": KC_OK, "container": "keycloak", "lines": [
            f"WARN  [org.jgroups.protocols.TCP] (TQ-Bundler-7,{KC_OK_ADDR}) JGRP000034: "
            f"{KC_OK_ADDR}: failure sending message to {KC_BAD_IP}:7800: "
            "java.net.SocketTimeoutException: Connect timed out"]}})
    steps.append({"at": 160, "every": 300, "restart": {"namespace": NS, "pod": KC_BAD,
                                                       "container": "keycloak"}})
    steps.append({"at": 100, "every": 160, "restart": {
        "namespace": NS, "pod": f"{MCP}-{NEW_HASH}-zq6tn", "container": "mcp-server-langgraph"}})
    return steps


def main() -> None:
    if ROOT.exists():
        shutil.rmtree(ROOT)
    events: list[dict] = []
    logs: list[tuple] = []
    kc = keycloak(events, logs)
    mcp_objs = mcp(events, logs)
    rest = healthy(logs)
    ns = namespace(NS, clock.ago(hours=20, minutes=48), labels=COMMON_LABELS)
    others = [namespace(n, clock.ago(days=2, hours=20)) for n in
              ("default", "kube-system", "kube-public", "kube-node-lease")]
    write_list(ROOT / "cluster.yaml", others + [ns] + [node(*n) for n in NODES])
    write_list(ROOT / "keycloak.yaml", kc)
    write_list(ROOT / "mcp-server-langgraph.yaml", mcp_objs)
    write_list(ROOT / "openfga-qdrant.yaml", rest)
    write_list(ROOT / "network-policies.yaml", network_policies())
    write_list(ROOT / "events.yaml", events)
    for pod_name, cont, text, previous in logs:
        write_log(ROOT, NS, pod_name, cont, text, previous=previous)
    write_timeline(ROOT, "make_staging.py", DESCRIPTION, ts(clock.now), timeline(events))


if __name__ == "__main__":
    main()
