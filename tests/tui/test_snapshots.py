"""Snapshot tests of the dashboard on midwestmtg, and staging's chains (clock pinned, timeline
still). Each docstring
says what the SVG in snapshots/test_snapshots/ must show."""

from __future__ import annotations

from tests.tui.conftest import pinned_app, settled


class TestMainScreen:
    def test_main_80x24(self, snap_compare):
        """80x24: status bar (2 chains, rel 1/4, 3 pods failing), tabs with "Chains 2", the chains
        tab open: the migration hook pod as the root with its symptoms under it."""
        app = pinned_app()
        assert snap_compare(app, terminal_size=(80, 24), run_before=lambda p: settled(p, app))

    def test_main_160x48(self, snap_compare):
        """160x48: every panel at once: namespaces with badges, chains, releases (backend,
        discord-bot, frontend not ready first), pods (failing first), events (warnings first)."""
        app = pinned_app()
        assert snap_compare(app, terminal_size=(160, 48), run_before=lambda p: settled(p, app))


class TestChains:
    def test_root_selected_marks_members(self, snap_compare):
        """160x48, cursor on the midwestmtg root (the migration hook pod): its members are marked
        in releases (backend, discord-bot, frontend), pods and events, and midwestmtg in
        namespaces; flux-system and redis are not."""
        app = pinned_app()

        async def select_root(pilot):
            await settled(pilot, app)
            await pilot.press("down", "up")

        assert snap_compare(app, terminal_size=(160, 48), run_before=select_root)

    def test_symptom_says_caused_by(self, snap_compare):
        """160x48, cursor on a symptom (the discord-bot release): "caused by pod
        midwestmtg/midwestmtg-backend-migration-…" with "r: jump to root" under the tree."""
        app = pinned_app()

        async def to_symptom(pilot):
            await settled(pilot, app)
            await pilot.press(*["down"] * 7)

        assert snap_compare(app, terminal_size=(160, 48), run_before=to_symptom)


    def test_staging_one_chain_per_cause(self, snap_compare):
        """100x40 on staging: 4 chains, the NetworkPolicy first with Keycloak's crash and its
        refused startup probe under it; then "4 of 4 pods of Deployment …" (the cloud-sql-proxy
        probe on port 9801), "3 of 4 pods of Deployment …" (the 404 startup probe) and the pod
        crashing at import, each rooted once, not once per pod."""
        app = pinned_app("staging")
        assert snap_compare(app, terminal_size=(100, 40), run_before=lambda p: settled(p, app))


class TestHelp:
    def test_help_screen(self, snap_compare):
        """80x24: the help over the main screen, every key with what it does, and the legend."""
        app = pinned_app()

        async def help_(pilot):
            await settled(pilot, app)
            await pilot.press("question_mark")
            await pilot.pause(0.1)

        assert snap_compare(app, terminal_size=(80, 24), run_before=help_)


class TestSixteenColours:
    def test_main_80x24_16_colours(self, snap_compare):
        """80x24 in the 16-colour theme: the same screen as the default, legible in ANSI colours
        (status bar, tabs, the chains tree)."""
        app = pinned_app(theme="kubetriage-16")
        assert snap_compare(app, terminal_size=(80, 24), run_before=lambda p: settled(p, app))

    def test_main_160x48_16_colours(self, snap_compare):
        """160x48 in the 16-colour theme: every panel, failing rows in ANSI red, warnings yellow."""
        app = pinned_app(theme="kubetriage-16")
        assert snap_compare(app, terminal_size=(160, 48), run_before=lambda p: settled(p, app))
