"""What the HelmRelease screen shows, as plain data: conditions, its chart source and that source's
state, dependsOn both ways, chart and
version, the image tags in its values against what its pods run, its hook Jobs and their pods,
the workloads it owns and their health. Pure (reads a store-like lookup), no Textual, no I/O."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from kubetriage.actions.catalogue import HOOK, hook_job_failing
from kubetriage.checks.flux import helmrelease_sources
from kubetriage.checks.image_pull import Image
from kubetriage.checks.objects import release_name, release_namespace
from kubetriage.core import helm
from kubetriage.core.durations import human_duration, parse_time
from kubetriage.core.helm import HistoryRow
from kubetriage.core.types import Obj
from kubetriage.tui.viewmodel.pod_details import Health

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet")
RELEASE_NAME = "meta.helm.sh/release-name"
RELEASE_NAMESPACE = "meta.helm.sh/release-namespace"
FLUX_NAME = "helm.toolkit.fluxcd.io/name"
INSTANCE = "app.kubernetes.io/instance"


class Lookup(Protocol):
    def get(self, kind: str, namespace: str | None, name: str) -> Obj | None: ...

    def list(self, kind: str, namespace: str | None = None) -> list[Obj]: ...

    def owned_by(self, uid: str) -> list[Obj]: ...


def _meta(obj: Obj) -> Obj:
    return obj.get("metadata") or {}


def _cond(obj: Obj | None, type_: str = "Ready") -> Obj:
    for c in ((obj or {}).get("status") or {}).get("conditions") or []:
        if c.get("type") == type_:
            return c
    return {}


_READY_HEALTH: dict[str, Health] = {"True": "ok", "False": "error"}


def ready_health(obj: Obj | None) -> Health:
    return _READY_HEALTH.get(_cond(obj).get("status", ""), "warn")


@dataclass(frozen=True)
class ConditionRow:
    type: str
    status: str
    reason: str
    message: str
    age: str
    health: Health


def conditions(release: Obj, now: datetime) -> list[ConditionRow]:
    out = []
    for c in (release.get("status") or {}).get("conditions") or []:
        when = parse_time(c.get("lastTransitionTime"))
        status = c.get("status") or "Unknown"
        good = status == ("False" if c.get("type") in ("Stalled", "Reconciling") else "True")
        out.append(ConditionRow(c.get("type") or "", status, c.get("reason") or "",
                                c.get("message") or "", human_duration(now - when) if when else "",
                                "ok" if good else "error" if status in ("True", "False")
                                else "warn"))
    return out


@dataclass(frozen=True)
class Dependency:
    direction: str  # "needs" (upstream, spec.dependsOn) or "needed by" (downstream)
    namespace: str | None
    name: str
    ready: str  # the Ready condition's status, or "missing"
    message: str
    health: Health


def sources(release: Obj, store: Lookup) -> list[Dependency]:
    """The chart object the release reads (a HelmChart or OCIRepository) and that HelmChart's
    source, each with its Ready status and message: a failing source is the release's cause."""
    out = []
    for kind, ns, name in helmrelease_sources(release):
        obj = store.get(kind, ns, name)
        c = _cond(obj)
        out.append(Dependency(f"source ({kind})", ns or "", name,
                              c.get("status", "Unknown") if obj else "missing",
                              c.get("message") or "", ready_health(obj) if obj else "error"))
    return out


def dependencies(release: Obj, store: Lookup) -> list[Dependency]:
    ns, name = _meta(release).get("namespace"), _meta(release).get("name")
    out = []
    for dep in (release.get("spec") or {}).get("dependsOn") or []:
        dns = dep.get("namespace") or ns
        obj = store.get("HelmRelease", dns, dep.get("name") or "")
        c = _cond(obj)
        out.append(Dependency("needs", dns, dep.get("name") or "",
                              c.get("status", "Unknown") if obj else "missing",
                              c.get("message") or "", ready_health(obj) if obj else "error"))
    for other in store.list("HelmRelease"):
        ons = _meta(other).get("namespace")
        for dep in (other.get("spec") or {}).get("dependsOn") or []:
            if (dep.get("namespace") or ons) == ns and dep.get("name") == name:
                c = _cond(other)
                out.append(Dependency("needed by", ons, _meta(other).get("name") or "",
                                      c.get("status", "Unknown"), c.get("message") or "",
                                      ready_health(other)))
    return out + sources(release, store)


@dataclass(frozen=True)
class Chart:
    name: str
    wanted: str  # spec.chart.spec.version (a version or a range)
    attempted: str  # status.lastAttemptedRevision
    deployed: str  # the newest history entry's chart version and its status
    app_version: str
    source: str


def chart(release: Obj) -> Chart:
    spec = ((release.get("spec") or {}).get("chart") or {}).get("spec") or {}
    status = release.get("status") or {}
    history = status.get("history") or []
    newest = history[0] if history else {}
    ref = spec.get("sourceRef") or {}
    source = f"{ref.get('kind', '')} {ref.get('namespace') or _meta(release).get('namespace')}/" \
             f"{ref.get('name', '')}" if ref else ""
    deployed = f"{newest.get('chartVersion', '')} ({newest.get('status', '')})" if newest else ""
    return Chart(spec.get("chart") or "", str(spec.get("version") or "*"),
                 str(status.get("lastAttemptedRevision") or ""), deployed,
                 str(newest.get("appVersion") or ""), source)


def value_images(values: Any, path: str = "values") -> Iterator[tuple[str, str, str]]:
    """(path, repository, tag) of every `image` map with a tag in a release's values."""
    if isinstance(values, dict):
        image = values.get("image")
        if isinstance(image, dict) and image.get("tag") is not None:
            yield f"{path}.image.tag", str(image.get("repository") or ""), str(image["tag"])
        for key, value in values.items():
            if key != "image":
                yield from value_images(value, f"{path}.{key}")
    elif isinstance(values, list):
        for i, value in enumerate(values):
            yield from value_images(value, f"{path}[{i}]")


def _belongs(obj: Obj, release: str, namespace: str) -> bool:
    meta = _meta(obj)
    ann, labels = meta.get("annotations") or {}, meta.get("labels") or {}
    if ann.get(RELEASE_NAME) == release:
        return ann.get(RELEASE_NAMESPACE, namespace) == namespace
    return labels.get(FLUX_NAME) == release or labels.get(INSTANCE) == release


def storage_namespace(release: Obj) -> str:
    spec, status = release.get("spec") or {}, release.get("status") or {}
    return spec.get("storageNamespace") or status.get("storageNamespace") or \
        spec.get("targetNamespace") or _meta(release).get("namespace") or ""


@dataclass(frozen=True)
class Workload:
    kind: str
    name: str
    ready: str
    health: Health
    pods: list[Obj]


def workloads(release: Obj, store: Lookup) -> list[Workload]:
    ns, name = release_namespace(release) or "", release_name(release)
    out = []
    for kind in WORKLOAD_KINDS:
        for w in store.list(kind, ns):
            if not _belongs(w, name, ns) or HOOK in (_meta(w).get("annotations") or {}):
                continue
            spec, status = w.get("spec") or {}, w.get("status") or {}
            want = status.get("desiredNumberScheduled") if kind == "DaemonSet" else \
                spec.get("replicas", 1)
            have = status.get("numberReady") if kind == "DaemonSet" else \
                status.get("readyReplicas")
            want, have = int(want or 0), int(have or 0)
            out.append(Workload(kind, _meta(w).get("name") or "", f"{have}/{want}",
                                "ok" if have >= want else "error", _pods_of(w, store)))
    return out


def _pods_of(owner: Obj, store: Lookup) -> list[Obj]:
    pods = []
    for child in store.owned_by(_meta(owner).get("uid") or ""):
        if child.get("kind") == "Pod":
            pods.append(child)
        elif child.get("kind") == "ReplicaSet":
            pods += [p for p in store.owned_by(_meta(child).get("uid") or "")
                     if p.get("kind") == "Pod"]
    return sorted(pods, key=lambda p: _meta(p).get("name") or "")


@dataclass(frozen=True)
class ImageCheck:
    where: str  # values.image.tag
    wanted: str  # repository:tag from the values
    running: list[tuple[str, str]]  # (pod, image) of the release's pods
    matches: bool


def images(release: Obj, store: Lookup) -> list[ImageCheck]:
    """Each image tag in the values against the images the release's pods run."""
    pods = [p for w in workloads(release, store) for p in w.pods]
    running = [(_meta(p).get("name") or "", c.get("image") or "") for p in pods
               for c in (p.get("spec") or {}).get("containers") or []]
    out = []
    for where, repo, tag in value_images((release.get("spec") or {}).get("values") or {}):
        related = [(pod, image) for pod, image in running if not repo or _repo(image) == repo]
        ok = all((Image.parse(image).tag or "latest") == tag for _, image in related)
        out.append(ImageCheck(where, f"{repo}:{tag}" if repo else tag, related, ok))
    return out


def _repo(image: str) -> str:
    """The repository an image reference names, with its registry host as values write it."""
    parsed = Image.parse(image)
    return f"{parsed.registry}/{parsed.repository}" if parsed.registry else parsed.repository


@dataclass(frozen=True)
class HookJob:
    job: Obj
    hook: str
    status: str
    failing: bool
    pods: list[Obj]


def hook_jobs(release: Obj, store: Lookup) -> list[HookJob]:
    ns, name = release_namespace(release) or "", release_name(release)
    out = []
    for job in store.list("Job", ns):
        ann = _meta(job).get("annotations") or {}
        if HOOK not in ann or not _belongs(job, name, ns):
            continue
        status = job.get("status") or {}
        failing = hook_job_failing(job, store) is None
        done = next((c.get("type") for c in status.get("conditions") or []
                     if c.get("status") == "True" and c.get("type") in ("Complete", "Failed")),
                    None)
        text = done or (f"{status.get('active') or 0} active, {status.get('failed') or 0} failed")
        out.append(HookJob(job, ann[HOOK], text, failing,
                           [p for p in store.owned_by(_meta(job).get("uid") or "")
                            if p.get("kind") == "Pod"]))
    return sorted(out, key=lambda h: _meta(h.job).get("name") or "")


def last_good(history: list[HistoryRow]) -> HistoryRow | None:
    """The newest revision that deployed (deployed or superseded), for a roll back."""
    good = [r for r in history if r.status in ("deployed", "superseded")]
    return good[-1] if good else None


async def read_history(source, release: dict) -> list[HistoryRow]:
    """`helm history` of the release, from its release secrets read now."""
    name = release_name(release)
    secrets = await source.helm_release_secrets(storage_namespace(release), name)
    # unpacking and parsing megabytes of records: not on the loop the screen draws from
    return await asyncio.to_thread(helm.history, secrets, name)
