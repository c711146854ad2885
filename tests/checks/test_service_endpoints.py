from kubetriage.checks import missing_service, service_endpoints
from tests.checks.conftest import helmrelease, pod, run


def service(name, selector):
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": "app"},
            "spec": {"selector": selector}}


def test_fires_when_selected_pods_are_all_unready():
    [f] = run(service_endpoints, service("web", {"app": "web"}),
              pod("web-1", labels={"app": "web"}, waiting="CrashLoopBackOff"))
    assert f.severity == "error" and "matches 1 pod, none ready" in f.summary


def test_fires_as_warning_when_the_selector_matches_nothing():
    [f] = run(service_endpoints, service("web", {"app": "web"}), pod("x", ready=True))
    assert f.severity == "warning" and "matches no pod" in f.summary


def test_silent_when_one_pod_is_ready():
    assert run(service_endpoints, service("web", {"app": "web"}),
               pod("web-1", labels={"app": "web"}, ready=True)) == []


NGINX = 'nginx: [emerg] host not found in upstream "backend" in /etc/nginx/nginx.conf:34'


def test_missing_service_fires_from_a_clients_log_and_names_the_release():
    logs = {("app", "front-1", "app", True): [NGINX]}
    [f] = run(missing_service, service("other", {"a": "b"}), pod("front-1"),
              helmrelease("backend", ready="False"), logs=logs)
    assert f.object.kind == "Service" and f.object.name == "backend"
    assert "HelmRelease app/backend should create it" in f.summary
    assert f.facts["clients"] == ["app/front-1"]


def test_missing_service_silent_when_the_service_exists_or_no_services_were_read():
    logs = {("app", "front-1", "app", True): [NGINX]}
    assert run(missing_service, service("backend", {"a": "b"}), pod("front-1"), logs=logs) == []
    assert run(missing_service, pod("front-1"), logs=logs) == []
