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
