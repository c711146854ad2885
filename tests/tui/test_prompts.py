"""Every prompt echoes what is typed, at 80x24, on a line of its own above the footer (the
footer covered it); `:` completes as k9s does (Tab takes the completion); `n` starts `:ns ` and
the first key typed adds to it."""

from __future__ import annotations

from tests.tui.conftest import pinned_app, screen_text, settled, until


def last_lines(app, n: int = 3) -> list[str]:
    return screen_text(app).splitlines()[-n:]


async def test_command_line_echoes_and_completes():
    app = pinned_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot, app)
        await pilot.press("colon", "p", "o")
        await pilot.pause(0.2)
        prompt, footer = last_lines(app, 2)
        assert prompt.strip() == ":pod"  # "po" typed, "d" the completion drawn after it
        assert "Tab Complete" in footer and "Enter Run" in footer and "Esc Cancel" in footer
        await pilot.press("tab", "s", "enter")
        await pilot.pause(0.2)
        assert app.screen_main.active == "pods"
        assert ":pods" not in screen_text(app)  # the prompt closed


async def test_namespace_key_starts_ns_and_typing_adds_to_it():
    app = pinned_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot, app)
        await pilot.press("n", "f", "l")
        await pilot.pause(0.2)
        assert last_lines(app, 2)[0].strip() == ":ns flux-system"  # "fl" + the completion
        await pilot.press("tab", "enter")
        await until(lambda: app.model.namespace == "flux-system", 5, "the namespace set")


async def test_filter_echoes_what_is_typed():
    app = pinned_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot, app)
        await pilot.press("slash", *"redis")
        await pilot.pause(0.2)
        assert "/redis" in last_lines(app, 3)[-2]
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert "/redis" in screen_text(app)  # kept, and said, with the prompt closed
        await pilot.press("escape")
        await pilot.pause(0.1)
        assert "/redis" not in screen_text(app)


async def test_the_log_search_echoes_what_is_typed():
    """On a pod's screen at 80x24, `/` in the log: the text typed shows (Input's own focused
    border left it no row)."""
    from kubetriage.tui.screens.pod_screen import PodScreen
    from kubetriage.tui.widgets.resource_table import ResourceTable

    app = pinned_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot, app)
        await pilot.press("4")
        table = app.screen_main.query_one("#pods-table", ResourceTable)
        assert table.move_cursor_to(("Pod", "midwestmtg", "midwestmtg-backend-migration-kwtdz"))
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, PodScreen), 5, "the pod's screen")
        await pilot.pause(0.3)
        await pilot.press("slash", *"alembic")
        await pilot.pause(0.2)
        assert any(line.strip("│ ") == "alembic" for line in screen_text(app).splitlines())
