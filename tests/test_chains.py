"""The chain builder: edges from stated facts only, one root with many symptoms is one chain,
a finding nobody links is a chain of one, and the order is deterministic."""

from __future__ import annotations

from kubetriage.checks import chains
from kubetriage.core.snapshot import Snapshot
from kubetriage.diagnosis import diagnose
from tests.checks.conftest import helmrelease, owned, pod

FAILED = "Helm upgrade failed: context deadline exceeded"


def cluster(*, labelled: bool):
    """A release that timed out while its pod crash-loops, a look-alike release of another name,
    and a release waiting on the first."""
    hr = helmrelease("web", ready="False", reason="UpgradeFailed", message=FAILED)
    alike = helmrelease("web-2", ready="False", reason="UpgradeFailed", message=FAILED)
    waiter = helmrelease("bot", ready="False", reason="DependencyNotReady",
                         message="dependency 'app/web' is not ready",
                         depends_on=[{"name": "web"}])
    deploy = owned("Deployment", "web", release="web" if labelled else None)
    rs = owned("ReplicaSet", "web-rs", owner=("Deployment", "web", "uid-web"))
    p = pod("web-rs-1", waiting="CrashLoopBackOff", restarts=4,
            owner=("ReplicaSet", "web-rs", "uid-web-rs"), last={"exitCode": 1})
    return Snapshot.from_objects([hr, alike, waiter, deploy, rs, p])


def test_pod_release_and_dependent_form_one_chain_rooted_at_the_pod():
    report = diagnose(cluster(labelled=True))
    first = report.chains[0]
    assert first.root == "KT-201/Pod/app/web-rs-1/app"
    assert first.links[1:] == ["KT-101/HelmRelease/app/web", "KT-102/HelmRelease/app/bot"]
    assert "It breaks HelmRelease app/web, HelmRelease app/bot." in first.summary


def test_no_edge_from_names_looking_alike():
    report = diagnose(cluster(labelled=False))  # the workload does not say which release
    roots = {c.root for c in report.chains}
    assert "KT-201/Pod/app/web-rs-1/app" in roots and "KT-101/HelmRelease/app/web" in roots
    assert all(len(c.links) == 1 for c in report.chains if "web-2" in c.root)


def test_every_finding_is_in_a_chain_and_order_is_stable():
    report = diagnose(cluster(labelled=True))
    assert {f.id for f in report.findings} <= {i for c in report.chains for i in c.links}
    again = chains.build(cluster(labelled=True), reversed(report.findings))
    assert [c.model_dump() for c in again] == [c.model_dump() for c in report.chains]
