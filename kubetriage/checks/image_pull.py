"""KT-202: a container that cannot pull its image, with the reason classified.

Read from the container's waiting message and the pod's `Failed` events: the registry's TLS
certificate not trusted (x509), the tag or manifest unknown, access denied, pulls rate-limited,
the registry unreachable, or an image without a registry host (pulled from Docker Hub, where a
locally built image does not exist). Two facts sharpen it: the tag differs from the one the
HelmRelease's values ask for, and the same image runs on another node (the failure is
node-specific). When neither status nor events say why, the cause is "unknown".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.objects import (
    all_containers,
    event_line,
    events,
    kubectl,
    mapping,
    name,
    namespace,
    ref,
    release_of,
    str_at,
    waiting,
)
from kubetriage.core.snapshot import Snapshot

CHECK = Check(code="KT-202", title="Image cannot be pulled", severity="error",
              kinds=("Pod", "Event", "HelmRelease", "ReplicaSet", "Deployment"), doc=__doc__)

PULL_REASONS = ("ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull")
_CLASSES = [  # (cause, pattern, what it means)
    ("x509", re.compile(r"x509|certificate signed by unknown authority|tls: failed to verify",
                        re.I), "the node does not trust the registry's TLS certificate"),
    ("manifest", re.compile(r"manifest unknown|manifest for \S+ not found|not found: manifest|"
                            r"\bnot found\b", re.I), "the tag does not exist in the registry"),
    ("denied", re.compile(r"pull access denied|unauthorized|authentication required|denied",
                          re.I), "the registry denies access (no such repository, or "
                                 "credentials needed)"),
    ("rate-limited", re.compile(r"toomanyrequests|pull rate limit", re.I),
     "the registry rate-limits pulls (Docker Hub's anonymous limit)"),
    ("unreachable", re.compile(r"no such host|connection refused|i/o timeout|"
                               r"network is unreachable", re.I), "the registry cannot be reached"),
    ("invalid", re.compile(r"invalid reference format|InvalidImageName", re.I),
     "the image reference is not valid"),
]


@dataclass(frozen=True)
class Image:
    ref: str
    registry: str | None  # None: no registry host, so the node pulls from Docker Hub
    repository: str
    tag: str | None

    @classmethod
    @functools.lru_cache(maxsize=4096)  # a cluster runs few distinct images on many pods
    def parse(cls, ref: str) -> Image:
        path = ref.split("@", 1)[0]
        first, _, rest = path.partition("/")
        has_host = bool(rest) and ("." in first or ":" in first or first == "localhost")
        registry = first if has_host else None
        repo_tag = rest if has_host else path
        repo, sep, tag = repo_tag.rpartition(":")
        if not sep or "/" in tag:
            repo, tag = repo_tag, None
        return cls(ref, registry, repo, tag or None)


@dataclass(frozen=True)
class PullFailure:
    pod: dict[str, Any]
    container: str
    image: Image
    node: str
    cause: str  # x509, manifest, denied, rate-limited, unreachable, invalid, unknown
    meaning: str
    evidence: list[str]


def failures(snap: Snapshot) -> list[PullFailure]:
    """Every container failing to pull, classified: shared with the registry-trust check."""
    return snap.derived("pull-failures", lambda snap: [
        _classify(snap, pod, status, spec) for pod, status, spec, _ in
        waiting(snap, *PULL_REASONS)])


def _classify(snap: Snapshot, pod: dict, status: dict, spec: dict) -> PullFailure:
    container = str_at(status, "name")
    image = Image.parse(str_at(spec, "image") or str_at(status, "image"))
    message = str_at(status, "state", "waiting", "message")
    said = [e for e in events(snap, pod, "Pod")
            if str_at(e, "reason") in ("Failed", "ErrImagePull") and
            (container in str_at(e, "involvedObject", "fieldPath") or
             (image.ref and image.ref in str_at(e, "message")))]
    text = " ".join([message, *(str_at(e, "message") for e in said)])
    cause, meaning, pattern = next(((c, m, p) for c, p, m in _CLASSES if p.search(text)),
                                   ("unknown", "cause unknown: neither status nor events say why",
                                    None))
    evidence = [f"{container}: {str_at(status, 'state', 'waiting', 'reason')}"
                + (f": {message}" if message else "")]
    # the event that says the cause first (x509, manifest unknown), then the newest others
    said.sort(key=lambda e: not (pattern and pattern.search(str_at(e, "message"))))
    evidence += [event_line(e) for e in said[:2]]
    return PullFailure(pod, container, image, str_at(pod, "spec", "nodeName"), cause, meaning,
                       evidence)


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    pulls = failures(snap)
    running = _running_images(snap, {f.image.repository.rsplit("/", 1)[-1] for f in pulls})
    for f in pulls:
        obj = ref(f.pod, "Pod")
        meaning, evidence = f.meaning, list(f.evidence)
        fixes = [Remediation(title="See the pull errors in the pod's events",
                             command=kubectl("describe", obj), action="describe")]
        wanted = _values_tags(snap, f.pod, f.image)
        if f.image.tag and wanted and f.image.tag not in wanted:
            meaning = (f"it asks for tag {f.image.tag}, but the HelmRelease's values say "
                       f"{' or '.join(sorted(wanted))}; {meaning}")
            fixes.insert(0, Remediation(title=f"Set the image tag to {sorted(wanted)[0]} and "
                                              "reconcile the release", action="reconcile"))
        same_repo = running.get(f.image.repository.rsplit("/", 1)[-1], {})
        # an image without a registry host may run elsewhere under a qualified name
        candidates = same_repo.get(None if f.image.registry is None else f.image.ref, ())
        elsewhere = next(((pod, node, img) for pod, node, img in candidates if node != f.node),
                         None)
        if f.image.registry is None:
            meaning = (f"the image has no registry host, so node {f.node or 'unknown'} pulls it "
                       f"from Docker Hub; {meaning}")
            fixes.insert(0, Remediation(title="Push the image to your registry and use the "
                                              "registry-qualified name"))
        if elsewhere:
            pod, node, img = elsewhere
            evidence.append(f"on node {node}, pod {pod} runs {img}")
            meaning += f"; it runs on node {node}, so the failure is specific to node {f.node}"
        yield CHECK.finding(obj,
                            f"Pod {obj.namespace}/{obj.name} cannot pull {f.image.ref or 'its image'} "
                            f"for container {f.container}: {meaning}.",
                            evidence, fixes, part=f.container, container=f.container,
                            registry=f.image.registry, cause=f.cause, node=f.node)


def _running_images(snap: Snapshot, repositories: set[str]
                    ) -> dict[str, dict[str | None, list[tuple[str, str, str]]]]:
    """repository -> image (None: any image) -> (pod, node, image) of running containers of
    these repositories, in pod order, to tell node-specific failures."""
    found: dict[str, dict[str | None, list[tuple[str, str, str]]]] = {}
    if not repositories:
        return found
    short: dict[str, str] = {}  # image -> repository: 20k containers, a few hundred images
    for pod, status, spec, _ in all_containers(snap):
        state = status.get("state")
        if not isinstance(state, dict) or state.get("running") is None:
            continue
        img = str_at(spec, "image") or str_at(status, "image")
        repo = short.get(img)
        if repo is None:
            repo = short[img] = Image.parse(img).repository.rsplit("/", 1)[-1]
        if repo in repositories:
            seen = (f"{namespace(pod)}/{name(pod)}", str_at(pod, "spec", "nodeName"), img)
            by_image = found.setdefault(repo, {})
            by_image.setdefault(None, []).append(seen)
            by_image.setdefault(img, []).append(seen)
    return found


def _values_tags(snap: Snapshot, pod: dict, image: Image) -> set[str]:
    """The image tags the pod's HelmRelease sets in its values for this repository."""
    hr = release_of(snap, pod)
    if hr is None:
        return set()
    tags: set[str] = set()
    short = image.repository.rsplit("/", 1)[-1]

    def walk(node: Any, key: str) -> None:
        if isinstance(node, dict):
            tag = node.get("tag")
            repo = node.get("repository")
            if isinstance(tag, (str, int, float)) and not isinstance(tag, bool) and (
                    (isinstance(repo, str) and repo.rsplit("/", 1)[-1] == short)
                    or (repo is None and key == "image")):
                tags.add(str(tag))
            for k, v in node.items():
                walk(v, str(k))
        elif isinstance(node, list):
            for v in node:
                walk(v, key)

    walk(mapping(hr, "spec", "values"), "")
    return tags

