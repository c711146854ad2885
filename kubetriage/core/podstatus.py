"""A pod's columns as kubectl prints them (pkg/printers/internalversion/printers.go, printPod):
NAME, READY, STATUS, RESTARTS, AGE, IP, NODE, NOMINATED NODE, READINESS GATES.

Shared by the embedded server's Table printer and the dashboard's rows, so both read "Init:0/1"
or "CrashLoopBackOff" exactly where kubectl would.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kubetriage.core.durations import human_duration, parse_time
from kubetriage.core.types import Obj


def meta(obj: Obj) -> Obj:
    return obj.get("metadata") or {}


def since(value: Any, now: datetime) -> str:
    """translateTimestampSince: an age, or <unknown> for a zero time."""
    t = parse_time(value)
    return human_duration(now - t) if t else "<unknown>"


def age(obj: Obj, now: datetime) -> str:
    return since(meta(obj).get("creationTimestamp"), now)


def condition_true(conditions: list | None, type_: str) -> bool:
    """The first condition of that type decides, as the printers' helpers do."""
    for c in conditions or []:
        if c.get("type") == type_:
            return c.get("status") == "True"
    return False


def pod_cells(pod: Obj, now: datetime) -> list:
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    phase = status.get("phase", "")
    reason = status.get("reason") or phase
    for c in status.get("conditions") or []:
        if c.get("type") == "PodScheduled" and c.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"

    init_specs = spec.get("initContainers") or []
    sidecars = {c.get("name") for c in init_specs if c.get("restartPolicy") == "Always"}
    total = len(spec.get("containers") or []) + len(sidecars)
    ready = restarts = sidecar_restarts = 0
    last_restart = sidecar_last_restart = None

    def later(a: datetime | None, status_: Obj) -> datetime | None:
        finished = parse_time(((status_.get("lastState") or {}).get("terminated") or {})
                         .get("finishedAt"))
        return finished if finished and (a is None or finished > a) else a

    initializing = False
    for i, cs in enumerate(status.get("initContainerStatuses") or []):
        state = cs.get("state") or {}
        restarts += cs.get("restartCount", 0)
        last_restart = later(last_restart, cs)
        is_sidecar = cs.get("name") in sidecars
        if is_sidecar:
            sidecar_restarts += cs.get("restartCount", 0)
            sidecar_last_restart = later(sidecar_last_restart, cs)
        terminated, waiting = state.get("terminated"), state.get("waiting")
        if terminated is not None and terminated.get("exitCode", 0) == 0:
            continue
        if is_sidecar and cs.get("started"):
            ready += bool(cs.get("ready"))
            continue
        if terminated is not None:
            if terminated.get("reason"):
                reason = "Init:" + terminated["reason"]
            elif terminated.get("signal"):
                reason = f"Init:Signal:{terminated['signal']}"
            else:
                reason = f"Init:ExitCode:{terminated.get('exitCode', 0)}"
        elif waiting and waiting.get("reason") and waiting["reason"] != "PodInitializing":
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{i}/{len(init_specs)}"
        initializing = True
        break

    if not initializing or condition_true(status.get("conditions"), "Initialized"):
        restarts, last_restart = sidecar_restarts, sidecar_last_restart
        has_running = False
        # Backwards, so the first container's state is the one that shows.
        for cs in reversed(status.get("containerStatuses") or []):
            state = cs.get("state") or {}
            restarts += cs.get("restartCount", 0)
            last_restart = later(last_restart, cs)
            waiting, terminated = state.get("waiting") or {}, state.get("terminated")
            if waiting.get("reason"):
                reason = waiting["reason"]
            elif terminated is not None and terminated.get("reason"):
                reason = terminated["reason"]
            elif terminated is not None:
                reason = (f"Signal:{terminated['signal']}" if terminated.get("signal")
                          else f"ExitCode:{terminated.get('exitCode', 0)}")
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            reason = "Running" if condition_true(status.get("conditions"), "Ready") else "NotReady"

    if meta(pod).get("deletionTimestamp"):
        if status.get("reason") == "NodeLost":
            reason = "Unknown"
        elif phase not in ("Succeeded", "Failed"):
            reason = "Terminating"

    restarts_text = str(restarts)
    if restarts and last_restart:
        restarts_text = f"{restarts} ({human_duration(now - last_restart)} ago)"

    ips = status.get("podIPs") or ([{"ip": status["podIP"]}] if status.get("podIP") else [])
    gates = spec.get("readinessGates") or []
    gates_text = "<none>"
    if gates:
        conditions = {c.get("type"): c.get("status")
                      for c in reversed(status.get("conditions") or [])}
        passed = sum(conditions.get(g.get("conditionType")) == "True" for g in gates)
        gates_text = f"{passed}/{len(gates)}"
    return [meta(pod).get("name", ""), f"{ready}/{total}", reason, restarts_text, age(pod, now),
            (ips[0].get("ip") if ips else "") or "<none>", spec.get("nodeName") or "<none>",
            status.get("nominatedNodeName") or "<none>", gates_text]
