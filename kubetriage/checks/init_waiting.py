"""KT-209: an init container that has been running far longer than its kind ever takes, holding
its pod at Init, with what it waits for when its log names it.

No event, no restart, no error state: the pod just stays `Init:0/1`. It counts as stuck once it
has run STUCK_AFTER and ten times longer than the same init container took in its sibling pods
(same owner) that finished. Its log usually names the host it polls (`nslookup: can't resolve
'redis-cart'`, `waiting for ...`); when that host is a Service that does not exist, KT-402 reports
the Service as the cause.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from datetime import datetime

from kubetriage.checks import causes
from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.objects import (
    age,
    all_containers,
    at,
    kubectl,
    ref,
    seconds_since,
    service_for_host,
    str_at,
)
from kubetriage.core.snapshot import Snapshot

CHECK = Check(code="KT-209", title="Init container never finishes", severity="error",
              kinds=("Pod", "Service"), doc=__doc__)

STUCK_AFTER = 600.0  # seconds: longer than any sane wait-for-dependency loop at startup
SIBLING_FACTOR = 10


def _took(status: dict) -> float | None:
    done = at(status, "state", "terminated") or {}
    try:
        start = datetime.fromisoformat(str_at(done, "startedAt").replace("Z", "+00:00"))
        end = datetime.fromisoformat(str_at(done, "finishedAt").replace("Z", "+00:00"))
    except ValueError:
        return None
    return (end - start).total_seconds()


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    # the containers index every pod check shares: init containers of a cluster are few
    for pod, status, _, init in all_containers(snap):
        if not init or str_at(pod, "status", "phase") != "Pending":
            continue
        started = str_at(status, "state", "running", "startedAt")
        running = seconds_since(snap, started) if started else None
        if running is None or running < STUCK_AFTER:
            continue
        usual = _usual(snap, pod, str_at(status, "name"))
        if usual is not None and running < max(usual * SIBLING_FACTOR, STUCK_AFTER):
            continue
        yield _finding(snap, pod, status, started, usual)


def _usual(snap: Snapshot, pod: dict, container: str) -> float | None:
    """The longest this init container took in sibling pods that finished it."""
    refs = (pod.get("metadata") or {}).get("ownerReferences") or []
    uid = str_at(refs[0], "uid") if refs and isinstance(refs[0], dict) else ""
    took = [t for sib in (snap.owned_by(uid) if uid else []) if sib is not pod
            for st in at(sib, "status", "initContainerStatuses") or []
            if isinstance(st, dict) and st.get("name") == container and (t := _took(st))]
    return max(took) if took else None


def _finding(snap: Snapshot, pod: dict, status: dict, started: str,
             usual: float | None) -> Finding:
    obj = ref(pod, "Pod")
    container = str_at(status, "name")
    ns = obj.namespace or ""
    lines = snap.log(ns, obj.name, container)
    found = causes.precise(lines)
    host = found.facts.get("unresolved_host") if found else None
    svc = service_for_host(snap, host, ns) if host else None
    facts: dict = {"container": container}
    waits = ""
    if host:
        facts["unresolved_host"] = host
        waits = f", waiting for host {host}"
        if svc and snap.has_kind("Service") and snap.get("Service", *svc) is None:
            waits += f": Service {svc[0]}/{svc[1]} does not exist"
            facts["caused_by"] = [("Service", svc[0], svc[1], ("KT-402",))]
    sibling = f" (its siblings took {int(usual)}s)" if usual is not None else ""
    summary = (f"Init container {container} of pod {ns}/{obj.name} has run for "
               f"{age(snap, started)} without finishing{sibling}{waits}.")
    evidence = [f"{container}: Running since {started}, {at(status, 'restartCount') or 0} "
                "restarts; the pod stays at Init"]
    evidence += (found.lines if found else [ln for ln in lines if ln.strip()][-2:])
    fixes = [Remediation(title=f"Deploy what it waits for (Service {svc[1]})" if svc else
                         "Make what it waits for exist, or fix the name it polls"),
             Remediation(title="Read what it prints while it waits",
                         command=kubectl("logs", obj, f"-c {shlex.quote(container)}"),
                         action="logs")]
    return CHECK.finding(obj, summary, evidence, fixes, part=container, **facts)
