from kubetriage.checks import telemetry_exporter
from tests.checks.conftest import pod, run

LINE = ("Transient error StatusCode.UNAVAILABLE encountered while exporting traces to "
        "otel-collector.homelab.svc.cluster.local:4317, retrying in 1s.")
SVC = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "homelab"}}


def test_fires_when_the_log_floods_with_exports_to_a_missing_collector():
    logs = {("homelab", "fa", "app", False): [LINE] * 50}
    [f] = run(telemetry_exporter, SVC, pod("fa", ns="homelab", ready=True), logs=logs)
    assert f.id == "KT-601/Pod/homelab/fa/app"
    assert f.summary == ("Container app of pod homelab/fa keeps exporting telemetry to "
                         "otel-collector.homelab.svc.cluster.local:4317, but Service "
                         "homelab/otel-collector does not exist: 50 of its last 50 log lines.")


def test_silent_for_a_few_lines_or_when_the_collector_exists():
    collector = {**SVC, "metadata": {"name": "otel-collector", "namespace": "homelab"}}
    assert run(telemetry_exporter, SVC, logs={("homelab", "fa", "app", False): [LINE] * 3}) == []
    assert run(telemetry_exporter, collector,
               logs={("homelab", "fa", "app", False): [LINE] * 50}) == []
