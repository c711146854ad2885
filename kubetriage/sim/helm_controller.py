"""What Flux's helm-controller decides when a HelmRelease is reconciled, reduced to what the
embedded cluster plays: whether the release gets a new attempt (the timeline's outcome), or stays
Stalled because its retries are exhausted.

The rules are helm-controller's (v1.0 to v1.6, the default RemediateOnFailure strategy):
- a reconcile starts on a new `reconcile.fluxcd.io/requestedAt`, a new generation, or a new
  chart revision of its HelmChart; `resetAt`/`forceAt` alone start nothing;
- `resetAt` and `forceAt` count only when they equal requestedAt and are new (one-shot tokens:
  `status.lastHandledResetAt`/`lastHandledForceAt` take the value either way);
- the failure counters (`failures`, `installFailures`, `upgradeFailures`) are cleared by a reset
  request, or when the generation, the chart version or the values differ from the last attempt;
- a release is exhausted when the counter of its last attempted action exceeds that action's
  `remediation.retries` (0 by default; -1 is unlimited). An exhausted release is not attempted
  again, even on requestedAt, unless forced (one attempt, counters kept) or its counters were
  cleared; it is marked Stalled RetriesExceeded again and nothing else changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from kubetriage.core.types import Obj

REQUESTED_AT = "reconcile.fluxcd.io/requestedAt"
RESET_AT = "reconcile.fluxcd.io/resetAt"
FORCE_AT = "reconcile.fluxcd.io/forceAt"
Trigger = Literal["request", "generation", "source"]


@dataclass
class Decision:
    status: Obj = field(default_factory=dict)  # merged into the status before anything else
    attempt: bool = False  # play the release's outcome (an install or upgrade)
    stalled: str | None = None  # the Stalled message when the release stays exhausted
    requested: str | None = None  # the requestedAt this reconcile handles


def _counter(action: str) -> str:
    return "installFailures" if action == "install" else "upgradeFailures"


def retries(hr: Obj, action: str) -> int:
    spec = (hr.get("spec") or {}).get(action) or {}
    value = (spec.get("remediation") or {}).get("retries")
    return int(value) if isinstance(value, int) else 0


def exhausted(hr: Obj, status: Obj) -> bool:
    action = status.get("lastAttemptedReleaseAction") or "upgrade"
    limit = retries(hr, action)
    return limit >= 0 and int(status.get(_counter(action)) or 0) > limit


def _token(annotations: Obj, name: str, requested: str | None, last: str | None) -> bool:
    value = annotations.get(name)
    return value is not None and value == requested and value != last


def decide(hr: Obj, trigger: Trigger, chart_revision: str | None = None) -> Decision | None:
    """The controller's decision on one reconcile of `hr`, or None when nothing starts one (an
    old request, a suspended release)."""
    meta, spec = hr.get("metadata") or {}, hr.get("spec") or {}
    status = dict(hr.get("status") or {})
    annotations = meta.get("annotations") or {}
    if spec.get("suspend"):
        return None
    requested = annotations.get(REQUESTED_AT)
    new_request = requested is not None and requested != status.get("lastHandledReconcileAt")
    if trigger == "request" and not new_request:
        return None
    out = Decision(requested=requested if new_request else None)
    reset = new_request and _token(annotations, RESET_AT, requested,
                                   status.get("lastHandledResetAt"))
    force = new_request and _token(annotations, FORCE_AT, requested,
                                   status.get("lastHandledForceAt"))
    for name, handled in ((RESET_AT, "lastHandledResetAt"), (FORCE_AT, "lastHandledForceAt")):
        if name in annotations:  # set whether or not the request was honoured
            out.status[handled] = annotations[name]
    generation = meta.get("generation", 1)
    changed = status.get("lastAttemptedGeneration") not in (None, generation) or (
        chart_revision is not None
        and status.get("lastAttemptedRevision") not in (None, chart_revision))
    if changed or reset:
        for counter in ("failures", "installFailures", "upgradeFailures"):
            if status.get(counter):
                out.status[counter] = None
                status[counter] = None
    if "lastAttemptedGeneration" in status:
        out.status["lastAttemptedGeneration"] = generation
    if chart_revision is not None and "lastAttemptedRevision" in status:
        out.status["lastAttemptedRevision"] = chart_revision
    if exhausted(hr, status) and not force:
        action = status.get("lastAttemptedReleaseAction") or "upgrade"
        out.stalled = f"Failed to {action} after {int(status.get(_counter(action)) or 0)} " \
                      "attempt(s)"
        return out
    out.attempt = True
    return out


def stalled_conditions(hr: Obj, message: str, now: str) -> list[Obj]:
    """The conditions after a reconcile that stopped at exhausted retries: Stalled marked again
    (a new transition time: every reconcile begins by removing it), Reconciling gone, the rest
    (Ready with the last failure's message) as they were."""
    generation = (hr.get("metadata") or {}).get("generation", 1)
    kept = [c for c in (hr.get("status") or {}).get("conditions") or []
            if c.get("type") not in ("Stalled", "Reconciling")]
    return [{"lastTransitionTime": now, "message": message, "observedGeneration": generation,
             "reason": "RetriesExceeded", "status": "True", "type": "Stalled"}, *kept]
