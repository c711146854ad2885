"""Failure chains: which finding caused which, from what the cluster states (DESIGN.md's table).

Edges run cause -> effect and each comes from stated facts: a dependsOn plus a DependencyNotReady
message, ownerReferences and the release labels Helm and Flux put on objects, a host a log line
names, a secret a pod event names, the node and registry of an x509 pull error, a policy's ports.
Most newer checks state their edges as data: `caused_by` and `breaks` in a finding's facts list
(kind, namespace, name[, codes]) keys of the objects whose findings cause it or that it breaks.
Never from names looking alike. A chain is a root (a finding nothing caused) and everything it
reaches; a finding nobody links is a chain of one. Order: most severe, then widest, chains first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from kubetriage.checks.finding import SEVERITY_RANK, Chain, Finding, Severity
from kubetriage.checks.objects import owners, release_of, str_at, workload_pods
from kubetriage.core.snapshot import Key, Snapshot

Edge = tuple[str, str]  # (cause id, effect id)


def _key(f: Finding) -> Key:
    return f.object.kind, f.object.namespace, f.object.name


class _Index:
    def __init__(self, findings: list[Finding]) -> None:
        self.by_object: dict[Key, list[Finding]] = defaultdict(list)
        self.secret_users: dict[tuple[str | None, str], list[Finding]] = defaultdict(list)
        for f in findings:
            self.by_object[_key(f)].append(f)
            if f.facts.get("missing_secret"):
                self.secret_users[(f.object.namespace, f.facts["missing_secret"])].append(f)
            kind, ns, name = f.facts.get("values_ref") or ("", "", "")
            if kind == "Secret":
                self.secret_users[(ns, name)].append(f)

    def on(self, kind: str, namespace: str | None, name: str, *codes: str) -> list[Finding]:
        found = self.by_object.get((kind, namespace, name), [])
        return [f for f in found if not codes or f.check in codes]


def edges(snap: Snapshot, findings: list[Finding]) -> set[Edge]:
    index = _Index(findings)
    found: set[Edge] = set()
    for f in findings:
        found.update((c.id, e.id) for c, e in _causes(snap, index, f))
    return {(a, b) for a, b in found if a != b}


def _causes(snap: Snapshot, index: _Index, f: Finding) -> Iterator[tuple[Finding, Finding]]:
    facts = f.facts
    # HelmRelease/Kustomization A -> B: B waits on A, and B's dependsOn names A
    if facts.get("depends_on"):
        for cause in index.on(*facts["depends_on"]):
            yield cause, f
    # a failed health check or Helm wait names the objects it waited for; a workload's pods
    # are why it never became ready
    for kind, ns, name in facts.get("waits_for") or ():
        for cause in index.on(kind, ns, name):
            yield cause, f
        for pod in workload_pods(snap, kind, ns, name):
            for cause in index.on("Pod", ns, str_at(pod, "metadata", "name")):
                yield cause, f
    # what a check states itself: the objects whose findings cause this one, and those it breaks
    # (a source -> its consumers, a claim -> the pods that mount it, a node -> its evicted pods)
    for key in facts.get("caused_by") or ():
        for cause in index.on(*key[:3]):
            if len(key) < 4 or cause.check in key[3]:
                yield cause, f
    for key in facts.get("breaks") or ():
        for effect in index.on(*key[:3]):
            if len(key) < 4 or effect.check in key[3]:
                yield f, effect
    if f.object.kind == "Pod":
        yield from _pod_edges(snap, index, f)
    if f.check == "KT-104" and facts.get("hook"):
        job = snap.get("Job", f.object.namespace, f.object.name)
        hr = release_of(snap, job) if job else None
        for effect in _release_findings(index, hr):
            if effect.facts.get("hook") or effect.facts.get("timeout"):
                yield f, effect
    # a failing release that should create Service S -> S missing -> pods that cannot resolve S
    if f.check == "KT-402":
        if facts.get("release"):
            ns, name = facts["release"]
            for cause in index.on("HelmRelease", ns, name, "KT-101", "KT-102"):
                yield cause, f
        for client in facts.get("clients") or ():
            ns, _, pod = client.partition("/")
            for effect in index.on("Pod", ns, pod):
                if effect.facts.get("unresolved_host"):
                    yield f, effect
    # an unsynced SealedSecret -> whatever states that its secret is missing
    if f.check == "KT-301":
        for effect in index.secret_users.get((f.object.namespace, facts.get("secret") or ""), []):
            yield f, effect
    # a SealedSecret that HelmReleases name in their values blocks them
    if f.check == "KT-301":
        for release in facts.get("releases") or ():
            ns, _, name = release.partition("/")
            for effect in index.on("HelmRelease", ns, name, "KT-101", "KT-102"):
                yield f, effect
    # the controller's log names each SealedSecret it could not decrypt
    if f.check == "KT-302":
        for ns, name in facts.get("sealed") or ():
            for effect in index.on("SealedSecret", ns, name, "KT-301"):
                yield f, effect
    # a policy blocking egress on a port -> the selected pods whose logs time out on it
    if f.check == "KT-403":
        for pod in facts.get("pods") or ():
            for effect in index.on("Pod", f.object.namespace, pod):
                if effect.facts.get("timeout_ports"):
                    yield f, effect
    # the selected pods are why a Service has no ready endpoint
    if f.check == "KT-401":
        for pod in facts.get("pods") or ():
            for cause in index.on("Pod", f.object.namespace, pod):
                yield cause, f
    # a failing liveness (or startup) probe restarts the very container it probes
    if f.check == "KT-207" and {"liveness", "startup"} & set(facts.get("probes") or ()):
        for effect in index.on(*_key(f), "KT-201", "KT-208"):
            if effect.facts.get("container") == facts.get("container"):
                yield f, effect
    # one registry trust problem on a node -> every pod failing x509 pulls from it there
    if f.check == "KT-203":
        for pod in facts.get("pods") or ():
            ns, _, name = pod.partition("/")
            for effect in index.on("Pod", ns, name, "KT-202"):
                if effect.facts.get("cause") == "x509" and \
                        effect.facts.get("registry") == facts.get("registry"):
                    yield f, effect


def _release_findings(index: _Index, hr: dict | None) -> list[Finding]:
    if hr is None:
        return []
    return index.on("HelmRelease", str_at(hr, "metadata", "namespace") or None,
                    str_at(hr, "metadata", "name"), "KT-101")


def _pod_edges(snap: Snapshot, index: _Index, f: Finding) -> Iterator[tuple[Finding, Finding]]:
    """pod -> its Job's finding, else -> its release's finding when that release timed out
    waiting for its workloads (or failed in a hook this pod runs)."""
    pod = snap.get("Pod", f.object.namespace, f.object.name)
    if pod is None:
        return
    chain = owners(snap, pod)
    job = next((o for o in chain if o.get("kind") == "Job"), None)
    if job is not None:
        job_findings = index.on("Job", f.object.namespace, str_at(job, "metadata", "name"), "KT-104")
        for effect in job_findings:
            yield f, effect
        if job_findings:
            return
    is_hook = job is not None and bool(str_at(job, "metadata", "annotations", "helm.sh/hook"))
    for effect in _release_findings(index, release_of(snap, pod)):
        if effect.facts.get("timeout") or (is_hook and effect.facts.get("hook")):
            yield f, effect


def build(snap: Snapshot, findings: Iterable[Finding],
          linked: set[Edge] | None = None) -> list[Chain]:
    """The chains of these findings, over their edges (given, when a pass changed them:
    diagnosis.py groups a workload's pods and ranks causes first)."""
    findings = list(findings)
    by_id = {f.id: f for f in findings}
    out: dict[str, list[str]] = defaultdict(list)
    indegree: dict[str, int] = {f.id: 0 for f in findings}
    for a, b in sorted(edges(snap, findings) if linked is None else linked):
        if a in by_id and b in by_id:
            out[a].append(b)
            indegree[b] += 1

    def order(ids: Iterable[str]) -> list[str]:
        return sorted(ids, key=lambda i: (-by_id[i].rank, i))

    chains: list[Chain] = []
    reached: set[str] = set()
    roots = order(i for i, d in indegree.items() if d == 0)
    while True:
        for root in roots:
            links = _reach(root, out, order)
            reached.update(links)
            chains.append(_chain(root, links, by_id))
        rest = [i for i in by_id if i not in reached]
        if not rest:
            break
        roots = order(rest)[:1]  # a cycle: start from its most severe finding
    chains.sort(key=lambda c: (-SEVERITY_RANK[c.severity], -len(c.links), c.root))
    return chains


def _reach(root: str, out: dict[str, list[str]], order) -> list[str]:
    links, queue, seen = [], [root], {root}
    while queue:
        node = queue.pop(0)
        links.append(node)
        for nxt in order(out.get(node, [])):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return links


def _chain(root: str, links: list[str], by_id: dict[str, Finding]) -> Chain:
    head = by_id[root]
    severity: Severity = max((by_id[i].severity for i in links), key=SEVERITY_RANK.__getitem__)
    summary = head.summary
    if len(links) > 1:
        own = set(head.facts.get("members") or ())  # a workload's own pods: not what it breaks
        named = [str(by_id[i].object) for i in links[1:] if i not in own]
        named = list(dict.fromkeys(n for n in named if n != str(head.object)))
        more = f", and {len(named) - 4} more" if len(named) > 4 else ""
        summary += f" It breaks {', '.join(named[:4])}{more}." if named else ""
    return Chain(id=f"chain/{root}", root=root, links=links, summary=summary, severity=severity)
