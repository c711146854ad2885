"""KT-502: a Deployment rolled out many times with no change-cause on any revision.

Its revision annotation counts the rollouts; without `kubernetes.io/change-cause` on the
Deployment or its ReplicaSets, `kubectl rollout history` says `<none>` for each, so nobody can
tell which revision was good. A sign of imperative `kubectl set image` drift, not an outage.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.objects import annotations, ref, str_at
from kubetriage.core.snapshot import Snapshot

CHECK = Check(code="KT-502", title="Many revisions, no change-cause", severity="info",
              kinds=("Deployment", "ReplicaSet"), doc=__doc__)
REVISIONS = 20
_CAUSE = "kubernetes.io/change-cause"


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    for deploy in snap.of_kind("Deployment"):
        try:
            revision = int(str_at(annotations(deploy), "deployment.kubernetes.io/revision") or 0)
        except ValueError:
            continue
        if revision < REVISIONS or _CAUSE in annotations(deploy):
            continue
        uid = str_at(deploy, "metadata", "uid")
        sets = [r for r in snap.owned_by(uid) if r.get("kind") == "ReplicaSet"] if uid else []
        if any(_CAUSE in annotations(r) for r in sets):
            continue
        obj = ref(deploy, "Deployment")
        yield CHECK.finding(obj,
                            f"Deployment {obj.namespace}/{obj.name} is at revision {revision} and no "
                            "revision records a change-cause: its rollout history cannot say which was "
                            "good.",
                            [f"deployment.kubernetes.io/revision: {revision}; no {_CAUSE} on it or its "
                             f"{len(sets)} ReplicaSets"],
                            [Remediation(title="Record why with each change (annotate change-cause) and "
                                               "deploy from one manifest in Git",
                                         command=f"kubectl rollout history deployment/{obj.name} -n "
                                                 f"{obj.namespace}")])
