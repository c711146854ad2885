"""Which container logs the diagnosis reads: one rule, for the live source (what it fetches) and a
dump (what it keeps of the logs beside it), so that `check`, `verify` and the dashboard judge the
same lines.

Reading every container's log costs a request a container on a live cluster (10,000 pods: minutes)
and would make a dump's diagnosis depend on which logs happened to be saved. So the rule names the
logs a check can learn a cause from, from the objects alone:

1. A failing container (it restarted, waits on a crash, or terminated with an error): its current
   log and, once it restarted, its previous instance's. Why it exits (KT-201, KT-104), which host
   it cannot resolve (KT-402), which port it times out on (KT-403).
2. A pod still initialising: its running init container's log (it waits on something and says
   on what: a host that does not resolve, a port that does not answer).
3. The sealed-secrets controller, while a SealedSecret is not Synced: its current log names each
   SealedSecret it could not decrypt and whether it began with a new key (KT-302).
4. A container configured (in its environment) to talk to an in-cluster host that no Service
   answers: its current log (an exporter retrying for ever, KT-601; a client that cannot connect).
   The first PER_ABSENT_SERVICE such containers by namespace and pod name, not all of them: one
   proves it, and every pod of a cluster may carry the same OTEL endpoint (10,000 logs a round).

A check that reads other logs adds its rule here, or its finding differs between a dump and the
dashboard; tests/test_same_story.py shows it on the seed scenarios.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterable
from typing import Any

from kubetriage.core.gcpause import gc_paused
from kubetriage.core.types import LogRef, Obj

LogVersion = tuple[int, bool]
"""(restart count, running): what a container log's content depends on; a log is read again when
either changes (and, while it runs, now and then)."""

FAILING_REASONS = frozenset({"CrashLoopBackOff", "Error", "RunContainerError", "OOMKilled",
                             "CreateContainerError", "ContainerCannotRun"})
# the controller by its image, as the project publishes it (bitnami's, the upstream chart's)
_SEALED_SECRETS_IMAGE = re.compile(r"(^|/)sealed-secrets-controller(:|@|$)")
# a host in a URL or host:port inside an environment value
_ENDPOINT = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?(?:[^@/\s]*@)?([a-z0-9][a-z0-9.-]*)(?::\d+)?"
                       r"(?:/\S*)?$", re.I)
_LABEL = re.compile(r"^[a-z](?:[a-z0-9-]*[a-z0-9])?$")  # a DNS label a Service may be named

LOG_RULE_KINDS = ("Pod", "SealedSecret", "Service")
"""The kinds the rule reads."""

PER_ABSENT_SERVICE = 2

Lister = Callable[[str], Iterable[Obj]]
"""The objects of one kind: a snapshot's of_kind, a store's list."""


class PodReadings:
    """What the rule reads of each pod, kept while the pod is the same object: a store replaces
    an object that changes and never edits it, so a dashboard's round rereads only the pods that
    changed (10,000 pods: ~0.1 s the first round, a few ms after)."""

    def __init__(self) -> None:
        self._by_id: dict[int, tuple[Obj, _Reading]] = {}

    def of(self, pods: list[Obj]) -> list[_Reading]:
        kept, readings = {}, []
        for pod in pods:
            known = self._by_id.get(id(pod))
            reading = known[1] if known is not None and known[0] is pod else _read(pod)
            kept[id(pod)] = (pod, reading)
            readings.append(reading)
        self._by_id = kept
        return readings


class _Reading:
    __slots__ = ("pod", "failing", "endpoints", "namespace", "place")

    def __init__(self, pod: Obj, failing: dict[LogRef, LogVersion],
                 endpoints: list[tuple[str, list[str]]]) -> None:
        self.pod, self.failing, self.endpoints = pod, failing, endpoints
        self.namespace = _meta(pod).get("namespace")
        self.place = _place(pod)


def _read(pod: Obj) -> _Reading:
    failing: dict[LogRef, LogVersion] = {}
    _failing(pod, failing)
    endpoints = [(str(spec.get("name") or ""), values) for spec in _specs(pod, "containers")
                 if (values := _endpoints(spec))]
    return _Reading(pod, failing, endpoints)


def wanted_logs(list_kind: Lister, readings: PodReadings | None = None
                ) -> dict[LogRef, LogVersion]:
    """Every log the rule names (see the module's docstring), with what its content depends on.
    `readings` keeps what was read of each pod from one call to the next (a live store's)."""
    with gc_paused():  # 10,000 pods' small tuples: the collector would rescan the cluster
        return _wanted(list_kind, readings or PodReadings())


def _wanted(list_kind: Lister, readings: PodReadings) -> dict[LogRef, LogVersion]:
    pods = readings.of(list(list_kind("Pod")))
    services = {(_meta(s).get("namespace"), _meta(s).get("name")) for s in list_kind("Service")}
    namespaces = {ns for ns, _ in services} | {r.namespace for r in pods}
    named: dict[tuple[Any, str], tuple[Any, str] | None] = {}  # (namespace, value) -> Service
    clients: dict[tuple[Any, str], list[tuple[str, _Reading]]] = {}
    out: dict[LogRef, LogVersion] = {}
    for reading in pods:
        out.update(reading.failing)
        ns = reading.namespace
        for container, values in reading.endpoints:
            for value in values:
                if (ns, value) not in named:
                    named[(ns, value)] = _service_in(value, ns, namespaces)
                service = named[(ns, value)]
                if service is not None and service not in services:
                    clients.setdefault(service, []).append((container, reading))
                    break
    # the first few by namespace and name, however the pods are listed (a dump, a store)
    for found in clients.values():
        for container, reading in heapq.nsmallest(PER_ABSENT_SERVICE, found,
                                                  key=lambda c: c[1].place):
            _current(reading.pod, container, out)
    if any(not _synced(ss) for ss in list_kind("SealedSecret")):
        for reading in pods:
            for spec in _specs(reading.pod, "containers"):
                if _SEALED_SECRETS_IMAGE.search(str(spec.get("image") or "")):
                    _current(reading.pod, str(spec.get("name") or ""), out)
    return out


def failing_logs(pod: Obj) -> dict[LogRef, LogVersion]:
    """The logs rules 1 and 2 name of one pod: what the rule reads of it whatever else is
    listed (a live source reads them while the other pods are still being listed)."""
    out: dict[LogRef, LogVersion] = {}
    _failing(pod, out)
    return out


def _failing(pod: Obj, out: dict[LogRef, LogVersion]) -> None:
    meta, status = _meta(pod), pod.get("status") or {}
    for field in ("initContainerStatuses", "containerStatuses"):
        for cs in status.get(field) or []:
            if not isinstance(cs, dict):
                continue
            restarts = cs.get("restartCount") or 0
            state, last = cs.get("state") or {}, cs.get("lastState") or {}
            stopped = state.get("waiting") or state.get("terminated") or {}
            failed_now = stopped.get("reason") in FAILING_REASONS or \
                (state.get("terminated") or {}).get("exitCode", 0) not in (0, None)
            initialising = field == "initContainerStatuses" and "running" in state
            container = str(cs.get("name") or "")
            if failed_now or restarts or initialising:
                out[_ref(meta, container, False)] = (restarts, "running" in state)
            if restarts and last.get("terminated"):
                out[_ref(meta, container, True)] = (restarts, False)


def _current(pod: Obj, container: str, out: dict[LogRef, LogVersion]) -> None:
    ref = _ref(_meta(pod), container, False)
    if ref in out:
        return
    for cs in (pod.get("status") or {}).get("containerStatuses") or []:
        if isinstance(cs, dict) and cs.get("name") == container:
            out[ref] = (cs.get("restartCount") or 0, "running" in (cs.get("state") or {}))
            return
    out[ref] = (0, False)


def _endpoints(spec: Obj) -> list[str]:
    """The environment values that may name a host: those with a scheme or a port."""
    return [v for env in spec.get("env") or [] if isinstance(env, dict)
            and isinstance(v := env.get("value"), str) and ":" in v]


def _service_in(value: str, namespace: Any, namespaces: set[Any]) -> tuple[Any, str] | None:
    m = _ENDPOINT.match(value.strip())
    return _service_of(m.group(1).lower().rstrip("."), namespace, namespaces) if m else None


def _service_of(host: str, namespace: Any, namespaces: set[Any]) -> tuple[Any, str] | None:
    """The Service a cluster DNS name means (`S`, `S.NS`, `S.NS.svc[.DOMAIN]`), or None for an
    outside host, an address or the pod itself."""
    parts = host.split(".")
    if not all(_LABEL.match(p) for p in parts) or host == "localhost":
        return None
    if len(parts) == 1:
        return namespace, parts[0]
    if len(parts) == 2 and parts[1] in namespaces:
        return parts[1], parts[0]
    if len(parts) >= 3 and parts[2] == "svc":
        return parts[1], parts[0]
    return None


def _synced(sealed_secret: Obj) -> bool:
    for cond in (sealed_secret.get("status") or {}).get("conditions") or []:
        if isinstance(cond, dict) and cond.get("type") == "Synced":
            return cond.get("status") != "False"
    return True


def _specs(pod: Obj, field: str) -> list[Obj]:
    return [c for c in (pod.get("spec") or {}).get(field) or [] if isinstance(c, dict)]


def _ref(meta: Obj, container: str, previous: bool) -> LogRef:
    return str(meta.get("namespace") or ""), str(meta.get("name") or ""), container, previous


def _place(pod: Obj) -> tuple[str, str]:
    meta = _meta(pod)
    return str(meta.get("namespace") or ""), str(meta.get("name") or "")


def _meta(obj: Obj) -> Obj:
    meta = obj.get("metadata")
    return meta if isinstance(meta, dict) else {}
