"""The one rule naming the logs the diagnosis reads (core/logs_read.py), and a dump read by it:
a log beside a dump that the rule does not name is not read, as the dashboard would not read it."""

from __future__ import annotations

import yaml

from kubetriage.cli import main
from kubetriage.core.logs_read import wanted_logs
from tests.checks.conftest import pod


def wanted(*objects):
    return set(wanted_logs(lambda kind: [o for o in objects if o["kind"] == kind]))


def service(name, ns="app"):
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns}}


def sealed_secret(synced: str):
    return {"apiVersion": "bitnami.com/v1alpha1", "kind": "SealedSecret",
            "metadata": {"name": "s", "namespace": "app"},
            "status": {"conditions": [{"type": "Synced", "status": synced}]}}


def with_env(value: str, name="client"):
    return pod(name, running=True, ready=True,
               spec={"env": [{"name": "ENDPOINT", "value": value}]})


def test_fires_for_a_crash_looping_container_current_and_previous():
    crashing = pod("web", waiting="CrashLoopBackOff", restarts=3,
                   last={"exitCode": 1, "reason": "Error"})
    assert wanted(crashing) == {("app", "web", "app", False), ("app", "web", "app", True)}


def test_silent_for_a_healthy_container():
    assert wanted(pod("web", running=True, ready=True)) == set()


def test_fires_for_a_running_init_container():
    assert wanted(pod("web", init=True, running=True, phase="Pending")) == \
        {("app", "web", "app", False)}


def test_fires_for_the_sealed_secrets_controller_while_a_sealed_secret_is_not_synced():
    controller = pod("sealed-secrets-controller-1", ns="kube-system", running=True, ready=True,
                     image="docker.io/bitnami/sealed-secrets-controller:0.27.1",
                     container="controller")
    assert wanted(controller, sealed_secret("False")) == \
        {("kube-system", "sealed-secrets-controller-1", "controller", False)}
    assert wanted(controller, sealed_secret("True")) == set()


def test_fires_for_a_container_configured_for_a_service_that_does_not_exist():
    for value in ("http://otel-collector.app.svc.cluster.local:4317", "collector:4317",
                  "grpc://collector.app:4317", "postgres://user:pw@db:5432/x"):
        assert wanted(with_env(value), service("other")) == {("app", "client", "app", False)}, \
            value


def test_silent_for_a_service_that_exists_an_outside_host_or_an_address():
    for value in ("http://collector:4317", "http://collector.app.svc:4317"):
        assert wanted(with_env(value), service("collector")) == set(), value
    for value in ("https://api.example.com:443", "http://10.0.0.7:11434", "localhost:4317",
                  "true", "8080", "a sentence: with a colon"):
        assert wanted(with_env(value), service("other")) == set(), value


def test_a_dump_reads_only_the_logs_the_rule_names(tmp_path, capsys):
    healthy = pod("web", running=True, ready=True)
    (tmp_path / "objects.yaml").write_text(yaml.safe_dump_all([healthy, service("web")]))
    log = tmp_path / "logs" / "app" / "web" / "app.log"
    log.parent.mkdir(parents=True)
    log.write_text('nginx: [emerg] host not found in upstream "backend" in /etc/nginx.conf\n')
    assert main(["check", "--from-dump", str(tmp_path)]) == 0
    assert "backend" not in capsys.readouterr().out


def test_names_the_first_few_clients_of_an_absent_service_however_listed():
    """Every pod of a cluster may carry the same OTEL endpoint: one log proves the flood."""
    clients = [with_env("http://otel.app.svc:4317", name=f"client-{i}") for i in range(9)]
    for order in (clients, clients[::-1]):
        assert wanted(*order) == {("app", "client-0", "app", False),
                                  ("app", "client-1", "app", False)}
