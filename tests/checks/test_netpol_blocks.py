from kubetriage.checks import netpol_blocks
from tests.checks.conftest import pod, run

CNPG = ('{"level":"error","ts":1671002822.2689383,"msg":"Failed to get API Group-Resources",'
        '"error":"Get \\"https://10.43.0.1:443/api?timeout=32s\\": dial tcp 10.43.0.1:443: i/o '
        'timeout"}')
DNS = ("lookup nextcloud-db-rw.nextcloud.svc on 10.43.0.10:53: read udp "
       "10.42.1.23:41187->10.43.0.10:53: i/o timeout")


def policy(name, *, egress=None, types=("Ingress", "Egress")):
    spec = {"podSelector": {}, "policyTypes": list(types)}
    if egress is not None:
        spec["egress"] = egress
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": name, "namespace": "nextcloud"}, "spec": spec}


def svc(name, ns, ip, selector=None):
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns},
            "spec": {"clusterIP": ip, **({"selector": selector} if selector else {})}}


SAME_NS = [{"to": [{"namespaceSelector": {"matchLabels": {
    "kubernetes.io/metadata.name": "nextcloud"}}}]}]
DNS_RULE = {"to": [{"namespaceSelector": {"matchLabels": {
    "kubernetes.io/metadata.name": "kube-system"}}, "podSelector": {"matchLabels": {
        "k8s-app": "kube-dns"}}}], "ports": [{"port": 53, "protocol": "UDP"}]}
CLUSTER = [svc("kubernetes", "default", "10.43.0.1"),
           svc("kube-dns", "kube-system", "10.43.0.10", {"k8s-app": "kube-dns"})]


def test_fires_when_egress_allows_neither_the_api_server_nor_dns():
    db, app = pod("nextcloud-db-1", "nextcloud"), pod("nextcloud-exporter-7f9", "nextcloud")
    logs = {("nextcloud", "nextcloud-db-1", "app", False): [CNPG],
            ("nextcloud", "nextcloud-exporter-7f9", "app", False): [DNS]}
    [f] = run(netpol_blocks, policy("default-deny"), policy("allow-same-namespace", egress=SAME_NS),
              db, app, *CLUSTER, logs=logs)
    assert f.id == "KT-404/NetworkPolicy/nextcloud/allow-same-namespace"
    assert f.summary == ("NetworkPolicy nextcloud/allow-same-namespace (with default-deny) allows "
                         "no egress to what 2 pods time out on: 10.43.0.10:53 (Service "
                         "kube-system/kube-dns), 10.43.0.1:443 (Service default/kubernetes).")
    assert f.evidence[0] == f"nextcloud-db-1: {CNPG}"
    assert "kube-dns" in f.remediations[0].title and "6443" in f.remediations[1].title
    assert set(f.facts["breaks"]) == {("Pod", "nextcloud", "nextcloud-db-1"),
                                      ("Pod", "nextcloud", "nextcloud-exporter-7f9")}


def test_silent_when_a_dns_rule_admits_the_lookups():
    app = pod("nextcloud-exporter-7f9", "nextcloud")
    logs = {("nextcloud", "nextcloud-exporter-7f9", "app", False): [DNS]}
    assert run(netpol_blocks, policy("default-deny"),
               policy("allow-dns", egress=[*SAME_NS, DNS_RULE]), app, *CLUSTER, logs=logs) == []


def test_silent_when_no_policy_governs_egress():
    app = pod("nextcloud-exporter-7f9", "nextcloud")
    logs = {("nextcloud", "nextcloud-exporter-7f9", "app", False): [DNS]}
    assert run(netpol_blocks, policy("ingress-only", types=("Ingress",)), app, *CLUSTER,
               logs=logs) == []
