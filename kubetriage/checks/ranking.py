"""Which finding is the cause, across kinds: a rank per finding, the pass that puts a symptom
under the cause that explains the same pod, and the order of the chains.

A finding's rank says how far down the stack it sits:

- 3: what many workloads stand on: a NetworkPolicy, a node's trust of a registry, the sealing
  key, a SealedSecret;
- 2: a workload's own cause (a crash with its reason, a pull error, a probe answered 404) — the
  default, for checks this table does not name;
- 1: a symptom that says something is not up, not why (facts["symptom"]: a probe refused on the
  port the process should listen on, a crash whose log says nothing, a restart storm);
- 0: a symptom by nature: a Service without endpoints, a release waiting on another or timed out
  waiting for its workloads.

Chains reach a symptom root from no cause when no edge states one (the kubelet's probe of
Keycloak is refused: nothing says "because of the NetworkPolicy"). When such a root (rank 1 or
less) and a root of higher rank both reach a finding about the same pod, both explain that pod's
failure and the higher one says why: the symptom root is put under it (one edge), so the cause is
told once, above its symptoms. Chains are then ordered worst first, cause before symptom, then
the widest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from kubetriage.checks.finding import SEVERITY_RANK, Chain, Finding

Edge = tuple[str, str]
DEFAULT_RANK = 2
RANKS: dict[str, int] = {
    "KT-203": 3, "KT-301": 3, "KT-302": 3, "KT-403": 3,
    "KT-208": 1,
    "KT-102": 0, "KT-401": 0,
}
SYMPTOM = 1  # a root of this rank or less goes under a cause that explains the same pod


def rank(f: Finding) -> int:
    if f.facts.get("symptom"):
        return SYMPTOM
    if f.check == "KT-101" and f.facts.get("timeout"):
        return 0  # Helm waited for workloads that failed: theirs is the cause
    return RANKS.get(f.check, DEFAULT_RANK)


def cause_above_symptom(findings: list[Finding], edges: set[Edge]) -> set[Edge]:
    """The edges, plus one from a cause to each symptom root explaining the same pod (see the
    module's docstring)."""
    by_id = {f.id: f for f in findings}
    out: dict[str, list[str]] = defaultdict(list)
    has_cause: set[str] = set()
    for a, b in edges:
        if a in by_id and b in by_id:
            out[a].append(b)
            has_cause.add(b)
    roots = [f for f in findings if f.id not in has_cause]
    pods = {r.id: {(by_id[i].object.namespace, by_id[i].object.name) for i in _reach(r.id, out)
                   if by_id[i].object.kind == "Pod"} for r in roots}
    added = set(edges)
    for symptom in roots:
        if rank(symptom) > SYMPTOM:
            continue
        causes = [c for c in roots if rank(c) > rank(symptom) and pods[c.id] & pods[symptom.id]]
        if causes:
            cause = min(causes, key=lambda c: (-rank(c), -SEVERITY_RANK[c.severity], c.id))
            added.add((cause.id, symptom.id))
    return added


def order(chains: Iterable[Chain], findings: Iterable[Finding]) -> list[Chain]:
    """Worst first; of equal severity the deeper cause first, then the widest, then by root."""
    by_id = {f.id: f for f in findings}
    return sorted(chains, key=lambda c: (-SEVERITY_RANK[c.severity],
                                         -rank(by_id[c.root]) if c.root in by_id else 0,
                                         -len(c.links), c.root))


def _reach(root: str, out: dict[str, list[str]]) -> set[str]:
    seen, stack = {root}, [root]
    while stack:
        for nxt in out.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen
