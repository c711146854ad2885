"""KT-210: one image reference that several pods fail to pull for the same reason: one cause
(a tag that was never pushed, a repository that needs credentials), not one per pod.

Grouped from KT-202's classified failures by the exact image reference and cause, when two or
more pods fail on it. x509 failures are node trust, KT-203's root; failures of one reference on
one node only while it runs elsewhere are node-specific and stay with the pods.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from kubetriage.checks import image_pull
from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, ObjectRef, Remediation
from kubetriage.checks.objects import name, namespace, release_of
from kubetriage.core.snapshot import Snapshot

CHECK = Check(code="KT-210", title="Image reference fails on many pods", severity="error",
              kinds=("Pod", "Event", "HelmRelease"), doc=__doc__)

_FIX = {
    "manifest": "Push the tag, or set the image tag (chart values) to one the registry has",
    "denied": "Give the pods pull credentials (imagePullSecrets) or fix the repository name",
    "rate-limited": "Pull through a mirror or authenticate the pulls",
    "unreachable": "Make the registry reachable from the nodes (DNS, firewall, proxy)",
    "invalid": "Correct the image reference",
}


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    groups: dict[tuple[str, str], list[image_pull.PullFailure]] = defaultdict(list)
    for f in image_pull.failures(snap):
        if f.cause not in ("x509", "unknown") and f.image.ref:
            groups[(f.image.ref, f.cause)].append(f)
    for (image, cause), pulls in sorted(groups.items()):
        pods = sorted({(namespace(f.pod), name(f.pod)) for f in pulls}, key=str)
        if len(pods) < 2:
            continue
        releases = sorted({(namespace(hr), name(hr)) for f in pulls
                           if (hr := release_of(snap, f.pod)) is not None}, key=str)
        shown = ", ".join(f"{ns}/{n}" for ns, n in pods[:4]) + \
            (f" and {len(pods) - 4} more" if len(pods) > 4 else "")
        line = next((ln for f in pulls for ln in f.evidence[1:]), pulls[0].evidence[0])
        yield CHECK.finding(
            ObjectRef(kind="Image", namespace=None, name=image),
            f"Image {image} cannot be pulled by {len(pods)} pods: {pulls[0].meaning}.",
            [line, f"pods: {shown}"],
            [Remediation(title=_FIX.get(cause, "See the pull errors in the pods' events")),
             Remediation(title="Then delete the failing pods so they pull again",
                         action="delete-pod")],
            part=cause, breaks=[("Pod", ns, n, ("KT-202",)) for ns, n in pods] +
            [("HelmRelease", ns, n, ("KT-101",)) for ns, n in releases])
