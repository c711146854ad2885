"""registry-rebuild (seed 001, TASK-003) as loaded from its files: the seed's numbers and lines."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from kubetriage.sim.scenario import load

X509 = "x509: certificate signed by unknown authority"
FAILING = {
    "midwestmtg/midwestmtg-backend", "midwestmtg/midwestmtg-frontend",
    "midwestmtg/midwestmtg-discord-bot", "triager/ccbot", "triager/triager-orchestrator",
    "triager/triager-intake-worker", "triager/triager-classifier-worker",
    "triager/triager-research-worker", "triager/triager-notifier-worker",
    "triager/triager-redis", "infrastructure/velero"}


@pytest.fixture(scope="module")
def scenario():
    return load("registry-rebuild")


def _kind(scenario, kind):
    return [o for o in scenario.dump.objects if o["kind"] == kind]


def _ready(obj) -> str:
    return next(c["status"] for c in obj["status"]["conditions"] if c["type"] == "Ready")


def _name(obj) -> str:
    return f"{obj['metadata']['namespace']}/{obj['metadata']['name']}"


def test_27_releases_16_ready_and_the_11_the_seed_names_failing(scenario):
    releases = _kind(scenario, "HelmRelease")
    assert len(releases) == 27
    assert Counter(_ready(r) for r in releases) == {"True": 16, "False": 11}
    assert {_name(r) for r in releases if _ready(r) == "False"} == FAILING


def test_failure_messages_are_the_seeds(scenario):
    msg = {_name(r): next(c["message"] for c in r["status"]["conditions"] if c["type"] == "Ready")
           for r in _kind(scenario, "HelmRelease")}
    assert msg["midwestmtg/midwestmtg-backend"].endswith(
        "pre-upgrade hooks failed: timed out waiting for the condition")
    assert msg["triager/triager-orchestrator"] == (
        "Helm upgrade failed for release triager/triager-orchestrator with chart "
        "triager-orchestrator@0.1.1: context deadline exceeded")
    assert msg["midwestmtg/midwestmtg-discord-bot"] == (
        "dependency 'midwestmtg/midwestmtg-backend' is not ready")
    assert msg["ffl/ffl-backend"] == (
        "Helm upgrade succeeded for release ffl/ffl-backend.v5 with chart ffl-backend@0.1.18")


def test_x509_failures_come_from_the_one_registry_on_the_one_node(scenario):
    pods = {o["metadata"]["uid"]: o for o in _kind(scenario, "Pod")}
    x509 = [e for e in _kind(scenario, "Event") if X509 in e["message"]]
    failing = {pods[e["involvedObject"]["uid"]]["metadata"]["name"].rsplit("-", 2)[0]
               for e in x509}
    assert failing == {"istio-ingressgateway", "ffl-backend", "ffl-frontend",
                       "midwestmtg-backend"}
    assert all('Get "https://192.168.7.21:5000/v2/"' in e["message"] for e in x509)
    assert {p["spec"]["nodeName"] for p in pods.values()} == {"beckerbox"}
    assert [n["metadata"]["name"] for n in _kind(scenario, "Node")] == ["beckerbox"]


def _waiting(pod, key="containerStatuses"):
    return pod["status"].get(key, [{}])[0].get("state", {}).get("waiting", {})


def test_pods_show_the_statuses_of_the_seed(scenario):
    reasons = Counter(_waiting(p).get("reason") for p in _kind(scenario, "Pod"))
    assert reasons["ImagePullBackOff"] == 6
    assert reasons["CreateContainerConfigError"] == 7
    assert reasons["CrashLoopBackOff"] == 1
    velero = next(p for p in _kind(scenario, "Pod")
                  if p["metadata"]["name"].startswith("velero-upgrade-crds-"))
    assert _waiting(velero, "initContainerStatuses") == {
        "reason": "ImagePullBackOff",
        "message": 'Back-off pulling image "docker.io/bitnami/kubectl:1.31"'}


def test_sealed_secrets_no_key_decrypts_and_their_secrets_are_missing(scenario):
    sealed = _kind(scenario, "SealedSecret")
    unsynced = {_name(s): s["status"]["conditions"][0] for s in sealed
                if s["status"]["conditions"][0]["status"] == "False"}
    assert set(unsynced) == {"midwestmtg/midwestmtg-database-secret",
                             "midwestmtg/midwestmtg-discord-secret", "triager/triager-secrets",
                             "triager/ccbot-secrets", "triager/triager-redis-secret"}
    assert all(c["message"].startswith("no key could decrypt secret (") and c["type"] == "Synced"
               for c in unsynced.values())
    secrets = {_name(s) for s in _kind(scenario, "Secret")}
    assert not secrets & set(unsynced)
    events = {e["involvedObject"]["name"] for e in _kind(scenario, "Event")
              if e["reason"] == "ErrUnsealFailed"
              and e["message"].startswith("Failed to unseal: no key could decrypt secret")}
    assert events == {n.split("/")[1] for n in unsynced}


def test_hook_jobs_and_flux_sources(scenario):
    hooks = {_name(j): j for j in _kind(scenario, "Job")
             if "helm.sh/hook" in j["metadata"].get("annotations", {})}
    assert set(hooks) == {"midwestmtg/midwestmtg-backend-migrate", "ffl/ffl-backend-migrate",
                          "velero/velero-upgrade-crds"}
    assert hooks["midwestmtg/midwestmtg-backend-migrate"]["status"]["active"] == 1
    ks = {_name(k): _ready(k) for k in _kind(scenario, "Kustomization")}
    assert ks["flux-system/clusters-minikube"] == "True"
    assert [_ready(g) for g in _kind(scenario, "GitRepository")] == ["True"]
    charts = {c["metadata"]["name"] for c in _kind(scenario, "HelmChart")}
    assert {f"{r['metadata']['namespace']}-{r['metadata']['name']}"
            for r in _kind(scenario, "HelmRelease")} == charts


def test_timeline_trusts_the_registry_after_120_seconds(scenario):
    """Before 120 s the x509 events keep counting; at 120 s those pods run (the migration hook
    then waits for its missing Secret) and no x509 event is bumped after."""
    pods = {e["involvedObject"]["name"] for e in _kind(scenario, "Event") if X509 in e["message"]}
    pull_events = {e["metadata"]["name"] for e in _kind(scenario, "Event")
                   if e["involvedObject"]["name"] in pods}
    steps = scenario.timeline.steps
    bumps = [s for s in steps if s.bump_event and s.bump_event.name in pull_events]
    assert bumps and all(s.every is None or s.times for s in bumps)
    assert max(s.at + (s.every or 0) * ((s.times or 1) - 1) for s in bumps) < 120
    patched = {s.patch.name: s.patch.merge["status"] for s in steps
               if s.patch and s.patch.kind == "Pod"}
    assert len(patched) == 6 and {s.at for s in steps if s.patch and s.patch.kind == "Pod"} \
        == {120}
    states = {name.rsplit("-", 2)[0]: st["containerStatuses"][0]["state"]
              for name, st in patched.items()}
    assert states["midwestmtg-backend"] == {"waiting": {
        "reason": "CreateContainerConfigError",
        "message": 'secret "midwestmtg-database-secret" not found'}}
    assert all("running" in s for n, s in states.items() if n != "midwestmtg-backend")


def test_patched_times_read_as_recent(scenario):
    """A status the timeline patches in carries times shifted like the dump's: a container that
    starts at 120 s reads as started two minutes after the demo began, not in October 2025."""
    started = {s.patch.merge["status"]["containerStatuses"][0]["state"]
               .get("running", {}).get("startedAt") for s in scenario.timeline.steps
               if s.patch and s.patch.kind == "Pod"} - {None}
    assert len(started) == 1
    ahead = datetime.fromisoformat(started.pop().replace("Z", "+00:00")) - datetime.now(
        UTC)
    assert 100 < ahead.total_seconds() <= 120
