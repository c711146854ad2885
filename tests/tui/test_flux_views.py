"""The Flux views a flux CLI user reaches for: `:sources` as `flux get sources all`, a
Kustomization's inventory as `flux tree ks`, one object's events as `flux events --for`, and the
controller's lines about it as `flux logs` where the controller's pod is in the cluster."""

from __future__ import annotations

from kubetriage.tui.screens.flux_screen import FluxScreen, SourcesScreen
from kubetriage.tui.screens.release_screen import ReleaseScreen
from tests.tui.conftest import pinned_app, screen_text, settled, until
from tests.tui.drill import BACKEND, open_object


async def test_sources_list_then_a_source_with_its_message():
    app = pinned_app()
    async with app.run_test(size=(180, 30)) as pilot:
        await settled(pilot, app)
        await pilot.press("colon", *"sources", "enter")
        await until(lambda: isinstance(app.screen, SourcesScreen), 5, ":sources")
        await pilot.pause(0.2)
        text = screen_text(app)
        assert "helmchart/midwestmtg-midwestmtg-frontend" in text
        assert "pulled 'midwestmtg-frontend' chart with version '0.2.0'" in text
        assert "SUSPENDED" in text and "False" in text
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, FluxScreen), 5, "a source's screen")
        assert "SUSPENDED False" in screen_text(app).replace("\xa0", " ")


async def test_a_kustomization_shows_what_it_applied_as_flux_tree():
    app = pinned_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot, app)
        await open_object(pilot, app, ("Kustomization", "flux-system", "apps"))
        assert isinstance(app.screen, FluxScreen)
        text = screen_text(app)
        assert "Kustomization/flux-system/apps" in text
        assert "HelmRelease/midwestmtg/midwestmtg-backend" in text
        assert "last applied" in text or "revision" in text


async def test_a_release_flux_view_events_tree_and_controller_log():
    app = pinned_app()
    async with app.run_test(size=(140, 50)) as pilot:
        await settled(pilot, app)
        await open_object(pilot, app, BACKEND)
        assert isinstance(app.screen, ReleaseScreen)
        await pilot.press("t")
        await until(lambda: isinstance(app.screen, FluxScreen), 5, "t: the flux view")
        await pilot.pause(0.2)
        text = screen_text(app)
        assert "Job/midwestmtg/midwestmtg-backend-migration" in text  # under the release
        assert "UpgradeFailed" in text and "HelmRelease/midwestmtg-backend" in text
        await pilot.press("l")
        await until(lambda: "helm-controller pod in flux-system" in screen_text(app), 5,
                    "no controller pod: said so")


def test_controller_lines_as_flux_logs_prints_them():
    from kubetriage.tui.flux_details import controller_lines

    lines = [
        '{"level":"info","ts":"2025-10-18T01:20:00.000Z","msg":"release is in a failed state",'
        '"controllerKind":"HelmRelease","name":"midwestmtg-backend","namespace":"midwestmtg"}',
        '{"level":"error","ts":"2025-10-18T01:20:01.000Z","msg":"Reconciler error",'
        '"controllerKind":"HelmRelease","name":"midwestmtg-backend","namespace":"midwestmtg",'
        '"error":"exceeded maximum retries: cannot remediate failed release"}',
        '{"level":"info","msg":"other","controllerKind":"HelmRelease","name":"redis",'
        '"namespace":"midwestmtg"}', "not json"]
    assert controller_lines(lines, "HelmRelease", "midwestmtg-backend", "midwestmtg") == [
        "2025-10-18T01:20:00.000Z info HelmRelease/midwestmtg-backend.midwestmtg - release is "
        "in a failed state",
        "2025-10-18T01:20:01.000Z error HelmRelease/midwestmtg-backend.midwestmtg - Reconciler "
        "error exceeded maximum retries: cannot remediate failed release"]
