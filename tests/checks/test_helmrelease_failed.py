import pytest

from kubetriage.checks import dependency_not_ready, helmrelease_failed, kustomization_failed
from tests.checks.conftest import helmrelease, run


@pytest.mark.parametrize("message, fact, words", [
    ("Helm upgrade failed for release app/b with chart b@0.1.13: pre-upgrade hooks failed: "
     "1 error occurred", "hook", "its pre-upgrade hook failed"),
    ("Helm upgrade failed: context deadline exceeded", "timeout", "Helm timed out"),
    ("Helm install failed: timed out waiting for the condition", "timeout", "Helm timed out"),
    ("HelmChart 'flux-system/app-b' is not ready", "chart", "chart or the chart's source"),
], ids=["fires_when_hook_failed", "fires_when_context_deadline", "fires_when_timed_out",
        "fires_when_chart_not_ready"])
def test_fires_and_classifies(message, fact, words):
    [f] = run(helmrelease_failed, helmrelease("b", ready="False", reason="UpgradeFailed",
                                              message=message))
    assert f.facts.get(fact) and words in f.summary
    assert f.evidence[0].endswith(message)
    assert f.remediations[0].command == "flux reconcile helmrelease b -n app --force"


def test_fires_when_retries_exhausted():
    hr = helmrelease("b", ready="False", reason="UpgradeFailed",
                     message="Helm upgrade failed: context deadline exceeded")
    hr["status"]["conditions"].append({"type": "Stalled", "status": "True",
                                       "reason": "RetriesExceeded",
                                       "message": "Failed to upgrade after 4 attempt(s)"})
    [f] = run(helmrelease_failed, hr)
    assert "retries are exhausted" in f.summary


def test_silent_when_ready_or_waiting_on_a_dependency():
    assert run(helmrelease_failed, helmrelease("a"),
               helmrelease("c", ready="False", reason="DependencyNotReady",
                           message="dependency 'app/b' is not ready")) == []


def test_dependency_fires_when_dependson_names_the_failing_release():
    b = helmrelease("b", ready="False", reason="UpgradeFailed", message="x")
    c = helmrelease("c", ready="False", reason="DependencyNotReady",
                    message="dependency 'app/b' is not ready", depends_on=[{"name": "b"}])
    [f] = run(dependency_not_ready, b, c)
    assert f.severity == "error" and f.facts["depends_on"] == ("HelmRelease", "app", "b")
    assert "waits for HelmRelease app/b" in f.summary


def test_dependency_fires_without_a_link_when_dependson_does_not_name_it():
    c = helmrelease("c", ready="False", reason="DependencyNotReady",
                    message="dependency 'app/b' is not ready")
    [f] = run(dependency_not_ready, c)
    assert "depends_on" not in f.facts and f.severity == "warning"


def test_dependency_silent_when_ready():
    assert run(dependency_not_ready, helmrelease("c")) == []


def test_kustomization_fires_when_build_fails_on_a_duplicate():
    ks = {"kind": "Kustomization", "metadata": {"name": "apps", "namespace": "flux-system"},
          "status": {"conditions": [{"type": "Ready", "status": "False",
                                     "reason": "BuildFailed", "message":
                                         "kustomize build failed: may not add resource with an "
                                         "already registered id: SealedSecret.v1alpha1."
                                         "bitnami.com/app-secret.app"}]}}
    [f] = run(kustomization_failed, ks)
    assert "SealedSecret.v1alpha1.bitnami.com/app-secret.app is defined twice" in f.summary


def test_kustomization_silent_when_ready():
    ks = {"kind": "Kustomization", "metadata": {"name": "apps", "namespace": "flux-system"},
          "status": {"conditions": [{"type": "Ready", "status": "True"}]}}
    assert run(kustomization_failed, ks) == []
