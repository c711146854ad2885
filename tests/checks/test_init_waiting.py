from datetime import UTC, datetime, timedelta

from kubetriage.checks import init_waiting
from kubetriage.core.snapshot import Snapshot
from tests.checks.conftest import pod

NOW = datetime(2025, 1, 1, 3, 0, tzinfo=UTC)
LOG = ["Server:    10.96.0.10", "Address 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local",
       "", "nslookup: can't resolve 'redis-cart'", "waiting for redis"]


def stuck(running_for, name="cartservice-5d8f-x2k4p"):
    p = pod(name, "shop", phase="Pending", init=True, container="init-redis-ready", running=True,
            owner=("ReplicaSet", "cartservice-5d8f", "uid-rs"))
    p["status"]["initContainerStatuses"][0]["state"] = {
        "running": {"startedAt": (NOW - running_for).strftime("%Y-%m-%dT%H:%M:%SZ")}}
    return p


def service(name):
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": "shop"}}


def run(*objects, logs=None):
    return list(init_waiting.check(Snapshot(objects, logs or {}, NOW)))


def test_fires_when_an_init_container_polls_a_service_that_does_not_exist():
    p = stuck(timedelta(hours=3))
    [f] = run(p, service("frontend"),
              logs={("shop", p["metadata"]["name"], "init-redis-ready", False): LOG})
    assert f.id == "KT-209/Pod/shop/cartservice-5d8f-x2k4p/init-redis-ready"
    assert f.summary == ("Init container init-redis-ready of pod shop/cartservice-5d8f-x2k4p has "
                         "run for 3h without finishing, waiting for host redis-cart: Service "
                         "shop/redis-cart does not exist.")
    assert "nslookup: can't resolve 'redis-cart'" in f.evidence
    assert f.facts["caused_by"] == [("Service", "shop", "redis-cart", ("KT-402",))]


def test_silent_while_it_waits_no_longer_than_a_startup_wait():
    assert run(stuck(timedelta(minutes=4))) == []


def test_silent_when_its_siblings_took_as_long():
    slow = stuck(timedelta(minutes=20))
    sibling = stuck(timedelta(hours=5), name="cartservice-5d8f-b7kwx")
    sibling["status"]["initContainerStatuses"][0]["state"] = {"terminated": {
        "exitCode": 0, "startedAt": "2025-01-01T00:00:00Z", "finishedAt": "2025-01-01T00:40:00Z"}}
    sibling["status"]["phase"] = "Running"
    assert run(slow, sibling) == []
