"""The dashboard walked over the hostile scenario (tests/hostile.py), screen by screen, in a
process of its own so that its peak memory is its own: run as

    python -c "from tests.tui.hostile_walk import main; main()" SCENARIO_DIR

from the folder logs are to be saved in; prints one JSON object: the screens opened, the
forbidden characters any screen held, whether markup stayed text, what save-log did, VmHWM."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from textual.widgets import Static

from kubetriage.tui.app import KubetriageApp
from kubetriage.tui.screens.actions_menu import ActionsMenu
from kubetriage.tui.screens.help_screen import HelpScreen
from kubetriage.tui.screens.main_screen import MainScreen
from kubetriage.tui.screens.pod_screen import PodScreen
from kubetriage.tui.screens.release_screen import ReleaseScreen
from kubetriage.tui.screens.walkthrough_screen import FixReleaseScreen
from kubetriage.tui.screens.yaml_screen import YamlScreen
from kubetriage.tui.widgets.log_view import LogView
from tests.hostile import FORBIDDEN, LONG_LOG_LINES, MARKUP, NS, POD_NAMES, RELEASE
from tests.tui.conftest import FAST_BACKOFF, svg_text, until


class Walk:
    def __init__(self, app: KubetriageApp, pilot: Any) -> None:
        self.app, self.pilot = app, pilot
        self.opened: list[str] = []
        self.forbidden: dict[str, list[str]] = {}
        self.texts: list[str] = []

    async def look(self, name: str, screen_type: type) -> str:
        """The screen on the terminal now, as text: it must be of screen_type, and clean."""
        await until(lambda: isinstance(self.app.screen, screen_type), 10, name)
        await self.pilot.pause(0.1)
        svg = self.app.export_screenshot()  # the segments the terminal would be sent
        found = [f"U+{ord(c):04X}" for c in FORBIDDEN if c in svg]
        if found:
            self.forbidden[name] = found
        text = svg_text(svg)
        self.texts.append(text)
        self.opened.append(name)
        return text

    async def open(self, key: tuple) -> None:
        self.app.screen_main.post_message(MainScreen.ObjectOpened(key))
        await until(lambda: getattr(self.app.screen, "key", None) == key, 10, f"{key} opened")

    async def back_to_main(self) -> None:
        while self.app.screen is not self.app.screen_main:
            await self.pilot.press("escape")
            await self.pilot.pause(0.05)


async def walk(scenario: str) -> dict[str, Any]:
    app = KubetriageApp(demo=scenario, source_options={"demo_options": {"speed": 1e-6},
                                                       "backoff": FAST_BACKOFF})
    saves: dict[str, str] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        w = Walk(app, pilot)
        await until(lambda: app.connection == "live" and app.diagnoses > 0, 30, "diagnosis")
        for key, panel in zip("12345", ("chains", "namespaces", "releases", "pods", "events")):
            await pilot.press(key)
            await w.look(f"panel {panel}", MainScreen)
        await pilot.press("question_mark")
        await w.look("help", HelpScreen)
        await w.back_to_main()

        for label, name in POD_NAMES.items():
            await w.open(("Pod", NS, name))
            await pilot.press("p")  # the previous instance's log, with the hostile lines
            await w.look(f"pod {label}", PodScreen)
            app.screen.query_one("#containers").focus()  # the pod screen's own save-log
            progress = app.screen.query_one("#progress", Static)
            await pilot.press("s")
            await until(lambda p=progress: "log " in str(p.render()), 10, "save-log answered")
            saves[label] = "saved" if "log saved to" in str(progress.render()) else "refused"
            await pilot.press("a")
            menu = await w.look(f"pod {label} actions", ActionsMenu)
            if label != "plain":
                assert "not a valid Kubernetes name" in menu, menu
            await pilot.press("escape")
            if label == "osc":
                await pilot.press("y")
                await w.look(f"pod {label} yaml", YamlScreen)
            await w.back_to_main()

        # 100,000 more lines, escapes and markup among them, into the followed log
        await w.open(("Pod", NS, POD_NAMES["plain"]))
        await w.look("pod plain following", PodScreen)
        view = app.screen.query_one(LogView)
        state = app.source.demo.state
        for start in range(0, LONG_LOG_LINES, 10_000):
            state.append_log(NS, POD_NAMES["plain"], "app",
                             [f"{i} \x1b[31m{MARKUP}\x1b]0;PWN\x07" for i in
                              range(start, start + 10_000)])
            await asyncio.sleep(0)
        await until(lambda: view.line_count >= LONG_LOG_LINES, 60, "the long log followed")
        await pilot.press("end")
        await w.look("pod plain after 100k lines", PodScreen)
        await w.back_to_main()

        for name in (RELEASE, "rel\u200bease"):
            await w.open(("HelmRelease", NS, name))
            text = await w.look(f"release {name!r}", ReleaseScreen)
            if name == RELEASE:
                screen = app.screen
                assert isinstance(screen, ReleaseScreen)
                await until(lambda s=screen: any("release record too large to read" in
                                                 r.description for r in s.history), 20,
                            "the bomb's revision said too large")
            await pilot.press("f")
            await w.look(f"fix {name!r}", FixReleaseScreen)
            await w.back_to_main()
        markup_literal = all(any(part in t for t in w.texts) for part in MARKUP.split(" "))
    return {"opened": w.opened, "forbidden": w.forbidden, "markup_literal": markup_literal,
            "saves": saves, "vmhwm_mib": vmhwm_mib(), "log_lines": view.line_count,
            "text": text}


def vmhwm_mib() -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) // 1024 for line in f if line.startswith("VmHWM:"))


def main() -> None:
    print(json.dumps(asyncio.run(walk(sys.argv[1]))))
