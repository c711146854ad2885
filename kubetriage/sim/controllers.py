"""The timeline player and the few controllers the embedded cluster runs.

- Timeline steps (restart, bump_event, event, log, patch, create, delete) at their times, divided
  by the speed factor; a step whose target is gone is skipped (a deleted pod no longer restarts).
- Flux: `reconcile.fluxcd.io/requestedAt` on a Kustomization or source sets
  `status.lastHandledReconcileAt` and plays the timeline's outcome for it; `spec.suspend` holds
  requests until it is lifted.
- A HelmRelease follows helm-controller's retry rules (sim/helm_controller.py): a new
  requestedAt, a new generation or a new chart revision of its HelmChart starts a reconcile; a
  release whose retries are exhausted stays Stalled unless `resetAt` or `forceAt` (equal to
  requestedAt) asks otherwise or its generation, chart or values changed; the outcome's last
  step is followed by `lastHandledReconcileAt`, as helm-controller writes it at the end.
- Pods deleted or rolled out: sim/workloads.py, called from here on the changes it reacts to.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
from datetime import UTC, datetime

from kubetriage.core import durations, helm, resources
from kubetriage.core.types import Obj
from kubetriage.sim import endpoints, helm_controller
from kubetriage.sim.errors import StatusError
from kubetriage.sim.state import ClusterState, WatchChange, now_rfc3339
from kubetriage.sim.timeline import Step, Timeline
from kubetriage.sim.workloads import Workloads, logs_of, resource_of

log = logging.getLogger(__name__)

POD = resources.known("v1", "Pod")
EVENT = resources.known("v1", "Event")
HELMRELEASE = resources.known("helm.toolkit.fluxcd.io/v2", "HelmRelease")
HELMCHART = resources.known("source.toolkit.fluxcd.io/v1", "HelmChart")
REQUESTED_AT = "reconcile.fluxcd.io/requestedAt"
FLUX_RECONCILED = ("HelmRelease", "Kustomization", "GitRepository", "HelmRepository", "HelmChart",
                   "OCIRepository")  # sources too: `flux reconcile --with-source` waits on them


def _meta(obj: Obj) -> Obj:
    return obj.setdefault("metadata", {})


class Controllers:
    def __init__(self, state: ClusterState, timeline: Timeline, speed: float = 1.0) -> None:
        self.state, self.timeline, self.speed = state, timeline, speed
        self._tasks: set[asyncio.Task] = set()
        self._attempting: set[str] = set()  # releases whose outcome is playing
        self._played: set[str] = set()  # releases whose outcome has played: in sync since
        self._loop: asyncio.AbstractEventLoop  # the server's, from start(): nothing runs before
        self.workloads = Workloads(state, self._later)

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self.state.listeners.append(self._on_change)
        for step in self.timeline.steps:
            self._spawn(self._play(step))

    async def stop(self) -> None:
        if self._on_change in self.state.listeners:
            self.state.listeners.remove(self._on_change)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _spawn(self, coro) -> None:
        task = self._loop.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _later(self, seconds: float, fn, *args) -> None:
        self._spawn(self._after(seconds, fn, *args))

    async def _after(self, seconds: float, fn, *args) -> None:
        await asyncio.sleep(seconds / self.speed)
        fn(*args)

    # -- the timeline ------------------------------------------------------------------------

    async def _play(self, step: Step) -> None:
        await asyncio.sleep(step.at / self.speed)
        done = 0
        while True:
            try:
                self.apply(step)
            except StatusError as exc:  # the target is gone or changed: the story moved on
                log.info("timeline step %s skipped: %s", step.action, exc.message)
            done += 1
            if step.every is None or (step.times is not None and done >= step.times):
                return
            await asyncio.sleep(step.every / self.speed)

    def apply(self, step: Step) -> None:
        state = self.state
        # a step does exactly one of these (Step checks it): the one that is given
        if (r := step.restart) is not None:
            if not _ready(state.get(POD, r.namespace, r.pod), r.container):
                # a crash loop the operator fixed stops; a ready container is not crashing
                state.restart_container(r.namespace, r.pod, r.container)
        elif (lg := step.log) is not None:
            if state.get(POD, lg.namespace, lg.pod) is not None:
                state.append_log(lg.namespace, lg.pod, lg.container, lg.lines)
        elif step.bump_event is not None:
            self._bump(step.bump_event.namespace, step.bump_event.name)
        elif step.event is not None:
            event = copy.deepcopy(step.event)
            meta = _meta(event)
            meta.pop("creationTimestamp", None)
            meta.pop("resourceVersion", None)
            now = now_rfc3339()
            event.setdefault("count", 1)
            event["firstTimestamp"] = event["lastTimestamp"] = now
            if state.get(EVENT, meta.get("namespace"), meta.get("name", "")) is not None:
                self._bump(meta.get("namespace"), meta["name"])
            else:
                state.create(event)
        elif (p := step.patch) is not None:
            state.patch_merge(resource_of(p.apiVersion, p.kind), p.namespace, p.name,
                              _stamped(p.kind, copy.deepcopy(p.merge), created=False))
        elif step.create is not None:
            obj = copy.deepcopy(step.create)
            _meta(obj).pop("resourceVersion", None)
            state.create(_stamped(obj.get("kind", ""), obj, created=True))
        elif (d := step.delete) is not None:
            state.delete(resource_of(d.apiVersion, d.kind), d.namespace, d.name)

    def _bump(self, namespace: str | None, name: str) -> None:
        event = self.state.get(EVENT, namespace, name)
        if event is None:
            raise StatusError.not_found(EVENT, name)
        self.state.patch_merge(EVENT, namespace, name, {
            "count": int(event.get("count") or 1) + 1, "lastTimestamp": now_rfc3339()})

    # -- reacting to changes -----------------------------------------------------------------

    def _on_change(self, change: WatchChange) -> None:
        """Called inside the store's write: look now, act on the loop's next turn."""
        kind, obj = change.resource.kind, change.obj
        meta = obj["metadata"]
        services = endpoints.affected(change)
        if services != []:
            self._loop.call_soon(endpoints.sync, self.state, meta["namespace"], services,
                                 now_rfc3339())
        if kind == "HelmRelease" and change.type != "DELETED":
            trigger = "generation" if change.type == "MODIFIED" and _generation(
                change.old) != _generation(obj) else "request"
            self._loop.call_soon(self._reconcile_release, change.resource, meta["namespace"],
                                 meta["name"], trigger, None)
        elif kind in FLUX_RECONCILED and change.type != "DELETED":
            self._loop.call_soon(self._reconcile, change.resource, meta["namespace"], meta["name"])
            if kind == "HelmChart" and change.type == "MODIFIED" and \
                    _artifact_revision(change.old) != _artifact_revision(obj):
                # helm-controller watches its HelmChart: a new chart revision is a reconcile
                self._loop.call_soon(self._chart_moved, meta["namespace"], meta["name"],
                                     _artifact_revision(obj))
        elif kind == "Pod" and change.type == "DELETED" and not change.resource.group:
            self._loop.call_soon(self.workloads.replace_pod, obj, logs_of(self.state, obj))
        elif kind in ("Deployment", "StatefulSet", "DaemonSet") and change.type == "MODIFIED":
            if ((change.old or {}).get("spec") or {}).get("template") != \
                    (obj.get("spec") or {}).get("template"):
                self._loop.call_soon(self.workloads.roll, change.resource, meta["namespace"],
                                     meta["name"])

    def _reconcile(self, res, namespace: str, name: str) -> None:
        """A Kustomization or a source: the request handled once the outcome's first changes
        (a new artifact) are in, as source-controller writes them together."""
        obj = self.state.get(res, namespace, name)
        if obj is None:
            return
        requested = (obj["metadata"].get("annotations") or {}).get(REQUESTED_AT)
        status = obj.get("status") or {}
        if not requested or status.get("lastHandledReconcileAt") == requested \
                or (obj.get("spec") or {}).get("suspend"):
            return
        outcome = self.timeline.reconcile.get(f"{namespace}/{name}")
        steps = [] if outcome is None or self._blocked(outcome) else outcome.steps
        for step in steps:
            if step.at == 0 and step.every is None:
                self.apply(step)
            else:
                self._spawn(self._play(step))
        # the controller has now seen this generation (a suspend and resume bumped it)
        self.state.patch_merge(res, namespace, name, {"status": {
            "lastHandledReconcileAt": requested,
            "observedGeneration": obj["metadata"].get("generation", 1)}})

    def _blocked(self, outcome) -> bool:
        ref = outcome.unless_exists
        return ref is not None and self.state.get(resource_of(ref.apiVersion, ref.kind),
                                                  ref.namespace, ref.name) is not None

    def _chart_moved(self, namespace: str, name: str, revision: str | None) -> None:
        for hr in self.state.list(HELMRELEASE):
            if (hr.get("status") or {}).get("helmChart") == f"{namespace}/{name}":
                meta = hr["metadata"]
                self._reconcile_release(HELMRELEASE, meta["namespace"], meta["name"], "source",
                                        revision)

    def _reconcile_release(self, res, namespace: str, name: str, trigger: str,
                           chart_revision: str | None) -> None:
        """helm-controller's decision (sim/helm_controller.py), then the attempt: the
        timeline's outcome, at most once, with the request handled after its last step."""
        key = f"{namespace}/{name}"
        obj = self.state.get(res, namespace, name)
        if obj is None or key in self._attempting:
            return  # an attempt under way handles the newest request when it ends
        if chart_revision is None:
            chart_revision = self._chart_revision(obj)
        decision = helm_controller.decide(obj, trigger, chart_revision)  # type: ignore[arg-type]
        if decision is None:
            return
        status = dict(decision.status)
        outcome = self.timeline.reconcile.get(key)
        ready = _condition(obj, "Ready").get("status") == "True"
        if decision.stalled is not None:
            status["conditions"] = helm_controller.stalled_conditions(obj, decision.stalled,
                                                                      now_rfc3339())
        elif outcome is not None and key not in self._played and not ready:
            self._played.add(key)
            self._attempting.add(key)
            if status:
                self.state.patch_merge(res, namespace, name, {"status": status})
            self._spawn(self._attempt(res, namespace, name, outcome))
            return
        if decision.requested is not None:
            status["lastHandledReconcileAt"] = decision.requested
        status["observedGeneration"] = obj["metadata"].get("generation", 1)
        self.state.patch_merge(res, namespace, name, {"status": status})

    async def _attempt(self, res, namespace: str, name: str, outcome) -> None:
        key = f"{namespace}/{name}"
        steps: list[Step] = outcome.steps
        if self._blocked(outcome) and not await self._wait_unblocked(res, namespace, name,
                                                                      outcome):
            self._attempting.discard(key)
            self._played.discard(key)  # a later attempt may succeed
            return
        # the attempt ends with the release's own last status patch; later steps (what its
        # success sets off elsewhere) play on without it
        own = [s.at for s in steps if s.patch and (s.patch.kind, s.patch.namespace,
                                                   s.patch.name) == (res.kind, namespace, name)]
        end = max(own, default=max((s.at for s in steps), default=0.0))
        for step in steps:
            if step.every is not None or step.at > end:
                self._spawn(self._play(step))
        try:
            await asyncio.gather(*(self._play(step) for step in steps
                                   if step.every is None and step.at <= end))
        finally:
            self._attempting.discard(key)
        obj = self.state.get(res, namespace, name)
        if obj is None:
            return
        requested = (obj["metadata"].get("annotations") or {}).get(REQUESTED_AT)
        status: Obj = {"observedGeneration": obj["metadata"].get("generation", 1)}
        if requested:
            status["lastHandledReconcileAt"] = requested  # written last, as helm-controller does
        self.state.patch_merge(res, namespace, name, {"status": status})

    async def _wait_unblocked(self, res, namespace: str, name: str, outcome) -> bool:
        """Helm waits for the release's workloads within its timeout: while the outcome's
        blocker is there (a stuck hook pod nginx needs gone), the upgrade runs (Reconciling);
        past the timeout it fails as Helm's does, and the release is exhausted again."""
        obj = self.state.get(res, namespace, name) or {}
        text = str((obj.get("spec") or {}).get("timeout") or "5m0s")  # Flux's default
        try:
            timeout = durations.parse(text)
        except durations.DurationError:
            timeout = 300.0
        message = f"Running 'upgrade' action with timeout of {text}"
        generation = obj.get("metadata", {}).get("generation", 1)
        now = now_rfc3339()
        self.state.patch_merge(res, namespace, name, {"status": {"conditions": [
            {"type": "Reconciling", "status": "True", "reason": "Progressing",
             "message": message, "lastTransitionTime": now, "observedGeneration": generation},
            {"type": "Ready", "status": "Unknown", "reason": "Progressing", "message": message,
             "lastTransitionTime": now, "observedGeneration": generation}]}})
        deadline = self._loop.time() + timeout / self.speed
        while self._blocked(outcome):
            if self._loop.time() >= deadline:
                self._fail(res, namespace, name, "context deadline exceeded")
                return False
            await asyncio.sleep(min(0.1, timeout / self.speed / 10))
        return True

    def _fail(self, res, namespace: str, name: str, error: str) -> None:
        obj = self.state.get(res, namespace, name)
        if obj is None:
            return
        status = obj.get("status") or {}
        failures = int(status.get("upgradeFailures") or 0) + 1
        message = f"Helm upgrade failed for release {namespace}/{name}: {error}"
        now = now_rfc3339()
        generation = obj["metadata"].get("generation", 1)
        conditions = [{"type": "Ready", "status": "False", "reason": "UpgradeFailed",
                       "message": message, "lastTransitionTime": now,
                       "observedGeneration": generation},
                      {"type": "Released", "status": "False", "reason": "UpgradeFailed",
                       "message": message, "lastTransitionTime": now,
                       "observedGeneration": generation}]
        patch: Obj = {"failures": int(status.get("failures") or 0) + 1,
                      "upgradeFailures": failures, "lastAttemptedReleaseAction": "upgrade",
                      "conditions": conditions}
        if helm_controller.exhausted(obj, {**status, "upgradeFailures": failures,
                                           "lastAttemptedReleaseAction": "upgrade"}):
            conditions.insert(0, {"type": "Stalled", "status": "True",
                                  "reason": "RetriesExceeded",
                                  "message": f"Failed to upgrade after {failures} attempt(s)",
                                  "lastTransitionTime": now, "observedGeneration": generation})
        requested = (obj["metadata"].get("annotations") or {}).get(REQUESTED_AT)
        if requested:
            patch["lastHandledReconcileAt"] = requested
        self.state.patch_merge(res, namespace, name, {"status": patch})

    def _chart_revision(self, hr: Obj) -> str | None:
        ns, _, chart = str((hr.get("status") or {}).get("helmChart") or "").partition("/")
        found = self.state.get(HELMCHART, ns, chart) if chart else None
        return _artifact_revision(found) if found is not None else None


def _stamped(kind: str, body: Obj, *, created: bool) -> Obj:
    """A step's object or patch with the times of what it records as happening now: a Helm
    revision (inside its release secret and in a HelmRelease's history) and a release's
    conditions. The scenario's shift moves the rest; a revision made when the step plays must
    read as made then (`helm history` showed the recording's date for it)."""
    now = now_rfc3339()
    if kind == "Secret" and isinstance((body.get("data") or {}).get("release"), str):
        with contextlib.suppress(helm.HelmDecodeError):
            release = helm.decode_release(body)
            info = release.setdefault("info", {})
            info["last_deployed"] = now
            if release.get("version") == 1:
                info["first_deployed"] = now
            body["data"]["release"] = helm.encode_release(release)
            labels = body.setdefault("metadata", {}).setdefault("labels", {})
            epoch = str(int(datetime.now(UTC).timestamp()))
            labels["createdAt" if created else "modifiedAt"] = epoch
            if not created:
                labels.pop("createdAt", None)  # kept as Helm's Create wrote it
    elif kind == "HelmRelease":
        status = body.get("status") or {}
        for c in status.get("conditions") or []:
            c["lastTransitionTime"] = now
        history = status.get("history") or []
        if history and isinstance(history[0], dict) and "lastDeployed" in history[0]:
            history[0]["lastDeployed"] = now
            if history[0].get("version") == 1:
                history[0]["firstDeployed"] = now
    return body


def _generation(obj: Obj | None) -> int | None:
    return ((obj or {}).get("metadata") or {}).get("generation")


def _artifact_revision(obj: Obj | None) -> str | None:
    return (((obj or {}).get("status") or {}).get("artifact") or {}).get("revision")


def _condition(obj: Obj, type_: str) -> Obj:
    return next((c for c in (obj.get("status") or {}).get("conditions") or []
                 if c.get("type") == type_), {})


def _ready(pod: Obj | None, container: str) -> bool:
    status = (pod or {}).get("status") or {}
    return any(cs.get("name") == container and cs.get("ready") is True
               for cs in status.get("containerStatuses") or [])
