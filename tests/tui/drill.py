"""Helpers for the drill-down tests: the dashboard on a live embedded server, opening an object as
Enter does, and running an action through the menu and the confirmation as a user would."""

from __future__ import annotations

from kubetriage.tui.app import KubetriageApp
from kubetriage.tui.screens.actions_menu import ActionsMenu
from kubetriage.tui.screens.confirm_screen import ConfirmScreen
from kubetriage.tui.screens.main_screen import MainScreen
from tests.tui.conftest import FAST_BACKOFF, until

FRONTEND_POD = ("Pod", "midwestmtg", "midwestmtg-frontend-7797b494d9-x48qh")
BACKEND = ("HelmRelease", "midwestmtg", "midwestmtg-backend")
HOOK_JOB = ("Job", "midwestmtg", "midwestmtg-backend-migration")


def live_app(scenario="midwestmtg", speed: float = 10.0, **options) -> KubetriageApp:
    """The dashboard on a scenario whose timeline plays `speed` times faster."""
    demo_options = {"speed": speed, **options.pop("demo_options", {})}
    return KubetriageApp(demo=scenario, source_options={"demo_options": demo_options,
                                                        "backoff": FAST_BACKOFF}, **options)


async def ready(pilot, app: KubetriageApp) -> None:
    await until(lambda: app.connection == "live" and app.diagnoses > 0, 20, "first diagnosis")


async def open_object(pilot, app: KubetriageApp, key) -> None:
    """What Enter on a row does: the main screen posts ObjectOpened, the app opens the screen."""
    app.screen_main.post_message(MainScreen.ObjectOpened(key))
    await until(lambda: getattr(app.screen, "key", None) == key, 5, f"{key} on screen")
    await pilot.pause(0.2)


async def open_menu(pilot, app: KubetriageApp) -> ActionsMenu:
    await pilot.press("a")
    await until(lambda: isinstance(app.screen, ActionsMenu), 10, "the actions menu")
    await pilot.pause(0.1)
    return app.screen


async def choose(pilot, app: KubetriageApp, action_id: str, target=None) -> ConfirmScreen:
    """`a`, move to the action (for `target`'s object when given), Enter: the confirmation."""
    menu = await open_menu(pilot, app)
    index = next(i for i, (obj, offer) in enumerate(menu.offers)
                 if offer.action.id == action_id and
                 (target is None or (obj["kind"], obj["metadata"].get("namespace"),
                                     obj["metadata"]["name"]) == target))
    options = menu.query_one("OptionList")
    options.focus()
    options.highlighted = index
    await pilot.press("enter")
    await until(lambda: isinstance(app.screen, ConfirmScreen), 10, "the confirmation")
    await pilot.pause(0.1)
    return app.screen
