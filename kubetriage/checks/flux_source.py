"""KT-105: a Flux source (GitRepository, OCIRepository, HelmRepository, Bucket) that cannot fetch.

Ready=False with source-controller's own message: the Git host rejects the key
(`ssh: unable to authenticate`, `authentication required`), the branch or tag does not exist
(`couldn't find remote ref "refs/heads/..."`), the registry denies the pull, the Helm index
answers 404, the tag or semver range matches nothing, the TLS certificate is not
trusted. One finding per source, linked to every Kustomization, HelmChart and HelmRelease that
reads it. It is reported even while those stay Ready: Flux keeps serving the last good artifact,
so nothing downstream fails, yet no new commit or chart is deployed.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.flux import (
    RECONCILE_WORD,
    SOURCE_KINDS,
    consumers,
    has_artifact,
    shown,
)
from kubetriage.checks.objects import (
    at,
    condition,
    event_line,
    events,
    is_false,
    name,
    namespace,
    ref,
    str_at,
)
from kubetriage.core.snapshot import Key, Snapshot

CHECK = Check(code="KT-105", title="Flux source cannot fetch", severity="error",
              kinds=(*SOURCE_KINDS, "Kustomization", "HelmChart", "HelmRelease", "Event"),
              doc=__doc__)

# `couldn't find remote ref "refs/heads/mian"`: a branch or tag the repository does not have
_REF = re.compile(r'(?:couldn\'t find remote ref|reference not found)(?: "?refs/(heads|tags)/'
                  r'([^"\s]+)"?)?')
_CLASSES: list[tuple[str, re.Pattern[str]]] = [
    ("ref", _REF),
    ("ssh-key", re.compile(r"ssh: handshake failed|unable to authenticate|\bpublickey\b")),
    ("x509", re.compile(r"x509|certificate signed by unknown authority")),
    ("credentials", re.compile(r"authentication required|\bDENIED\b|\bUNAUTHORIZED\b|"
                               r"\b40[13]\b|failed to get secret|failed to get credential|"
                               r"Unauthorized|access denied")),
    ("not-found", re.compile(r"\b404 Not Found\b|MANIFEST_UNKNOWN|manifest unknown|"
                             r"no match found for semver|repository not found|NAME_UNKNOWN")),
    ("unreachable", re.compile(r"no such host|connection refused|i/o timeout|"
                               r"network is unreachable|context deadline exceeded")),
]
_MEANING = {
    "ssh-key": "the Git host rejects the SSH key",
    "x509": "the server's TLS certificate is not trusted",
    "credentials": "the server rejects its credentials",
    "unreachable": "the server cannot be reached",
}


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    for kind in SOURCE_KINDS:
        for source in snap.of_kind(kind):
            ready = condition(source, "Ready")
            if not is_false(ready) or at(source, "spec", "suspend") is True:
                continue
            yield _finding(snap, kind, source, ready or {})


def classify(message: str, reason: str) -> str:
    for cls, pattern in _CLASSES:
        if pattern.search(message):
            return cls
    return "credentials" if reason == "AuthenticationFailed" else "other"


def _finding(snap: Snapshot, kind: str, source: dict, ready: dict) -> Finding:
    obj = ref(source, kind)
    key: Key = (kind, namespace(source), name(source))
    message, reason = str_at(ready, "message"), str_at(ready, "reason")
    cls = classify(message, reason)
    readers = consumers(snap).get(key, [])
    what = _what(kind, source, cls)
    if readers:
        keeps = "they keep the last good artifact, so new changes are not deployed" \
            if has_artifact(source) else "none of them has anything to apply"
        what += f"; {len(readers)} consumer{'s' if len(readers) != 1 else ''} read it, and " \
                f"{keeps}"
    evidence = [f"Ready=False {reason}: {message}"]
    warnings = [e for e in events(snap, source, kind) if str_at(e, "type") == "Warning"]
    evidence += [event_line(e) for e in warnings[:1] if str_at(e, "message") != message]
    if readers:
        evidence.append("consumers: " + ", ".join(shown(r) for r in readers[:5])
                        + (f" and {len(readers) - 5} more" if len(readers) > 5 else ""))
    return CHECK.finding(obj, f"{kind} {obj.namespace}/{obj.name} cannot fetch: {what}.",
                         evidence, _fixes(kind, source, cls), source_class=cls,
                         breaks=list(readers))


def _secret(source: dict) -> str:
    secret = str_at(source, "spec", "secretRef", "name")
    return f"{namespace(source)}/{secret}" if secret else ""


def _what(kind: str, source: dict, cls: str) -> str:
    url = str_at(source, "spec", "url")
    secret = _secret(source)
    if cls == "ssh-key":
        return f"the Git host rejects the SSH key of Secret {secret}" if secret else \
            "the Git host asks for a key and spec.secretRef names none"
    if cls == "credentials" and not secret and kind != "HelmRepository":
        return f"{url or 'the server'} asks for credentials and spec.secretRef names none"
    if cls == "not-found":
        if kind == "HelmRepository":
            return f"{url} serves no Helm repository index (404)"
        if kind == "OCIRepository":
            wanted = str_at(source, "spec", "ref", "tag") or \
                str_at(source, "spec", "ref", "semver") or "latest"
            return f"{url} has no artifact for {wanted}"
        return f"{url} does not exist"
    if cls == "ref":
        branch = str_at(source, "spec", "ref", "branch")
        tag = str_at(source, "spec", "ref", "tag")
        wanted = f"branch {branch}" if branch else f"tag {tag}" if tag else "the ref it names"
        return f"{url} has no {wanted}"
    if cls in _MEANING:
        what = _MEANING[cls]
        return f"{what} (Secret {secret})" if cls == "credentials" and secret else what
    return "source-controller's message below says why"


def _fixes(kind: str, source: dict, cls: str) -> list[Remediation]:
    ns = namespace(source) or "flux-system"
    src_name = name(source)
    url = str_at(source, "spec", "url")
    secret = str_at(source, "spec", "secretRef", "name")
    retry = Remediation(title="Then fetch again without waiting for the interval",
                        command=f"flux reconcile source {RECONCILE_WORD[kind]} "
                                f"{shlex.quote(src_name)} -n {shlex.quote(ns)}",
                        action="reconcile")
    if cls == "ssh-key" and secret:
        return [Remediation(title=f"Add the public key of Secret {ns}/{secret} (its identity.pub) "
                                  "as a deploy key with read access on the repository",
                            command=f"kubectl get secret {shlex.quote(secret)} -n "
                                    f"{shlex.quote(ns)} -o jsonpath='{{.data.identity\\.pub}}' "
                                    "| base64 -d"),
                Remediation(title="Or make a new key pair and add the printed deploy key",
                            command=f"flux create secret git {shlex.quote(secret)} -n "
                                    f"{shlex.quote(ns)} --url={shlex.quote(url)}"),
                retry]
    if cls in ("ssh-key", "credentials") and not secret:
        return [Remediation(title=f"Create a Secret with the credentials and name it in "
                                  f"spec.secretRef of {kind} {ns}/{src_name}"), retry]
    if cls == "credentials":
        return [Remediation(title=f"Put valid credentials in Secret {ns}/{secret} (a token that "
                                  "has not expired, with read access)",
                            command=f"kubectl describe secret {shlex.quote(secret)} -n "
                                    f"{shlex.quote(ns)}"), retry]
    if cls == "not-found" and kind == "HelmRepository":
        return [Remediation(title="Point spec.url at where the chart repository serves its "
                                  "index.yaml now (or use an OCIRepository / type: oci)"), retry]
    if cls == "not-found" and kind == "OCIRepository":
        return [Remediation(title="Set spec.ref (tag or semver range) to a version the registry "
                                  "publishes"), retry]
    if cls == "ref":
        return [Remediation(title="Set spec.ref to a branch or tag the repository has (a typo, "
                                  "or one renamed or deleted)",
                            command=f"git ls-remote --heads --tags {shlex.quote(url)}"), retry]
    if cls == "x509":
        return [Remediation(title="Give the CA in a Secret named by spec.certSecretRef"), retry]
    return [Remediation(title=f"Read source-controller's events on {kind} {ns}/{src_name}",
                        command=f"kubectl describe {kind.lower()} {shlex.quote(src_name)} -n "
                                f"{shlex.quote(ns)}"), retry]
