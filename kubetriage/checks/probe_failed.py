"""KT-207: a probe that fails, by the way it fails (Unhealthy events on the current pod).

HTTP 429 (the app rate-limits its own probe), 404 (the probed path does not exist: a doubled
prefix is common), 5xx (the app reports itself broken), connection refused on a port no container
declares (nothing listens there: a sidecar without its health server), or a timeout. Reported
only while the container is not ready or is being restarted.
"""

from __future__ import annotations

import re
from typing import Iterator

from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.objects import (containers, dicts, event_line, events, get, kubectl, make,
                                       n, ref, s)
from kubetriage.cluster.snapshot import Snapshot

CODE = "KT-207"
TITLE = "Probe failing"
KINDS = ("Pod", "Event")
SEVERITY = "error"

_CONTAINER = re.compile(r"spec\.(?:initC|c)ontainers\{([^}]+)\}")
_KIND = re.compile(r"^(Liveness|Readiness|Startup) probe", re.I)
_STATUS = re.compile(r"statuscode: (\d{3})")
_REFUSED = re.compile(r":(\d+)\S*: connect: connection refused|connection refused")
_TIMEOUT = re.compile(r"context deadline exceeded|Client\.Timeout|timed out|timeout", re.I)


def check(snap: Snapshot) -> Iterator[Finding]:
    for pod in snap.of_kind("Pod"):
        unhealthy = [e for e in events(snap, pod, "Pod") if s(e, "reason") == "Unhealthy"]
        if not unhealthy:
            continue
        statuses = {s(st, "name"): (st, spec) for st, spec, _ in containers(pod)}
        seen: set[tuple[str, str]] = set()
        for event in unhealthy:
            m = _CONTAINER.search(s(event, "involvedObject", "fieldPath"))
            container = m.group(1) if m else next(iter(statuses), "")
            kind_m = _KIND.search(s(event, "message"))
            kind = kind_m.group(1).capitalize() if kind_m else "A"
            if (container, kind) in seen or container not in statuses:
                continue
            status, spec = statuses[container]
            if status.get("ready") is True and n(status, "restartCount") == 0:
                continue
            seen.add((container, kind))
            yield _finding(pod, container, kind, spec, event,
                           [e for e in unhealthy if e is not event][:1])


def _declared_ports(pod: dict) -> set[str]:
    """Ports by number and by name: a probe may name its port."""
    ports = [p for field in ("containers", "initContainers")
             for c in dicts(pod, "spec", field) for p in dicts(c, "ports")]
    return {str(get(p, "containerPort")) for p in ports} | {s(p, "name") for p in ports}


def _finding(pod: dict, container: str, kind: str, spec: dict, event: dict,
             more: list[dict]) -> Finding:
    obj = ref(pod, "Pod")
    probe = get(spec, f"{kind.lower()}Probe") or {}
    path = s(probe, "httpGet", "path")
    port = get(probe, "httpGet", "port") or get(probe, "tcpSocket", "port")
    message = s(event, "message")
    facts: dict = {"container": container, "probe": kind.lower()}
    if (m := _STATUS.search(message)):
        code = int(m.group(1))
        why = {429: "the app answers 429 Too Many Requests: it rate-limits its own probe",
               404: f"the app answers 404: {path or 'the probed path'} does not exist "
                    "(check the route prefix)"}.get(code, f"the app answers {code}" +
                                                    (": it reports itself broken"
                                                     if code >= 500 else ""))
    elif _REFUSED.search(message):
        m = _REFUSED.search(message)
        port = port or (m.group(1) if m and m.group(1) else None)
        facts["port"] = port
        if port is not None and str(port) not in _declared_ports(pod):
            why = (f"connection refused on port {port}, which no container declares: nothing "
                   "listens there")
        else:
            why = f"connection refused on port {port or 'unknown'}: the process is not listening"
    elif _TIMEOUT.search(message):
        why = "the probe times out"
    else:
        why = "the kubelet's message below says how"
    return make(__name__, obj,
                f"{kind} probe of container {container} in pod {obj.namespace}/{obj.name} "
                f"fails: {why}.",
                [event_line(event), *(event_line(e) for e in more)],
                [Remediation(title="Compare the probe with what the container serves",
                             command=kubectl("describe", obj), action="describe")],
                part=f"{container}/{kind.lower()}", **facts)
