"""Write kubetriage/scenarios/netpol-egress/: a homelab Nextcloud behind a default-deny egress
policy that only allows the namespace itself (issue 13, /work/notes/13-incidents.md §13,
scenario S6).

The CloudNativePG instance times out reaching the API server, a Go exporter times out on DNS;
both crash. One root: the namespace's egress policies, which allow neither kube-dns nor the API
server. Another namespace with default-deny and a correct DNS rule runs fine.
Run: .venv/bin/python scripts/make_netpol_egress.py
"""

from __future__ import annotations

from datetime import UTC, datetime

from incident_kit import DAY, bump, cluster, set_cluster_ip, write
from scenario_objects import container, last_terminated, pod, running, service, waiting, workload

SOURCES = """
Sources (verbatim log lines; names and addresses substituted where marked):
- nextcloud/nextcloud-db-1 (CloudNativePG instance): cloudnative-pg/cloudnative-pg#1191
  https://github.com/cloudnative-pg/cloudnative-pg/issues/1191 (both JSON lines verbatim,
  stack trace shortened); the policies follow the reporter's setup (default deny, egress to the
  namespace only).
- nextcloud/nextcloud-exporter: the Go resolver's line in the shape of istio/istio#26354
  https://github.com/istio/istio/issues/26354 (names and addresses substituted; that issue's root
  was not a NetworkPolicy, the line shape is what matters).
- The DNS egress rule of the healthy namespace and the fix: aws/aws-network-policy-agent#230
  https://github.com/aws/aws-network-policy-agent/issues/230
"""

RECORDED_AT = datetime(2026, 12, 14, 7, 30, tzinfo=UTC)
NODES = [("k3s-1", "192.168.50.11"), ("k3s-2", "192.168.50.12")]
CNPG = [
    '{"level":"info","ts":1671002792.2669437,"logger":"setup","msg":"Starting CloudNativePG '
    'Instance Manager","logging_pod":"nextcloud-db-1","version":"1.18.0","build":{"Version":'
    '"1.18.0","Commit":"4d5a8b5","Date":"2022-11-10"}}',
    '{"level":"error","ts":1671002822.2689383,"msg":"Failed to get API Group-Resources",'
    '"error":"Get \\"https://10.43.0.1:443/api?timeout=32s\\": dial tcp 10.43.0.1:443: i/o '
    'timeout","stacktrace":"sigs.k8s.io/controller-runtime/pkg/cluster.New\\n\\tpkg/mod/'
    'sigs.k8s.io/controller-runtime@v0.13.1/pkg/cluster/cluster.go:161"}']
DNS = ["time=2026-12-14T07:29:41Z level=info msg=\"nextcloud-exporter 0.8.0 starting\"",
       "time=2026-12-14T07:29:51Z level=fatal msg=\"error creating client: Get "
       "\\\"http://nextcloud.nextcloud.svc/status.php\\\": dial tcp: lookup "
       "nextcloud.nextcloud.svc on 10.43.0.10:53: read udp 10.42.1.23:41187->10.43.0.10:53: "
       "i/o timeout\""]


def policy(b, ns, name, spec):
    return b.add({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                  "metadata": b.meta("NetworkPolicy", name, ns, 3 * DAY, generation=1),
                  "spec": spec})


def same_namespace(ns):
    return [{"to": [{"namespaceSelector": {"matchLabels": {
        "kubernetes.io/metadata.name": ns}}}]}]


DNS_RULE = {"to": [{"namespaceSelector": {"matchLabels": {
    "kubernetes.io/metadata.name": "kube-system"}}, "podSelector": {"matchLabels": {
        "k8s-app": "kube-dns"}}}],
    "ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]}


def build():
    b = cluster("netpol-egress", RECORDED_AT, NODES, ["nextcloud", "vault"])
    set_cluster_ip(b, "kube-system", "kube-dns", "10.43.0.10")
    api = b.add({"apiVersion": "v1", "kind": "Service",
                 "metadata": b.meta("Service", "kubernetes", "default", 120 * DAY,
                                    {"component": "apiserver", "provider": "kubernetes"}),
                 "spec": {"clusterIP": "10.43.0.1", "clusterIPs": ["10.43.0.1"],
                          "internalTrafficPolicy": "Cluster", "ipFamilies": ["IPv4"],
                          "ipFamilyPolicy": "SingleStack",
                          "ports": [{"name": "https", "port": 443, "protocol": "TCP",
                                     "targetPort": 6443}],
                          "sessionAffinity": "None", "type": "ClusterIP"},
                 "status": {"loadBalancer": {}}})
    b.add({"apiVersion": "v1", "kind": "Endpoints",
           "metadata": b.meta("Endpoints", "kubernetes", "default", 120 * DAY,
                              {"endpointslice.kubernetes.io/skip-mirror": "true"}),
           "subsets": [{"addresses": [{"ip": "192.168.50.11"}],
                        "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}]}]})
    assert api
    steps: list[dict] = []
    policy(b, "nextcloud", "default-deny", {"podSelector": {},
                                            "policyTypes": ["Ingress", "Egress"]})
    policy(b, "nextcloud", "allow-same-namespace", {
        "egress": same_namespace("nextcloud"),
        "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {
            "kubernetes.io/metadata.name": "nextcloud"}}}]}],
        "podSelector": {}, "policyTypes": ["Ingress", "Egress"]})
    crash = last_terminated(3 * 60 + 35, 3 * 60, "Error", 1)
    db = pod(b, "nextcloud", "nextcloud-db-1", owner=None,
             labels={"cnpg.io/cluster": "nextcloud-db", "cnpg.io/instanceName": "nextcloud-db-1",
                     "role": "primary"},
             containers=[container("postgres", "ghcr.io/cloudnative-pg/postgresql:15.1",
                                   port=5432)],
             statuses=[waiting("CrashLoopBackOff", "back-off 5m0s restarting failed container="
                               "postgres pod=nextcloud-db-1", restarts=14, last=crash)],
             created=2 * 3600)
    b.log("nextcloud", "nextcloud-db-1", "postgres", CNPG)
    ev = b.event(db, "BackOff", "Back-off restarting failed container postgres in pod "
                 f"nextcloud-db-1_nextcloud({db['metadata']['uid']})", type_="Warning",
                 count=56, first_ago=2 * 3600, last_ago=30, field_path="spec.containers{postgres}")
    steps.append(bump(b, ev, 15, 30))
    _, [exporter] = workload(b, "Deployment", "nextcloud", "nextcloud-exporter", release=None,
                             labels={"app": "nextcloud-exporter"}, created=3 * DAY,
                             containers=[container("exporter", "ghcr.io/xperimental/"
                                                   "nextcloud-exporter:0.8.0", port=9205)],
                             pods=[{"created": 2 * 3600, "node": "k3s-2", "statuses": [waiting(
                                 "CrashLoopBackOff", "back-off 5m0s restarting failed "
                                 "container=exporter", restarts=13,
                                 last=last_terminated(2 * 60 + 10, 2 * 60, "Error", 1))]}])
    b.log("nextcloud", exporter["metadata"]["name"], "exporter", DNS)
    # healthy noise: vault denies by default and allows DNS; its pod runs
    policy(b, "vault", "default-deny", {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]})
    policy(b, "vault", "allow-dns-and-namespace", {"egress": [*same_namespace("vault"), DNS_RULE],
                                                   "podSelector": {}, "policyTypes": ["Egress"]})
    _, pods = workload(b, "StatefulSet", "vault", "vault", release=None,
                       labels={"app.kubernetes.io/name": "vault"}, created=20 * DAY,
                       containers=[container("vault", "hashicorp/vault:1.18.2", port=8200)],
                       pods=[{"created": 6 * DAY, "statuses": [running(6 * DAY - 20)]}])
    service(b, "vault", "vault", selector={"app.kubernetes.io/name": "vault"},
            labels={"app.kubernetes.io/name": "vault"}, created=20 * DAY,
            ports=[("http", 8200, 8200)], pods=pods)
    return b, steps


def main() -> None:
    b, steps = build()
    write(b, "netpol-egress", "make_netpol_egress.py",
          "issue 13 S6: Nextcloud behind default-deny egress that allows only its namespace: "
          "the CloudNativePG instance times out on the API server and an exporter on DNS, one "
          "root for both; a namespace with a correct DNS rule runs fine", SOURCES, steps)


if __name__ == "__main__":
    main()
