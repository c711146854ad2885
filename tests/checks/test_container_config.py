from kubetriage.checks import container_config
from tests.checks.conftest import pod, run


def test_fires_when_a_secret_is_missing_and_names_it():
    p = pod("w", waiting="CreateContainerConfigError", message='secret "triager-secrets" not found')
    [f] = run(container_config, p)
    assert "Secret triager-secrets does not exist" in f.summary
    assert f.facts["missing_secret"] == "triager-secrets"


def test_fires_when_the_sidecar_breaks_the_non_root_policy():
    p = pod("w", container="daprd", waiting="CreateContainerConfigError",
            message="container's runAsUser breaks non-root policy (pod: \"w\", container: daprd)")
    [f] = run(container_config, p)
    assert "non-root policy" in f.summary and f.object.name == "w"


def test_silent_when_the_container_runs():
    assert run(container_config, pod("w", running=True, ready=True)) == []
