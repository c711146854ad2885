"""KT-302: one sealed-secrets controller that decrypts none of several SealedSecrets.

When SealedSecrets fail with "no key could decrypt", the cause is one: the controller's keys are
not the ones they were sealed with (a rebuilt cluster, a lost or rotated key). The controller's
own log names each one it failed (`key=ns/name`), which makes the link; a "New key written" line
at its start says it began without the old key. Without the controller's log, no finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.objects import condition, is_false, name, namespace, owners, ref, str_at
from kubetriage.core.snapshot import Snapshot

CHECK = Check(code="KT-302", title="Sealing key mismatch", severity="error",
              kinds=("SealedSecret", "Pod", "Deployment", "ReplicaSet"), doc=__doc__)

_FAILED = re.compile(r"key=([\w.-]+)/([\w.-]+).*no key could decrypt")
_NEW_KEY = re.compile(r"New key written")


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    undecryptable = {(namespace(ss), name(ss)) for ss in snap.of_kind("SealedSecret")
                     if is_false(condition(ss, "Synced"))
                     and "no key could decrypt" in str_at(condition(ss, "Synced"), "message")}
    if not undecryptable:
        return
    for (ns, pod_name, _container, previous), lines in sorted(snap.logs.items()):
        named = {(m.group(1), m.group(2)) for line in lines if (m := _FAILED.search(line))}
        failed = sorted(named & undecryptable)
        if previous or not failed:
            continue
        pod = snap.get("Pod", ns, pod_name)
        if pod is None:
            continue
        top = ([o for o in owners(snap, pod) if o.get("kind") != "ReplicaSet"] or [pod])[-1]
        obj = ref(top)
        new_key = [line for line in lines if _NEW_KEY.search(line)][:1]
        yield CHECK.finding(obj,
                            f"The sealed-secrets controller {obj.namespace}/{obj.name} holds no key that "
                            f"decrypts {len(failed)} SealedSecret{'s' if len(failed) != 1 else ''}: they "
                            "were sealed with another key.",
                            [*new_key, *[line for line in lines if _FAILED.search(line)][-1:],
                             "cannot decrypt: " + ", ".join(f"{a}/{b}" for a, b in failed)],
                            [Remediation(title="Restore the old sealing key into the controller's "
                                               "namespace and restart it, or re-seal every secret with "
                                               "the current key",
                                         command="kubeseal --fetch-cert > cert.pem")],
                            sealed=failed)
