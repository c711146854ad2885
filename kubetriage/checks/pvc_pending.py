"""KT-701: a PersistentVolumeClaim left Pending, and the pods that cannot start without it.

Stated by the claim and its events: no `storageClassName` while no StorageClass is the default
(`no persistent volumes available for this claim and no storage class is set`), a class that does
not exist (`storageclass.storage.k8s.io "X" not found`), or provisioning that keeps failing. The
pods mounting it are unschedulable ("pod has unbound immediate PersistentVolumeClaims") and
linked as its symptoms, and through them their workload's release. A claim waiting for its first
consumer, or for an external provisioner for a moment, is normal and left alone.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.objects import (
    annotations,
    dicts,
    event_count,
    event_line,
    events,
    name,
    namespace,
    ref,
    str_at,
)
from kubetriage.core.snapshot import Snapshot

CHECK = Check(code="KT-701", title="PersistentVolumeClaim not bound", severity="error",
              kinds=("PersistentVolumeClaim", "StorageClass", "Pod", "Event"), doc=__doc__)

_NO_CLASS = re.compile(r"no storage class is set")
_CLASS_MISSING = re.compile(r'storageclass\.storage\.k8s\.io "([^"]+)" not found')
_DEFAULT = "storageclass.kubernetes.io/is-default-class"
RETRIES = 3  # a provisioner failing this often is failing, not starting


def mounting(snap: Snapshot, claim_ns: str | None, claim: str) -> list[dict]:
    """The pods whose volumes name this claim."""
    return [p for p in snap.in_namespace("Pod", claim_ns)
            if any(str_at(v, "persistentVolumeClaim", "claimName") == claim
                   for v in dicts(p, "spec", "volumes"))]


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    classes = {name(sc): sc for sc in snap.of_kind("StorageClass")}
    defaults = sorted(n for n, sc in classes.items()
                      if str_at(annotations(sc), _DEFAULT) == "true")
    for pvc in snap.of_kind("PersistentVolumeClaim"):
        if str_at(pvc, "status", "phase") != "Pending":
            continue
        said = events(snap, pvc, "PersistentVolumeClaim")
        text = " ".join(str_at(e, "message") for e in said)
        wanted = str_at(pvc, "spec", "storageClassName") or \
            str_at(annotations(pvc), "volume.beta.kubernetes.io/storage-class")
        failing = [e for e in said if str_at(e, "reason") in ("ProvisioningFailed",
                                                               "FailedBinding")]
        if (m := _CLASS_MISSING.search(text)) or (wanted and classes and wanted not in classes):
            missing = m.group(1) if m else wanted
            why = f"it asks for StorageClass {missing}, which does not exist"
        elif _NO_CLASS.search(text) or (not wanted and snap.has_kind("StorageClass")
                                        and not defaults and failing):
            why = "it names no StorageClass and no StorageClass is the cluster's default"
        elif sum(event_count(e) for e in failing if str_at(e, "type") == "Warning") >= RETRIES:
            why = "provisioning keeps failing"
        else:
            continue
        yield _finding(snap, pvc, why, failing or said, sorted(classes), defaults)


def _finding(snap: Snapshot, pvc: dict, why: str, said: list[dict], classes: list[str],
             defaults: list[str]) -> Finding:
    obj = ref(pvc, "PersistentVolumeClaim")
    pods = mounting(snap, obj.namespace, obj.name)
    stuck = [p for p in pods if str_at(p, "status", "phase") == "Pending"]
    summary = f"PersistentVolumeClaim {obj.namespace}/{obj.name} is Pending: {why}"
    if stuck:
        summary += f"; {len(stuck)} pod{'s' if len(stuck) != 1 else ''} mounting it cannot start"
    evidence = [event_line(e) for e in said[:2]]
    evidence.append("StorageClasses: " + (", ".join(
        f"{c} (default)" if c in defaults else c for c in classes) or "none"))
    if stuck:
        evidence.append("mounted by: " + ", ".join(name(p) for p in stuck[:5]))
    ns = shlex.quote(obj.namespace or "default")
    target = f"an existing class ({', '.join(classes)})" if classes else "a class you install"
    fixes = [Remediation(title=f"Set the claim's storageClassName to {target} where it is "
                               "written (the chart's persistence value), or mark a StorageClass "
                               "as the default",
                         command=(f"kubectl patch storageclass {shlex.quote(classes[0])} -p "
                                  f"'{{\"metadata\":{{\"annotations\":{{\"{_DEFAULT}\":\"true\"}}}}}}'"
                                  if classes and "names no StorageClass" in why else None)),
             Remediation(title="A claim's class cannot change: delete the claim (and a "
                               "StatefulSet's pod) so it is made again",
                         command=f"kubectl delete pvc {shlex.quote(obj.name)} -n {ns}")]
    return CHECK.finding(obj, summary + ".", evidence, fixes,
                         breaks=[("Pod", namespace(p), name(p)) for p in pods])
