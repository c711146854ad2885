"""What a new user sees in an 80x24 pane: nothing that reads as corrupted output."""

from __future__ import annotations

from tests.tui.conftest import pinned_app, screen_text, settled

SCROLLBAR_GLYPHS = set("▁▂▃▄▅▆▇▉▊▋▌▍▎▏█") - {"▌", "▏"}  # ▌ marks evidence, ▏ the footer


async def test_no_scrollbar_glyphs_in_tables_help_or_logs():
    app = pinned_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot, app)
        seen = [screen_text(app)]
        for keys in (["4"], ["5"], ["1"], ["question_mark"], ["escape", "4", "enter"]):
            await pilot.press(*keys)
            await pilot.pause(0.4)
            seen.append(screen_text(app))
        for text in seen:
            assert not SCROLLBAR_GLYPHS & set(text), text


async def test_toasts_stay_small():
    """An action's outcome (a long Helm message) as a toast: at most 48 columns and 5 rows of
    an 80x24 pane, not half of it."""
    from textual.widgets._toast import Toast

    app = pinned_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settled(pilot, app)
        app.notify("Helm upgrade failed for release midwestmtg/midwestmtg-backend with chart "
                   "midwestmtg-backend@0.1.13: pre-upgrade hooks failed: 1 error occurred: "
                   "timed out waiting for the condition " * 3, title="Reconcile: Failed")
        await pilot.pause(0.5)
        toast = app.screen.query(Toast).last()
        assert toast.region.width <= 48 and toast.region.height <= 5, toast.region


async def test_confirming_four_releases_shows_its_keys_at_80x24():
    """The walkthrough's one confirmation for every release of midwestmtg is taller than the
    pane: the plan scrolls, "y/Enter: run it" stays on screen."""
    from kubetriage.tui.screens.confirm_screen import ConfirmScreen
    from kubetriage.tui.screens.walkthrough_screen import WalkthroughScreen
    from tests.tui.conftest import until

    app = pinned_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot, app)
        app.push_screen(WalkthroughScreen(namespace="midwestmtg", reconcile=True, stability=1))
        await until(lambda: isinstance(app.screen, ConfirmScreen), 15, "the confirmation")
        await pilot.pause(0.3)
        text = screen_text(app)
        assert "y/Enter: run it" in text and "n/Esc: cancel" in text
        assert "reconcile 4 HelmReleases" in text
        await pilot.press("n")


async def test_the_cause_its_evidence_and_its_fix_on_the_first_screen():
    """Acceptance of issue 17: at 80x24 a new user reads the root (labelled as the object to
    act on: the hook Job), the evidence line and the fix without scrolling sideways."""
    app = pinned_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot, app)
        text = screen_text(app)
        assert "● error job midwestmtg-backend-migration Hook Job never completes" in text
        assert "▸ ERROR [alembic.util.messaging] Multiple head revisions are present" in text
        assert "fix: Merge the heads" in text
        assert "fix: Reset the failure counts and retry" in text and "--reset" in text
        # the second chain is a line of its own on the same screen
        assert "● error pod midwestmtg-frontend-bb7d869dd-ww4w8 Image cannot be pulled" in text
        assert app.screen_main.query_one("ChainsPanel").cursor_line == 0  # a cursor at once


async def test_without_colours_the_cursor_and_the_focus_still_show(monkeypatch):
    """NO_COLOR: the chains' cursor is drawn in reverse, the focused panel's title too."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = pinned_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot, app)
        tree = app.screen_main.query_one("ChainsPanel")
        assert tree.cursor_line == 0
        style = tree.get_component_rich_style("tree--cursor")
        assert style.reverse
        panel = app.screen_main.query_one("#chains")
        assert panel.styles.border_title_style.reverse


async def test_marks_go_when_their_chain_resolves():
    from kubetriage.checks.finding import Report
    from kubetriage.tui.widgets.resource_table import ResourceTable

    app = pinned_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot, app)
        pods = app.screen_main.query_one("#pods-table", ResourceTable)
        assert pods._marked  # the first chain's pods
        app.screen_main.show_report(Report(findings=[], chains=[]))
        await pilot.pause()
        assert not pods._marked
        assert "nothing wrong found" in screen_text(app)


async def test_enter_on_nothing_says_so():
    from kubetriage.checks.finding import Report

    app = pinned_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settled(pilot, app)
        await pilot.press("4", "slash", *"no-such-pod", "enter", "enter")
        await pilot.pause(0.3)
        assert any("no row here to open" in str(n.message) for n in app._notifications)
        await pilot.press("escape", "1")
        app.screen_main.show_report(Report(findings=[], chains=[]))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert any("nothing wrong found" in str(n.message) for n in app._notifications)


async def test_events_message_column_keeps_its_room_at_160x45():
    from kubetriage.tui.widgets.resource_table import ResourceTable

    app = pinned_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settled(pilot, app)
        table = app.screen_main.query_one("#events-table", ResourceTable)
        width = table.scrollable_content_region.width
        message = table._table.column_widths(width - 1)[-1]
        assert message >= width * 2 // 5
        chains = app.screen_main.query_one("#chains")
        assert chains.region.width >= 78  # half the screen, not the narrowest column
        pods = app.screen_main.query_one("#pods-table", ResourceTable)
        pods_width = pods.scrollable_content_region.width
        labels = [label for label, _ in pods._table.columns]
        restarts = pods._table.column_widths(pods_width - 1)[labels.index("RESTARTS")]
        assert restarts < pods_width // 4  # not the message's share: AGE comes after it


async def test_namespace_column_first_when_several_namespaces_are_in_view():
    """Pods and releases across namespaces show NAMESPACE first (as kubectl -A), at 80x24 too;
    narrowed to one namespace, the column goes."""
    from tests.tui.conftest import until

    app = pinned_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot, app)
        await pilot.press("4")
        await pilot.pause(0.2)
        header = next(line for line in screen_text(app).splitlines() if "READY" in line)
        assert header.split()[:2] == ["┃", "NAMESPACE"] or "NAMESPACE NAME" in header, header
        assert "flux-system" in screen_text(app)
        app.screen_main.run_command("ns midwestmtg")
        await until(lambda: app.model.namespace == "midwestmtg", 5, "one namespace")
        await pilot.press("4")
        await pilot.pause(0.3)
        header = next(line for line in screen_text(app).splitlines() if "READY" in line)
        assert "NAMESPACE" not in header
        assert "ns midwestmtg" in screen_text(app).splitlines()[0]  # the status bar says so
