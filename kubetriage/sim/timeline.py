"""The timeline of a scenario: timed changes the embedded server plays, and what a Flux reconcile
request does to a release. Loaded from `timeline.yaml` beside a scenario's objects.

A step does exactly one thing. Times are seconds after the server starts (or after the reconcile
request, for a reconcile outcome) and are divided by the server's speed factor.

    description: one line for `kubetriage sim --list`
    recorded_at: "2025-10-18T01:30:00Z"  # the seed's "now": object timestamps are shifted by
                                         # (server start - recorded_at), so ages read as in the seed
    steps:
      - at: 5
        every: 30          # repeat every 30 s ...
        times: 100         # ... at most this often (default: forever)
        restart: {namespace: midwestmtg, pod: NAME, container: frontend}
      - at: 5
        every: 30
        bump_event: {namespace: midwestmtg, name: EVENT-NAME}   # count += 1, lastTimestamp = now
      - at: 8
        event: {...a whole core/v1 Event...}                    # created with timestamps = now
      - at: 3
        every: 15
        log: {namespace: NS, pod: NAME, container: C, lines: ["..."]}
      - at: 20
        patch: {apiVersion: v1, kind: Pod, namespace: NS, name: NAME, merge: {...}}
      - at: 25
        create: {...a whole object...}
      - at: 30
        delete: {apiVersion: batch/v1, kind: Job, namespace: NS, name: NAME}
    reconcile:                  # what an attempt does: for a HelmRelease when helm-controller's
      midwestmtg/midwestmtg-backend:           # retry rules let it try (sim/helm_controller.py:
                                               #   a new request within its retries, a reset or
                                               #   force, a new generation or chart revision),
                                               #   once; for a source or Kustomization on every
                                               #   new reconcile.fluxcd.io/requestedAt
        unless_exists: {...ref...}             # optional: while this object exists the attempt
                                               #   waits, as Helm waits for a release's workloads,
                                               #   and fails at the release's spec.timeout
        steps: [...same step types, `at` relative to the attempt...]
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TimelineRef(_Strict):
    apiVersion: str
    kind: str
    namespace: str | None = None
    name: str


class PatchSpec(TimelineRef):
    merge: dict[str, Any]


class ContainerRef(_Strict):
    namespace: str
    pod: str
    container: str


class LogSpec(ContainerRef):
    lines: list[str]


class EventRef(_Strict):
    namespace: str
    name: str


_ACTIONS = ("restart", "bump_event", "event", "log", "patch", "create", "delete")


class Step(_Strict):
    at: float = 0.0
    every: float | None = Field(default=None, gt=0)
    times: int | None = Field(default=None, ge=1)
    restart: ContainerRef | None = None
    bump_event: EventRef | None = None
    event: dict[str, Any] | None = None
    log: LogSpec | None = None
    patch: PatchSpec | None = None
    create: dict[str, Any] | None = None
    delete: TimelineRef | None = None

    @model_validator(mode="after")
    def _one_action(self) -> Step:
        given = [a for a in _ACTIONS if getattr(self, a) is not None]
        if len(given) != 1:
            raise ValueError(f"a step does exactly one of {', '.join(_ACTIONS)}; this one has "
                             f"{', '.join(given) or 'none'}")
        return self

    @property
    def action(self) -> str:
        return next(a for a in _ACTIONS if getattr(self, a) is not None)


class ReconcileOutcome(_Strict):
    unless_exists: TimelineRef | None = None
    steps: list[Step] = []


class Timeline(_Strict):
    description: str = ""  # one line for `kubetriage sim --list`
    recorded_at: datetime | None = None
    steps: list[Step] = []
    reconcile: dict[str, ReconcileOutcome] = {}
