"""KT-402: a Service that clients' logs name but that does not exist.

A log line says a host cannot be resolved (nginx `host not found in upstream "S"`, libpq `could not
translate host name`, `no such host`), the host is a cluster name for Service S, and the snapshot
holds Services but not S. If a HelmRelease named S, or releasing S, is in the namespace, it is the
one that should create it; the chain builder links its failure here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from kubetriage.checks import causes
from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, ObjectRef, Remediation
from kubetriage.checks.objects import release_name, service_for_host
from kubetriage.core.snapshot import Snapshot

CHECK = Check(code="KT-402", title="Service named by clients is missing", severity="error",
              kinds=("Service", "Pod", "HelmRelease"), doc=__doc__)


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    if not snap.has_kind("Service"):
        return  # without Services in the snapshot, absence proves nothing
    wanted: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(dict)
    resolvers: set[tuple[str, str]] = set()
    for (ns, pod, _container, _previous), cause in causes.precise_by_log(snap).items():
        host = cause.facts.get("unresolved_host")
        svc = service_for_host(snap, host, ns) if host else None
        if cause and svc and snap.get("Service", *svc) is None:
            wanted[svc].setdefault(f"{ns}/{pod}", cause.lines[-1:])
            if cause.facts.get("resolver"):
                resolvers.add(svc)
    for (ns, svc), clients in sorted(wanted.items()):
        releases = [hr for hr in snap.in_namespace("HelmRelease", ns)
                    if svc in (release_name(hr), hr.get("metadata", {}).get("name"))]
        obj = ObjectRef(kind="Service", namespace=ns, name=svc)
        by = f"; HelmRelease {ns}/{releases[0]['metadata']['name']} should create it" \
            if releases else ""
        pods = sorted(clients)
        fixes = [Remediation(title="Check which Services exist",
                             command=f"kubectl get services -n {ns}")]
        if (ns, svc) in resolvers:
            # the clients use it as their DNS resolver: the cluster's DNS has another name
            dns = [f"{d['metadata'].get('namespace')}/{d['metadata']['name']}"
                   for d in snap.of_kind("Service")
                   if d.get("metadata", {}).get("labels", {}).get("k8s-app") == "kube-dns"]
            if dns:
                by = f"; the cluster's DNS Service is {', '.join(dns)}"
                fixes.insert(0, Remediation(
                    title=f"Point the resolver at Service {dns[0]} (the chart's dnsService "
                          "value, e.g. global.dnsService), not a Service to create"))
        yield CHECK.finding(obj,
                            f"Service {ns}/{svc} does not exist, yet {len(pods)} pod"
                            f"{'s' if len(pods) != 1 else ''} need{'' if len(pods) != 1 else 's'} it{by}.",
                            [*(f"{p}: {line}" for p in pods[:3] for line in clients[p]),
                             f"no Service {svc} in namespace {ns}"],
                            fixes, clients=pods, host_service=(ns, svc),
                            release=(ns, releases[0]["metadata"]["name"]) if releases else None)
