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
