"""KT-404: NetworkPolicies that govern a pod's egress and allow none of the peers its log times
out on: DNS (`read udp ...->10.43.0.10:53: i/o timeout`), the API server (`dial tcp
10.43.0.1:443: i/o timeout`), a database port.

The peer is what the cluster says the address is (a Service's clusterIP, a pod's IP; else an
outside address), and it is allowed when an egress rule of any policy selecting the pod admits its
port and the peer (an ipBlock holding the address, a namespace/pod selector matching where it
runs, or no `to` at all). Pods whose logs do not time out are not linked: a default-deny with a
correct DNS rule stays silent. One finding per namespace's egress policy set, linked to the pods.
"""

from __future__ import annotations

import ipaddress
import re
from collections import defaultdict
from collections.abc import Iterator

from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.objects import at, dicts, labels, mapping, name, namespace, ref, str_at
from kubetriage.core.snapshot import Snapshot

CHECK = Check(code="KT-404", title="NetworkPolicy blocks the peers pods time out on", severity="error",
              kinds=("NetworkPolicy", "Pod", "Service", "Namespace"), doc=__doc__)

_DIAL = re.compile(r"dial tcp (\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5}): (?:i/o timeout|connect: "
                   r"connection timed out)")
_UDP = re.compile(r"read udp [\d.:]+->(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5}): i/o timeout")


def _selects(selector: dict, have: dict) -> bool:
    want = mapping(selector, "matchLabels")
    return all(have.get(k) == v for k, v in want.items()) and not dicts(selector, "matchExpressions")


def _egress_policies(snap: Snapshot, pod: dict) -> list[dict]:
    return [p for p in snap.in_namespace("NetworkPolicy", namespace(pod))
            if _selects(mapping(p, "spec", "podSelector"), labels(pod))
            and ("Egress" in (at(p, "spec", "policyTypes") or []) or dicts(p, "spec", "egress"))]


def _where(snap: Snapshot, ip: str) -> tuple[str, str | None, dict]:
    """(what the address is, its namespace, labels of the pods behind it) from the cluster."""
    def index(snap: Snapshot) -> dict[str, tuple[str, str | None, dict]]:
        found = {str_at(p, "status", "podIP"): (f"pod {namespace(p)}/{name(p)}", namespace(p),
                                                labels(p)) for p in snap.of_kind("Pod")}
        found.update({str_at(s, "spec", "clusterIP"): (
            f"Service {namespace(s)}/{name(s)}", namespace(s), mapping(s, "spec", "selector"))
            for s in snap.of_kind("Service")})
        return found
    return snap.derived("addresses", index).get(ip) or (f"outside address {ip}", None, {})


def _peer_allows(snap: Snapshot, peer: dict, policy_ns: str | None, ip: str,
                 target_ns: str | None, target_labels: dict) -> bool:
    if "ipBlock" in peer:
        try:
            address = ipaddress.ip_address(ip)
            block = ipaddress.ip_network(str_at(peer, "ipBlock", "cidr"), strict=False)
            excepted = [ipaddress.ip_network(str(e), strict=False)
                        for e in at(peer, "ipBlock", "except") or []]
        except ValueError:
            return False
        return address in block and not any(address in e for e in excepted)
    if target_ns is None or not target_labels:
        return False  # an outside address or a Service without pods: only an ipBlock admits it
    if "namespaceSelector" in peer:
        ns_obj = snap.get("Namespace", None, target_ns)
        ns_labels = labels(ns_obj) if ns_obj else {"kubernetes.io/metadata.name": target_ns}
        if not _selects(mapping(peer, "namespaceSelector"), ns_labels):
            return False
    elif target_ns != policy_ns:
        return False
    return "podSelector" not in peer or _selects(mapping(peer, "podSelector"), target_labels)


def _allowed(snap: Snapshot, policies: list[dict], ip: str, port: str) -> bool:
    _, target_ns, target_labels = _where(snap, ip)
    for policy in policies:
        for rule in dicts(policy, "spec", "egress"):
            ports = [str(at(p, "port")) for p in dicts(rule, "ports") if at(p, "port") is not None]
            if ports and port not in ports:
                continue
            peers = dicts(rule, "to")
            if not peers or any(_peer_allows(snap, peer, namespace(policy), ip, target_ns,
                                             target_labels) for peer in peers):
                return True
    return False


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    if not snap.has_kind("NetworkPolicy"):
        return
    blocked: dict[tuple[str | None, tuple[str, ...]], dict[str, list[tuple[str, str, str]]]] = \
        defaultdict(lambda: defaultdict(list))
    for (ns, pod_name, _container, _previous), lines in snap.logs.items():
        pod = snap.get("Pod", ns, pod_name)
        policies = _egress_policies(snap, pod) if pod else []
        if not policies:
            continue
        for line in lines[-50:]:
            for m in (*_DIAL.finditer(line[:4096]), *_UDP.finditer(line[:4096])):
                ip, port = m.group(1), m.group(2)
                if not _allowed(snap, policies, ip, port):
                    key = (ns, tuple(sorted(name(p) for p in policies)))
                    blocked[key][pod_name].append((ip, port, line))
    for (ns, names), pods in sorted(blocked.items()):
        policies = [snap.get("NetworkPolicy", ns, n) for n in names]
        yield _finding(snap, ns, [p for p in policies if p], pods)


def _finding(snap: Snapshot, ns: str | None, policies: list[dict],
             pods: dict[str, list[tuple[str, str, str]]]) -> Finding:
    main = next((p for p in policies if dicts(p, "spec", "egress")), policies[0])
    obj = ref(main, "NetworkPolicy")
    others = [name(p) for p in policies if p is not main]
    peers = sorted({(ip, port) for hits in pods.values() for ip, port, _ in hits},
                   key=lambda x: (int(x[1]), x[0]))
    named = [f"{ip}:{port} ({_where(snap, ip)[0]})" for ip, port in peers]
    also = f" (with {', '.join(others)})" if others else ""
    summary = (f"NetworkPolicy {ns}/{obj.name}{also} allows no egress to what "
               f"{len(pods)} pod{'s' if len(pods) != 1 else ''} time out on: {', '.join(named)}.")
    evidence = [f"{pod}: {hits[-1][2].strip()}" for pod, hits in sorted(pods.items())][:3]
    evidence.append("egress allowed: " + ("; ".join(_rule_text(r) for p in policies
                                                   for r in dicts(p, "spec", "egress"))
                                          or "nothing"))
    fixes = []
    if any(port == "53" for _, port in peers):
        fixes.append(Remediation(title="Add an egress rule to kube-dns: to namespaceSelector "
                                       "kubernetes.io/metadata.name: kube-system with podSelector "
                                       "k8s-app: kube-dns, ports 53/UDP and 53/TCP"))
    if any(_where(snap, ip)[0] == "Service default/kubernetes" for ip, _ in peers):
        fixes.append(Remediation(title="Add an egress rule to the API server: an ipBlock of the "
                                       "control-plane node addresses on port 6443 (policies see "
                                       "the endpoint, not the Service IP)",
                                 command="kubectl get endpoints kubernetes -n default"))
    rest = [f"{ip}:{port}" for ip, port in peers if port != "53"
            and _where(snap, ip)[0] != "Service default/kubernetes"]
    if rest or not fixes:
        fixes.append(Remediation(title=f"Add an egress rule for {', '.join(rest) or 'the peers'}"))
    fixes.append(Remediation(title="Then restart the pods that backed off",
                             action="delete-pod"))
    return CHECK.finding(obj, summary, evidence, fixes,
                         breaks=[("Pod", ns, pod) for pod in sorted(pods)],
                         peers=[f"{ip}:{port}" for ip, port in peers])


def _rule_text(rule: dict) -> str:
    ports = ",".join(str(at(p, "port")) for p in dicts(rule, "ports")) or "all ports"
    to = dicts(rule, "to")
    where = "anywhere" if not to else "; ".join(
        "ipBlock " + str_at(p, "ipBlock", "cidr") if "ipBlock" in p else
        ("namespaces " + ",".join(f"{k}={v}" for k, v in
                                  mapping(p, "namespaceSelector", "matchLabels").items())
         if "namespaceSelector" in p else "this namespace") +
        (" pods " + ",".join(f"{k}={v}" for k, v in mapping(p, "podSelector",
                                                          "matchLabels").items())
         if mapping(p, "podSelector", "matchLabels") else "")
        for p in to)
    return f"{where} on {ports}"
