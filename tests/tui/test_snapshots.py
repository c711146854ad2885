"""Snapshot tests of the dashboard on midwestmtg, and staging's chains (clock pinned, timeline
still). Each docstring
says what the SVG in snapshots/test_snapshots/ must show."""

from __future__ import annotations

from tests.tui.conftest import pinned_app, settled


class TestMainScreen:
    def test_main_80x24(self, snap_compare):
        """80x24: status bar (⚠ 2 chains, rel 1/4, 3 pods failing), tabs with "Chains 2", the
        chains tab open: the root named as the object to act on (job
        midwestmtg-backend-migration, Hook Job never completes), its summary, evidence (the
        alembic ERROR line) and two fixes (merge the heads; reset the release, with its flux
        command) wrapped to the width, three symptoms, and the second chain as one line."""
        app = pinned_app()
        assert snap_compare(app, terminal_size=(80, 24), run_before=lambda p: settled(p, app))

    def test_main_160x48(self, snap_compare):
        """160x48: every panel at once: the chains and the events (warnings first, their
        messages wide) in the wide column; namespaces with badges, releases (backend,
        discord-bot, frontend not ready first) and pods (failing first) with NAMESPACE first."""
        app = pinned_app()
        assert snap_compare(app, terminal_size=(160, 48), run_before=lambda p: settled(p, app))


class TestChains:
    def test_root_selected_marks_members(self, snap_compare):
        """160x48, cursor on the midwestmtg root (the migration hook Job): its members are marked
        in releases (backend, discord-bot, frontend), pods and events, and midwestmtg in
        namespaces; flux-system and redis are not."""
        app = pinned_app()

        async def select_root(pilot):
            await settled(pilot, app)
            await pilot.press("down", "up")

        assert snap_compare(app, terminal_size=(160, 48), run_before=select_root)

    def test_symptom_says_caused_by(self, snap_compare):
        """160x48, cursor on a symptom (the discord-bot release): "caused by job
        midwestmtg/midwestmtg-backend-migration" with "r: jump to it" under the tree."""
        app = pinned_app()

        async def to_symptom(pilot):
            await settled(pilot, app)
            tree = app.screen_main.query_one("ChainsPanel")
            for _ in range(30):  # down to the discord-bot's line, as a user would
                if tree.cursor_node.data and tree.cursor_node.data.finding and \
                        "discord-bot" in tree.cursor_node.data.finding:
                    break
                await pilot.press("down")

        assert snap_compare(app, terminal_size=(160, 48), run_before=to_symptom)


    def test_staging_one_chain_per_cause(self, snap_compare):
        """100x40 on staging (compact: the chain under the cursor open, the others a line
        each): 4 chains, the NetworkPolicy first with its evidence, its fix and Keycloak's
        crash and refused startup probe under it; then one line each for the two Deployments'
        probes (the cloud-sql-proxy on 9801, the 404 startup probe) and the pod crashing at
        import, each rooted once, not once per pod."""
        app = pinned_app("staging")
        assert snap_compare(app, terminal_size=(100, 40), run_before=lambda p: settled(p, app))


class TestHelp:
    def test_help_screen(self, snap_compare):
        """80x24: the help over the main screen, every key grouped by where it works (main,
        pod, release, anywhere) and the legend, all of it without scrolling."""
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
