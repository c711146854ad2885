"""The midwestmtg scenario says what seed 000 (TASK-008) says, in its words and numbers.

Read from the dump as `scenario.load` gives it (no server): what an operator would see with
kubectl and helm on that cluster at the seed's "now", 2025-10-18 01:30.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest

from kubetriage.cluster.dump import LogKey
from kubetriage.core import helm
from kubetriage.sim import scenario

NS = "midwestmtg"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ALEMBIC = ("Multiple head revisions are present for given argument 'head'; please specify a "
           "specific target revision, '<branchname>@head' to narrow to a specific head, or "
           "'heads' for all heads")
NGINX = 'nginx: [emerg] host not found in upstream "midwestmtg-backend" in /etc/nginx/nginx.conf:34'
BAD_IMAGE = "registry.flux-system.svc.cluster.local:5000/midwestmtg-frontend:0.12.0"


@pytest.fixture(scope="module")
def sc() -> scenario.Scenario:
    return scenario.load("midwestmtg", now=NOW)


def get(sc: scenario.Scenario, kind: str, name: str, ns: str | None = NS) -> dict:
    found = [o for o in sc.dump.objects if o["kind"] == kind and o["metadata"]["name"] == name
             and o["metadata"].get("namespace") == ns]
    assert found, f"no {kind} {ns}/{name}"
    return found[0]


def names(sc: scenario.Scenario, kind: str, ns: str | None = NS) -> set[str]:
    return {o["metadata"]["name"] for o in sc.dump.objects
            if o["kind"] == kind and o["metadata"].get("namespace") == ns}


def ready(obj: dict) -> dict:
    return next(c for c in obj["status"]["conditions"] if c["type"] == "Ready")


def age(obj: dict) -> timedelta:
    created = datetime.fromisoformat(obj["metadata"]["creationTimestamp"].replace("Z", "+00:00"))
    return NOW - created


def events_about(sc: scenario.Scenario, name: str) -> list[dict]:
    return [o for o in sc.dump.objects if o["kind"] == "Event"
            and o["involvedObject"]["name"] == name]


def test_the_helmreleases_table_of_the_seed(sc: scenario.Scenario) -> None:
    """NAME / AGE 26h / READY / STATUS, as `kubectl get hr -n midwestmtg` prints them."""
    rows = {name: (ready(hr)["status"], ready(hr)["message"], age(hr))
            for name in names(sc, "HelmRelease") for hr in [get(sc, "HelmRelease", name)]}
    assert set(rows) == {"midwestmtg-backend", "midwestmtg-frontend", "midwestmtg-discord-bot",
                         "redis"}
    assert all(a == timedelta(hours=26) for _, _, a in rows.values())
    status, message, _ = rows["midwestmtg-backend"]
    assert status == "False"
    assert message.startswith("Helm upgrade failed for release midwestmtg/midwestmtg-backend with "
                              "chart midwestmtg-backend@0.1.13: pre-upgrade hooks failed: 1 error "
                              "occurred")
    assert rows["midwestmtg-frontend"][:2] == (
        "False", "Helm upgrade failed for release midwestmtg/midwestmtg-frontend with chart "
                 "midwestmtg-frontend@0.2.0: context deadline exceeded")
    assert rows["midwestmtg-discord-bot"][:2] == (
        "False", "dependency 'midwestmtg/midwestmtg-backend' is not ready")
    assert rows["redis"][0] == "True"
    assert rows["redis"][1].startswith("Helm install succeeded for release midwestmtg/redis.v1")


def test_backend_failed_four_upgrades_in_its_pre_upgrade_hook(sc: scenario.Scenario) -> None:
    hr = get(sc, "HelmRelease", "midwestmtg-backend")
    assert ready(hr)["reason"] == "UpgradeFailed"
    assert hr["status"]["upgradeFailures"] == 4
    released = next(c for c in hr["status"]["conditions"] if c["type"] == "Released")
    assert (released["status"], released["reason"]) == ("False", "UpgradeFailed")
    rows = helm.history(sc.dump.objects, name="midwestmtg-backend")
    upgrades = [r for r in rows if r.description.startswith('Upgrade "midwestmtg-backend" failed')]
    assert len(upgrades) == 4
    assert all(r.status == "failed" and "pre-upgrade hooks failed" in r.description
               and r.chart == "midwestmtg-backend-0.1.13" for r in upgrades)
    assert [r.revision for r in rows] == [1, 2, 3, 4, 5]
    assert not any(r.status == "deployed" for r in rows), "a deployed revision would have " \
        "left the backend's Service behind"


def test_the_migration_hook_and_its_crash_looping_pod(sc: scenario.Scenario) -> None:
    job = get(sc, "Job", "midwestmtg-backend-migration")
    ann = job["metadata"]["annotations"]
    assert "pre-upgrade" in ann["helm.sh/hook"].split(",")
    assert {"helm.sh/hook-weight", "helm.sh/hook-delete-policy"} <= set(ann)
    assert job["spec"]["activeDeadlineSeconds"] == 1800
    assert job["metadata"]["labels"]["helm.toolkit.fluxcd.io/name"] == "midwestmtg-backend"
    pod = get(sc, "Pod", "midwestmtg-backend-migration-kwtdz")
    assert pod["metadata"]["ownerReferences"][0]["uid"] == job["metadata"]["uid"]
    assert pod["metadata"]["labels"]["job-name"] == "midwestmtg-backend-migration"
    state = pod["status"]["containerStatuses"][0]["state"]
    assert state["waiting"]["reason"] == "CrashLoopBackOff"
    for previous in (False, True):
        log = sc.dump.logs[LogKey(NS, "midwestmtg-backend-migration-kwtdz", "migration",
                                  previous)].splitlines()
        assert log[:3] == ["INFO  [alembic.runtime.migration] Context impl PostgresqlImpl.",
                           "INFO  [alembic.runtime.migration] Will assume transactional DDL.",
                           f"ERROR [alembic.util.messaging] {ALEMBIC}"]
        assert f"FAILED: {ALEMBIC}" in log


def test_no_backend_service_and_no_backend_pods(sc: scenario.Scenario) -> None:
    assert "midwestmtg-backend" not in names(sc, "Service")
    assert "midwestmtg-backend" not in names(sc, "Deployment")
    backend_pods = [p for p in names(sc, "Pod") if p.startswith("midwestmtg-backend-")
                    and "migration" not in p]
    assert backend_pods == []


def test_the_frontend_pods_of_the_seed(sc: scenario.Scenario) -> None:
    x48qh = get(sc, "Pod", "midwestmtg-frontend-7797b494d9-x48qh")
    st = x48qh["status"]["containerStatuses"][0]
    assert (st["name"], st["restartCount"], st["ready"]) == ("frontend", 67, False)
    assert st["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    previous = sc.dump.logs[LogKey(NS, x48qh["metadata"]["name"], "frontend", True)]
    assert NGINX in previous.splitlines()
    ww4w8 = get(sc, "Pod", "midwestmtg-frontend-bb7d869dd-ww4w8")
    st = ww4w8["status"]["containerStatuses"][0]
    assert st["state"]["waiting"]["reason"] == "ImagePullBackOff"
    assert st["image"] == BAD_IMAGE
    for pod, rs in ((x48qh, "midwestmtg-frontend-7797b494d9"),
                    (ww4w8, "midwestmtg-frontend-bb7d869dd")):
        owner = pod["metadata"]["ownerReferences"][0]
        assert (owner["kind"], owner["name"]) == ("ReplicaSet", rs)
        assert get(sc, "ReplicaSet", rs)["metadata"]["ownerReferences"][0]["name"] == \
            "midwestmtg-frontend"
    assert "midwestmtg-frontend" in names(sc, "Service")


def test_the_frontend_values_say_one_tag_the_pod_pulls_another(sc: scenario.Scenario) -> None:
    hr = get(sc, "HelmRelease", "midwestmtg-frontend")
    assert hr["spec"]["chart"]["spec"]["version"] == ">=0.2.0 <1.0.0"
    image = hr["spec"]["values"]["image"]
    assert image == {"repository": "registry.flux-system.svc.cluster.local:5000/"
                                   "midwestmtg-frontend", "tag": "0.1.12",
                     "pullPolicy": "IfNotPresent"}
    pull_failed = [e for e in events_about(sc, "midwestmtg-frontend-bb7d869dd-ww4w8")
                   if e["reason"] == "Failed" and e["message"].startswith("Failed to pull image")]
    assert len(pull_failed) == 1
    assert pull_failed[0]["message"].startswith(f'Failed to pull image "{BAD_IMAGE}"')
    assert "manifest unknown" in pull_failed[0]["message"]


def test_discord_bot_waits_for_the_backend_and_has_no_pods(sc: scenario.Scenario) -> None:
    hr = get(sc, "HelmRelease", "midwestmtg-discord-bot")
    assert hr["spec"]["dependsOn"] == [{"name": "midwestmtg-backend"}]
    assert ready(hr)["reason"] == "DependencyNotReady"
    assert not [p for p in names(sc, "Pod") if "discord" in p]


def test_the_four_secrets_by_key_count_with_dummy_values(sc: scenario.Scenario) -> None:
    expected = {"midwestmtg-database-secret": 2, "midwestmtg-discord-secret": 5,
                "midwestmtg-app-secret": 2, "discord-bot-secrets": 3}
    for name, keys in expected.items():
        secret = get(sc, "Secret", name)
        assert (secret["type"], len(secret["data"])) == ("Opaque", keys)
        for value in secret["data"].values():
            text = base64.b64decode(value).decode()
            assert "dummy" in text or set(text) <= set("0") or text.startswith("http://")
        sealed = get(sc, "SealedSecret", name)
        synced = sealed["status"]["conditions"][0]
        assert (synced["type"], synced["status"]) == ("Synced", "True")
        assert secret["metadata"]["ownerReferences"][0]["uid"] == sealed["metadata"]["uid"]


def test_redis_is_healthy(sc: scenario.Scenario) -> None:
    pod = get(sc, "Pod", "redis-master-0")
    assert pod["status"]["phase"] == "Running"
    assert all(s["ready"] and s["restartCount"] == 0 for s in pod["status"]["containerStatuses"])
    assert "redis-master" in names(sc, "Service")


def test_warning_events_with_kubelet_wording_and_counts(sc: scenario.Scenario) -> None:
    x48qh = get(sc, "Pod", "midwestmtg-frontend-7797b494d9-x48qh")
    backoff = next(e for e in events_about(sc, x48qh["metadata"]["name"])
                   if e["reason"] == "BackOff")
    assert backoff["type"] == "Warning"
    assert backoff["message"] == ("Back-off restarting failed container frontend in pod "
                                  f"midwestmtg-frontend-7797b494d9-x48qh_midwestmtg"
                                  f"({x48qh['metadata']['uid']})")
    assert backoff["count"] > 67
    assert backoff["involvedObject"]["uid"] == x48qh["metadata"]["uid"]
    pulling = [e for e in events_about(sc, "midwestmtg-frontend-bb7d869dd-ww4w8")
               if e["reason"] == "BackOff"]
    assert pulling[0]["message"] == f'Back-off pulling image "{BAD_IMAGE}"'
    failed = next(e for e in events_about(sc, "midwestmtg-backend")
                  if e["reason"] == "UpgradeFailed")
    assert (failed["type"], failed["source"]["component"]) == ("Warning", "helm-controller")
    assert "pre-upgrade hooks failed" in failed["message"]


def test_helm_release_secrets_are_stored_as_helm_stores_them(sc: scenario.Scenario) -> None:
    secret = get(sc, "Secret", "sh.helm.release.v1.midwestmtg-backend.v5")
    assert secret["type"] == "helm.sh/release.v1"
    assert {k: secret["metadata"]["labels"][k] for k in ("name", "owner", "status", "version")} \
        == {"name": "midwestmtg-backend", "owner": "helm", "status": "failed", "version": "5"}
    # base64 (the Secret's) of base64 (helm's) of gzip: helm's own writer starts "H4sI"
    assert base64.b64decode(secret["data"]["release"]).startswith(b"H4sIAAAAAAAC/")
    release = helm.decode_release(secret)
    assert release["hooks"][0]["events"] == ["pre-install", "pre-upgrade"]
    assert release["chart"]["metadata"]["version"] == "0.1.13"
    assert helm.decode_release(helm.release_secret(release)) == release
    frontend = helm.history(sc.dump.objects, name="midwestmtg-frontend")
    assert frontend[-1].description == 'Upgrade "midwestmtg-frontend" failed: context deadline ' \
                                       "exceeded"
    assert frontend[-1].chart == "midwestmtg-frontend-0.2.0"
    assert frontend[-1].app_version == "0.12.0"


def test_a_corrupt_release_secret_is_one_clear_error() -> None:
    bad = {"kind": "Secret", "type": "helm.sh/release.v1",
           "metadata": {"name": "sh.helm.release.v1.x.v1", "labels": {"name": "x"}},
           "data": {"release": base64.b64encode(b"not base64 at all!").decode()}}
    with pytest.raises(helm.HelmDecodeError, match=r"^secret sh\.helm\.release\.v1\.x\.v1: "):
        helm.history([bad])


def test_the_timeline_keeps_the_crash_loop_going(sc: scenario.Scenario) -> None:
    steps = sc.timeline.steps
    restarts = [s for s in steps if s.restart and s.restart.pod.endswith("x48qh")]
    assert restarts and restarts[0].every <= 60 and restarts[0].times is None
    backoff = next(e for e in events_about(sc, "midwestmtg-frontend-7797b494d9-x48qh")
                   if e["reason"] == "BackOff")
    assert any(s.bump_event and s.bump_event.name == backoff["metadata"]["name"] for s in steps)
    assert sc.timeline.recorded_at == datetime(2025, 10, 18, 1, 30, tzinfo=UTC)


def test_the_fix_forward_replaces_the_stuck_hook_as_helm_does(sc: scenario.Scenario) -> None:
    """The backend's attempt (after a reset: its retries are exhausted) deletes the stuck hook
    Job before creating the new one (before-hook-creation): no unless_exists."""
    outcome = sc.timeline.reconcile["midwestmtg/midwestmtg-backend"]
    assert outcome.unless_exists is None
    first_delete = next(s.delete for s in outcome.steps if s.delete and s.delete.kind == "Job")
    assert first_delete.name == "midwestmtg-backend-migration"
    created = {(s.create["kind"], s.create["metadata"]["name"]) for s in outcome.steps
               if s.create}
    assert ("Service", "midwestmtg-backend") in created
    assert ("Job", "midwestmtg-backend-migration") in created
    last_hr = [s.patch.merge for s in outcome.steps
               if s.patch and s.patch.kind == "HelmRelease" and s.patch.name == "midwestmtg-backend"]
    final = ready(last_hr[-1])
    assert (final["status"], final["message"]) == (
        "True", "Helm upgrade succeeded for release midwestmtg/midwestmtg-backend.v6 with chart "
                "midwestmtg-backend@0.1.13")
