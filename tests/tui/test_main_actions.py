"""`a` on the main screen: the actions of the row under the cursor, without opening it first."""

from __future__ import annotations

from kubetriage.tui.screens.actions_menu import ActionsMenu
from kubetriage.tui.widgets.resource_table import ResourceTable
from tests.tui.conftest import until
from tests.tui.drill import FRONTEND_POD, live_app, ready


async def test_a_on_a_pod_row_opens_its_screen_with_its_actions():
    app = live_app(speed=1e-6)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        await pilot.press("4")  # the pods panel
        table = app.screen_main.query_one("#pods-table", ResourceTable)
        table.focus()
        assert table.move_cursor_to(FRONTEND_POD)
        await pilot.press("a")
        await until(lambda: isinstance(app.screen, ActionsMenu), 10, "the actions menu")
        offered = {offer.action.id for _, offer in app.screen.offers}
        assert "delete-pod" in offered
        await pilot.press("escape")
        await until(lambda: getattr(app.screen, "key", None) == FRONTEND_POD, 5,
                    "the pod's own screen under the menu")
