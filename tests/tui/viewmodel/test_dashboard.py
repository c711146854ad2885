"""DashboardModel: store changes in, panel rows out (each row as its source, drawn by rows.py's
builders). Pods and releases count into their namespace's row, events with the same object,
reason and message fold into one row whose count is their sum, `:ns` keeps one namespace's rows,
and a report marks namespaces by their worst finding. Pure: no screen, no server."""

from __future__ import annotations

from datetime import UTC, datetime

from kubetriage.checks.finding import Finding, ObjectRef, Report
from kubetriage.cluster.store import StoreChange
from kubetriage.tui.viewmodel import rows
from kubetriage.tui.viewmodel.dashboard import DashboardModel

NOW = datetime(2025, 10, 18, 1, 30, tzinfo=UTC)


def pod(ns: str, name: str, waiting: str | None = None) -> dict:
    state = {"waiting": {"reason": waiting}} if waiting else {"running": {}}
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"namespace": ns, "name": name, "resourceVersion": "1",
                         "creationTimestamp": "2025-10-18T01:00:00Z"},
            "spec": {"nodeName": "node-1", "containers": [{"name": "app", "image": "app:1.2"}]},
            "status": {"phase": "Running" if not waiting else "Pending",
                       "containerStatuses": [{"name": "app", "ready": not waiting,
                                              "restartCount": 3 if waiting else 0,
                                              "state": state}]}}


def release(ns: str, name: str, ready: str) -> dict:
    return {"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
            "metadata": {"namespace": ns, "name": name, "resourceVersion": "1",
                         "creationTimestamp": "2025-10-18T01:00:00Z"},
            "spec": {"chart": {"spec": {"chart": name, "version": "1.0.0"}}},
            "status": {"conditions": [{"type": "Ready", "status": ready,
                                       "reason": "Succeeded" if ready == "True" else "Failed"}]}}


def event(ns: str, name: str, count: int, reason: str = "BackOff",
          last: str = "2025-10-18T01:29:00Z") -> dict:
    return {"apiVersion": "v1", "kind": "Event", "type": "Warning", "reason": reason,
            "message": "Back-off  restarting failed container", "count": count,
            "lastTimestamp": last,
            "metadata": {"namespace": ns, "name": name, "resourceVersion": "1"},
            "involvedObject": {"kind": "Pod", "namespace": ns, "name": "web-1"}}


def added(obj: dict) -> StoreChange:
    meta = obj["metadata"]
    return StoreChange("ADDED", obj["kind"], meta.get("namespace"), meta["name"], obj, 1)


def deleted(obj: dict) -> StoreChange:
    change = added(obj)
    change.type = "DELETED"
    return change


def plain(cells) -> list[str]:
    return [c.plain for c in cells]


def drawn(update, key, build) -> list[str]:
    """What the table shows of the row: its source built into cells, as when drawn."""
    return plain(build(update.upserts[key], NOW))


def test_failing_pods_read_as_errors_come_first_and_count_in_their_namespace():
    model = DashboardModel()
    out = model.apply([added(pod("shop", "web-1")), added(pod("shop", "web-2", "CrashLoopBackOff"))],
                      NOW)
    web2 = rows.pod_row(out.pods.upserts[("Pod", "shop", "web-2")], NOW)
    assert plain(web2)[:4] == ["web-2", "0/1", "CrashLoopBackOff", "3"]
    assert [c.style for c in web2[1:3]] == ["error", "error"]
    assert out.pods.severities[("Pod", "shop", "web-2")] == "error"
    assert out.pods.severities.get(("Pod", "shop", "web-1")) is None
    assert min(out.pods.sort_keys, key=out.pods.sort_keys.__getitem__) == ("Pod", "shop", "web-2")
    assert model.pods_failing() == 1
    ns_row = out.namespaces.upserts[("Namespace", None, "shop")]
    assert plain(ns_row) == ["●", "shop", "2", "1", "0/0"] and ns_row[0].style == "error"


def test_a_pod_deleted_leaves_its_namespace_row_when_it_was_the_last():
    model = DashboardModel()
    web = pod("shop", "web-1", "ImagePullBackOff")
    model.apply([added(web)], NOW)
    out = model.apply([deleted(web)], NOW)
    assert out.pods.deletes == {("Pod", "shop", "web-1")}
    assert out.namespaces.deletes == {("Namespace", None, "shop")}
    assert model.pods_failing() == 0


def test_a_listed_namespace_keeps_its_row_without_pods():
    model = DashboardModel()
    namespace = {"kind": "Namespace", "metadata": {"name": "empty", "resourceVersion": "1"}}
    out = model.apply([added(namespace)], NOW)
    assert plain(out.namespaces.upserts[("Namespace", None, "empty")]) == \
        ["●", "empty", "0", "0", "0/0"]


def test_releases_count_ready_and_not_ready_ones_read_as_errors():
    model = DashboardModel()
    out = model.apply([added(release("shop", "api", "False")), added(release("shop", "db", "True"))],
                      NOW)
    api = rows.release_row(out.releases.upserts[("HelmRelease", "shop", "api")], NOW)
    assert plain(api)[:5] == ["api", "hr", "False", "Failed", "api@1.0.0"]
    assert api[2].style == "error"
    assert out.releases.severities[("HelmRelease", "shop", "api")] == "error"
    assert model.releases_ready() == (1, 2)
    assert plain(out.namespaces.upserts[("Namespace", None, "shop")])[-1] == "1/2"


def test_repeated_events_fold_into_one_row_whose_count_follows_them():
    model = DashboardModel()
    first, second = event("shop", "e1", 2), event("shop", "e2", 5, last="2025-10-18T01:29:30Z")
    out = model.apply([added(first), added(second)], NOW)
    assert len(out.events.upserts) == 1
    (fold, folded), = out.events.upserts.items()
    assert plain(rows.event_row(folded, NOW)) == ["30s", "Warning", "BackOff", "pod/web-1", "7",
                            "Back-off  restarting failed container"]
    assert model.warnings(NOW) == 1

    out = model.apply([deleted(second)], NOW)
    last, _, _, _, count, _ = drawn(out.events, fold, rows.event_row)
    assert (last, count) == ("60s", "2"), "the fold is now the remaining event alone"
    out = model.apply([deleted(first)], NOW)
    assert out.events.deletes == {fold} and not model.folded


def test_events_fold_whatever_their_message_spacing_but_not_across_reasons_or_objects():
    model = DashboardModel()
    spaced = event("shop", "e1", 2)  # "Back-off  restarting failed container": two spaces
    wrapped = {**event("shop", "e2", 3), "message": "Back-off restarting\nfailed container "}
    other_reason = event("shop", "e3", 1, reason="Failed")
    other_pod = {**event("shop", "e4", 1), "involvedObject": {"kind": "Pod", "name": "web-2"}}
    out = model.apply([added(e) for e in (spaced, wrapped, other_reason, other_pod)], NOW)
    counts = sorted((f.reason, f.target[1], f.count) for f in out.events.upserts.values())
    assert counts == [("BackOff", "web-1", 5), ("BackOff", "web-2", 1), ("Failed", "web-1", 1)]
    # the launch's one-pass fold agrees with the batches'
    launch = DashboardModel().fold_all([spaced, wrapped, other_reason, other_pod], NOW)
    assert sorted((f.reason, f.target[1], f.count) for f in launch.upserts.values()) == counts


def test_a_namespace_view_keeps_only_that_namespace():
    model = DashboardModel(namespace="shop")
    out = model.apply([added(pod("shop", "web-1")), added(pod("other", "db-0", "Error"))], NOW)
    assert set(out.pods.upserts) == {("Pod", "shop", "web-1")}
    assert ("Pod", "other", "db-0") in out.pods.deletes
    assert set(out.namespaces.upserts) == {("Namespace", None, "shop")}
    assert model.pods_failing() == 0


def test_a_report_marks_a_namespace_by_its_worst_finding():
    model = DashboardModel()
    model.apply([added(pod("shop", "web-1"))], NOW)
    finding = Finding(id="f1", check="KT-001", title="release failed", severity="error",
                      object=ObjectRef(kind="HelmRelease", namespace="shop", name="api"),
                      summary="failed")
    update = model.set_report(Report(findings=[finding], chains=[]))
    row = update.upserts[("Namespace", None, "shop")]
    assert row[0].style == "error"
    assert update.sort_keys[("Namespace", None, "shop")] < (True,)  # troubled first
    assert not model.set_report(Report(findings=[finding], chains=[]))  # nothing changed


def test_a_repeated_event_grows_its_fold_and_a_new_one_joins_it():
    model = DashboardModel()
    first = event("shop", "e1", 2)
    (fold, _), = model.apply([added(first)], NOW).events.upserts.items()
    again = {**first, "count": 9, "lastTimestamp": "2025-10-18T01:29:50Z",
             "metadata": {**first["metadata"], "resourceVersion": "2"}}
    out = model.apply([StoreChange("MODIFIED", "Event", "shop", "e1", again, 2)], NOW)
    assert drawn(out.events, fold, rows.event_row)[::4] == ["10s", "9"]
    out = model.apply([added(event("shop", "e2", 1, last="2025-10-18T01:28:00Z"))], NOW)
    assert drawn(out.events, fold, rows.event_row)[::4] == ["10s", "10"]


def test_each_batch_says_how_wide_its_rows_columns_are():
    model = DashboardModel()
    out = model.apply([added(pod("shop", "a-very-long-pod-name-0", "CreateContainerConfigError")),
                       added(pod("shop", "b", "Error"))], NOW)
    widths = out.pods.widths
    cells = rows.pod_row(out.pods.upserts[("Pod", "shop", "a-very-long-pod-name-0")], NOW)
    assert widths[0] == len("a-very-long-pod-name-0")
    assert widths[2] == len("CreateContainerConfigError") == len(cells[2].plain)
    assert widths[5:] == [len("node-1"), len("1.2"), len("shop")]


def test_the_launch_folds_every_event_as_the_changes_one_by_one_would():
    """The events panel at launch (fold_all, one pass) shows the rows, order, severities and
    widths that the same events added one by one give, `:ns` included."""
    from kubetriage.cluster.slim import slim
    from kubetriage.sim.generate import generate_scenario

    objects = generate_scenario(pods=40, events=300, helmreleases=2, seed=7).dump.objects
    events = [slim(o) for o in objects if o["kind"] == "Event"]
    events += [event("shop", f"repeat-{i}", i + 1, last=f"2025-10-18T01:2{i}:00Z")
               for i in range(3)]  # one fold of three events
    for namespace in (None, "shop"):
        one_by_one, at_once = DashboardModel(namespace), DashboardModel(namespace)
        want = one_by_one.apply([added(e) for e in events], NOW).events
        got = at_once.fold_all(events, NOW)
        assert list(got.upserts) == list(want.upserts) and got.upserts
        assert got.sort_keys == want.sort_keys
        assert got.severities == want.severities
        assert got.widths == want.widths
        assert at_once.folded == one_by_one.folded
        assert at_once.warnings(NOW) == one_by_one.warnings(NOW)
