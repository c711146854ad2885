"""KT-207: a probe that fails, by the way it fails (Unhealthy events on the current pod).

HTTP 429 (the app rate-limits its own probe), 404 (the probed path does not exist: a doubled
prefix is common), 5xx (the app reports itself broken), connection refused on a port no container
declares (nothing listens there: a sidecar without its health server), or a timeout. Reported
only while the container is not ready or is being restarted. A refusal on a port the container
declares, or a timeout, says the process is not up, not why: the finding is marked a symptom
(facts["symptom"]), which a cause found elsewhere for the same pod ranks above (ranking.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.objects import at, containers, dicts, event_line, events, int_at, kubectl, ref, str_at
from kubetriage.core.snapshot import Snapshot

CHECK = Check(code="KT-207", title="Probe failing", severity="error",
              kinds=("Pod", "Event"), doc=__doc__)

_CONTAINER = re.compile(r"spec\.(?:initC|c)ontainers\{([^}]+)\}")
_KIND = re.compile(r"^(Liveness|Readiness|Startup) probe", re.I)
_STATUS = re.compile(r"statuscode: (\d{3})")
_REFUSED = re.compile(r":(\d+)\S*: connect: connection refused|connection refused")
_TIMEOUT = re.compile(r"context deadline exceeded|Client\.Timeout|timed out|timeout", re.I)


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    # few pods have Unhealthy events: look those up rather than every pod's events
    about = [(ns, pod) for (kind, ns, pod), said in snap.events_by_object.items()
             if kind == "Pod" and any(e.get("reason") == "Unhealthy" for e in said)]
    for ns, pod_name in about:
        pod = snap.get("Pod", ns, pod_name)
        if pod is None:
            continue
        unhealthy = [e for e in events(snap, pod, "Pod") if str_at(e, "reason") == "Unhealthy"]
        if not unhealthy:
            continue
        statuses = {str_at(st, "name"): (st, spec) for st, spec, _ in containers(pod)}
        by_container: dict[str, list[dict]] = {}
        for event in unhealthy:
            m = _CONTAINER.search(str_at(event, "involvedObject", "fieldPath"))
            container = m.group(1) if m else next(iter(statuses), "")
            if container in statuses:
                by_container.setdefault(container, []).append(event)
        for container, said in by_container.items():
            status, spec = statuses[container]
            if status.get("ready") is True and int_at(status, "restartCount") == 0:
                continue
            yield _finding(pod, container, spec, said)


def _kind(event: dict) -> str:
    m = _KIND.search(str_at(event, "message"))
    return m.group(1).lower() if m else "a"


def _declared_ports(pod: dict) -> set[str]:
    """Ports by number and by name: a probe may name its port."""
    ports = [p for field in ("containers", "initContainers")
             for c in dicts(pod, "spec", field) for p in dicts(c, "ports")]
    return {str(at(p, "containerPort")) for p in ports} | {str_at(p, "name") for p in ports}


def _finding(pod: dict, container: str, spec: dict, said: list[dict]) -> Finding:
    """One finding per container: its probes usually fail the same way."""
    obj = ref(pod, "Pod")
    kinds = sorted({_kind(e) for e in said}, key=("startup", "liveness", "readiness", "a").index)
    event = said[0]
    kind = _kind(event)
    probe = at(spec, f"{kind}Probe") or {}
    path = str_at(probe, "httpGet", "path")
    port = at(probe, "httpGet", "port") or at(probe, "tcpSocket", "port")
    message = str_at(event, "message")
    facts: dict = {"container": container, "probes": kinds}
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
            facts["symptom"] = True  # of the process not being up: its cause is elsewhere
    elif _TIMEOUT.search(message):
        why = "the probe times out"
        facts["symptom"] = True
    else:
        why = "the kubelet's message below says how"
        facts["symptom"] = True
    return CHECK.finding(obj,
                         f"{' and '.join(kinds).capitalize()} probe{'s' if len(kinds) > 1 else ''} of "
                         f"container {container} in pod {obj.namespace}/{obj.name} fail"
                         f"{'' if len(kinds) > 1 else 's'}: {why}.",
                         [event_line(e) for e in said[:3]],
                         [Remediation(title="Compare the probe with what the container serves",
                                      command=kubectl("describe", obj), action="describe")],
                         part=container, **facts)
