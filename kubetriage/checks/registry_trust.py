"""KT-203: a node that does not trust a registry's TLS certificate, the one cause behind every
x509 image-pull failure from that registry on that node.

Trust is node configuration (the container runtime's CA store), so the finding is about the Node,
and the pods' KT-202 findings link to it as symptoms.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from kubetriage.checks import image_pull
from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, ObjectRef, Remediation
from kubetriage.checks.objects import name, namespace
from kubetriage.core.snapshot import Snapshot

CHECK = Check(code="KT-203", title="Registry certificate not trusted by node", severity="error",
              kinds=("Pod", "Event", "Node"), doc=__doc__)


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    groups: dict[tuple[str, str], list[image_pull.PullFailure]] = defaultdict(list)
    for f in image_pull.failures(snap):
        if f.cause == "x509" and f.image.registry:
            groups[(f.node, f.image.registry)].append(f)
    for (node, registry), pulls in sorted(groups.items()):
        pods = sorted({f"{namespace(f.pod)}/{name(f.pod)}" for f in pulls})
        obj = ObjectRef(kind="Node", namespace=None, name=node or "unknown")
        yield _root(obj, node, registry, pods, pulls)


def _root(obj: ObjectRef, node: str, registry: str, pods: list[str],
                    pulls: list[image_pull.PullFailure]) -> Finding:
    where = f"node {node}" if node else "the node (unknown)"
    return CHECK.finding(obj,
                         f"{where.capitalize()} does not trust the TLS certificate of registry {registry}: "
                         f"{len(pods)} pod{'s' if len(pods) != 1 else ''} cannot pull from it.",
                         [next((line for f in pulls for line in f.evidence if "x509" in line),
                               pulls[0].evidence[0]), f"pods failing: {', '.join(pods[:6])}"
                          + (f" and {len(pods) - 6} more" if len(pods) > 6 else "")],
                         [Remediation(title=f"Install the registry's CA on {where} "
                                            f"(/etc/docker/certs.d/{registry}/ca.crt or "
                                            "/etc/containerd/certs.d) and restart the runtime"),
                          Remediation(title="Then delete the failing pods so they pull again",
                                      action="delete-pod")],
                         part=registry, registry=registry, node=node, pods=pods)
