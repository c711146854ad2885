"""Write kubetriage/scenarios/init-and-crashes/: "the log says why" (issue 13,
/work/notes/13-incidents.md §5, §10-§12, scenario S5). One namespace per app, independent roots.

An init container polling a Service that does not exist; a Django migration init container
crashing on an inconsistent history under a Kustomization health check and its dependent; nginx
whose resolver names a DNS Service the RKE2 cluster does not have; a Go panic; a Node.js image
without its entry point; an amd64-only image on an arm64 node; a backup Job past its backoff
limit.
Run: .venv/bin/python scripts/make_init_and_crashes.py
"""

from __future__ import annotations

from datetime import UTC, datetime

from incident_kit import DAY, GIT_REV, bump, cluster, kustomization, write
from scenario_objects import (
    container,
    job,
    last_terminated,
    running,
    service,
    terminated,
    waiting,
    workload,
)

SOURCES = """
Sources (verbatim log lines; names substituted where marked):
- shop/cartservice init container: its command from GoogleCloudPlatform/cloud-ops-sandbox#995
  https://github.com/GoogleCloudPlatform/cloud-ops-sandbox/issues/995; its log in the busybox
  1.28 shape of kubernetes-retired/poseidon#125
  https://github.com/kubernetes-retired/poseidon/issues/125 (server IP and name substituted;
  notes §11: no public log of a Service that truly does not exist was found).
- flagsmith/flagsmith-api migrate-db: Flagsmith/flagsmith#973
  https://github.com/Flagsmith/flagsmith/issues/973 (the exception line, verbatim), traceback
  frames in the shape of cookiecutter/cookiecutter-django#1057; the Kustomization health line is
  composed from kustomize-controller's format (notes §0.3, §5.1), the dependent's from
  fluxcd/flux2#1193.
- mimir/mimir-nginx: grafana/mimir#1669 https://github.com/grafana/mimir/issues/1669 (verbatim);
  the cluster is RKE2 with Service kube-system/rke2-coredns-rke2-coredns.
- storage/stork: libopenstorage/stork#45 https://github.com/libopenstorage/stork/issues/45
  (verbatim, trace shortened).
- wekan/wekan: wekan/wekan#6363 https://github.com/wekan/wekan/issues/6363 (verbatim).
- external-secrets/onepassword: siderolabs/talos#11268
  https://github.com/siderolabs/talos/issues/11268 (verbatim) on an arm64 node.
- backup/kube-state-backup-manual-ltt1y: Job conditions from kubernetes/kubernetes#92245 and the
  current FailureTarget+Failed pair (notes §10), name from pieterlange/kube-backup#71; that issue
  has no log, so the failed pod's log is the Spring Boot block of
  apache/servicecomb-java-chassis#1272 (a combination, noted here).
"""

RECORDED_AT = datetime(2026, 10, 30, 16, 20, tzinfo=UTC)
NODES = [("rke2-server-1", "10.20.0.11"), ("rke2-agent-1", "10.20.0.21"),
         ("rke2-agent-arm-1", "10.20.0.31")]
NAMESPACES = ["shop", "flagsmith", "mimir", "storage", "wekan", "external-secrets", "backup"]
BUSYBOX = ["Server:    10.43.0.10",
           "Address 1: 10.43.0.10 rke2-coredns-rke2-coredns.kube-system.svc.cluster.local", "",
           "nslookup: can't resolve 'redis-cart'", "waiting for redis"]
MIGRATION = [
    "Operations to perform:",
    "  Apply all migrations: admin, api_keys, app_analytics, audit, auth, contenttypes, "
    "environments, features, workflows_core",
    "Traceback (most recent call last):",
    '  File "/usr/local/lib/python3.11/site-packages/django/core/management/commands/migrate.py",'
    " line 120, in handle",
    "    executor.loader.check_consistent_history(connection)",
    '  File "/usr/local/lib/python3.11/site-packages/django/db/migrations/loader.py", line 327, '
    "in check_consistent_history",
    "    raise InconsistentMigrationHistory(",
    "django.db.migrations.exceptions.InconsistentMigrationHistory: Migration "
    "features.0040_add_change_request_to_feature_state is applied before its dependency "
    "workflows_core.0001_initial on database 'default'."]
NGINX = ["/docker-entrypoint.sh: No files found in /docker-entrypoint.d/, skipping configuration",
         '2022/04/10 07:38:01 [emerg] 1#1: host not found in resolver '
         '"kube-dns.kube-system.svc.cluster.local" in /etc/nginx/nginx.conf:25',
         'nginx: [emerg] host not found in resolver "kube-dns.kube-system.svc.cluster.local" '
         "in /etc/nginx/nginx.conf:25"]
STORK = [
    "I0317 22:00:39.137558       1 controller_utils.go:1041] Waiting for caches to sync for "
    "snapshot-controller controller",
    "panic: runtime error: invalid memory address or nil pointer dereference",
    "[signal SIGSEGV: segmentation violation code=0x1 addr=0x8 pc=0x108178b]", "",
    "goroutine 29 [running]:",
    "github.com/libopenstorage/stork/drivers/volume/portworx.(*portworx).InspectVolume("
    "0xc4203393a0, 0xc4202c84e0, 0x28, 0x1d, 0xc420404f01, 0x0)",
    "\t/home/travis/gopath/src/github.com/libopenstorage/stork/drivers/volume/portworx/"
    "portworx.go:100 +0x22b",
    "created by github.com/libopenstorage/stork/pkg/monitor.(*Monitor).Start",
    "\t/home/travis/gopath/src/github.com/libopenstorage/stork/pkg/monitor/monitor.go:45 +0x12a"]
WEKAN = ["node:internal/modules/cjs/loader:1503", "  throw err;", "  ^", "",
         "Error: Cannot find module '/build/main.js'",
         "    at Module._resolveFilename (node:internal/modules/cjs/loader:1500:15)",
         "    at Module._load (node:internal/modules/cjs/loader:1323:27)",
         "    at node:internal/main/run_main_module:33:47 {", "  code: 'MODULE_NOT_FOUND',",
         "  requireStack: []", "}", "", "Node.js v24.16.0"]
SPRING = [
    "Error starting ApplicationContext. To display the conditions report re-run your "
    "application with 'debug' enabled.",
    "2019-07-12 18:25:20 ERROR (LoggingFailureAnalysisReporter.java:42)- ", "",
    "***************************", "APPLICATION FAILED TO START", "***************************",
    "", "Description:", "",
    "Failed to configure a DataSource: 'url' attribute is not specified and no embedded "
    "datasource could be configured.", "",
    "Reason: Failed to determine a suitable driver class", "", "Action:", "",
    "Consider the following:",
    "\tIf you want an embedded database (H2, HSQL or Derby), please put it on the classpath.",
    "\tIf you have database settings to be loaded from a particular profile you may need to "
    "activate it (no profiles are currently active)."]


def crashing(b, ns, name, image, lines, *, kind="Deployment", restarts=40, containers=None,
             node=None, code=1):
    names = containers or [name]
    statuses = [waiting("CrashLoopBackOff", f"back-off 5m0s restarting failed container={c} "
                        f"pod={name}", restarts=restarts,
                        last=last_terminated(3 * 60 + 5, 3 * 60, "Error", code)) for c in names]
    spec = {"created": 3 * 3600, "statuses": statuses}
    if node:
        spec["node"] = node
    _, [pod] = workload(b, kind, ns, name, release=None, labels={"app": name},
                        containers=[container(c, image) for c in names], created=10 * DAY,
                        pods=[spec])
    for c in names:
        b.log(ns, pod["metadata"]["name"], c, lines if isinstance(lines, list) else lines(c))
        b.event(pod, "BackOff", "Back-off restarting failed container "
                f"{c} in pod {pod['metadata']['name']}_{ns}({pod['metadata']['uid']})",
                type_="Warning", count=restarts * 4, first_ago=3 * 3600, last_ago=30,
                field_path=f"spec.containers{{{c}}}", host=pod["spec"]["nodeName"])
    return pod


def shop(b, steps):
    init = container("init-redis-ready", "busybox:1.28",
                     command=["bin/sh", "-c", "until nslookup redis-cart; do echo waiting for "
                              "redis; sleep 2; done;"])
    app = container("server", "us-central1-docker.pkg.dev/google-samples/microservices-demo/"
                    "cartservice:v0.10.2", port=7070)
    init_state = running(3 * 3600 - 3)
    init_state["ready"] = False
    _, [pod] = workload(b, "Deployment", "shop", "cartservice", release=None,
                        labels={"app": "cartservice"}, containers=[app], init=[init],
                        created=30 * DAY,
                        pods=[{"created": 3 * 3600, "statuses": [waiting("PodInitializing")],
                               "init_statuses": [init_state]}])
    b.log("shop", pod["metadata"]["name"], "init-redis-ready", BUSYBOX * 3)
    steps.append({"at": 2, "every": 2, "log": {
        "namespace": "shop", "pod": pod["metadata"]["name"], "container": "init-redis-ready",
        "lines": BUSYBOX[3:]}})
    _, front = workload(b, "Deployment", "shop", "frontend", release=None,
                        labels={"app": "frontend"}, created=30 * DAY,
                        containers=[container("server", "us-central1-docker.pkg.dev/"
                                              "google-samples/microservices-demo/frontend:v0.10.2",
                                              port=8080)],
                        pods=[{"created": 3 * DAY, "statuses": [running(3 * DAY - 20)]}])
    service(b, "shop", "frontend", selector={"app": "frontend"}, labels={"app": "frontend"},
            created=30 * DAY, ports=[("http", 80, 8080)], pods=front)


def flagsmith(b, steps):
    migrate = container("migrate-db", "flagsmith/flagsmith:2.21.1",
                        command=["python", "manage.py", "migrate"])
    api = container("flagsmith-api", "flagsmith/flagsmith:2.21.1", port=8000)
    _, [pod] = workload(b, "Deployment", "flagsmith", "flagsmith-api", release=None,
                        labels={"app.kubernetes.io/name": "flagsmith-api",
                                "kustomize.toolkit.fluxcd.io/name": "flagsmith",
                                "kustomize.toolkit.fluxcd.io/namespace": "flux-system"},
                        selector={"app.kubernetes.io/name": "flagsmith-api"},
                        containers=[api], init=[migrate], created=40 * DAY,
                        pods=[{"created": 35 * 60, "statuses": [waiting("PodInitializing")],
                               "init_statuses": [waiting(
                                   "CrashLoopBackOff", "back-off 2m40s restarting failed "
                                   "container=migrate-db", restarts=7,
                                   last=last_terminated(2 * 60 + 9, 2 * 60, "Error", 1))]}])
    b.log("flagsmith", pod["metadata"]["name"], "migrate-db", MIGRATION)
    ev = b.event(pod, "BackOff", "Back-off restarting failed container migrate-db in pod "
                 f"{pod['metadata']['name']}_flagsmith({pod['metadata']['uid']})",
                 type_="Warning", count=31, first_ago=30 * 60, last_ago=25,
                 field_path="spec.initContainers{migrate-db}")
    steps.append(bump(b, ev, 10, 40))
    kustomization(b, "flagsmith", path="./apps/flagsmith", source="flux-system", wait=True,
                  ready=("False", "HealthCheckFailed",
                         "health check failed after 10m0.031s: timeout waiting for: "
                         "[Deployment/flagsmith/flagsmith-api status: 'InProgress']"))
    kustomization(b, "flagsmith-config", path="./apps/flagsmith-config", source="flux-system",
                  depends_on=["flagsmith"],
                  ready=("False", "DependencyNotReady",
                         "dependency 'flux-system/flagsmith' is not ready"))


def build():
    b = cluster("init-and-crashes", RECORDED_AT, NODES, NAMESPACES,
                kubelet="v1.33.4+rke2r1", arch={"rke2-agent-arm-1": "arm64"},
                dns_service="rke2-coredns-rke2-coredns")
    steps: list[dict] = []
    shop(b, steps)
    flagsmith(b, steps)
    crashing(b, "mimir", "mimir-nginx", "nginxinc/nginx-unprivileged:1.22-alpine", NGINX,
             restarts=68)
    crashing(b, "storage", "stork", "openstorage/stork:1.3.0-beta1", STORK, kind="DaemonSet",
             restarts=12, code=2)
    crashing(b, "wekan", "wekan", "ghcr.io/wekan/wekan:v7.31", WEKAN, restarts=19)
    crashing(b, "external-secrets", "onepassword", "1password/connect-api:1.7.3",
             lambda c: [f"exec /bin/connect-{c}: exec format error"], containers=["api", "sync"],
             node="rke2-agent-arm-1", restarts=25, code=255)
    _, pod = job(b, "backup", "kube-state-backup-manual-ltt1y", containers=[container(
        "backup", "ghcr.io/pieterlange/kube-backup:1.13.2")], created=5 * 3600, backoff_limit=0,
        status=terminated(5 * 3600 - 2, 5 * 3600 - 40, "Error", 1),
        labels={"app": "kube-state-backup"})
    pod["status"]["phase"] = "Failed"
    b.log("backup", pod["metadata"]["name"], "backup", SPRING)
    backup = b.get("Job", "backup", "kube-state-backup-manual-ltt1y")
    t = b.ts(5 * 3600 - 41)
    backup["status"] = {"conditions": [
        {"lastProbeTime": t, "lastTransitionTime": t, "message": "Job has reached the specified "
         "backoff limit", "reason": "BackoffLimitExceeded", "status": "True",
         "type": "FailureTarget"},
        {"lastProbeTime": t, "lastTransitionTime": t, "message": "Job has reached the specified "
         "backoff limit", "reason": "BackoffLimitExceeded", "status": "True", "type": "Failed"}],
        "failed": 1, "ready": 0, "startTime": b.ts(5 * 3600 - 1), "terminating": 0,
        "uncountedTerminatedPods": {}}
    b.event(backup, "BackoffLimitExceeded", "Job has reached the specified backoff limit",
            type_="Warning", first_ago=5 * 3600 - 41, component="job-controller")
    # healthy noise: the rest of the cluster's Kustomizations are applied
    kustomization(b, "apps", path="./apps", source="flux-system")
    assert GIT_REV
    return b, steps


def main() -> None:
    b, steps = build()
    write(b, "init-and-crashes", "make_init_and_crashes.py",
          "issue 13 S5: the log says why: an init container polling a Service that does not "
          "exist, a Django migration history, an nginx resolver named for kube-dns on RKE2, a "
          "Go panic, a Node image without its entry point, amd64 on arm64, a Spring Job past "
          "its backoff limit", SOURCES, steps)


if __name__ == "__main__":
    main()
