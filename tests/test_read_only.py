"""--read-only cannot be got around: the connection it opens sends no change whatever asks for
one, the Actions object takes it from the source, and every command and the dashboard (its `:ctx`
too) open their source from the global flag."""

from __future__ import annotations

import asyncio

import pytest
import yaml

from kubetriage.actions import READ_ONLY, Actions
from kubetriage.cli import main
from kubetriage.cluster.source import ClusterSource
from kubetriage.core.resources import by_kind
from kubetriage.errors import ReadOnlyError
from kubetriage.sim import scenario as scenarios
from kubetriage.sim.server import SimServer
from kubetriage.tui.app import KubetriageApp
from tests.tui.conftest import settled, until

HR = by_kind("helm.toolkit.fluxcd.io/v2", "HelmRelease")
REQUESTED = "reconcile.fluxcd.io/requestedAt"


def requested(sim: SimServer) -> list[str]:
    return [o["metadata"]["name"] for o in sim.state.list(HR)
            if REQUESTED in (o["metadata"].get("annotations") or {})]


async def test_read_only_verify_reconcile_changes_nothing(tmp_path, audit_path, capsys):
    async with SimServer("midwestmtg") as sim:
        kubeconfig = str(sim.write_kubeconfig(tmp_path / "config"))
        before = requested(sim)
        for argv in (["--read-only", "verify", "--kubeconfig", kubeconfig, "--reconcile"],
                     ["verify", "--read-only", "--kubeconfig", kubeconfig, "--reconcile"]):
            code = await asyncio.to_thread(main, [*argv, "--stability", "1s"])
            err = capsys.readouterr().err
            assert code == 2 and len(err.splitlines()) == 1 and "--read-only" in err, err
        assert requested(sim) == before, "no release was annotated"
        assert not audit_path.exists()


async def test_a_read_only_source_sends_no_change_whoever_asks(audit_path):
    source = await ClusterSource.open(demo="midwestmtg", read_only=True,
                                      demo_options={"speed": 1e-6})
    try:
        await source.wait_synced(20)
        release = source.store.list("HelmRelease")[0]
        for actions in (Actions(source), Actions(source, read_only=False)):
            assert actions.read_only
            plan = await actions.plan("reconcile", release)
            assert plan.refused == READ_ONLY
            plan.refused = None  # a caller that ignores the refusal still changes nothing
            result = await actions.run(plan, confirmed=True)
            assert result.outcome == "refused" and result.message == READ_ONLY
        meta = release["metadata"]
        with pytest.raises(ReadOnlyError):
            await source.conn.request("PATCH", HR.path(meta["namespace"], meta["name"]),
                                      body={"metadata": {"annotations": {REQUESTED: "now"}}})
        assert requested(source.demo) == [], "the server saw no change"
        # reads and permission questions still work
        assert await source.can_i("list", HR, meta["namespace"])
    finally:
        await source.close()


async def test_the_dashboard_stays_read_only_across_contexts(tmp_path):
    async with SimServer(scenarios.load("healthy"), speed=1e-6) as home, \
            SimServer(scenarios.load("midwestmtg"), speed=1e-6) as lab:
        doc = {"apiVersion": "v1", "kind": "Config", "current-context": "home",
               "clusters": [{"name": n, "cluster": {"server": s.url}}
                            for n, s in (("home", home), ("lab", lab))],
               "users": [{"name": "u", "user": {"token": "t"}}],
               "contexts": [{"name": n, "context": {"cluster": n, "user": "u"}}
                            for n in ("home", "lab")]}
        (tmp_path / "config").write_text(yaml.safe_dump(doc))
        app = KubetriageApp(kubeconfig=str(tmp_path / "config"), read_only=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await settled(pilot, app)
            assert app.source.conn.read_only
            app.screen_main.run_command("ctx lab")
            await until(lambda: app.source.conn.context == "lab" and app.connection == "live"
                        and app.report.chains, 15, "the lab cluster diagnosed")
            assert app.source.conn.read_only, ":ctx opened a source that may change things"
