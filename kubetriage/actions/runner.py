"""The one path every change to a cluster takes.

    actions = Actions(source, read_only=False)
    offers = await actions.offers(obj)                # every action for obj, greyed with a reason
    plan = await actions.plan("reconcile", obj)       # SSAR, server-side dry run, the exact change
    if plan.refused: ...                              # read-only, RBAC, not fitting, dry run failed
    result = await actions.run(plan, confirmed=True)  # the call, its result, one audit line
    outcome = await actions.follow(result, timeout)   # a reconcile: until Ready, Failed or timeout;
                                                      # a delete: until gone, or stuck past its grace
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import orjson

from kubetriage.actions import audit
from kubetriage.actions.catalogue import ACTIONS, BY_ID, Action, Request, Target
from kubetriage.actions.deletion import await_deletion, grace_of
from kubetriage.actions.reconcile import Outcome, await_reconcile, condition
from kubetriage.cluster.connect import Connection, api_error
from kubetriage.cluster.protocol import Source
from kubetriage.core.names import target_problem
from kubetriage.core.types import Obj
from kubetriage.errors import ApiError, ReadOnlyError

READ_ONLY = "read-only mode: kubetriage was started with --read-only"
SOURCE_TIMEOUT_S = 120.0  # --with-source: how long the source may take before the release


@dataclass(frozen=True)
class Offer:
    """An action for an object, and why it cannot run now (None when it can)."""

    action: Action
    reason: str | None

    @property
    def available(self) -> bool:
        return self.reason is None


@dataclass
class Plan:
    """What an action will do, in full, for the confirmation: context, user, object, the exact
    requests and the equivalent command. `refused` says why it may not run."""

    action: Action
    target: Target
    context: str
    server: str
    user: str
    requests: list[Request]
    command: str
    requested_at: str | None = None
    refused: str | None = None
    dry_run: str = "not run"
    ready_before: Obj | None = None

    def lines(self) -> list[str]:
        """The confirmation text, one fact a line."""
        out = [f"Action:    {self.action.title}",
               f"Context:   {self.context} ({self.server})",
               f"User:      {self.user or 'unknown'}",
               f"Namespace: {self.target.namespace or '(cluster)'}",
               f"Object:    {self.target.kind} {self.target.name} ({self.target.api_version})",
               "Change:"]
        if self.action.warning:
            out.insert(0, f"Warning:   {self.action.warning}")
        out += [f"  {r.describe()}" for r in self.requests]
        out += [f"Command:   {self.command}", f"Dry run:   {self.dry_run}"]
        if self.refused:
            out.append(f"Refused:   {self.refused}")
        return out


@dataclass
class Result:
    plan: Plan
    outcome: Literal["succeeded", "failed", "refused"]
    message: str
    answers: list[Obj] = field(default_factory=list)
    answered_at: float = field(default_factory=time.monotonic)  # when the server answered

    @property
    def ok(self) -> bool:
        return self.outcome == "succeeded"

    @property
    def grace(self) -> int | None:
        """A delete the server accepted but has not finished: its grace period (see deletion)."""
        if self.plan.action.verb != "delete" or not self.answers:
            return None
        return grace_of(self.answers[-1])


class Actions:
    def __init__(self, source: Source, *, read_only: bool = False, audit_path: Path | None = None,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.source = source
        self._read_only = read_only
        self.audit_path = audit_path
        self.now = now

    @property
    def read_only(self) -> bool:
        """Asked for, or the source's: an Actions on a read-only source cannot be made to act."""
        return self._read_only or self.source.read_only

    @property
    def _conn(self) -> Connection:
        return self.source.conn

    # -- what may be done --------------------------------------------------------------------

    def for_object(self, obj: Obj) -> list[Action]:
        """The actions of this object's kind (fitting its state or not)."""
        return [a for a in ACTIONS if a.applies_to(obj)]

    async def offers(self, obj: Obj) -> list[Offer]:
        """Each action of the object's kind, with why it is unavailable: read-only mode, the
        object's state, or an RBAC denial (a SelfSubjectAccessReview per request)."""
        out = []
        for action in self.for_object(obj):
            out.append(Offer(action, await self._refusal(action, obj)))
        return out

    async def _refusal(self, action: Action, obj: Obj) -> str | None:
        if self.read_only:
            return READ_ONLY
        target = Target.of(obj)
        bad_name = target_problem(target.kind, target.namespace, target.name)
        if bad_name:  # what the dialog shows, cleaned, would not be what the request names
            return bad_name
        unfit = action.unfit(obj, self.source.store)
        if unfit:
            return f"not applicable: {unfit}"
        for request in action.build(obj, self.source.store, self.now()):
            denied = await self.access(request)
            if denied:
                return denied
        return None

    async def access(self, request: Request) -> str | None:
        """None when RBAC allows the request, else the reason (as `kubectl auth can-i` asks)."""
        t, res = request.target, request.target.resource
        try:
            status = await self.source.access_review(request.verb, res, t.namespace, t.name)
        except ApiError as err:
            return f"cannot ask the API server for permission: {err}"
        if status.get("allowed"):
            return None
        who = self._conn.user or "this user"
        what = f"{res.plural}.{res.group}" if res.group else res.plural
        where = f" in namespace {t.namespace}" if t.namespace else ""
        why = f": {status['reason']}" if status.get("reason") else ""
        return f"RBAC: {who} may not {request.verb} {what} {t.name}{where}{why}"

    # -- plan, run, follow -------------------------------------------------------------------

    async def plan(self, action_id: str, obj: Obj) -> Plan:
        action = BY_ID[action_id]
        if not action.applies_to(obj):
            raise ValueError(f"{action_id} does not apply to a {obj.get('kind')}")
        requests = action.build(obj, self.source.store, self.now()) \
            if not action.unfit(obj, self.source.store) else []
        stamps = [r.body["metadata"]["annotations"].get("reconcile.fluxcd.io/requestedAt")
                  for r in requests if r.verb == "patch" and "metadata" in r.body]
        plan = Plan(action, Target.of(obj), self._conn.context, self._conn.server,
                    self._conn.user, requests, action.command(obj, self._conn.context),
                    requested_at=next((s for s in stamps if s), None),
                    ready_before=condition(obj, "Ready"))
        plan.refused = await self._refusal(action, obj)
        if plan.refused is None:
            problems = [p for p in await asyncio.gather(*(self._send(r, dry_run=True)
                                                          for r in requests))
                        if isinstance(p, str)]
            plan.dry_run = "accepted by the server" if not problems else problems[0]
            if problems:
                plan.refused = f"the server's dry run refused it: {problems[0]}"
        return plan

    async def run(self, plan: Plan, *, confirmed: bool) -> Result:
        """Make the change (only when confirmed and not refused), then write the audit line."""
        path = self.audit_path or audit.default_path()
        try:
            fd = audit.open_log(path)
        except OSError as exc:
            return Result(plan, "refused", f"cannot write the audit log {path}: "
                                           f"{exc.strerror or exc}")
        reason = READ_ONLY if self.read_only else plan.refused or \
            (None if confirmed else "not confirmed")
        if reason is not None:
            result = Result(plan, "refused", reason)
        else:
            result = await self._execute(plan)
        audit.append(fd, {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "context": plan.context, "server": plan.server, "user": plan.user,
            "action": plan.action.id, "object": plan.target.as_dict(),
            "command": plan.command, "requestedAt": plan.requested_at,
            "outcome": result.outcome, "message": result.message})
        return result

    async def _execute(self, plan: Plan) -> Result:
        answers: list[Obj] = []
        for request in plan.requests:
            answer = await self._send(request, dry_run=False)
            if isinstance(answer, str):
                return Result(plan, "failed", answer, answers)
            answers.append(answer)
            if request.wait_handled:
                done = await self._source_handled(request, request.wait_handled)
                if done is not None:
                    return Result(plan, "failed", done, answers)
        result = Result(plan, "succeeded", "", answers)
        result.message = _done_message(plan, result.grace)
        return result

    async def _source_handled(self, request: Request, stamp: str) -> str | None:
        """--with-source: the source handled its request before the release is asked."""
        t = request.target
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SOURCE_TIMEOUT_S
        while loop.time() < deadline:
            obj = self.source.store.get(t.kind, t.namespace, t.name)
            if ((obj or {}).get("status") or {}).get("lastHandledReconcileAt") == stamp:
                return None
            await asyncio.sleep(0.1)
        return f"{t} did not handle the reconcile request within {SOURCE_TIMEOUT_S:g} s"

    async def _send(self, request: Request, *, dry_run: bool) -> Obj | str:
        """The server's answer, or the error line it gave."""
        t = request.target
        params = {"dryRun": "All"} if dry_run else None
        body = request.body
        if dry_run and request.verb == "delete":
            # kube-apiserver reads a DELETE's options from its body alone when it has one, and
            # ignores ?dryRun=All then: without this the "dry run" deletes for real
            body = {**body, "dryRun": ["All"]}
        headers = {"Content-Type": request.content_type} if request.content_type else None
        method = "PATCH" if request.verb == "patch" else "DELETE"
        try:
            resp = await self._conn.request(method, t.resource.path(t.namespace, t.name), params,
                                            body=body, headers=headers)
            async with resp:
                data = await resp.read()
        except (TimeoutError, OSError) as exc:
            return f"cannot reach the API server: {exc}"
        except ReadOnlyError as exc:
            return str(exc)
        if resp.status >= 300:
            err: ApiError = api_error(resp.status, resp.reason or "", data)
            return str(err)
        return orjson.loads(data) if data else {}

    async def follow(self, result: Result, timeout: float,
                     on_progress: Callable[[str], None] | None = None) -> Outcome | None:
        """After a reconcile: the release until Ready, Failed or the timeout. After a delete:
        the object until it is gone, or judged stuck past its grace period, which makes the
        result a failure (the server accepted the delete; the object did not go). None for
        an action that did not run, or that has nothing to follow."""
        plan = result.plan
        if not result.ok:
            return None
        if plan.action.verb == "delete":
            outcome = await await_deletion(self.source, plan.target, result.grace,
                                           result.answered_at, timeout, on_progress)
            if outcome.state == "Stuck":
                result.outcome, result.message = "failed", outcome.message
            return outcome
        if not plan.action.reconciles or plan.requested_at is None:
            return None
        return await await_reconcile(self.source, plan.target, plan.requested_at, timeout,
                                     before=plan.ready_before, on_progress=on_progress)


def _done_message(plan: Plan, grace: int | None) -> str:
    if plan.requested_at:
        return f"{plan.target} annotated (requestedAt {plan.requested_at})"
    if plan.action.verb != "delete":
        return f"{plan.target} patched"
    if grace is None:
        return f"{plan.target} deleted"
    # accepted, not done: its kubelet (or a finalizer's controller) has to finish it
    return f"{plan.target} terminating (grace period {grace} s)" if grace else \
        f"{plan.target} terminating (finalizers pending)"
