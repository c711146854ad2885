"""k9s's keys where k9s has one, at 80x24: `d` describe, `y` YAML, `l` logs, `p` previous logs,
`0` all namespaces, ctrl+d delete (confirmed first), shift+N/A/S/T sort (again: reversed)."""

from __future__ import annotations

from kubetriage.tui.screens.confirm_screen import ConfirmScreen
from kubetriage.tui.screens.pod_screen import PodScreen
from kubetriage.tui.screens.yaml_screen import YamlScreen
from kubetriage.tui.widgets.resource_table import ResourceTable
from tests.tui.conftest import pinned_app, screen_text, settled, until
from tests.tui.drill import FRONTEND_POD

HOOK_POD = ("Pod", "midwestmtg", "midwestmtg-backend-migration-kwtdz")


async def on_pod(pilot, app, key) -> ResourceTable:
    await pilot.press("4")
    table = app.screen_main.query_one("#pods-table", ResourceTable)
    assert table.move_cursor_to(key)
    return table


async def back(pilot, app) -> None:
    await pilot.press("escape")
    await until(lambda: app.screen is app.screen_main, 5, "back on the main screen")


async def test_logs_previous_describe_yaml_and_delete_keys():
    app = pinned_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot, app)
        await on_pod(pilot, app, FRONTEND_POD)
        await pilot.press("l")
        await until(lambda: isinstance(app.screen, PodScreen), 5, "l: the pod's log")
        assert app.screen.previous is False
        await back(pilot, app)
        await pilot.press("p")
        await until(lambda: isinstance(app.screen, PodScreen) and app.screen.previous, 5,
                    "p: the previous instance's log")
        await back(pilot, app)
        await pilot.press("d")
        await until(lambda: isinstance(app.screen, PodScreen), 5, "d: the pod described")
        await back(pilot, app)
        await pilot.press("y")
        await until(lambda: isinstance(app.screen, YamlScreen), 5, "y: its YAML")
        await back(pilot, app)
        await pilot.press("ctrl+d")
        await until(lambda: isinstance(app.screen, ConfirmScreen), 10,
                    "ctrl+d: the deletion, to confirm")
        assert "DELETE pods midwestmtg/midwestmtg-frontend-7797b494d9-x48qh" in screen_text(app)
        await pilot.press("n")  # not deleted
        await until(lambda: isinstance(app.screen, PodScreen), 5, "cancelled")
        assert app.source.store.get(*FRONTEND_POD) is not None


async def test_logs_of_a_release_are_its_failing_pods():
    app = pinned_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot, app)
        await pilot.press("3")
        table = app.screen_main.query_one("#releases-table", ResourceTable)
        assert table.move_cursor_to(("HelmRelease", "midwestmtg", "midwestmtg-backend"))
        await pilot.press("p")
        await until(lambda: isinstance(app.screen, PodScreen), 5, "the hook pod's log")
        assert app.screen.key == HOOK_POD and app.screen.previous


async def test_zero_shows_every_namespace_again():
    app = pinned_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot, app)
        app.screen_main.run_command("ns flux-system")
        await until(lambda: app.model.namespace == "flux-system", 5, "one namespace")
        await pilot.press("0")
        await until(lambda: app.model.namespace is None, 5, "every namespace")


async def test_shift_letters_sort_and_again_reverse():
    app = pinned_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot, app)
        table = await on_pod(pilot, app, FRONTEND_POD)
        table.focus()
        await pilot.press("N")
        await pilot.pause(0.1)
        names = [table.key_at(i)[2] for i in range(table.visible_count)]
        assert names == sorted(names)
        assert "NAME↑" in screen_text(app)
        await pilot.press("N")
        await pilot.pause(0.1)
        assert [table.key_at(i)[2] for i in range(table.visible_count)] == names[::-1]
        await pilot.press("T")  # restarts, most last
        await pilot.pause(0.1)
        assert table.key_at(table.visible_count - 1) == FRONTEND_POD  # 67 restarts


async def test_q_leaves_a_sub_screen_and_help_fits_80x24():
    """q on a sub-screen goes back (it did nothing); the help needs no scrolling at 80x24."""
    app = pinned_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot, app)
        await on_pod(pilot, app, FRONTEND_POD)
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, PodScreen), 5, "the pod's screen")
        await pilot.press("q")
        await until(lambda: app.screen is app.screen_main, 5, "q: back")
        await pilot.press("question_mark")
        await pilot.pause(0.3)
        scroll = app.screen.query_one("VerticalScroll")
        assert scroll.max_scroll_y == 0  # all of it on screen
        text = screen_text(app)
        assert "may lag the cluster" in text  # its last line
        assert "p  c" in text.replace("\xa0", " ") and "previous/current log" in text
