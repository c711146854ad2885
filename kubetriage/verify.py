""""Reconcile and verify" (seed TASK-003's procedure) as a headless state machine.

    walk = Walkthrough(source, namespace="midwestmtg", reconcile=True, timeout=300,
                       stability=900, on_event=print)
    verification = await walk.run()      # walk.steps shows each step's status meanwhile
    verification.ok                      # everything verified

Steps, in order: the sources are Ready; (with reconcile) a reconcile is requested for every
release through the actions module (RBAC, dry run, audit line); each release reaches Ready within
its timeout; no pod is in ImagePullBackOff/CrashLoopBackOff; warning events are counted and the
recent ones listed; every Service with a selector has ready endpoints; and for a stability window
nothing regresses. Each step reports through StepEvents (started, progress, passed, failed,
skipped, unseen); `kubetriage verify` prints them and the TUI draws them. No Textual here.

A step whose kinds could not be read (RBAC, discovery: the source's `unseen()`) is `unseen`, never
passed: "0 releases, all Ready" from a user who may not list releases verifies nothing. The run
is then not verified, and `kubetriage verify` exits 3 as `check` does when it cannot judge.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from kubetriage import health
from kubetriage.actions import Actions, Result
from kubetriage.actions.catalogue import SOURCES, source_of
from kubetriage.actions.reconcile import condition, judge, ready_state
from kubetriage.checks.finding import Report
from kubetriage.cluster.protocol import Source
from kubetriage.core import durations
from kubetriage.core.text import clean
from kubetriage.core.types import Obj
from kubetriage.diagnosis import diagnose
from kubetriage.health import (
    DEFAULT_RELEASE_TIMEOUT_S,
    bad_pod_reason,
    name_of,
    release_timeout,
    restarts,
    state_text,
)

Status = Literal["pending", "running", "passed", "failed", "skipped", "unseen"]
EventKind = Literal["started", "progress", "passed", "failed", "skipped", "unseen"]
POLL_S = 0.2
RECENT_WARNINGS = 8
STABILITY_NOTE_MIN_S = 30.0

STEPS: tuple[tuple[str, str], ...] = (
    ("sources", "Sources ready"),
    ("reconcile", "Reconcile requested"),
    ("releases", "Releases Ready"),
    ("pods", "No pods in ImagePullBackOff or CrashLoopBackOff"),
    ("events", "Warning events reviewed"),
    ("services", "Services have ready endpoints"),
    ("stability", "Nothing regressed during the stability window"),
)
# what each step reads: if the user cannot read one of them, the step cannot pass
STEP_KINDS: dict[str, tuple[str, ...]] = {
    "sources": SOURCES, "reconcile": ("HelmRelease",),
    "releases": ("HelmRelease",), "pods": ("Pod",), "events": ("Event",),
    "services": ("Service", "Endpoints"), "stability": ("HelmRelease", "Pod", "Service")}


@dataclass(frozen=True)
class StepEvent:
    step: str
    kind: EventKind
    message: str
    at: datetime


@dataclass
class Step:
    id: str
    title: str
    status: Status = "pending"
    summary: str = ""
    details: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ObservedChange:
    """A state change seen while the run was going on."""

    at: datetime
    object: str
    before: str
    after: str


@dataclass
class Verification:
    context: str
    namespace: str | None
    reconcile: bool
    timeout: float | None
    stability: float
    started: datetime
    finished: datetime | None = None
    steps: list[Step] = field(default_factory=list)
    events: list[StepEvent] = field(default_factory=list)
    changes: list[ObservedChange] = field(default_factory=list)
    actions: list[Result] = field(default_factory=list)
    releases: list[Obj] = field(default_factory=list)  # the final state, for the report
    pods: list[Obj] = field(default_factory=list)
    services: list[tuple[Obj, int]] = field(default_factory=list)  # with ready addresses
    diagnosis: Report | None = None

    @property
    def ok(self) -> bool:
        return all(s.status in ("passed", "skipped") for s in self.steps) and \
            any(s.status == "passed" for s in self.steps)

    @property
    def unseen(self) -> bool:
        """Not verified only because steps could not read what they judge (none failed)."""
        return not any(s.status == "failed" for s in self.steps) and \
            any(s.status == "unseen" for s in self.steps)


class Walkthrough:
    def __init__(self, source: Source, *, namespace: str | None = None, reconcile: bool = False,
                 timeout: float | None = None, stability: float = 900.0,
                 actions: Actions | None = None,
                 on_event: Callable[[StepEvent], None] | None = None) -> None:
        self.source, self.store = source, source.store
        self.namespace = namespace
        self.reconcile = reconcile
        self.timeout = timeout
        self.stability = stability
        self.actions = actions or Actions(source)
        self.on_event = on_event
        self.steps = [Step(i, t) for i, t in STEPS]
        self.v = Verification(source.conn.context, namespace, reconcile, timeout, stability,
                              datetime.now(UTC), steps=self.steps)
        self._requested: dict[str, tuple[str, Obj | None]] = {}  # release -> (requestedAt, Ready)

    # -- events --------------------------------------------------------------------------------

    def _emit(self, step: Step, kind: EventKind, message: str) -> None:
        event = StepEvent(step.id, kind, clean(message), datetime.now(UTC))
        self.v.events.append(event)
        if kind in ("passed", "failed", "skipped", "unseen"):
            step.status, step.summary = kind, event.message
        elif kind == "started":
            step.status = "running"
        if self.on_event is not None:
            self.on_event(event)

    def _finish(self, step: Step, problems: list[str], passed: str, failed: str,
                show: bool = False) -> None:
        step.details = [clean(p) for p in problems] or step.details
        for problem in problems if show else ():
            self._emit(step, "progress", problem)
        blind = self._blind(step) if not problems else []
        if blind:  # what it saw passed, and it could not see everything: not a pass
            step.details = blind
            self._emit(step, "unseen", f"{passed}, but could not read {'; '.join(blind)}")
            return
        self._emit(step, "failed" if problems else "passed", failed if problems else passed)

    def _blind(self, step: Step) -> list[str]:
        """Why the step's kinds could not be read in scope, one line a kind."""
        seen = self.source.unseen()
        if self.namespace:
            seen = seen.restricted_to(self.namespace)
        # with -n, the sources in scope are found through the releases
        kinds = STEP_KINDS[step.id] + (("HelmRelease",) if step.id == "sources" and
                                       self.namespace else ())
        return [f"{key}: {why}" for key, why in sorted(seen.kinds.items())
                if key.split(" in ", 1)[0] in kinds]

    # -- scope ---------------------------------------------------------------------------------

    def _in_scope(self, kind: str) -> list[Obj]:
        return sorted(self.store.list(kind, self.namespace), key=name_of)

    def releases(self) -> list[Obj]:
        return self._in_scope("HelmRelease")

    def sources(self) -> list[Obj]:
        """The sources the releases in scope come from (every source without -n)."""
        if self.namespace is None:
            return sorted((o for k in SOURCES for o in self.store.list(k)),
                          key=lambda o: (o["kind"], name_of(o)))
        found: dict[tuple, Obj] = {}
        for release in self.releases():
            src = source_of(release, self.store)
            while src is not None and (src["kind"], name_of(src)) not in found:
                found[(src["kind"], name_of(src))] = src
                src = source_of(src, self.store) if src["kind"] == "HelmChart" else None
        return sorted(found.values(), key=lambda o: (o["kind"], name_of(o)))

    # -- the run -------------------------------------------------------------------------------

    async def run(self) -> Verification:
        recorder = asyncio.create_task(self._record())
        try:
            by_id = {s.id: s for s in self.steps}
            await self._sources(by_id["sources"])
            await self._reconcile(by_id["reconcile"])
            await self._releases(by_id["releases"])
            self._pods(by_id["pods"])
            self._events(by_id["events"])
            self._services(by_id["services"])
            await self._stability(by_id["stability"])
        finally:
            recorder.cancel()
            await asyncio.gather(recorder, return_exceptions=True)
        self.v.releases = self.releases()
        self.v.pods = self._in_scope("Pod")
        self.v.services = [(s, self._ready_addresses(s)) for s in self._selecting_services()]
        self.v.diagnosis = diagnose(await self.source.snapshot(), namespace=self.namespace,
                                    source=f"context {self.v.context}")
        self.v.finished = datetime.now(UTC)
        return self.v

    async def _sources(self, step: Step) -> None:
        self._emit(step, "started", "waiting for the sources to be Ready")
        objs = self.sources()
        timeout = self.timeout if self.timeout is not None else DEFAULT_RELEASE_TIMEOUT_S
        failed = await self._await_ready(step, objs, {name_of(o): timeout for o in objs})
        self._finish(step, failed, f"{len(objs)} sources Ready",
                     f"{len(failed)} of {len(objs)} sources not Ready")

    async def _reconcile(self, step: Step) -> None:
        if not self.reconcile:
            self._emit(step, "skipped", "not asked (--reconcile requests one for every release)")
            return
        self._emit(step, "started", "requesting a reconcile of every release")
        problems = []
        for release in self.releases():
            if (release.get("spec") or {}).get("suspend"):
                self._emit(step, "progress", f"{name_of(release)}: suspended, not reconciled")
                continue
            plan = await self.actions.plan("reconcile", release)
            result = await self.actions.run(plan, confirmed=True)  # --reconcile confirms
            self.v.actions.append(result)
            if result.ok:
                if plan.requested_at is not None:  # always: a reconcile's patch is stamped
                    self._requested[name_of(release)] = (plan.requested_at, plan.ready_before)
                self._emit(step, "progress", f"{name_of(release)}: requested at "
                                             f"{plan.requested_at}")
            else:
                problems.append(f"HelmRelease {name_of(release)}: {result.message}")
                self._emit(step, "progress", f"{name_of(release)}: {result.message}")
        self._finish(step, problems, f"{len(self._requested)} reconciles requested",
                     f"{len(problems)} reconcile requests refused or failed")

    async def _releases(self, step: Step) -> None:
        releases = self.releases()
        self._emit(step, "started", f"watching {len(releases)} releases reach Ready")
        limits = {name_of(r): self.timeout if self.timeout is not None else release_timeout(r)
                  for r in releases}
        failed = await self._await_ready(step, releases, limits)
        self._finish(step, failed, f"{len(releases)} releases Ready",
                     f"{len(failed)} of {len(releases)} releases not Ready")

    async def _await_ready(self, step: Step, objs: list[Obj],
                           limits: dict[str, float]) -> list[str]:
        """Follow each object until Ready, a verdict of failure, or its own time limit; the
        problems, one line each. Without a reconcile request a failure is final only when the
        controller says so (Stalled) or a release it depends on failed."""
        start = time.monotonic()
        keys = {name_of(o): (o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"])
                for o in objs}
        verdicts: dict[str, tuple[str, str]] = {}
        last: dict[str, str] = {}
        handled_at: dict[str, float] = {}
        while True:
            now = time.monotonic()
            for name, key in keys.items():
                if name in verdicts:
                    continue
                obj = self.store.get(*key)
                state, message = self._judge(name, key[0], obj, now, handled_at)
                if state is None and obj is not None:
                    state, message = self._blocked(obj, verdicts, state, message)
                if state is None and now - start >= limits[name]:
                    state = "TimedOut"
                    message = f"not Ready within {durations.format(limits[name])}: {message}"
                if message != last.get(name):
                    # what is Ready at the first look is said by the step's own line: a
                    # progress line is a change, or something still to wait for
                    if name in last or state != "Ready":
                        self._emit(step, "progress", f"{key[0]} {name}: "
                                                     f"{state or 'waiting'}: {message}")
                    last[name] = message
                if state is not None:
                    verdicts[name] = (state, message)
            if len(verdicts) == len(keys):
                break
            await asyncio.sleep(POLL_S)
        return [f"{keys[n][0]} {n}: {s}: {m}" for n, (s, m) in sorted(verdicts.items())
                if s != "Ready"]

    def _judge(self, name: str, kind: str, obj: Obj | None, now: float,
               handled_at: dict[str, float]) -> tuple[str | None, str]:
        request = self._requested.get(name) if kind == "HelmRelease" else None
        if request is None:
            state, message = ready_state(obj)
            if state == "Failed" and not message.startswith("stalled: "):
                return None, message  # the controller retries on its interval
            return state, message
        requested_at, before = request
        if (obj or {}).get("status", {}).get("lastHandledReconcileAt") == requested_at:
            handled_at.setdefault(name, now)
        return judge(obj, requested_at, before, now - handled_at.get(name, now))

    def _blocked(self, obj: Obj, verdicts: dict[str, tuple[str, str]], state: str | None,
                 message: str) -> tuple[str | None, str]:
        """A release waiting on a dependency that failed will not become Ready by itself."""
        ready = condition(obj, "Ready") or {}
        if ready.get("reason") != "DependencyNotReady":
            return state, message
        ns = obj["metadata"].get("namespace")
        for dep in (obj.get("spec") or {}).get("dependsOn") or []:
            dep_name = f"{dep.get('namespace') or ns}/{dep.get('name')}"
            verdict = verdicts.get(dep_name)
            if verdict is not None and verdict[0] != "Ready":
                return "Failed", f"{message} (dependency {dep_name}: {verdict[0]})"
        return state, message

    def _pods(self, step: Step) -> None:
        self._emit(step, "started", "looking for pods that cannot pull or keep crashing")
        pods = self._in_scope("Pod")
        bad = [f"Pod {name_of(p)}: {reason}" for p in pods
               if (reason := bad_pod_reason(p)) is not None]
        self._finish(step, bad, f"{len(pods)} pods, none in ImagePullBackOff or "
                                "CrashLoopBackOff", f"{len(bad)} of {len(pods)} pods failing",
                     show=True)

    def _events(self, step: Step) -> None:
        self._emit(step, "started", "reviewing warning events")
        warnings = [e for e in self._in_scope("Event") if e.get("type") == "Warning"]
        warnings.sort(key=lambda e: str(e.get("lastTimestamp") or e.get("eventTime") or ""),
                      reverse=True)
        since = self.v.started.strftime("%Y-%m-%dT%H:%M:%S")
        new = [e for e in warnings if str(e.get("lastTimestamp") or "") >= since]
        step.details = [clean(f"{e.get('lastTimestamp') or e.get('eventTime') or '?'} "
                              f"{(e.get('involvedObject') or {}).get('kind')} "
                              f"{(e.get('involvedObject') or {}).get('name')}: "
                              f"{e.get('reason')} (x{e.get('count') or 1}): {e.get('message')}")
                        for e in warnings[:RECENT_WARNINGS]]
        self._finish(step, [], f"{len(warnings)} warning events, {len(new)} during this run"
                     if warnings else "no warning events", "")

    def _selecting_services(self) -> list[Obj]:
        return [s for s in self._in_scope("Service")
                if (s.get("spec") or {}).get("selector")
                and (s.get("spec") or {}).get("type") != "ExternalName"]

    def _ready_addresses(self, svc: Obj) -> int:
        meta = svc["metadata"]
        ep = self.store.get("Endpoints", meta.get("namespace"), meta["name"]) or {}
        return sum(len(s.get("addresses") or []) for s in ep.get("subsets") or [])

    def _services(self, step: Step) -> None:
        self._emit(step, "started", "checking that Services have ready endpoints")
        services = self._selecting_services()
        bad = [f"Service {name_of(s)}: no ready endpoints" for s in services
               if self._ready_addresses(s) == 0]
        self._finish(step, bad, f"{len(services)} Services have ready endpoints",
                     f"{len(bad)} of {len(services)} Services have no ready endpoints",
                     show=True)

    async def _stability(self, step: Step) -> None:
        if any(s.status == "failed" for s in self.steps):
            self._emit(step, "skipped", "an earlier step failed")
            return
        window = durations.format(self.stability)
        self._emit(step, "started", f"watching for {window}")
        baseline = self._health()
        start = time.monotonic()
        next_note = start + self._note_every()
        while (elapsed := time.monotonic() - start) < self.stability:
            regressions = health.regressions(baseline, self._health())
            if regressions:
                self._finish(step, regressions, "", f"regressed after "
                                                    f"{durations.format(elapsed)}")
                return
            if time.monotonic() >= next_note:
                self._emit(step, "progress", f"stable for {durations.format(elapsed)} of "
                                             f"{window}")
                next_note += self._note_every()
            await asyncio.sleep(POLL_S)
        self._finish(step, [], f"nothing regressed in {window}", "")

    def _note_every(self) -> float:
        """How often a stability window says it is still going: a few times in a long one
        (15 minutes: every 3), never in a short one, whose start and end lines say it all."""
        return max(STABILITY_NOTE_MIN_S, self.stability / 5)

    def _health(self) -> dict[str, Any]:
        """What must not get worse: releases Ready, pods not failing and not restarting,
        Services keeping endpoints."""
        out: dict[str, Any] = {}
        for r in self.releases():
            out[f"HelmRelease {name_of(r)}"] = "Ready" if ready_state(r)[0] == "Ready" \
                else "not Ready"
        for p in self._in_scope("Pod"):
            out[f"Pod {name_of(p)}"] = (bad_pod_reason(p) or "ok", restarts(p))
        for s in self._selecting_services():
            out[f"Service {name_of(s)}"] = "endpoints" if self._ready_addresses(s) \
                else "no endpoints"
        return out

    async def _record(self) -> None:
        """What changed while the run went on: releases' Ready and pods' status, as seen."""
        seen: dict[str, str] = {}
        for kind in ("HelmRelease", "Pod"):
            for obj in self._in_scope(kind):
                seen[f"{kind} {name_of(obj)}"] = state_text(obj)
        sub = self.store.subscribe({"HelmRelease", "Pod"})
        try:
            while True:
                batch = await sub.next(min_interval=0.05)
                for change in batch.changes:
                    if self.namespace and change.namespace != self.namespace:
                        continue
                    key = f"{change.kind} {change.namespace}/{change.name}"
                    after = "deleted" if change.type == "DELETED" else state_text(change.obj)
                    before = seen.get(key, "absent")
                    if after != before:
                        seen[key] = after
                        self.v.changes.append(ObservedChange(datetime.now(UTC), key,
                                                     clean(before), clean(after)))
        finally:
            sub.close()

