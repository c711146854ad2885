"""KT-303: a cert-manager Certificate that cannot be issued, the Secret it never writes, and the
pods and ingresses that need that Secret.

The cause is stated by its CertificateRequest (`Referenced "Issuer" not found: ...`, "Referenced
issuer does not have a Ready status condition", Ready=False Failed) or by the issuer it names
being absent or not Ready. An `issuerRef` without `kind` means an Issuer in the Certificate's
namespace: when only a ClusterIssuer of that name exists, that is the mistake. "Issuing
certificate as Secret does not exist" alone is cert-manager starting work, not a failure; a
request still "Waiting on certificate issuance from order ...: "pending"" after ORDER_PATIENCE_S
is: an ACME order stays pending while a challenge does not pass (an HTTP-01 self check the
ingress does not answer, a DNS-01 record not seen), which its Challenge states
(cert-manager/cert-manager#3325, #3332).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.objects import (
    age,
    annotations,
    condition,
    dicts,
    name,
    namespace,
    owners,
    ref,
    seconds_since,
    str_at,
)
from kubetriage.core.snapshot import Key, Snapshot

CHECK = Check(code="KT-303", title="Certificate cannot be issued", severity="error",
              kinds=("Certificate", "CertificateRequest", "Issuer", "ClusterIssuer", "Secret",
                     "Pod", "Ingress"), doc=__doc__)

_NOT_FOUND = re.compile(r'Referenced "(\w+)" not found')
_ORDER = re.compile(r'Waiting on certificate issuance from order ([\w.-]+)/([\w.-]+): "pending"')
ORDER_PATIENCE_S = 600.0  # an order usually passes in a minute or two: ten is stuck


def _requests(snap: Snapshot, cert: dict) -> list[dict]:
    uid = str_at(cert, "metadata", "uid")
    owned = [o for o in snap.owned_by(uid) if o.get("kind") == "CertificateRequest"] if uid \
        else []
    return owned or [r for r in snap.in_namespace("CertificateRequest", namespace(cert))
                     if str_at(annotations(r), "cert-manager.io/certificate-name") == name(cert)]


def _issuer(snap: Snapshot, cert: dict) -> tuple[str, str, dict | None]:
    issuer = str_at(cert, "spec", "issuerRef", "name")
    kind = str_at(cert, "spec", "issuerRef", "kind") or "Issuer"
    found = snap.get(kind, namespace(cert) if kind == "Issuer" else None, issuer)
    return kind, issuer, found


def secret_users(snap: Snapshot, ns: str | None, secret: str) -> tuple[list[dict], list[dict]]:
    """(pods mounting or reading the Secret, ingresses serving it on TLS)."""
    pods = [p for p in snap.in_namespace("Pod", ns)
            if any(str_at(v, "secret", "secretName") == secret
                   for v in dicts(p, "spec", "volumes"))]
    ingresses = [i for i in snap.in_namespace("Ingress", ns)
                 if any(str_at(t, "secretName") == secret for t in dicts(i, "spec", "tls"))]
    return pods, ingresses


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    for cert in snap.of_kind("Certificate"):
        ready = condition(cert, "Ready")
        if str_at(ready, "status") == "True":
            continue
        kind, issuer, found = _issuer(snap, cert)
        stated = [(r, c) for r in _requests(snap, cert)
                  if (c := condition(r, "Ready")) is not None and str_at(c, "status") == "False"
                  and (str_at(c, "reason") == "Failed" or _NOT_FOUND.search(str_at(c, "message"))
                       or "does not have a Ready status" in str_at(c, "message"))]
        issuer_bad = snap.has_kind(kind) and (found is None or str_at(
            condition(found, "Ready"), "status") == "False")
        if not stated and not issuer_bad:
            stated = _pending_orders(snap, cert)
            if not stated:
                continue
        yield _finding(snap, cert, ready or {}, kind, issuer, found, stated)


def _pending_since(cert: dict, request: dict, ready: dict) -> str:
    """When the request started waiting: its condition's time, its creation, else when the
    Certificate stopped being Ready."""
    return str_at(ready, "lastTransitionTime") or \
        str_at(request, "metadata", "creationTimestamp") or \
        str_at(condition(cert, "Ready"), "lastTransitionTime")


def _pending_orders(snap: Snapshot, cert: dict) -> list[tuple[dict, dict]]:
    """Its requests waiting on an ACME order for longer than an order ever takes."""
    out = []
    for r in _requests(snap, cert):
        c = condition(r, "Ready") or {}
        since = seconds_since(snap, _pending_since(cert, r, c))
        if _ORDER.search(str_at(c, "message")) and since is not None and since >= ORDER_PATIENCE_S:
            out.append((r, c))
    return out


def _finding(snap: Snapshot, cert: dict, ready: dict, kind: str, issuer: str,
             found: dict | None, stated: list[tuple[dict, dict]]) -> Finding:
    obj = ref(cert, "Certificate")
    ns = obj.namespace
    secret = str_at(cert, "spec", "secretName")
    cluster = snap.get("ClusterIssuer", None, issuer)
    if found is None and kind == "Issuer" and cluster is not None:
        why = (f"its issuerRef names Issuer {issuer} (kind defaults to Issuer), which does not "
               f"exist in {ns}; a ClusterIssuer {issuer} does")
        fix = Remediation(title=f"Set issuerRef.kind: ClusterIssuer in Certificate {ns}/{obj.name}"
                                " (or the Ingress annotation cert-manager.io/cluster-issuer), in "
                                "Git")
    elif found is None:
        why = f"its issuerRef names {kind} {issuer}, which does not exist"
        fix = Remediation(title=f"Create {kind} {issuer}" + (f" in {ns}" if kind == "Issuer" else "")
                          + ", or point issuerRef at an existing issuer")
    elif str_at(condition(found, "Ready"), "status") != "True":
        why = f"{kind} {issuer} is not Ready: {str_at(condition(found, 'Ready'), 'message')}"
        fix = Remediation(title=f"Fix {kind} {issuer} first (its account, solver or secret)",
                          command=f"kubectl describe {kind.lower()} {shlex.quote(issuer)}"
                                  + (f" -n {shlex.quote(ns or '')}" if kind == "Issuer" else ""))
    elif stated and (m := _ORDER.search(str_at(stated[0][1], "message"))):
        since = _pending_since(cert, *stated[0])
        why = (f"its ACME order {m.group(2)} has been pending for {age(snap, since)}: a challenge "
               "does not pass (HTTP-01: the solver's URL must answer through the ingress from "
               "outside; DNS-01: the TXT record must be seen)")
        fix = Remediation(title="Read why its challenge does not pass (Reason: ...), and fix "
                                "that path or record",
                          command=f"kubectl describe challenges -n {shlex.quote(ns or 'default')}")
    else:
        why = "its CertificateRequest failed"
        fix = Remediation(title="Read the failed CertificateRequest and its issuer's reason")
    pods, ingresses = secret_users(snap, ns, secret) if secret else ([], [])
    secret_missing = bool(secret) and snap.get("Secret", ns, secret) is None
    summary = f"Certificate {ns}/{obj.name} cannot be issued: {why}"
    if secret_missing:
        summary += f"; Secret {secret} is never written"
        users = [f"{len(pods)} pod{'s' if len(pods) != 1 else ''}"] if pods else []
        users += [f"{len(ingresses)} ingress{'es' if len(ingresses) != 1 else ''}"] \
            if ingresses else []
        if users:
            summary += f", which {' and '.join(users)} need"
    evidence = [f"CertificateRequest {name(r)}: Ready=False {str_at(c, 'reason')}: "
                f"{str_at(c, 'message')}" for r, c in stated[:1]]
    evidence.append(f"Ready={str_at(ready, 'status') or 'Unknown'} {str_at(ready, 'reason')}: "
                    f"{str_at(ready, 'message')}")
    if secret_missing:
        evidence.append(f"no Secret {secret} in namespace {ns}")
    evidence += [f"Ingress {name(i)} serves {secret} on TLS: the ingress controller falls back "
                 "to its default certificate" for i in ingresses[:1]]
    fixes = [fix, Remediation(title="Then ask cert-manager to issue again now",
                              command=f"cmctl renew {shlex.quote(obj.name)} -n "
                                      f"{shlex.quote(ns or 'default')}")]
    breaks: list[Key] = [("Pod", namespace(p), name(p)) for p in pods]
    breaks += [("CertificateRequest", ns, name(r)) for r, _ in stated]
    for p in pods:  # a pod that cannot mount the Secret holds back its workload's release
        for o in owners(snap, p)[-1:]:
            breaks.append((str_at(o, "kind"), namespace(o), name(o)))
    return CHECK.finding(obj, summary + ".", evidence, fixes, secret=secret, breaks=breaks)
