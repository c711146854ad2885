"""`:ctx NAME` moves the dashboard to another context of the kubeconfig, as k9s's does: the
other cluster's rows and chains replace the first's, and a context that does not connect is one
line while the current one stays."""

from __future__ import annotations

import yaml

from kubetriage.core.resources import by_kind
from kubetriage.sim import scenario as scenarios
from kubetriage.sim.server import SimServer
from kubetriage.tui.app import KubetriageApp
from kubetriage.tui.widgets.resource_table import ResourceTable
from kubetriage.tui.widgets.status_bar import StatusBar
from tests.tui.conftest import settled, until


def two_contexts(path, home, lab) -> str:
    doc = {"apiVersion": "v1", "kind": "Config", "current-context": "home",
           "clusters": [{"name": n, "cluster": {"server": s.url}}
                        for n, s in (("home", home), ("lab", lab))],
           "users": [{"name": "u", "user": {"token": "t"}}],
           "contexts": [{"name": n, "context": {"cluster": n, "user": "u"}}
                        for n in ("home", "lab", "gone")]}
    path.write_text(yaml.safe_dump(doc))
    return str(path)


def pods_shown(app: KubetriageApp) -> set[tuple]:
    return set(app.screen_main.query_one("#pods-table", ResourceTable).keys())


def pods_of(sim: SimServer) -> set[tuple]:
    return {("Pod", p["metadata"]["namespace"], p["metadata"]["name"])
            for p in sim.state.list(by_kind("v1", "Pod"))}


def notes(app: KubetriageApp) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def test_ctx_switches_clusters_and_a_bad_context_keeps_the_current_one(tmp_path):
    async with SimServer(scenarios.load("healthy"), speed=1e-6) as home, \
            SimServer(scenarios.load("midwestmtg"), speed=1e-6) as lab:
        kubeconfig = two_contexts(tmp_path / "config", home, lab)
        app = KubetriageApp(kubeconfig=kubeconfig)
        async with app.run_test(size=(160, 48)) as pilot:
            await settled(pilot, app)
            assert app.source.conn.context == "home"
            assert pods_shown(app) == pods_of(home) and not app.report.chains

            app.screen_main.run_command("ctx")
            await until(lambda: "contexts: home, lab, gone (now home)" in notes(app), 2,
                        "the contexts listed")

            app.screen_main.run_command("ctx lab")
            await until(lambda: app.source.conn.context == "lab" and app.diagnoses > 0
                        and app.report.chains, 15, "the lab cluster diagnosed")
            await until(lambda: pods_shown(app) == pods_of(lab), 2, "only the lab's pods")
            assert "lab" in str(app.screen_main.query_one(StatusBar).render())

            app.screen_main.run_command("ctx gone")
            await until(lambda: "context 'gone'" in notes(app), 5, "the bad context's line")
            assert app.source.conn.context == "lab"
            assert not app.source.store.stale_for()
