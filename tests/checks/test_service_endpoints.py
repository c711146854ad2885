from kubetriage.checks import service_endpoints
from tests.checks.conftest import pod, run


def service(name, selector, ns="app", type_=None):
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns},
            "spec": {"selector": selector, **({"type": type_} if type_ else {})}}


def endpoints(name, ready=(), not_ready=()):
    return {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": name, "namespace": "app"},
            "subsets": [{"addresses": [{"ip": ip} for ip in ready],
                         "notReadyAddresses": [{"ip": ip} for ip in not_ready]}]}


def test_fires_when_selected_pods_are_all_unready():
    [f] = run(service_endpoints, service("web", {"app": "web", "tier": "front"}),
              pod("web-1", labels={"app": "web", "tier": "front"}, waiting="CrashLoopBackOff"),
              pod("web-2", labels={"app": "web", "tier": "front"}, waiting="CrashLoopBackOff"),
              pod("api-1", labels={"app": "web", "tier": "back"}, ready=True),
              pod("web-9", ns="other", labels={"app": "web", "tier": "front"}, ready=True))
    assert f.id == "KT-401/Service/app/web" and f.severity == "error"
    assert f.summary == ("Service app/web has no ready endpoint: its selector app=web,tier=front "
                         "matches 2 pods, none ready.")
    assert f.evidence == ["selector app=web,tier=front; pods: web-1, web-2"]
    assert f.facts["pods"] == ["web-1", "web-2"]


def test_fires_as_warning_when_the_selector_matches_nothing():
    [f] = run(service_endpoints, service("web", {"app": "web"}), pod("x", ready=True))
    assert f.severity == "warning"
    assert f.summary == ("Service app/web has no ready endpoint: its selector app=web matches no "
                         "pod.")


def test_fires_from_the_endpoints_object_when_it_lists_no_ready_address():
    [f] = run(service_endpoints, service("web", {"app": "web"}),
              pod("web-1", labels={"app": "web"}, ready=True),
              endpoints("web", not_ready=["10.0.0.5"]))
    assert "matches 1 pod, none ready" in f.summary


def test_silent_when_one_pod_is_ready():
    assert run(service_endpoints, service("web", {"app": "web"}),
               pod("web-1", labels={"app": "web"}, ready=True),
               pod("web-2", labels={"app": "web"}, waiting="CrashLoopBackOff")) == []


def test_silent_when_the_endpoints_object_has_a_ready_address():
    assert run(service_endpoints, service("web", {"app": "web"}),
               pod("web-1", labels={"app": "web"}), endpoints("web", ready=["10.0.0.5"])) == []


def test_silent_for_services_without_a_selector_or_external_names():
    assert run(service_endpoints, service("ext", {}), pod("x", ready=True),
               service("db", {"app": "db"}, type_="ExternalName")) == []
