"""The release screen names the release's chart source and that source's own message: a failing
HelmRepository is what the operator must see next to the release, not only "chart not ready"."""

from datetime import UTC, datetime

from kubetriage.core.snapshot import Snapshot
from kubetriage.tui.viewmodel import release_details as rd
from kubetriage.tui.viewmodel.rows import release_row
from tests.checks.flux_fixtures import INDEX_404, helmchart, helmrelease, source


class Store:
    def __init__(self, *objects):
        self.snap = Snapshot.from_objects(objects)

    def get(self, kind, namespace, name):
        return self.snap.get(kind, namespace, name)

    def list(self, kind, namespace=None):
        return [o for o in self.snap.of_kind(kind)
                if namespace is None or o["metadata"].get("namespace") == namespace]

    def owned_by(self, uid):
        return self.snap.owned_by(uid)


def test_the_source_rows_carry_the_failing_repository_message():
    hr = helmrelease("renovate", "tools", chart="renovate", repo="renovate")
    store = Store(hr, helmchart("tools-renovate", "flux-system", chart="renovate",
                                version="1.0.0", repo="renovate", ready="False",
                                reason="NoSourceArtifact", message="no artifact"),
                  source("HelmRepository", "renovate", ready="False", reason="Failed",
                         message=INDEX_404, artifact=False))
    rows = [(d.direction, f"{d.namespace}/{d.name}", d.ready, d.message, d.health)
            for d in rd.dependencies(hr, store)]
    assert rows == [("source (HelmChart)", "flux-system/tools-renovate", "False", "no artifact",
                     "error"),
                    ("source (HelmRepository)", "flux-system/renovate", "False", INDEX_404,
                     "error")]


def test_the_releases_panel_names_the_source():
    hr = helmrelease("renovate", "tools", chart="renovate", repo="renovate")
    cells = release_row(hr, datetime.now(UTC))
    assert cells[-1].plain == "HelmRepository/renovate"
