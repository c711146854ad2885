"""KT-405: an Ingress that routes to a Service that does not exist, or to a port the Service does
not serve: the ingress controller answers 503 there (ingress-nginx logs `Error obtaining
Endpoints for Service "ns/name": no object matching key "ns/name" in local store`:
kubernetes/ingress-nginx#5973, bitnami/charts#13644).

Read from the Ingress's rules and default backend against the Services of its namespace, only when
Services could be listed there. The Services that do exist are listed as they are: which one was
meant is the operator's to say, never a guess from names that look alike.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator

from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.objects import at, dicts, name, namespace, ref, str_at
from kubetriage.core.snapshot import Snapshot

CHECK = Check(code="KT-405", title="Ingress routes to a missing Service", severity="error",
              kinds=("Ingress", "Service"), doc=__doc__)

SHOWN = 6


def _backends(ingress: dict) -> list[tuple[str, str, dict]]:
    """(where: host and path, service name, its port) of every backend the Ingress routes to."""
    out = []
    default = at(ingress, "spec", "defaultBackend", "service")
    if isinstance(default, dict) and str_at(default, "name"):
        out.append(("default backend", str_at(default, "name"), at(default, "port") or {}))
    for rule in dicts(ingress, "spec", "rules"):
        host = str_at(rule, "host") or "*"
        for path in dicts(rule, "http", "paths"):
            service = at(path, "backend", "service")
            if isinstance(service, dict) and str_at(service, "name"):
                out.append((f"{host}{str_at(path, 'path') or '/'}", str_at(service, "name"),
                            at(service, "port") or {}))
    return out


def _serves(service: dict, port: dict) -> bool:
    number, port_name = at(port, "number"), str_at(port, "name")
    ports = dicts(service, "spec", "ports")
    if isinstance(number, int):
        return any(at(p, "port") == number for p in ports)
    return not port_name or any(str_at(p, "name") == port_name for p in ports)


def _port(port: dict) -> str:
    number = at(port, "number")
    return str(number) if isinstance(number, int) else str_at(port, "name")


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    if not snap.has_kind("Service"):
        return
    for ingress in snap.of_kind("Ingress"):
        ns = namespace(ingress)
        if ns and snap.unseen.restricted_to(ns).blind_to("Service"):
            continue  # Services hidden there (RBAC): a missing one proves nothing
        missing, wrong_port = [], []
        for where, svc, port in _backends(ingress):
            found = snap.get("Service", ns, svc)
            if found is None:
                missing.append((where, svc, port))
            elif not _serves(found, port):
                wrong_port.append((where, svc, port, found))
        if missing or wrong_port:
            yield _finding(snap, ingress, missing, wrong_port)


def _finding(snap: Snapshot, ingress: dict, missing: list, wrong_port: list) -> Finding:
    obj = ref(ingress, "Ingress")
    ns = obj.namespace or "default"
    existing = sorted(name(s) for s in snap.in_namespace("Service", obj.namespace))
    whats, evidence = [], []
    for where, svc, port in missing:
        evidence.append(f"{where} -> Service {svc}:{_port(port)}: no Service {svc} in {ns}")
    for where, svc, port, found in wrong_port:
        serves = ", ".join(str(at(p, "port")) for p in dicts(found, "spec", "ports"))
        evidence.append(f"{where} -> Service {svc}:{_port(port)}: it serves {serves or 'no port'}")
    if missing:
        names = ", ".join(dict.fromkeys(svc for _, svc, _ in missing))
        whats.append(f"Service {names}, which does not exist in {ns}")
    if wrong_port:
        whats.append(", ".join(dict.fromkeys(f"port {_port(port)} of Service {svc}, which it "
                                             "does not serve" for _, svc, port, _ in wrong_port)))
    shown = ", ".join(existing[:SHOWN]) + (f" and {len(existing) - SHOWN} more"
                                           if len(existing) > SHOWN else "")
    evidence.append(f"Services in {ns}: {shown}" if existing else f"no Service in {ns}")
    return CHECK.finding(
        obj, f"Ingress {ns}/{obj.name} routes to {' and '.join(whats)}: the ingress controller "
             "answers 503 there.", evidence,
        [Remediation(title="Point the backend at the Service (and port) that serves it, or "
                           "create the Service, in Git"),
         Remediation(title="See the Services and ports there",
                     command=f"kubectl -n {shlex.quote(ns)} get services")],
        services=[svc for _, svc, _ in missing])
