"""KT-201: a container in CrashLoopBackOff, with the cause read where the cluster states it.

The cause comes, in this order, from the last termination (OOMKilled, whatever the exit code the
runtime reports), from the log of the instance that crashed last (see causes.py: a precise
pattern, else the line that states the failure, quoted as the reason read from the log), from the
kubelet's own word that it kills the container for a failing liveness or startup probe (then exit
143, SIGTERM, or even 0 is the kill, not the program ending: it outranks a quoted line, which is
then what the container said as it was stopped), from an exit code 0 under a Deployment (a
one-shot program run as a service), from the termination message, or from the last words of a
non-zero exit. Init containers count too. Otherwise the cause is unknown and the summary says so,
and why: the log could not be read (with the server's words), or it does not say.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterator

from kubetriage.checks import causes
from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.objects import (
    at,
    event_line,
    events,
    int_at,
    kubectl,
    name,
    namespace,
    owner_kind,
    ref,
    str_at,
    waiting,
)
from kubetriage.core.snapshot import Snapshot

CHECK = Check(code="KT-201", title="Container crash-looping", severity="error",
              kinds=("Pod", "Event"), doc=__doc__)

_SERVING_OWNERS = ("ReplicaSet", "StatefulSet", "DaemonSet", "Deployment")
_PROBE_KILL = re.compile(r"Container (\S+) failed (liveness|startup) probe", re.I)
_FIELD_PATH = re.compile(r"spec\.(?:initC|c)ontainers\{([^}]+)\}")
_NAMED = re.compile(r"failed container (\S+) in pod")  # a BackOff event without a field path


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    for pod, status, _, init in waiting(snap, "CrashLoopBackOff"):
        yield _finding(snap, pod, status, init)


def log_cause(snap: Snapshot, pod: dict, status: dict) -> causes.Cause | None:
    """The cause in the log of the instance that crashed last. While the container runs, that is
    the previous instance; while it waits in back-off or has terminated, the kubelet serves it as
    the current log (the previous one is then older, or the same). The other log is the fallback.
    """
    return _log_lines(snap, pod, status, causes.precise) or \
        _log_lines(snap, pod, status, causes.stated)


def _log_lines(snap: Snapshot, pod: dict, status: dict,
               read: Callable[[list[str]], causes.Cause | None]) -> causes.Cause | None:
    ns, pod_name, container = namespace(pod) or "", name(pod), str_at(status, "name")
    current, previous = snap.log(ns, pod_name, container, False), \
        snap.log(ns, pod_name, container, True)
    first, then = (previous, current) if at(status, "state", "running") is not None \
        else (current, previous)
    return read(first) or read(then)


def explain(snap: Snapshot, pod: dict, status: dict) -> tuple[str, list[str], str | None, dict]:
    """(cause, evidence lines, fix, facts) of a container's last exit; cause may be unknown."""
    container = str_at(status, "name")
    last = at(status, "lastState", "terminated") or at(status, "state", "terminated") or {}
    code, reason = at(last, "exitCode"), str_at(last, "reason")
    exit_line = f"last exit: code {code if code is not None else 'unknown'}" + \
        (f" ({reason})" if reason else "") + \
        (f" at {str_at(last, 'finishedAt')}" if str_at(last, "finishedAt") else "")
    if reason == "OOMKilled":
        limit = str_at(_spec(pod, container), "resources", "limits", "memory")
        return (f"it is killed for exceeding its memory limit{f' of {limit}' if limit else ''} "
                "(OOMKilled)", [exit_line], "raise the memory limit or reduce its use", {})
    found = log_cause(snap, pod, status)
    killed = probe_kill(snap, pod, container)
    if found and not (killed and found.facts.get("stated")):  # the kubelet's word over a quote
        label = found.label
        node = snap.get("Node", None, str_at(pod, "spec", "nodeName"))
        arch = str_at(node, "metadata", "labels", "kubernetes.io/arch") if node else ""
        if found.facts.get("exec_format") and arch:
            label += f"; node {str_at(pod, 'spec', 'nodeName')} is {arch}"
        return label, [exit_line, *found.lines], found.fix, found.facts
    if killed is not None:
        probe, said = killed
        said += found.lines if found else []  # what it said as it was stopped
        signal = {143: " (exit 143: SIGTERM)", 137: " (exit 137: SIGKILL after the grace "
                  "period)", 0: " (it exits 0 when told to stop)"}.get(code, "") \
            if isinstance(code, int) else ""
        return (f"the kubelet kills it because its {probe} probe fails{signal}, not because it "
                "exits by itself", [exit_line, *said],
                f"make the {probe} probe match what the container serves (see its probe finding)",
                {"probe_killed": probe})
    if code == 0 and owner_kind(pod) in _SERVING_OWNERS:
        return ("it exits with code 0 (Completed), yet its workload restarts it forever: a "
                "one-shot program run as a service", [exit_line],
                "run it as a Job, or make its command keep serving", {})
    unread = _unread_logs(snap, pod, container)
    if unread:  # the log may well say why: nobody could read it
        which = "its log" if len(unread) == 2 else unread[0].split(" could", 1)[0]
        return f"cause unknown: {which} could not be read", [exit_line, *unread], None, \
            {"symptom": True}
    said = f": {str_at(last, 'message')}" if str_at(last, "message") else ""
    if not said and isinstance(code, int) and code != 0:
        words = _log_lines(snap, pod, status, causes.last_words)
        if words:
            return words.label, [exit_line, *words.lines], None, words.facts
    # a crash without a stated cause: another finding about this pod may hold it (ranking.py)
    ns, pod_name = namespace(pod) or "", name(pod)
    if not any((ns, pod_name, container, previous) in snap.logs for previous in (False, True)):
        # a dump of `kubectl get -o json` holds no log: "the log does not say why" would be a
        # claim about a log nobody read
        return f"cause unknown: no log of it was read (the input holds none){said}", \
            [exit_line], None, {"symptom": True}
    return f"cause unknown, the log does not say why{said}", [exit_line], None, {"symptom": True}


def probe_kill(snap: Snapshot, pod: dict, container: str) -> tuple[str, list[str]] | None:
    """(probe, evidence) when the kubelet states it restarts this container for a failing
    liveness or startup probe ("Container X failed liveness probe, will be restarted"), with
    that event and the probe's own failure as evidence."""
    said = events(snap, pod, "Pod")
    for event in said:
        m = _PROBE_KILL.search(str_at(event, "message"))
        if str_at(event, "reason") == "Killing" and m and m.group(1) == container:
            probe = m.group(2).lower()
            failing = [e for e in said if str_at(e, "reason") == "Unhealthy"
                       and _in_container(e, container)
                       and str_at(e, "message").lower().startswith(probe)][:1]
            return probe, [event_line(event), *(event_line(e) for e in failing)]
    return None


def _in_container(event: dict, container: str) -> bool:
    """The event is about this very container (its field path names it), not another one
    whose name this one's is part of."""
    m = _FIELD_PATH.search(str_at(event, "involvedObject", "fieldPath")) or \
        _NAMED.search(str_at(event, "message"))
    return m is not None and m.group(1) == container


def _unread_logs(snap: Snapshot, pod: dict, container: str) -> list[str]:
    """`the previous log could not be read: <the server's words>`, for each that could not."""
    ns, pod_name = namespace(pod) or "", name(pod)
    return [f"the {which} log could not be read: {why}"
            for which, previous in (("previous", True), ("current", False))
            if (why := snap.unseen.log(ns, pod_name, container, previous))]


def _spec(pod: dict, container: str) -> dict:
    for field in ("containers", "initContainers"):
        for c in at(pod, "spec", field) or []:
            if isinstance(c, dict) and c.get("name") == container:
                return c
    return {}


def _finding(snap: Snapshot, pod: dict, status: dict, init: bool) -> Finding:
    obj = ref(pod, "Pod")
    container = str_at(status, "name")
    restarts = int_at(status, "restartCount")
    cause, lines, fix, facts = explain(snap, pod, status)
    what = "init container" if init else "container"
    backoff = [event_line(e) for e in events(snap, pod, "Pod")
               if str_at(e, "reason") == "BackOff" and _in_container(e, container)][:1]
    fixes = [Remediation(title="Read the log of the instance that crashed",
                         command=kubectl("logs", obj, f"-c {shlex.quote(container)}", "--previous"),
                         action="logs-previous")]
    if fix:
        fixes.append(Remediation(title=fix[0].upper() + fix[1:]))
    return CHECK.finding(obj,
                         f"{what.capitalize()} {container} of pod {obj.namespace}/{obj.name} is "
                         f"crash-looping ({restarts} restarts): {cause.rstrip('.')}.",
                         [f"{container}: CrashLoopBackOff, {restarts} restarts", *lines, *backoff],
                         fixes, part=container, container=container, init=init, restarts=restarts,
                         **facts)
