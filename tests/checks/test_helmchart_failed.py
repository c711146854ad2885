from kubetriage.checks import helmchart_failed
from tests.checks.conftest import run
from tests.checks.flux_fixtures import NO_VERSION, cond, helmchart, helmrelease, source


def prism(repo_ready="True"):
    repo = source("HelmRepository", "vela-prism", "vela-system", ready=repo_ready,
                  reason="Succeeded" if repo_ready == "True" else "Failed",
                  message="stored artifact" if repo_ready == "True" else "index 404")
    hc = helmchart("vela-system-vela-prism", "vela-system", chart="vela-prism", version="0.1.0",
                   repo="vela-prism", ready="False", reason="InvalidChartReference",
                   message=NO_VERSION,
                   stalled=cond("True", "InvalidChartReference", NO_VERSION, "Stalled"))
    hr = helmrelease("vela-prism", "vela-system", chart="vela-prism", repo="vela-prism",
                     repo_ns="vela-system", version="0.1.0", ready="False",
                     reason="SourceNotReady",
                     message=f"HelmChart 'vela-system/vela-system-vela-prism' is not ready: "
                             f"{NO_VERSION}")
    return repo, hc, hr


def test_fires_when_the_release_asks_for_a_version_the_repository_does_not_publish():
    [f] = run(helmchart_failed, *prism())
    assert f.id == "KT-106/HelmChart/vela-system/vela-system-vela-prism"
    assert f.summary == ("HelmChart vela-system/vela-system-vela-prism cannot be built: HelmRelease "
                         "vela-system/vela-prism asks for chart vela-prism version 0.1.0, which "
                         "HelmRepository vela-system/vela-prism does not publish (the repository "
                         "itself is Ready).")
    assert f.evidence[0] == f"Ready=False InvalidChartReference: {NO_VERSION}"
    assert "spec.chart.spec.version" in f.remediations[0].title
    assert f.remediations[1].command == \
        "flux reconcile helmrelease vela-prism -n vela-system --with-source"
    assert f.facts["breaks"] == [("HelmRelease", "vela-system", "vela-prism")]


def test_fires_as_a_symptom_when_its_repository_fails_too():
    [f] = run(helmchart_failed, *prism(repo_ready="False"))
    assert "asks for" not in f.summary
    assert f.facts["caused_by"] == [("HelmRepository", "vela-system", "vela-prism")]


def test_fires_when_its_source_has_no_artifact():
    hc = helmchart("tools-renovate", "flux-system", chart="renovate", version="1.0.0",
                   repo="renovate", ready="False", reason="NoSourceArtifact",
                   message="no artifact available for HelmRepository source 'renovate'")
    [f] = run(helmchart_failed, hc)
    assert f.summary == ("HelmChart flux-system/tools-renovate cannot be built: its source "
                         "HelmRepository flux-system/renovate has no artifact.")
    assert f.facts["caused_by"] == [("HelmRepository", "flux-system", "renovate")]


def test_silent_when_ready():
    hc = helmchart("tools-renovate", "flux-system", chart="renovate", version="1.0.0",
                   repo="renovate")
    assert run(helmchart_failed, hc) == []
