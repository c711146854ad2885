"""The scale generator: `--scale`/`--churn` parsing, the cluster it builds, and churn through a
running embedded server seen by a kubernetes-asyncio watch."""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections import Counter
from datetime import UTC, datetime

import jsonschema
import kubernetes_validate
import orjson
import pytest
import yaml

from kubetriage.sim.generate import generate_scenario, parse_rate, parse_scale

from .conftest import CRDS, needs_crds

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
WRITES = 300  # churn's writes the restart test waits for: ~0.3 s of 1000/s on a quiet machine


@pytest.fixture(scope="module")
def small():
    return generate_scenario(pods=200, events=600, helmreleases=20, seed=7, now=NOW)


def _kinds(scenario, kind):
    return [o for o in scenario.dump.objects if o["kind"] == kind]


def _waiting(pod):
    return pod["status"]["containerStatuses"][0]["state"].get("waiting", {}).get("reason")


@pytest.mark.parametrize("text, expected", [
    ("pods=10000,events=30000,helmreleases=500",
     {"pods": 10000, "events": 30000, "helmreleases": 500}),
    ("pods=10k, events=30k,namespaces=7", {"pods": 10000, "events": 30000, "namespaces": 7}),
])
def test_parse_scale_reads_counts_and_k_suffix(text, expected):
    assert parse_scale(text) == expected


@pytest.mark.parametrize("text, message", [
    ("podz=10", '--scale: unknown key "podz" (known: pods, events, helmreleases, namespaces)'),
    ("pods=ten", '--scale: "pods=ten" is not a whole number'),
    ("pods=10,events=-3", '--scale: "events=-3" is not a whole number'),
    ("pods=1.5k", '--scale: "pods=1.5k" is not a whole number'),
    ("pods", '--scale: "pods" is not KEY=NUMBER (known keys: pods, events, helmreleases, '
             'namespaces)'),
    ("pods=10,namespaces=0", '--scale: "namespaces=0" must be at least 1'),
])
def test_parse_scale_names_the_bad_part(text, message):
    with pytest.raises(ValueError) as exc:
        parse_scale(text)
    assert str(exc.value) == message


@pytest.mark.parametrize("text, rate", [("200/s", 200.0), ("200", 200.0), ("0.5/s", 0.5)])
def test_parse_rate(text, rate):
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["fast", "200/m", "0/s", "-5/s", ""])
def test_parse_rate_names_churn(text):
    with pytest.raises(ValueError) as exc:
        parse_rate(text)
    assert str(exc.value) == f'--churn: "{text}" is not a rate such as 200/s'


def test_counts_match_the_request(small):
    kinds = Counter(o["kind"] for o in small.dump.objects)
    assert (kinds["Pod"], kinds["Event"], kinds["HelmRelease"]) == (200, 600, 20)
    assert kinds["Node"] >= 3 and kinds["Namespace"] >= 3  # flux-system + ~pods/100
    assert kinds["HelmChart"] == 20
    assert small.name == "scale" and small.timeline.steps == []
    assert "200 pods" in small.description and "\n" not in small.description


def test_counts_without_releases_and_with_more_events_than_pods_explain():
    scenario = generate_scenario(pods=30, events=500, helmreleases=0, namespaces=2, now=NOW)
    kinds = Counter(o["kind"] for o in scenario.dump.objects)
    assert (kinds["Pod"], kinds["Event"], kinds["HelmRelease"], kinds["Namespace"]) == \
        (30, 500, 0, 3)


def test_a_few_percent_fail_and_every_failure_kind_appears(small):
    pods = _kinds(small, "Pod")
    reasons = Counter(_waiting(p) for p in pods)
    failing = len(pods) - reasons[None]
    assert 0.01 <= failing / len(pods) <= 0.06
    assert {"CrashLoopBackOff", "ImagePullBackOff", "CreateContainerConfigError"} <= set(reasons)
    crash = next(p for p in pods if _waiting(p) == "CrashLoopBackOff")
    assert crash["status"]["containerStatuses"][0]["restartCount"] >= 20

    messages = [e["message"] for e in _kinds(small, "Event") if e["type"] == "Warning"]
    assert any("x509: certificate signed by unknown authority" in m for m in messages)
    assert any("manifest unknown" in m for m in messages)
    assert any(m.startswith('Error: secret "') and m.endswith('" not found') for m in messages)
    assert any(m.startswith("Back-off restarting failed container nginx") for m in messages)

    not_ready = [hr["status"]["conditions"][0]["message"] for hr in _kinds(small, "HelmRelease")
                 if hr["status"]["conditions"][0]["status"] == "False"]
    assert 0 < len(not_ready) <= len(_kinds(small, "HelmRelease")) // 2
    assert any("pre-upgrade hooks failed" in m for m in not_ready)
    assert any(m.endswith("context deadline exceeded") for m in not_ready)
    dep = next(m for m in not_ready if m.startswith("dependency '"))
    # the release it waits on is the one whose hook fails, and no Service of that name exists
    waited = dep.split("'")[1]
    ns, name = waited.split("/")
    assert any(m.startswith(f"Helm upgrade failed for release {waited} ") and "hooks" in m
               for m in not_ready)
    assert not any(s["metadata"]["name"] == name and s["metadata"]["namespace"] == ns
                   for s in _kinds(small, "Service"))
    previous = [text for key, text in small.dump.logs.items() if key.previous]
    assert any(f'host not found in upstream "{name}"' in t for t in previous)


def test_pods_are_owned_labelled_and_full_size(small):
    owners = {o["metadata"]["uid"]: o for o in small.dump.objects if o["kind"] in
              ("ReplicaSet", "Deployment")}
    for pod in _kinds(small, "Pod"):
        rs = owners[pod["metadata"]["ownerReferences"][0]["uid"]]
        deploy = owners[rs["metadata"]["ownerReferences"][0]["uid"]]
        labels = pod["metadata"]["labels"]
        assert labels["pod-template-hash"] == rs["metadata"]["name"].rsplit("-", 1)[1]
        assert labels["helm.toolkit.fluxcd.io/name"] == deploy["metadata"]["name"]
        assert labels["app.kubernetes.io/instance"] == deploy["metadata"]["name"]
        assert deploy["metadata"]["annotations"]["meta.helm.sh/release-name"] == \
            deploy["metadata"]["name"]
    sizes = [len(orjson.dumps(p)) for p in _kinds(small, "Pod")]
    assert 5000 <= sum(sizes) / len(sizes) <= 7500


def test_same_seed_same_cluster_other_seed_other_cluster():
    a = generate_scenario(pods=60, events=150, helmreleases=8, seed=3, now=NOW)
    b = generate_scenario(pods=60, events=150, helmreleases=8, seed=3, now=NOW)
    c = generate_scenario(pods=60, events=150, helmreleases=8, seed=4, now=NOW)
    assert orjson.dumps(a.dump.objects) == orjson.dumps(b.dump.objects)
    assert a.dump.logs == b.dump.logs
    assert orjson.dumps(a.dump.objects) != orjson.dumps(c.dump.objects)


def _crd_schemas():
    out = {}
    for path in CRDS.glob("*.yaml"):
        crd = yaml.safe_load(path.read_text())
        for version in crd["spec"]["versions"]:
            out[(f"{crd['spec']['group']}/{version['name']}", crd["spec"]["names"]["kind"])] = \
                version["schema"]["openAPIV3Schema"]
    return out


def _shape(obj):
    """Objects of one shape differ only in names, uids, times and counts: validating one of each
    keeps the test fast (kubernetes_validate rereads its schemas on every call)."""
    if obj["kind"] == "Pod":
        status = obj["status"]["containerStatuses"][0]
        return ("Pod", obj["metadata"]["ownerReferences"][0]["uid"], _waiting(obj),
                bool(status["lastState"]))
    if obj["kind"] == "Event":
        return ("Event", obj["type"], obj["reason"], obj["involvedObject"]["kind"])
    return id(obj)


@needs_crds
def test_a_small_cluster_validates(small):
    schemas = _crd_schemas()
    errors = []
    shapes = {_shape(o): o for o in small.dump.objects}
    for obj in shapes.values():
        key = (obj["apiVersion"], obj["kind"])
        where = f"{obj['kind']} {obj['metadata'].get('namespace')}/{obj['metadata']['name']}"
        try:
            if obj["apiVersion"].endswith((".fluxcd.io/v1", ".fluxcd.io/v2")):
                jsonschema.validate(obj, schemas[key])
            else:
                kubernetes_validate.validate(obj, "1.31", strict=True)
        except (jsonschema.ValidationError, kubernetes_validate.ValidationError) as exc:
            errors.append(f"{where}: {exc.message}")
    assert errors == []


async def _watch(api_call, counts: Counter, kind: str, **kwargs) -> None:
    """Count a raw watch's events (kubernetes-asyncio, raw JSON lines, no model classes)."""
    listed = orjson.loads(await (await api_call(_preload_content=False, **kwargs)).read())
    resp = await api_call(watch=True, resource_version=listed["metadata"]["resourceVersion"],
                          allow_watch_bookmarks=False, timeout_seconds=30,
                          _preload_content=False, **kwargs)
    counts[kind] += 0
    async for line in resp.content:
        event = orjson.loads(line)
        counts[(kind, event["type"])] += 1


async def test_churn_through_a_running_server_is_seen_by_a_watch():
    from kubernetes_asyncio import client

    from kubetriage.core.resources import by_kind
    from kubetriage.sim.churn import churn
    from kubetriage.sim.server import SimServer

    scenario = generate_scenario(pods=300, events=900, helmreleases=30, seed=5)
    async with SimServer(scenario) as sim:
        config = client.Configuration(host=sim.url)
        async with client.ApiClient(config) as api:
            core, custom = client.CoreV1Api(api), client.CustomObjectsApi(api)
            seen: Counter = Counter()
            watches = [
                asyncio.create_task(_watch(core.list_pod_for_all_namespaces, seen, "Pod")),
                asyncio.create_task(_watch(core.list_event_for_all_namespaces, seen, "Event")),
                asyncio.create_task(_watch(custom.list_cluster_custom_object, seen, "HelmRelease",
                                           group="helm.toolkit.fluxcd.io", version="v2",
                                           plural="helmreleases"))]
            while len(seen) < 3:  # every watch is open
                await asyncio.sleep(0.01)
            start_rv = sim.state.rv
            task = asyncio.create_task(churn(sim.state, 300, seed=2))
            await asyncio.sleep(1.0)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            # churn's own writes; controllers (endpoints) also write, to kinds not counted here
            writes = sum(len(sim.state.changes_since(by_kind(v, k), start_rv))
                         for v, k in (("v1", "Pod"), ("v1", "Event"),
                                      ("helm.toolkit.fluxcd.io/v2", "HelmRelease")))
            await asyncio.sleep(0.3)  # the last changes reach the watchers
            for w in watches:
                w.cancel()
            await asyncio.gather(*watches, return_exceptions=True)
    # churn's rate is bench/generate.py's to measure: a loaded machine gave 80 of 300 here
    assert writes >= 30, writes
    assert sum(n for k, n in seen.items() if isinstance(k, tuple)) == writes
    for kind in ("Pod", "Event", "HelmRelease"):
        assert seen[(kind, "MODIFIED")] > 0
    assert seen[("Pod", "DELETED")] > 0 and seen[("Pod", "ADDED")] > 0
    assert seen[("Event", "ADDED")] > 0


@needs_crds
async def test_churn_writes_valid_objects_and_raises_restart_counts():
    from kubetriage.core import resources
    from kubetriage.sim.churn import churn
    from kubetriage.sim.state import ClusterState

    scenario = generate_scenario(pods=100, events=300, helmreleases=10, seed=9)
    state = ClusterState(scenario.dump.objects, scenario.dump.logs)
    pod_res = resources.by_kind("v1", "Pod")
    before = {p["metadata"]["name"]: p["status"]["containerStatuses"][0]["restartCount"]
              for p in state.list(pod_res) if _waiting(p) == "CrashLoopBackOff"}
    changes = []
    state.listeners.append(changes.append)
    task = asyncio.create_task(churn(state, 1000, seed=1))
    # a number of writes, not a time: on a loaded machine 0.3 s made too few for one restart
    deadline = time.monotonic() + 30
    while len(changes) < WRITES and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    after = {p["metadata"]["name"]: p["status"]["containerStatuses"][0]["restartCount"]
             for p in state.list(pod_res) if p["metadata"]["name"] in before}
    assert sum(after.values()) > sum(before.values())
    assert len(state.list(pod_res)) == 100  # every deleted pod was replaced

    schemas = _crd_schemas()
    latest = {}
    for change in changes:
        if change.type != "DELETED":
            obj = change.obj
            detail = _waiting(obj) if obj["kind"] == "Pod" else obj.get("reason")
            latest[(obj["kind"], change.type, detail)] = obj
    assert {k[:2] for k in latest} >= {("Pod", "ADDED"), ("Pod", "MODIFIED"), ("Event", "ADDED"),
                                       ("Event", "MODIFIED"), ("HelmRelease", "MODIFIED")}
    for obj in latest.values():
        if obj["kind"] == "HelmRelease":
            jsonschema.validate(obj, schemas[(obj["apiVersion"], obj["kind"])])
        else:
            kubernetes_validate.validate(obj, "1.31", strict=True)


def test_kubectl_pages_through_ten_thousand_pods(tmp_path):
    from kubetriage.sim.server import run_in_thread

    # few events: loading them into the server is time this test does not need
    scenario = generate_scenario(pods=10000, events=1000, helmreleases=500)
    with run_in_thread(scenario) as sim:
        config = sim.write_kubeconfig(tmp_path / "config")
        out = subprocess.run(["kubectl", "--kubeconfig", str(config), "get", "pods", "-A",
                              "--no-headers", "-v=6"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    rows = out.stdout.splitlines()
    assert len(rows) == 10000
    pages = [line for line in out.stderr.splitlines()
             if "/api/v1/pods?" in line and "200 OK" in line]
    assert len(pages) == 20  # kubectl's default chunks of 500, every continue token honoured
    statuses = Counter(row.split()[3] for row in rows)
    assert statuses["Running"] > 9500
    assert {"CrashLoopBackOff", "ImagePullBackOff", "CreateContainerConfigError"} <= set(statuses)
