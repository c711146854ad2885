"""KT-205: a pod that cannot start because a volume does not mount (FailedMount events).

Only while the pod is still not running: a FailedMount event outlives its cause. The message
names the missing Secret or ConfigMap, which links an unsynced SealedSecret.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.objects import condition, event_line, events, kubectl, ref, str_at
from kubetriage.core.snapshot import Snapshot

CHECK = Check(code="KT-205", title="Volume fails to mount", severity="error",
              kinds=("Pod", "Event"), doc=__doc__)

_MISSING = re.compile(r'(secret|configmap) "([^"]+)" not found', re.I)
_VOLUME = re.compile(r'for volume "([^"]+)"')


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    for pod in snap.of_kind("Pod"):
        if str_at(pod, "status", "phase") not in ("Pending", "") or \
                str_at(condition(pod, "Ready"), "status") == "True":
            continue
        failed = [e for e in events(snap, pod, "Pod") if str_at(e, "reason") == "FailedMount"]
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
