"""The keys, as k9s users expect them, and what the panels mean."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = [
    (":", "command line: pods, hr, ks, events, chains, ns NAME (ns all: every namespace), "
          "ctx NAME (another kubeconfig context)"),
    ("/", "filter every panel (Esc clears)"),
    ("n", "choose a namespace (:ns)"),
    ("1-5", "chains, namespaces, releases, pods, events"),
    ("Tab", "next panel"),
    ("Enter", "open the object under the cursor: a pod's logs (evidence marked ▌), a "
              "release's history and hook jobs, anything else's YAML"),
    ("a", "actions of the object under the cursor (reconcile, suspend, restart, delete a "
          "stuck hook job...): RBAC-checked, dry-run, confirmed, audited"),
    ("r", "in chains: jump from a symptom to its root cause"),
    ("", "on a pod: p previous/current log, c next container, / n N search, w wrap, "
         "s save; y YAML; v verify the namespace; f (release) fix a failing release"),
    ("ctrl+p", "command palette: every command"),
    ("?", "this help"),
    ("Esc", "back: close the prompt, clear the filter, all namespaces"),
    ("q", "quit"),
]
LEGEND = ("A chain is a root cause (●) and the symptoms it causes (↳). Moving onto a chain marks "
          "its objects with ▌ in every panel. \"stale for N s\" in the status bar: a watch is "
          "reconnecting and what you see may be behind the cluster.")


class HelpScreen(ModalScreen):
    """Keys and legend; any of Esc, q or ? goes back."""

    BINDINGS = [Binding("escape,q,question_mark", "app.pop_screen", "Back")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; border-title-color: $accent; background: $surface; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for key, what in KEYS:
            table.add_row(key, what)
        scroll = VerticalScroll(Static(table), Static(Text("\n" + LEGEND, style="dim")))
        scroll.border_title = "kubetriage help"
        yield scroll
