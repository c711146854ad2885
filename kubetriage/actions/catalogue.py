"""Every change kubetriage can make to a cluster: which objects an action applies to, the exact
requests it sends, and the kubectl/flux command that would do the same.

The requests are built as those tools build them, so the server ends in the same state whichever
was used: flux writes `reconcile.fluxcd.io/requestedAt` (RFC3339Nano) with a merge patch, and
`kubectl rollout restart` writes `kubectl.kubernetes.io/restartedAt` (RFC3339) into the pod
template with a strategic merge patch.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, Protocol

import orjson

from kubetriage.core import resources
from kubetriage.core.resources import Resource
from kubetriage.core.types import Obj


class Lookup(Protocol):
    """What an action reads besides its object: the store (kubetriage.cluster.store.Store)."""

    def get(self, kind: str, namespace: str | None, name: str) -> Obj | None: ...

    def owned_by(self, uid: str) -> list[Obj]: ...


REQUESTED_AT = "reconcile.fluxcd.io/requestedAt"
FORCE_AT = "reconcile.fluxcd.io/forceAt"
RESET_AT = "reconcile.fluxcd.io/resetAt"
RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"
HOOK = "helm.sh/hook"
SOURCES = ("GitRepository", "HelmRepository", "HelmChart", "OCIRepository")
FLUX_KINDS = ("HelmRelease", "Kustomization", *SOURCES)
WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet")
_FLUX_CLI = {"HelmRelease": "helmrelease", "Kustomization": "kustomization",
             "GitRepository": "source git", "HelmRepository": "source helm",
             "HelmChart": "source chart", "OCIRepository": "source oci"}
_FAILING = {"CrashLoopBackOff", "Error", "ImagePullBackOff", "ErrImagePull",
            "CreateContainerConfigError", "RunContainerError"}


def rfc3339_nano(when: datetime) -> str:
    """Go's time.RFC3339Nano in UTC: trailing zeros of the fraction dropped, `Z` for UTC."""
    when = when.astimezone(UTC)
    frac = f"{when.microsecond:06d}".rstrip("0")
    return when.strftime("%Y-%m-%dT%H:%M:%S") + (f".{frac}" if frac else "") + "Z"


def rfc3339(when: datetime) -> str:
    """Go's time.RFC3339 (what kubectl rollout restart writes), in UTC."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Target:
    """An object named in full: what a confirmation shows and an audit line records."""

    kind: str
    api_version: str
    namespace: str | None
    name: str

    @classmethod
    def of(cls, obj: Obj) -> Target:
        meta = obj.get("metadata") or {}
        return cls(obj.get("kind", ""), obj.get("apiVersion", ""), meta.get("namespace"),
                   meta.get("name", ""))

    @property
    def resource(self) -> Resource:
        res = resources.by_kind(self.api_version, self.kind)
        if res is None:
            raise ValueError(f"unknown kind {self.kind} ({self.api_version})")
        return res

    def as_dict(self) -> dict[str, str | None]:
        return {"kind": self.kind, "apiVersion": self.api_version, "namespace": self.namespace,
                "name": self.name}

    def __str__(self) -> str:
        return f"{self.kind} {self.namespace}/{self.name}" if self.namespace \
            else f"{self.kind} {self.name}"


@dataclass(frozen=True)
class Request:
    """One write to the API server: a patch (merge or strategic) or a delete."""

    target: Target
    verb: Literal["patch", "delete"]
    body: Obj
    patch_type: Literal["merge", "strategic"] | None = None
    wait_handled: str | None = None  # a requestedAt the next request waits on (--with-source)

    @property
    def content_type(self) -> str | None:
        return {"merge": "application/merge-patch+json",
                "strategic": "application/strategic-merge-patch+json"}.get(self.patch_type or "")

    def describe(self) -> str:
        res = self.target.resource
        what = f"{res.plural}.{res.group}" if res.group else res.plural
        where = f"{self.target.namespace}/{self.target.name}"
        if self.verb == "delete":
            grace = self.body.get("gracePeriodSeconds")
            now = "gracePeriodSeconds 0: at once, without waiting for the kubelet; " \
                if grace == 0 else ""
            return f"DELETE {what} {where} ({now}propagationPolicy " \
                   f"{self.body.get('propagationPolicy', 'Background')})"
        return f"PATCH {what} {where} ({self.patch_type} patch): " \
               f"{orjson.dumps(self.body).decode()}"


@dataclass(frozen=True)
class Action:
    id: str
    title: str
    kinds: tuple[str, ...]
    verb: Literal["patch", "delete"]
    # (object, lookup) -> why the action does not fit this object now, or None when it does
    unfit: Callable[[Obj, Lookup], str | None]
    build: Callable[[Obj, Lookup, datetime], list[Request]]
    command: Callable[[Obj, str], str]
    reconciles: bool = False  # the caller follows it with await_reconcile
    warning: str | None = None  # what the confirmation says before anything else

    def applies_to(self, obj: Obj) -> bool:
        return obj.get("kind") in self.kinds


# -- helpers -----------------------------------------------------------------------------------

def _meta(obj: Obj) -> Obj:
    return obj.get("metadata") or {}


def _q(text: str | None) -> str:
    return shlex.quote(text or "")


def _ctx(context: str) -> str:
    return f" --context {_q(context)}" if context else ""


def _suspended(obj: Obj) -> bool:
    return bool((obj.get("spec") or {}).get("suspend"))


def _annotate(obj: Obj, annotations: dict[str, str], spec: Obj | None = None) -> Request:
    body: Obj = {"metadata": {"annotations": annotations}}
    if spec is not None:
        body["spec"] = spec
    return Request(Target.of(obj), "patch", body, "merge")


def _flux(verb: str, extra: str = "") -> Callable[[Obj, str], str]:
    def command(obj: Obj, context: str) -> str:
        meta = _meta(obj)
        return f"flux {verb} {_FLUX_CLI[obj['kind']]} {_q(meta.get('name'))} " \
               f"-n {_q(meta.get('namespace'))}{extra}{_ctx(context)}"
    return command


def _kubectl(args: Callable[[Obj], str]) -> Callable[[Obj, str], str]:
    def command(obj: Obj, context: str) -> str:
        return f"kubectl{_ctx(context)} -n {_q(_meta(obj).get('namespace'))} {args(obj)}"
    return command


def source_of(obj: Obj, lookup: Lookup) -> Obj | None:
    """The source a HelmRelease's chart or a Kustomization comes from, as `flux reconcile
    --with-source` finds it: the HelmChart the release status names (or spec.chartRef), else
    the chart's sourceRef; a Kustomization's spec.sourceRef."""
    spec, ns = obj.get("spec") or {}, _meta(obj).get("namespace")
    refs: list[tuple[str, str | None, str]] = []
    if obj.get("kind") == "HelmRelease":
        chart = (obj.get("status") or {}).get("helmChart") or ""
        if "/" in chart:
            cns, cname = chart.split("/", 1)
            refs.append(("HelmChart", cns, cname))
        ref = spec.get("chartRef") or ((spec.get("chart") or {}).get("spec") or {}).get(
            "sourceRef") or {}
    else:
        ref = spec.get("sourceRef") or {}
    if ref.get("kind") and ref.get("name"):
        refs.append((ref["kind"], ref.get("namespace") or ns, ref["name"]))
    for kind, rns, name in refs:
        found = lookup.get(kind, rns, name)
        if found is not None:
            return found
    return None


_EXACT_VERSION = re.compile(r"v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?")


def retries_exhausted(obj: Obj) -> bool:
    """helm-controller gave up on this release: Stalled with RetriesExceeded, or the failure
    count of its last action past that action's `remediation.retries` (0 unless set). A plain
    reconcile request does not make it try again (see kubetriage/sim/helm_controller.py)."""
    status = obj.get("status") or {}
    if any(c.get("type") == "Stalled" and c.get("status") == "True"
           and c.get("reason") == "RetriesExceeded" for c in status.get("conditions") or []):
        return True
    action = status.get("lastAttemptedReleaseAction") or "upgrade"
    retries = (((obj.get("spec") or {}).get(action) or {}).get("remediation") or {}).get(
        "retries", 0)
    failures = status.get("installFailures" if action == "install" else "upgradeFailures")
    return isinstance(retries, int) and retries >= 0 and int(failures or 0) > retries


def chart_range(obj: Obj) -> bool:
    """The release's chart version is a range (`>=0.2.0 <1.0.0`, `1.x`, `*`): its source may
    hold a newer chart than the one that failed."""
    version = str((((obj.get("spec") or {}).get("chart") or {}).get("spec") or {}).get(
        "version") or "*")
    return _EXACT_VERSION.fullmatch(version.strip()) is None


def retry_action(obj: Obj, lookup: Lookup) -> str:
    """The reconcile that makes helm-controller try a release again, as Flux's docs prescribe:
    a plain request for a release still within its retries; for one whose retries are
    exhausted, `--with-source` when its chart is a range (a new chart version resets the
    failure counts by itself), else `--reset`."""
    if obj.get("kind") != "HelmRelease" or not retries_exhausted(obj):
        return "reconcile"
    if chart_range(obj) and _with_source(obj, lookup) is None:
        return "reconcile-with-source"
    return "reset" if _v2_release(obj, lookup) is None else "reconcile"


# -- what each action needs --------------------------------------------------------------------

def _reconcilable(obj: Obj, lookup: Lookup) -> str | None:
    return "it is suspended: resume it first" if _suspended(obj) else None


def _with_source(obj: Obj, lookup: Lookup) -> str | None:
    if _suspended(obj):
        return "it is suspended: resume it first"
    return None if source_of(obj, lookup) is not None else "its source is not in the cluster"


def _v2_release(obj: Obj, lookup: Lookup) -> str | None:
    if obj.get("apiVersion") != "helm.toolkit.fluxcd.io/v2":
        return f"needs HelmRelease helm.toolkit.fluxcd.io/v2 (this one is {obj.get('apiVersion')})"
    return _reconcilable(obj, lookup)


def _not_suspended(obj: Obj, lookup: Lookup) -> str | None:
    return "it is already suspended" if _suspended(obj) else None


def _is_suspended(obj: Obj, lookup: Lookup) -> str | None:
    return None if _suspended(obj) else "it is not suspended"


def _always(obj: Obj, lookup: Lookup) -> str | None:
    return None


def _not_terminating(obj: Obj, lookup: Lookup) -> str | None:
    if _meta(obj).get("deletionTimestamp"):
        return f"it is already terminating (until {_meta(obj)['deletionTimestamp']}): if it " \
               "stays so, its node may be gone: force delete it"
    return None


def _terminating(obj: Obj, lookup: Lookup) -> str | None:
    # force deletion skips the kubelet's confirmation: offered once a delete did not finish
    return None if _meta(obj).get("deletionTimestamp") else \
        "it is not terminating: delete it first (its kubelet stops it and confirms)"


def hook_job_failing(job: Obj, lookup: Lookup) -> str | None:
    """Why this is not a failing Helm hook Job (None when it is one): a hook annotation, and a
    Failed condition, failed pods, or a pod of it crash-looping or not pulling."""
    if HOOK not in (_meta(job).get("annotations") or {}):
        return "it is not a Helm hook Job (no helm.sh/hook annotation)"
    status = job.get("status") or {}
    if any(c.get("type") == "Failed" and c.get("status") == "True"
           for c in status.get("conditions") or []):
        return None
    if status.get("failed"):
        return None
    return None if _pods_failing(job, lookup) else "the hook Job is not failing"


def _pods_failing(job: Obj, lookup: Lookup) -> bool:
    for pod in lookup.owned_by(_meta(job).get("uid", "")):
        for cs in (pod.get("status") or {}).get("containerStatuses") or []:
            state = cs.get("state") or {}
            reason = (state.get("waiting") or state.get("terminated") or {}).get("reason")
            if reason in _FAILING or (cs.get("restartCount") or 0) > 0:
                return True
    return False


def hpa_target_gone(hpa: Obj, lookup: Lookup) -> str | None:
    ref = (hpa.get("spec") or {}).get("scaleTargetRef") or {}
    if not ref.get("kind") or not ref.get("name"):
        return "it names no scale target"
    if lookup.get(ref["kind"], _meta(hpa).get("namespace"), ref["name"]) is not None:
        return f"its target {ref['kind']} {ref['name']} exists"
    return None


# -- what each action sends --------------------------------------------------------------------

def _reconcile(obj: Obj, lookup: Lookup, now: datetime) -> list[Request]:
    return [_annotate(obj, {REQUESTED_AT: rfc3339_nano(now)})]


def _reconcile_with_source(obj: Obj, lookup: Lookup, now: datetime) -> list[Request]:
    """As `flux reconcile --with-source`: a HelmChart's own source first (a new chart version
    needs a fresh repository index), then the chart, then the object, each waited on."""
    src = source_of(obj, lookup)
    if src is None:  # unfit() refuses the action first; build is never asked then
        raise ValueError(f"{obj.get('kind')} has no source to reconcile")
    chain = [src]
    if src.get("kind") == "HelmChart":
        upstream = source_of(src, lookup)
        if upstream is not None:
            chain.insert(0, upstream)
    stamp = rfc3339_nano(now)
    out = []
    for source in chain:
        first = _annotate(source, {REQUESTED_AT: stamp})
        out.append(Request(first.target, first.verb, first.body, first.patch_type,
                           wait_handled=stamp))
    return [*out, _annotate(obj, {REQUESTED_AT: stamp})]


def _force(obj: Obj, lookup: Lookup, now: datetime) -> list[Request]:
    stamp = rfc3339_nano(now)
    return [_annotate(obj, {REQUESTED_AT: stamp, FORCE_AT: stamp})]


def _reset(obj: Obj, lookup: Lookup, now: datetime) -> list[Request]:
    stamp = rfc3339_nano(now)
    return [_annotate(obj, {REQUESTED_AT: stamp, RESET_AT: stamp})]


def _suspend(obj: Obj, lookup: Lookup, now: datetime) -> list[Request]:
    return [Request(Target.of(obj), "patch", {"spec": {"suspend": True}}, "merge")]


def _resume(obj: Obj, lookup: Lookup, now: datetime) -> list[Request]:
    # `flux resume` patches spec.suspend only; the generation it bumps starts the reconcile
    # (and resets a HelmRelease's failure counts). The request is added so that the follow has
    # a token to wait on; the controller handles both in one reconcile.
    return [_annotate(obj, {REQUESTED_AT: rfc3339_nano(now)}, {"suspend": False})]


def _restart(obj: Obj, lookup: Lookup, now: datetime) -> list[Request]:
    body = {"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: rfc3339(now)}}}}}
    return [Request(Target.of(obj), "patch", body, "strategic")]


def _delete(obj: Obj, lookup: Lookup, now: datetime) -> list[Request]:
    # kubectl delete's default --cascade=background, said explicitly: a Job's pods go too
    return [Request(Target.of(obj), "delete", {"kind": "DeleteOptions", "apiVersion": "v1",
                                               "propagationPolicy": "Background"})]


def _force_delete(obj: Obj, lookup: Lookup, now: datetime) -> list[Request]:
    # what `kubectl delete --force --grace-period=0` sends: the API server removes the pod now
    return [Request(Target.of(obj), "delete", {"kind": "DeleteOptions", "apiVersion": "v1",
                                               "gracePeriodSeconds": 0,
                                               "propagationPolicy": "Background"})]


FORCE_DELETE_WARNING = (
    "the pod is removed from the API server without its kubelet confirming that its containers "
    "stopped. If its node is still running they may keep running, and a StatefulSet's "
    "replacement may run beside them with the same identity.")


ACTIONS: tuple[Action, ...] = (
    Action("reconcile", "Reconcile", FLUX_KINDS, "patch", _reconcilable, _reconcile,
           _flux("reconcile"), reconciles=True),
    Action("reconcile-with-source", "Reconcile with source (--with-source)",
           ("HelmRelease", "Kustomization"), "patch", _with_source, _reconcile_with_source,
           _flux("reconcile", " --with-source"), reconciles=True),
    Action("force", "Force one install or upgrade (--force)", ("HelmRelease",), "patch",
           _v2_release, _force, _flux("reconcile", " --force"), reconciles=True),
    Action("reset", "Reset the failure counts and retry (--reset)", ("HelmRelease",), "patch",
           _v2_release, _reset, _flux("reconcile", " --reset"), reconciles=True),
    Action("suspend", "Suspend reconciliation", FLUX_KINDS, "patch", _not_suspended, _suspend,
           _flux("suspend")),
    Action("resume", "Resume reconciliation", FLUX_KINDS, "patch", _is_suspended, _resume,
           _flux("resume"), reconciles=True),
    Action("rollout-restart", "Rollout restart", WORKLOADS, "patch", _always, _restart,
           _kubectl(lambda o: f"rollout restart {o['kind'].lower()}/{_q(_meta(o)['name'])}")),
    Action("delete-pod", "Delete pod", ("Pod",), "delete", _not_terminating, _delete,
           _kubectl(lambda o: f"delete pod {_q(_meta(o)['name'])}")),
    Action("force-delete-pod", "Force delete pod (its node may be gone)", ("Pod",), "delete",
           _terminating, _force_delete,
           _kubectl(lambda o: f"delete pod {_q(_meta(o)['name'])} --force --grace-period=0"),
           warning=FORCE_DELETE_WARNING),
    Action("delete-hook-job", "Delete failing Helm hook Job", ("Job",), "delete",
           hook_job_failing, _delete,
           _kubectl(lambda o: f"delete job {_q(_meta(o)['name'])} --cascade=background")),
    Action("delete-orphan-hpa", "Delete HPA whose target is gone", ("HorizontalPodAutoscaler",),
           "delete", hpa_target_gone, _delete,
           _kubectl(lambda o: f"delete hpa {_q(_meta(o)['name'])}")),
)
BY_ID: dict[str, Action] = {a.id: a for a in ACTIONS}
