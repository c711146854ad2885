from kubetriage.checks import ingress_backend
from tests.checks.conftest import run


def ingress(name, ns, backend, port=80, host="myDomain.io"):
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": name, "namespace": ns, "uid": f"uid-{name}"},
            "spec": {"rules": [{"host": host, "http": {"paths": [
                {"path": "/", "pathType": "Prefix", "backend": {"service": {
                    "name": backend, "port": {"number": port}}}}]}}]}}


def service(name, ns, port=80):
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": ns, "uid": f"uid-svc-{name}"},
            "spec": {"selector": {"app": name}, "ports": [{"port": port, "protocol": "TCP"}]}}


def test_fires_when_the_backend_service_does_not_exist():
    """cert-manager/cert-manager#5752's Ingress, routing to frontend-service."""
    [f] = run(ingress_backend, ingress("nginx-ingress", "default", "frontend-service"),
              service("frontend", "default"))
    assert f.id == "KT-405/Ingress/default/nginx-ingress" and f.severity == "error"
    assert f.summary == ("Ingress default/nginx-ingress routes to Service frontend-service, which "
                         "does not exist in default: the ingress controller answers 503 there.")
    assert f.evidence == ["myDomain.io/ -> Service frontend-service:80: no Service "
                          "frontend-service in default", "Services in default: frontend"]
    assert f.remediations[1].command == "kubectl -n default get services"


def test_fires_when_the_service_does_not_serve_the_port():
    [f] = run(ingress_backend, ingress("webapp", "ingress-nginx", "webapp", port=8080),
              service("webapp", "ingress-nginx", port=80))
    assert "port 8080 of Service webapp, which it does not serve" in f.summary
    assert f.evidence[0] == "myDomain.io/ -> Service webapp:8080: it serves 80"


def test_silent_when_the_backend_serves_it():
    assert run(ingress_backend, ingress("webapp", "shop", "webapp"), service("webapp", "shop")) \
        == []


def test_silent_when_services_could_not_be_listed():
    assert run(ingress_backend, ingress("webapp", "shop", "webapp")) == []
