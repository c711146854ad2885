"""The keys, as k9s users expect them, and what the panels mean."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

# (key, what it does), grouped by where it works; short enough for an 80x24 pane without
# scrolling
SECTIONS: list[tuple[str, list[tuple[str, str]]]] = [
    ("Main screen", [
        (":", "pods hr ks events chains sources, ns NAME, ctx NAME; Tab completes"),
        ("/", "filter every panel (Enter keeps it, Esc clears)"),
        ("n  0", "choose a namespace (:ns); 0: every namespace again"),
        ("1-5  Tab", "chains, namespaces, releases, pods, events; Tab: next panel"),
        ("Enter  d", "open (describe) the object under the cursor; y: its YAML"),
        ("l  p", "its pod's log (a release's failing pod); p: the previous one"),
        ("a  ctrl+d", "its actions: RBAC-checked, dry-run, confirmed; ctrl+d: delete"),
        ("N A S T", "sort by name, age, status, restarts (again: reversed)"),
        ("r", "in chains: from a symptom to its root cause"),
    ]),
    ("Pod", [("p  c", "previous/current log; next container"),
             ("/ n N w s", "search the log, next/previous match, wrap, save")]),
    ("Release", [("f t Enter", "fix it; t: flux tree, events, logs; Enter: a hook's Job")]),
    ("Anywhere", [("y  v", "YAML; reconcile and verify the namespace"),
                  ("Esc  q", "back: close, clear the filter, every namespace; q quits"),
                  ("ctrl+p  ?", "command palette (the walkthroughs); this help")]),
]
LEGEND = ("● a root cause, ↳ what it causes: a chain's objects are marked ▌ in every panel. "
          "\"stale\": a watch reconnects; the screen may lag the cluster.")


class HelpScreen(ModalScreen):
    """Keys and legend; any of Esc, q or ? goes back."""

    BINDINGS = [Binding("escape,q,question_mark", "app.pop_screen", "Back")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 80; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; border-title-color: $accent; background: $surface; padding: 0 1;
        scrollbar-size-vertical: 0; }
    """

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 1))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for i, (title, keys) in enumerate(SECTIONS):
            if i:  # the first, the main screen's, goes without saying
                table.add_row(Text(title, style="italic underline"), "")
            for key, what in keys:
                table.add_row(key, what)
        scroll = VerticalScroll(Static(table), Static(Text(LEGEND, style="dim")))
        scroll.border_title = "kubetriage help"
        yield scroll
