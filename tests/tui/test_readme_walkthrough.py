"""The README's fix path, run as written: its steps are read from README.md (the keys, the
release names, the action titles in quotes) and pressed at 80x24 on the demo, and the run ends
with the releases the README names Ready. A README that teaches a fix the embedded Flux (which
follows helm-controller's retry rules) would not accept fails here."""

from __future__ import annotations

import re

from kubetriage.core.resources import by_kind
from kubetriage.tui.screens.actions_menu import ActionsMenu
from kubetriage.tui.screens.confirm_screen import ConfirmScreen
from kubetriage.tui.screens.release_screen import ReleaseScreen
from kubetriage.tui.screens.yaml_screen import YamlScreen
from kubetriage.tui.widgets.resource_table import ResourceTable
from tests.conftest import REPO
from tests.tui.conftest import screen_text, until
from tests.tui.drill import live_app, ready

HR = by_kind("helm.toolkit.fluxcd.io/v2", "HelmRelease")
JOB = by_kind("batch/v1", "Job")


def readme_steps() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## The fix, step by step", 1)[1].split("\n## ", 1)[0]
    items = re.split(r"\n(?=\d+\. )", section)
    return [" ".join(item.split()) for item in items if re.match(r"\d+\. ", item)]


def quoted(step: str) -> list[str]:
    return re.findall(r'"([^"]+)"', step)


def ticked(step: str) -> list[str]:
    return re.findall(r"`([^`]+)`", step)


async def press_action(pilot, app, title: str, target: str) -> None:
    """`a`, the entry with this title for this object, Enter, then `y` on the confirmation."""
    await pilot.press("a")
    await until(lambda: isinstance(app.screen, ActionsMenu), 10, "the actions menu")
    menu = app.screen
    index = next(i for i, (obj, offer) in enumerate(menu.offers)
                 if offer.action.title == title and obj["metadata"]["name"] == target)
    options = menu.query_one("OptionList")
    options.highlighted = index
    await pilot.press("enter")
    await until(lambda: isinstance(app.screen, ConfirmScreen), 10, f"confirm {title}")
    await pilot.press("y")


async def cursor_on(pilot, app, name: str) -> None:
    table = app.screen_main.query_one("#releases-table", ResourceTable)
    await until(lambda: table.row_count >= 4, 5, "the releases listed")
    table.focus()
    await pilot.press("home")
    for _ in range(4 * table.row_count):  # rows move as releases turn Ready: go round again
        if table.cursor_key[2] == name:
            return
        last = table.cursor_key == table.key_at(table.visible_count - 1)
        await pilot.press("home" if last else "down")
    raise AssertionError(f"no release {name} in the table (focus on {app.focused})")


def ready_status(app, name: str) -> str:
    hr = app.source.demo.state.get(HR, "midwestmtg", name)
    return next((c["status"] for c in hr["status"].get("conditions") or []
                 if c["type"] == "Ready"), "")


async def test_the_readme_fix_path_ends_with_the_releases_it_names_ready(audit_path):
    steps = readme_steps()
    assert len(steps) == 5, steps
    app = live_app(speed=10)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, app)
        # 1. `3` (Releases), the cursor on `midwestmtg-backend`, `Enter`
        assert ticked(steps[0])[:3] == ["3", "midwestmtg-backend", "Enter"]
        await pilot.press("3")
        await cursor_on(pilot, app, "midwestmtg-backend")
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, ReleaseScreen), 5, "the release screen")
        # 2. `Tab` to the Hook jobs table, `Enter` on the Job, "Delete failing Helm hook Job"
        assert ticked(steps[1])[:3] == ["Tab", "Enter", "midwestmtg-backend-migration"]
        release = app.screen
        for _ in range(6):
            if getattr(app.focused, "id", None) == "hooks":
                break
            await pilot.press("tab")
        assert app.focused.id == "hooks"
        await pilot.press("enter")
        job_key = ("Job", "midwestmtg", "midwestmtg-backend-migration")
        await until(lambda: isinstance(app.screen, YamlScreen) and app.screen.key == job_key,
                    5, "the hook Job's screen")
        [delete] = quoted(steps[1])
        await press_action(pilot, app, delete, "midwestmtg-backend-migration")
        state = app.source.demo.state
        await until(lambda: state.get(JOB, "midwestmtg", "midwestmtg-backend-migration") is None,
                    5, "the hook Job deleted")
        await pilot.press("escape")
        await until(lambda: app.screen is release, 5, "back on the release")
        # 3. "Reset the failure counts and retry (--reset)": backend Ready, the bot by itself
        [reset] = quoted(steps[2])
        assert "--reset" in steps[2]
        await press_action(pilot, app, reset, "midwestmtg-backend")
        await until(lambda: ready_status(app, "midwestmtg-backend") == "True", 15,
                    "the backend Ready")
        await until(lambda: ready_status(app, "midwestmtg-discord-bot") == "True", 15,
                    "the discord bot installed by itself")
        # 4. `Esc`, `midwestmtg-frontend`, `Enter`, "Reconcile with source (--with-source)"
        assert ticked(steps[3])[:3] == ["Esc", "midwestmtg-frontend", "Enter"]
        await pilot.press("escape")
        await until(lambda: app.screen is app.screen_main, 5, "back on the main screen")
        await cursor_on(pilot, app, "midwestmtg-frontend")
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, ReleaseScreen) and
                    app.screen.key[2] == "midwestmtg-frontend", 5, "the frontend's screen")
        [with_source] = quoted(steps[3])
        await press_action(pilot, app, with_source, "midwestmtg-frontend")
        await until(lambda: ready_status(app, "midwestmtg-frontend") == "True", 15,
                    "the frontend Ready")
        # 5. `Esc`: the releases the README names are Ready, on screen too
        names = [t for t in ticked(steps[4]) if t != "Esc"]
        assert names == ["midwestmtg-backend", "midwestmtg-discord-bot", "midwestmtg-frontend",
                         "redis"]
        await pilot.press("escape")
        assert all(ready_status(app, n) == "True" for n in names)
        await until(lambda: "rel 4/4" in screen_text(app), 5, "the status bar: 4 of 4 Ready")
