"""KT-403: a NetworkPolicy that admits a port on ingress but not on egress for the same peers.

Peer-to-peer protocols (JGroups on 7800, a management port) need both directions: each member
connects out to the others. When the policy governs Egress and no egress rule allows that port
to those peers, members accept connections nobody can make. It is a warning on its own, an error
when a selected pod's log shows timeouts on that port (the chain links them).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kubetriage.checks import causes
from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.objects import at, dicts, labels, mapping, name, ref, str_at
from kubetriage.core.snapshot import Snapshot

CHECK = Check(code="KT-403", title="NetworkPolicy ingress without egress", severity="warning",
              kinds=("NetworkPolicy", "Pod"), doc=__doc__)


def _selects(selector: dict[str, Any], pod: dict) -> bool:
    want = mapping(selector, "matchLabels")
    return all(labels(pod).get(k) == v for k, v in want.items()) and \
        not dicts(selector, "matchExpressions")


def _ports(rule: dict) -> set[str] | None:
    """The ports a rule allows; None means every port."""
    ports = dicts(rule, "ports")
    return {str(at(p, "port")) for p in ports if at(p, "port") is not None} if ports else None


def _allows(rules: list[dict], peers: list[dict], port: str) -> bool:
    for rule in rules:
        to = dicts(rule, "to")
        ports = _ports(rule)
        if ports is not None and port not in ports:
            continue
        if not to or any(p in to for p in peers):
            return True
    return False


def _egress_rules(snap: Snapshot, policy: dict, selected: list[dict]) -> list[dict] | None:
    """Egress rules of every policy governing egress of these pods (policies add up); None when
    no policy governs their egress, so everything may leave."""
    ns = str_at(policy, "metadata", "namespace") or None
    own = mapping(policy, "spec", "podSelector")
    rules, governed = [], False
    for other in snap.in_namespace("NetworkPolicy", ns):
        sel = mapping(other, "spec", "podSelector")
        if not (sel == own or any(_selects(sel, p) for p in selected)):
            continue
        egress = dicts(other, "spec", "egress")
        if "Egress" in (at(other, "spec", "policyTypes") or []) or egress:
            governed = True
            rules += egress
    return rules if governed else None


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    for policy in snap.of_kind("NetworkPolicy"):
        own = mapping(policy, "spec", "podSelector")
        ns = str_at(policy, "metadata", "namespace") or None
        selected = [p for p in snap.in_namespace("Pod", ns) if _selects(own, p)]
        # members of the same group talking to each other: the peer is the policy's own pods
        peers = [peer for rule in dicts(policy, "spec", "ingress") for peer in dicts(rule, "from")
                 if mapping(peer, "podSelector") == own and own]
        if not peers:
            continue
        egress = _egress_rules(snap, policy, selected)
        if egress is None:
            continue
        ports = sorted({port for rule in dicts(policy, "spec", "ingress")
                        if any(mapping(p, "podSelector") == own for p in dicts(rule, "from"))
                        for port in (_ports(rule) or ())
                        if not _allows(egress, peers[:1], port)}, key=lambda p: (len(p), p))
        if not ports:
            continue
        timing_out = _timeouts(snap, selected, ports)
        obj = ref(policy, "NetworkPolicy")
        many = len(ports) > 1
        yield CHECK.finding(obj,
                            f"NetworkPolicy {obj.namespace}/{obj.name} admits port{'s' if many else ''} "
                            f"{', '.join(ports)} from its own pods on ingress, but no egress rule lets "
                            "them connect out to each other there"
                            + (f"; {len(timing_out)} of them time{'s' if len(timing_out) == 1 else ''} "
                               f"out on {'them' if many else 'it'}" if timing_out else "") + ".",
                            [f"ingress from {peers_text(peers[:1])} on {', '.join(ports)}; egress to "
                             f"them allowed on: {egress_text(egress, peers[:1])}",
                             *timing_out.values()][:3],
                            [Remediation(title=f"Add an egress rule to the same pods on port"
                                               f"{'s' if many else ''} {', '.join(ports)}")],
                            severity="error" if timing_out else None, ports=ports,
                   pods=sorted(timing_out))


def _timeouts(snap: Snapshot, pods: list[dict], ports: list[str]) -> dict[str, str]:
    """pod name -> a log line timing out on one of the ports."""
    found = {}
    wanted = {(str_at(pod, "metadata", "namespace"), name(pod)) for pod in pods}
    for (ns, pod_name, _, _), cause in causes.precise_by_log(snap).items():
        if (ns, pod_name) in wanted and \
                {str(p) for p in cause.facts.get("timeout_ports", ())} & set(ports):
            found[pod_name] = f"{pod_name}: {cause.lines[-1]}"
    return found


def peers_text(peers: list[dict]) -> str:
    return "; ".join(",".join(f"{k}={v}" for k, v in
                              sorted(mapping(p, "podSelector", "matchLabels").items())) or "all pods"
                     for p in peers)


def egress_text(rules: list[dict], peers: list[dict]) -> str:
    allowed: set[str] = set()
    for rule in rules:
        to = dicts(rule, "to")
        if not to or any(p in to for p in peers):
            ports = _ports(rule)
            if ports is None:
                return "all ports"
            allowed |= ports
    return ", ".join(sorted(allowed, key=lambda p: (len(p), p))) or "no port"
