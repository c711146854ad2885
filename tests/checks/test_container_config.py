import pytest

from kubetriage.checks import container_config
from tests.checks.conftest import event, pod, run


@pytest.mark.parametrize("message, why, fact", [
    ('secret "triager-secrets" not found', "Secret triager-secrets does not exist",
     ("missing_secret", "triager-secrets")),
    ('configmap "app-config" not found', "ConfigMap app-config does not exist",
     ("missing_configmap", "app-config")),
    ("couldn't find key DB_PASSWORD in Secret app/db-credentials",
     "key DB_PASSWORD is missing from Secret app/db-credentials", None),
    ("couldn't find key LOG_LEVEL in ConfigMap app/app-config",
     "key LOG_LEVEL is missing from ConfigMap app/app-config", None),
    ('container has runAsNonRoot and image will run as root (pod: "w_app(uid)", container: app)',
     "its user breaks the pod's non-root policy (runAsNonRoot with a root user)", None),
    ("container's runAsUser breaks non-root policy (pod: \"w_app(uid)\", container: app)",
     "its user breaks the pod's non-root policy (runAsNonRoot with a root user)", None),
    ("failed to sync configmap cache: timed out waiting for the condition",
     "cause unknown beyond the kubelet's message", None),
], ids=["fires_when_a_secret_is_missing", "fires_when_a_configmap_is_missing",
        "fires_when_a_secret_key_is_missing", "fires_when_a_configmap_key_is_missing",
        "fires_when_runasnonroot_meets_a_root_image", "fires_when_runasuser_breaks_non_root",
        "fires_with_cause_unknown_otherwise"])
def test_fires_and_names_why(message, why, fact):
    [f] = run(container_config, pod("w", waiting="CreateContainerConfigError", message=message))
    assert f.id == "KT-204/Pod/app/w/app" and f.severity == "error"
    assert f.summary == f"Container app of pod app/w cannot be created: {why}."
    assert f.evidence[0] == f"app: CreateContainerConfigError: {message}"
    if fact:
        assert f.facts[fact[0]] == fact[1]


def test_fires_for_the_sidecar_named_by_the_event():
    p = pod("w", container="daprd", waiting="CreateContainerConfigError", message="")
    message = "Error: container's runAsUser breaks non-root policy (pod: \"w\", container: daprd)"
    [f] = run(container_config, p, event(p, "Failed", message, count=9,
                                         field_path="spec.containers{daprd}"))
    assert f.summary == ("Container daprd of pod app/w cannot be created: its user breaks the "
                         "pod's non-root policy (runAsNonRoot with a root user).")
    assert f.evidence[1] == f"Warning Failed (x9) [spec.containers{{daprd}}]: {message}"


def test_silent_when_the_container_runs():
    assert run(container_config, pod("w", running=True, ready=True)) == []


def test_silent_for_an_old_event_once_the_container_runs():
    p = pod("w", running=True, ready=True)
    assert run(container_config, p, event(p, "Failed", 'secret "s" not found',
                                          field_path="spec.containers{app}")) == []
