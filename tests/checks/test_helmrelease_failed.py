import pytest

from kubetriage.checks import helmrelease_failed
from tests.checks.conftest import event, helmrelease, run

HOOK = ("Helm upgrade failed for release app/b with chart b@0.1.13: pre-upgrade hooks failed: "
        "1 error occurred: * job failed: BackoffLimitExceeded")
DEADLINE = "Helm upgrade failed for release app/b with chart b@0.1.13: context deadline exceeded"
TIMED_OUT = ("Helm install failed for release app/b with chart b@1.0.0: timed out waiting for "
             "the condition")
CHART = ("HelmChart 'flux-system/app-b' is not ready: chart pull error: failed to download "
         "chart for remote reference: 0.9.0: not found")


@pytest.mark.parametrize("reason, message, fact, summary", [
    ("UpgradeFailed", HOOK, "hook", "failed to upgrade: its pre-upgrade hook failed."),
    ("UpgradeFailed", DEADLINE, "timeout",
     "failed to upgrade: Helm timed out waiting for its workloads to become ready."),
    ("InstallFailed", TIMED_OUT, "timeout",
     "failed to install: Helm timed out waiting for its workloads to become ready."),
    ("ArtifactFailed", CHART, "chart",
     "failed to reconcile: its chart source HelmChart flux-system/app-b is not ready (chart pull "
     "error: failed to download chart for remote reference: 0.9.0: not found)."),
    ("InstallFailed", "could not resolve Secret chart values reference 'app/b-values' with key "
                      "'values.yaml'", "values_ref",
     "failed to install: its values reference Secret app/b-values cannot be resolved."),
], ids=["fires_when_hook_failed", "fires_when_context_deadline_exceeded",
        "fires_when_timed_out_waiting", "fires_when_chart_or_source_not_ready",
        "fires_when_values_reference_is_missing"])
def test_fires_and_classifies(reason, message, fact, summary):
    [f] = run(helmrelease_failed, helmrelease("b", ready="False", reason=reason, message=message))
    assert f.id == "KT-101/HelmRelease/app/b" and f.severity == "error"
    assert f.summary == f"HelmRelease app/b {summary}"
    assert f.facts.get(fact)
    assert f.evidence[0] == f"Ready=False {reason}: {message}"
    assert f.remediations[-2].command == "flux reconcile helmrelease b -n app --force"
    assert f.remediations[-1].command == "helm history b -n app"


def test_fires_when_retries_are_exhausted_with_the_attempts_and_the_event():
    hr = helmrelease("b", ready="False", reason="UpgradeFailed", message=DEADLINE)
    hr["status"]["conditions"].append({"type": "Stalled", "status": "True",
                                       "reason": "RetriesExceeded",
                                       "message": "Failed to upgrade after 4 attempt(s)"})
    hr["status"]["upgradeFailures"] = 4
    [f] = run(helmrelease_failed, hr, event(hr, "UpgradeFailed", DEADLINE, count=4))
    assert f.summary == ("HelmRelease app/b failed to upgrade: Helm timed out waiting for its "
                         "workloads to become ready; retries are exhausted, so Flux will not try "
                         "again on its own.")
    assert f.evidence == [f"Ready=False UpgradeFailed: {DEADLINE}",
                          "Stalled=True RetriesExceeded: Failed to upgrade after 4 attempt(s)",
                          "failed attempts: 4",
                          f"Warning UpgradeFailed (x4): {DEADLINE}"]


def test_fires_when_the_hook_is_named_only_by_an_event():
    hr = helmrelease("b", ready="False", reason="UpgradeFailed",
                     message="upgrade retries exhausted")
    [f] = run(helmrelease_failed, hr,
              event(hr, "UpgradeFailed", "pre-upgrade hooks failed: job failed"))
    assert f.facts["hook"] == "pre-upgrade" and f.facts["exhausted"]
    assert f.summary.startswith("HelmRelease app/b failed to upgrade: its pre-upgrade hook failed;")


def test_fires_with_cause_unknown_when_the_status_does_not_say():
    [f] = run(helmrelease_failed, helmrelease("b", ready="False", reason="InstallFailed",
                                              message="Helm install failed: exit status 1"))
    assert f.summary == ("HelmRelease app/b failed to install: cause unknown beyond the status "
                         "message below.")


def test_silent_when_ready():
    assert run(helmrelease_failed, helmrelease("a")) == []


def test_silent_when_waiting_on_a_dependency():
    """That is KT-102's finding."""
    assert run(helmrelease_failed, helmrelease("c", ready="False", reason="DependencyNotReady",
                                               message="dependency 'app/b' is not ready")) == []


def test_silent_when_suspended():
    hr = helmrelease("b", ready="False", reason="UpgradeFailed", message=DEADLINE)
    hr["spec"]["suspend"] = True
    assert run(helmrelease_failed, hr) == []
