"""KT-102: a HelmRelease or Kustomization held back because a dependency is not ready.

Only when the cluster says so twice: Ready=False with "dependency 'ns/name' is not ready", and
`spec.dependsOn` naming that object. It is an error when the dependency itself is failing, a
warning while it is merely not ready yet.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.objects import condition, dicts, is_false, namespace, ref, str_at
from kubetriage.core.snapshot import Snapshot

CHECK = Check(code="KT-102", title="Dependency not ready", severity="error",
              kinds=("HelmRelease", "Kustomization"), doc=__doc__)

_DEPENDENCY = re.compile(r"dependency '(?:([^'/]+)/)?([^'/]+)' is not ready")


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    for kind in ("HelmRelease", "Kustomization"):
        for obj in snap.of_kind(kind):
            ready = condition(obj, "Ready")
            m = _DEPENDENCY.search(str_at(ready, "message"))
            if not is_false(ready) or not (m or str_at(ready, "reason") == "DependencyNotReady"):
                continue
            yield _finding(snap, kind, obj, ready or {}, m)


def _finding(snap: Snapshot, kind: str, obj: dict, ready: dict,
             m: re.Match[str] | None) -> Finding:
    me = ref(obj, kind)
    ns = namespace(obj)
    declared = {(str_at(d, "namespace") or ns, str_at(d, "name")) for d in dicts(obj, "spec", "dependsOn")}
    dep = (m.group(1) or ns, m.group(2)) if m else None
    facts: dict = {}
    severity = "warning"
    if dep and dep in declared:
        facts["depends_on"] = (kind, dep[0], dep[1])
        target = snap.get(kind, dep[0], dep[1])
        if target is None or is_false(condition(target, "Ready")):
            severity = "error"
        waits = f"waits for {kind} {dep[0]}/{dep[1]}, which is " + \
            ("missing" if target is None else "not ready")
    elif dep:
        waits = f"reports dependency {dep[0]}/{dep[1]} not ready, which spec.dependsOn does not name"
    else:
        waits = "waits for a dependency the status does not name"
    command = f"flux get {'helmreleases' if kind == 'HelmRelease' else 'kustomizations'} -n " \
              f"{dep[0] if dep else ns}"
    return CHECK.finding(me, f"{kind} {ns}/{me.name} {waits}.",
                         [f"Ready=False {str_at(ready, 'reason')}: {str_at(ready, 'message')}",
                          f"spec.dependsOn: {', '.join(f'{a}/{b}' for a, b in sorted(declared)) or 'none'}"],
                         [Remediation(title="Fix the dependency first; this one follows on its own",
                                      command=command)],
                         severity=severity, **facts)
