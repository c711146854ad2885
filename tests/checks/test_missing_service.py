from kubetriage.checks import missing_service
from tests.checks.conftest import helmrelease, pod, run

NGINX = ('2025/01/01 00:00:00 [emerg] 1#1: host not found in upstream "backend" in '
         "/etc/nginx/conf.d/default.conf:34")


def service(name, ns="app"):
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns},
            "spec": {"selector": {"app": name}}}


def test_fires_from_a_clients_log_and_names_the_release_that_should_create_it():
    logs = {("app", "front-1", "app", True): ["starting", NGINX]}
    [f] = run(missing_service, service("redis"), pod("front-1"),
              helmrelease("backend", ready="False"), logs=logs)
    assert f.id == "KT-402/Service/app/backend" and f.severity == "error"
    assert f.summary == ("Service app/backend does not exist, yet 1 pod needs it; "
                         "HelmRelease app/backend should create it.")
    assert f.evidence == [f"app/front-1: {NGINX}", "no Service backend in namespace app"]
    assert f.facts["clients"] == ["app/front-1"] and f.facts["release"] == ("app", "backend")


def test_fires_once_for_many_clients_of_a_service_in_another_namespace():
    line = ('psql: error: could not translate host name "postgres.db" to address: '
            "Name or service not known")
    logs = {("app", f"api-{i}", "app", True): [line] for i in range(3)}
    [f] = run(missing_service, service("redis"), service("other", ns="db"), logs=logs)
    assert f.object.namespace == "db" and f.object.name == "postgres"
    assert f.summary == "Service db/postgres does not exist, yet 3 pods need it."
    assert f.facts["clients"] == ["app/api-0", "app/api-1", "app/api-2"]
    assert f.facts["release"] is None


def test_silent_when_the_service_exists():
    logs = {("app", "front-1", "app", True): [NGINX]}
    assert run(missing_service, service("backend"), pod("front-1"), logs=logs) == []


def test_silent_when_no_services_were_read():
    """Without Services in the snapshot (RBAC, a partial dump), absence proves nothing."""
    logs = {("app", "front-1", "app", True): [NGINX]}
    assert run(missing_service, pod("front-1"), logs=logs) == []


def test_silent_when_the_host_is_outside_the_cluster():
    logs = {("app", "api-1", "app", True): [
        "dial tcp: lookup api.example.com on 10.96.0.10:53: no such host"]}
    assert run(missing_service, service("redis"), logs=logs) == []
