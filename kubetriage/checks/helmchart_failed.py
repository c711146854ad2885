"""KT-106: a HelmChart that source-controller cannot build, and whose fault that is.

`invalid chart reference: ... no '<chart>' chart with version matching '<v>' found` while the
repository itself is Ready: the HelmRelease asks for a version the repository does not publish,
so the fix is the release's `spec.chart.spec.version`, not a reconcile of the repository. A
chart pull error names the chart reference that is missing. `no artifact available` means its
source has nothing yet: the source's own finding (KT-105) is then the cause.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, Remediation
from kubetriage.checks.flux import consumers, helmchart_source, shown
from kubetriage.checks.objects import (
    at,
    condition,
    is_false,
    name,
    namespace,
    ref,
    str_at,
)
from kubetriage.core.snapshot import Snapshot

CHECK = Check(code="KT-106", title="HelmChart cannot be built", severity="error",
              kinds=("HelmChart", "HelmRepository", "GitRepository", "HelmRelease"), doc=__doc__)

_NO_VERSION = re.compile(r"no '([^']+)' chart with version matching '([^']+)' found")
_NO_ARTIFACT = re.compile(r"no artifact available for|failed to get source|does not have an "
                          r"artifact")


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    for hc in snap.of_kind("HelmChart"):
        ready = condition(hc, "Ready")
        stalled = condition(hc, "Stalled")
        if not is_false(ready) or at(hc, "spec", "suspend") is True:
            continue
        yield _finding(snap, hc, ready or {}, stalled)


def _finding(snap: Snapshot, hc: dict, ready: dict, stalled: dict | None) -> Finding:
    obj = ref(hc, "HelmChart")
    message, reason = str_at(ready, "message"), str_at(ready, "reason")
    source = helmchart_source(hc)
    source_obj = snap.get(*source) if source else None
    releases = [c for c in consumers(snap).get((obj.kind, obj.namespace, obj.name), [])
                if c[0] == "HelmRelease"]
    evidence = [f"Ready=False {reason}: {message}"]
    if stalled is not None and str_at(stalled, "status") == "True" and \
            str_at(stalled, "message") != message:
        evidence.append(f"Stalled=True {str_at(stalled, 'reason')}: {str_at(stalled, 'message')}")
    facts: dict = {"breaks": releases}
    fixes: list[Remediation] = []
    chart, version = str_at(hc, "spec", "chart"), str_at(hc, "spec", "version")
    wanted = _NO_VERSION.search(message)
    source_ready = source_obj is not None and \
        str_at(condition(source_obj, "Ready"), "status") == "True"
    if wanted and source_ready:
        chart, version = wanted.group(1), wanted.group(2)
        who = shown(releases[0]) if releases else f"HelmChart {obj.namespace}/{obj.name}"
        what = (f"{who} asks for chart {chart} version {version}, which "
                f"{shown(source) if source else 'its repository'} does not publish (the "
                "repository itself is Ready)")
        facts["release_version"] = True
        if releases:
            _, hr_ns, hr_name = releases[0]
            fixes = [Remediation(title=f"Set spec.chart.spec.version of {who} to a version the "
                                       f"repository publishes (or a semver range), in Git"),
                     Remediation(title="Then apply it and rebuild the chart now",
                                 command=f"flux reconcile helmrelease {shlex.quote(hr_name)} -n "
                                         f"{shlex.quote(hr_ns or 'default')} --with-source",
                                 action="reconcile")]
    elif _NO_ARTIFACT.search(message) or reason in ("NoSourceArtifact", "SourceUnavailable"):
        what = f"its source {shown(source) if source else ''} has no artifact".replace("  ", " ")
        facts["caused_by"] = [source] if source else []
        fixes = [Remediation(title="Fix the source first; the chart is rebuilt on its own")]
    else:
        what = f"source-controller cannot build chart {chart} {version}".rstrip() + \
            f" ({reason or 'no reason given'})"
        if source and source_obj is not None and not source_ready:
            facts["caused_by"] = [source]
    if not fixes:
        fixes = [Remediation(title="See source-controller's events on the chart",
                             command=f"kubectl describe helmchart {shlex.quote(name(hc))} -n "
                                     f"{shlex.quote(namespace(hc) or 'flux-system')}")]
    if releases:
        evidence.append("used by: " + ", ".join(shown(r) for r in releases[:5]))
    return CHECK.finding(obj, f"HelmChart {obj.namespace}/{obj.name} cannot be built: {what}.",
                         evidence, fixes, **facts)
