"""KT-301: a SealedSecret the controller cannot turn into a Secret (Synced=False).

The message says why, typically "no key could decrypt secret" (sealed with a key this controller
does not hold). What it blocks is linked by the chain builder from stated references: pods that
fail with `secret "X" not found`, and HelmReleases whose values name X (`existingSecret: X`) or
take values from it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.objects import condition, event_line, events, is_false, name, namespace, ref, str_at
from kubetriage.core.snapshot import Snapshot

CHECK = Check(code="KT-301", title="SealedSecret not synced", severity="error",
              kinds=("SealedSecret", "Event", "HelmRelease"), doc=__doc__)

_SECRET_KEYS = ("existingsecret", "secretname", "secret", "existingsecretname")


def secret_name(sealed: dict) -> str:
    return str_at(sealed, "spec", "template", "metadata", "name") or name(sealed)


def releases_naming(snap: Snapshot, ns: str | None, secret: str) -> list[dict]:
    """HelmReleases in ns whose values name this secret under a secret key, or take values
    from it: a reference the release states, not a name that looks alike."""
    found = []
    for hr in snap.in_namespace("HelmRelease", ns):
        spec = hr.get("spec")
        spec = spec if isinstance(spec, dict) else {}
        refs = [v for v in spec.get("valuesFrom") or [] if isinstance(v, dict)
                and v.get("kind") == "Secret" and v.get("name") == secret]
        if refs or _names(spec.get("values"), secret):
            found.append(hr)
    return found


def _names(node: Any, secret: str) -> bool:
    if isinstance(node, dict):
        return any((isinstance(k, str) and k.lower() in _SECRET_KEYS and v == secret)
                   or _names(v, secret) for k, v in node.items())
    if isinstance(node, list):
        return any(_names(v, secret) for v in node)
    return False


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    for sealed in snap.of_kind("SealedSecret"):
        synced = condition(sealed, "Synced")
        if not is_false(synced):
            continue
        obj = ref(sealed, "SealedSecret")
        secret = secret_name(sealed)
        message = str_at(synced, "message")
        blocked = [f"{namespace(hr)}/{name(hr)}" for hr in
                   releases_naming(snap, obj.namespace, secret)]
        why = "no key the controller holds decrypts it" if "no key could decrypt" in message \
            else (message or "the controller gives no reason")
        yield CHECK.finding(obj,
                            f"SealedSecret {obj.namespace}/{obj.name} is not unsealed, so Secret "
                            f"{secret} does not exist: {why}.",
                            [f"Synced=False {str_at(synced, 'reason')}: {message}",
                             *(event_line(e) for e in events(snap, sealed, "SealedSecret")[:1]),
                             *([f"named in the values of HelmRelease {', '.join(blocked)}"]
                               if blocked else [])],
                            [Remediation(title="Re-seal the secret with the controller's current "
                                               "public key",
                                         command=f"kubeseal --fetch-cert > cert.pem && kubeseal "
                                                 f"--cert cert.pem -n {obj.namespace} < secret.yaml")],
                            secret=secret, releases=blocked)
