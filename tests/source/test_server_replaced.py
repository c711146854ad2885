"""A server replaced at the same address (a cluster recreated, or restored from an etcd backup) is
noticed and relisted as a full replace: what the old one had and the new one lacks is deleted."""

from __future__ import annotations

import copy

from kubetriage.cluster.source import ClusterSource
from kubetriage.sim import scenario as scenarios
from kubetriage.sim.server import SimServer
from kubetriage.tui.app import KubetriageApp
from tests.tui.conftest import FAST_BACKOFF as TUI_BACKOFF
from tests.tui.conftest import settled, until

from .conftest import FAST_BACKOFF, HR, POD, eventually, server_view, store_view

STILL = 1e-6  # the timelines hold still: the servers change only when the test says


def port_of(sim: SimServer) -> int:
    return int(sim.url.rsplit(":", 1)[1])


def pods_shown(app: KubetriageApp) -> set[tuple]:
    from kubetriage.tui.widgets.resource_table import ResourceTable
    return set(app.screen_main.query_one("#pods-table", ResourceTable).keys())


async def test_the_dashboard_follows_a_cluster_recreated_at_the_same_address(tmp_path):
    old = SimServer(scenarios.load("midwestmtg"), speed=STILL)
    await old.start()
    kubeconfig = str(old.write_kubeconfig(tmp_path / "config"))
    app = KubetriageApp(kubeconfig=kubeconfig, source_options={"backoff": TUI_BACKOFF})
    new = None
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settled(pilot, app)
            assert app.report.chains
            await old.stop()
            new = SimServer(scenarios.load("healthy"), speed=STILL)
            await new.start(port=port_of(old))
            store = app.source.store
            await until(lambda: all(store_view(store, r.kind) == server_view(new, r)
                                    for r in (POD, HR)), 20, "the store equals the new server")
            await until(lambda: pods_shown(app) == {("Pod", *k) for k in server_view(new, POD)},
                        5, "the pods table shows the new server's pods only")
            await until(lambda: app.diagnoses and not app.report.chains, 20,
                        "the old cluster's chains are gone")
    finally:
        await old.stop()
        if new is not None:
            await new.stop()


async def test_a_cluster_restored_from_a_backup_is_relisted(small_cluster, tmp_path):
    backup = copy.deepcopy(small_cluster)  # the state the restore brings back
    live = SimServer(small_cluster, speed=STILL)
    await live.start()
    source = await ClusterSource.open(str(live.write_kubeconfig(tmp_path / "config")),
                                      kinds=("Namespace", "Pod", "HelmRelease"),
                                      backoff=FAST_BACKOFF)
    restored = None
    try:
        await source.wait_synced(20)
        # after the backup: pods come and go, and the resourceVersion moves on
        pods = live.state.list(POD)
        for pod in pods[:20]:
            live.state.delete(POD, pod["metadata"]["namespace"], pod["metadata"]["name"])
        for i in range(30):
            extra = copy.deepcopy(pods[-1])
            for key in ("uid", "resourceVersion", "creationTimestamp"):
                extra["metadata"].pop(key, None)
            extra["metadata"]["name"] = f"after-backup-{i}"
            live.state.create(extra)
        await eventually(lambda: store_view(source.store, "Pod") == server_view(live, POD), 10,
                         "the store follows the live server")
        await live.stop()
        restored = SimServer(backup, speed=STILL)
        await restored.start(port=port_of(live))
        assert int(restored.state.resource_version) < int(live.state.resource_version)
        await eventually(lambda: store_view(source.store, "Pod") == server_view(restored, POD),
                         20, "the store equals the restored server")
        assert not [p for p in source.store.list("Pod")
                    if p["metadata"]["name"].startswith("after-backup-")]
    finally:
        await source.close()
        await live.stop()
        if restored is not None:
            await restored.stop()

