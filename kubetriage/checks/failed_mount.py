"""KT-205: a pod that cannot start because a volume does not mount (FailedMount events) or
cannot be attached (FailedAttachVolume).

Only while the pod is still not running: a FailedMount event outlives its cause. The message
names the missing Secret or ConfigMap, which links an unsynced SealedSecret. A Multi-Attach
error is a ReadWriteOnce volume still attached to another node: the pod there that holds it is
named (the event says `Volume is already used by pod(s) X`, else the claim's other running pod),
and a Deployment rolling it over gets Recreate as the fix (Azure/AKS#477,
jaroslawhartman/withings-sync#248); with no holder left, an attachment that outlived its node.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.objects import (
    condition,
    dicts,
    event_line,
    events,
    kubectl,
    name,
    namespace,
    owners,
    ref,
    str_at,
)
from kubetriage.core.snapshot import Snapshot

CHECK = Check(code="KT-205", title="Volume fails to mount", severity="error",
              kinds=("Pod", "Event"), doc=__doc__)

_MISSING = re.compile(r'(secret|configmap) "([^"]+)" not found', re.I)
_VOLUME = re.compile(r'for volume "([^"]+)"')
_MULTI = re.compile(r'Multi-Attach error for volume "([^"\s]+)"')
_USED_BY = re.compile(r"already used by pod\(s\) ([\w.,\s-]+)")


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    for pod in snap.of_kind("Pod"):
        if str_at(pod, "status", "phase") not in ("Pending", "") or \
                str_at(condition(pod, "Ready"), "status") == "True":
            continue
        said = events(snap, pod, "Pod")
        multi = [(e, m) for e in said if str_at(e, "reason") == "FailedAttachVolume"
                 and (m := _MULTI.search(str_at(e, "message")))]
        if multi:
            yield _multi_attach(snap, pod, *multi[0], [e for e in said
                                                       if str_at(e, "reason") == "FailedMount"])
            continue
        failed = [e for e in said if str_at(e, "reason") == "FailedMount"]
        if not failed:
            continue
        # the newest may be the generic "Unable to attach or mount volumes": name the missing one
        message = next((str_at(e, "message") for e in failed
                        if _MISSING.search(str_at(e, "message"))), str_at(failed[0], "message"))
        facts: dict = {}
        volume = _VOLUME.search(message)
        if (m := _MISSING.search(message)):
            kind = "Secret" if m.group(1).lower() == "secret" else "ConfigMap"
            facts["missing_secret" if kind == "Secret" else "missing_configmap"] = m.group(2)
            why = f"{kind} {m.group(2)} does not exist"
        else:
            why = "the kubelet's message below says why"
        where = f'volume "{volume.group(1)}"' if volume else "a volume"
        obj = ref(pod, "Pod")
        yield CHECK.finding(obj, f"Pod {obj.namespace}/{obj.name} cannot start: {where} does "
                                 f"not mount, {why}.",
                            [event_line(e) for e in failed[:2]],
                            [Remediation(title="See the pod's volumes and events",
                                         command=kubectl("describe", obj), action="describe")], **facts)


def _holders(snap: Snapshot, pod: dict, volume: str, message: str) -> tuple[str, list[dict]]:
    """(the claim bound to the volume, the other pods that hold it) as the cluster states them."""
    ns = namespace(pod)
    claim = next((c for c in snap.in_namespace("PersistentVolumeClaim", ns)
                  if str_at(c, "spec", "volumeName") == volume), None)
    claim_name = name(claim) if claim else ""
    if (m := _USED_BY.search(message)):
        named = {n.strip() for n in m.group(1).split(",") if n.strip()}
        return claim_name, [p for p in snap.in_namespace("Pod", ns) if name(p) in named]
    others = [p for p in snap.in_namespace("Pod", ns) if name(p) != name(pod)
              and str_at(p, "spec", "nodeName") != str_at(pod, "spec", "nodeName")
              and any(str_at(v, "persistentVolumeClaim", "claimName") == claim_name
                      for v in dicts(p, "spec", "volumes"))] if claim_name else []
    return claim_name, others


def _multi_attach(snap: Snapshot, pod: dict, multi: dict, said: re.Match[str],
                  mounts: list[dict]) -> Finding:
    obj = ref(pod, "Pod")
    message, volume = str_at(multi, "message"), said.group(1)
    claim, holders = _holders(snap, pod, volume, message)
    what = f"volume {volume}" + (f" (claim {claim})" if claim else "")
    evidence = [event_line(multi), *(event_line(e) for e in mounts[:1])]
    if holders:
        holder = holders[0]
        node = str_at(holder, "spec", "nodeName")
        why = (f"{what} can be attached to one node only, and pod {name(holder)} holds it"
               + (f" on node {node}" if node else ""))
        evidence.append(f"pod {name(holder)} on {node or 'its node'} mounts claim {claim}: "
                        f"{str_at(holder, 'status', 'phase') or 'unknown phase'}")
        fixes = [Remediation(title=f"Delete pod {name(holder)} (or let it finish) so the volume "
                                   "moves to this pod's node",
                             command=f"kubectl -n {obj.namespace} delete pod {name(holder)}")]
        if _same_deployment(snap, pod, holder):
            fixes.insert(0, Remediation(
                title="A rolling update starts the new pod before the old one stops: give the "
                      "Deployment strategy Recreate, as a ReadWriteOnce volume needs"))
    else:
        why = (f"{what} is still attached to another node, and no pod there uses it: an "
               "attachment that outlived its pod or node")
        fixes = [Remediation(title="Find the stale attachment of the volume and delete it once "
                                   "its node is gone or drained",
                             command=f"kubectl get volumeattachments | grep {volume}")]
    return CHECK.finding(obj, f"Pod {obj.namespace}/{obj.name} cannot start: {why}.", evidence,
                         fixes, volume=volume, claim=claim or None,
                         caused_by=[("Pod", namespace(h), name(h)) for h in holders])


def _same_deployment(snap: Snapshot, pod: dict, holder: dict) -> bool:
    tops = [owners(snap, p)[-1:] for p in (pod, holder)]
    return all(t and str_at(t[0], "kind") == "Deployment" for t in tops) and \
        name(tops[0][0]) == name(tops[1][0])
