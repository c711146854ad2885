from kubetriage.checks import dependency_not_ready
from tests.checks.conftest import helmrelease, run

WAITING = dict(ready="False", reason="DependencyNotReady",
               message="dependency 'app/b' is not ready")


def kustomization(name, ready="True", reason="", message="", depends_on=None):
    return {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
            "metadata": {"name": name, "namespace": "flux-system", "uid": f"uid-ks-{name}"},
            "spec": {"dependsOn": depends_on or []},
            "status": {"conditions": [{"type": "Ready", "status": ready, "reason": reason,
                                       "message": message}]}}


def test_fires_when_dependson_names_the_failing_release():
    b = helmrelease("b", ready="False", reason="UpgradeFailed", message="hook failed")
    c = helmrelease("c", depends_on=[{"name": "b"}], **WAITING)
    [f] = run(dependency_not_ready, b, c)
    assert f.id == "KT-102/HelmRelease/app/c" and f.severity == "error"
    assert f.summary == "HelmRelease app/c waits for HelmRelease app/b, which is not ready."
    assert f.evidence == ["Ready=False DependencyNotReady: dependency 'app/b' is not ready",
                          "spec.dependsOn: app/b"]
    assert f.facts["depends_on"] == ("HelmRelease", "app", "b")
    assert f.remediations[0].command == "flux get helmreleases -n app"


def test_fires_when_the_dependency_does_not_exist():
    c = helmrelease("c", depends_on=[{"name": "b", "namespace": "app"}], **WAITING)
    [f] = run(dependency_not_ready, c)
    assert f.severity == "error"
    assert f.summary == "HelmRelease app/c waits for HelmRelease app/b, which is missing."


def test_fires_as_warning_while_the_dependency_is_still_progressing():
    b = helmrelease("b", ready="Unknown", reason="Progressing", message="installing")
    c = helmrelease("c", depends_on=[{"name": "b"}], **WAITING)
    [f] = run(dependency_not_ready, b, c)
    assert f.severity == "warning" and "depends_on" in f.facts


def test_fires_without_a_link_when_dependson_does_not_name_it():
    c = helmrelease("c", **WAITING)
    [f] = run(dependency_not_ready, c)
    assert f.severity == "warning" and "depends_on" not in f.facts
    assert f.summary == ("HelmRelease app/c reports dependency app/b not ready, which "
                         "spec.dependsOn does not name.")


def test_fires_when_the_status_does_not_name_the_dependency():
    c = helmrelease("c", ready="False", reason="DependencyNotReady", message="")
    [f] = run(dependency_not_ready, c)
    assert f.summary == "HelmRelease app/c waits for a dependency the status does not name."


def test_fires_for_a_kustomization_waiting_on_another():
    infra = kustomization("infra", ready="False", reason="HealthCheckFailed", message="timeout")
    apps = kustomization("apps", ready="False", reason="DependencyNotReady",
                         message="dependency 'flux-system/infra' is not ready",
                         depends_on=[{"name": "infra"}])
    [f] = run(dependency_not_ready, infra, apps)
    assert f.summary == ("Kustomization flux-system/apps waits for Kustomization "
                         "flux-system/infra, which is not ready.")
    assert f.facts["depends_on"] == ("Kustomization", "flux-system", "infra")
    assert f.remediations[0].command == "flux get kustomizations -n flux-system"


def test_silent_when_ready():
    assert run(dependency_not_ready, helmrelease("c", depends_on=[{"name": "b"}])) == []


def test_silent_when_failing_for_its_own_reason():
    assert run(dependency_not_ready, helmrelease("c", ready="False", reason="InstallFailed",
                                                 message="timed out waiting for the condition",
                                                 depends_on=[{"name": "b"}])) == []
