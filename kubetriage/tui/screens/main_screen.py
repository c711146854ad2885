"""The main screen: status bar, namespaces, chains, releases, pods and events.

In a large terminal the panels share the screen; below COMPACT_WIDTH x COMPACT_HEIGHT they become
tabs under the status bar (which keeps the chain count in view). k9s keys: `:` commands, `/`
filter, `?` help, Esc back, `q` quit, Enter opens the object under the cursor.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.events import Resize
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static, Tab, Tabs

from kubetriage.checks.finding import Report
from kubetriage.core.text import clean
from kubetriage.core.types import Key
from kubetriage.tui.styling import text
from kubetriage.tui.viewmodel import rows
from kubetriage.tui.viewmodel.dashboard import DashboardModel
from kubetriage.tui.viewmodel.updates import PanelUpdate, Updates
from kubetriage.tui.widgets.chains_panel import ChainsPanel, object_label
from kubetriage.tui.widgets.panel import Panel
from kubetriage.tui.widgets.resource_table import ResourceTable
from kubetriage.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from kubetriage.tui.app import KubetriageApp

COMPACT_WIDTH, COMPACT_HEIGHT = 120, 32
PANELS = {"chains": "Chains", "namespaces": "Namespaces", "releases": "Releases",
          "pods": "Pods", "events": "Events"}
COMMANDS: dict[str, tuple[str | None, str]] = {  # `:name` -> (panel, what it shows), also
    # listed in the command palette
    "chains": ("chains", "Failure chains: causes and their symptoms"),
    "ns": ("namespaces", "Namespaces with their health (`:ns NAME` shows one, `:ns all` all)"),
    "hr": ("releases", "HelmReleases and Kustomizations"),
    "ks": ("releases", "HelmReleases and Kustomizations"),
    "pods": ("pods", "Pods"),
    "events": ("events", "Events, warnings first"),
    "ctx": (None, "Another kubeconfig context (`:ctx NAME`; `:ctx` lists them)"),
}
TABLE_COLUMNS = {"namespaces-table": rows.NAMESPACE_COLUMNS, "releases-table": rows.RELEASE_COLUMNS,
                 "pods-table": rows.POD_COLUMNS, "events-table": rows.EVENT_COLUMNS}
ALIASES = {"po": "pods", "pod": "pods", "helmreleases": "hr", "kustomizations": "ks",
           "ev": "events", "namespace": "ns", "namespaces": "ns", "chain": "chains",
           "context": "ctx"}


class MainScreen(Screen):
    """Everything at a glance; chains drive the highlight in every panel."""

    if TYPE_CHECKING:  # for the type checker only: Textual's own is untyped past App
        app = getters.app(KubetriageApp)

    CSS_PATH = "main_screen.tcss"
    BINDINGS = [
        Binding("colon", "command_line", ":cmd", key_display=":"),
        Binding("slash", "filter", "Filter", key_display="/"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("n", "namespace", "Namespace", show=False),
        Binding("a", "object_actions", "Actions"),
        Binding("escape", "back", "Back", show=False),
        Binding("q", "app.quit", "Quit"),
        *(Binding(str(i), f"show_panel('{panel}')", PANELS[panel], show=False)
          for i, panel in enumerate(PANELS, 1)),
    ]

    class ObjectOpened(Message):
        """Enter on a row or a finding: the drill-down screens open the object (kind, ns, name)."""

        def __init__(self, key: tuple[str, str | None, str]) -> None:
            super().__init__()
            self.key = key

    def __init__(self, model: DashboardModel, **kwargs) -> None:
        super().__init__(**kwargs)
        self.model = model
        self.filter_text = ""
        self.active = "chains"
        self.report = Report(findings=[], chains=[])
        self.waiting = ""  # before the first report, what it waits for ("reading logs")
        self._columns_shown: dict[str, list] = {}

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield Tabs(*(Tab(label, id=f"tab-{pid}") for pid, label in PANELS.items()), id="tabs")
        with Horizontal(id="body"):
            with Vertical(id="left"):
                yield Panel(ResourceTable(id="namespaces-table"), title="Namespaces",
                            id="namespaces")
                yield Panel(ChainsPanel(id="chains-tree"), Static(id="caused-by", classes="-empty"),
                            title="Chains", id="chains")
            with Vertical(id="right"):
                # rows given as their sources, built when drawn
                yield Panel(ResourceTable(build=rows.release_row, id="releases-table"),
                            title="Releases", id="releases")
                yield Panel(ResourceTable(build=rows.pod_row, id="pods-table"), title="Pods",
                            id="pods")
                yield Panel(ResourceTable(build=rows.event_row, id="events-table"),
                            title="Events", id="events")
        yield Static(id="filter-line")
        yield Input(placeholder="pods hr ks events chains ns NAME", id="command",
                    classes="prompt")
        yield Input(placeholder="filter every panel", id="filter", classes="prompt")
        yield Footer()

    def on_mount(self) -> None:
        self._layout(self.size.width, self.size.height)
        self.query_one(ChainsPanel).focus()

    # -- layout --------------------------------------------------------------------------------

    def on_resize(self, event: Resize) -> None:
        self._layout(event.size.width, event.size.height)

    @property
    def compact(self) -> bool:
        return self.has_class("-compact")

    def _layout(self, width: int, height: int) -> None:
        self.set_class(width < COMPACT_WIDTH or height < COMPACT_HEIGHT, "-compact")
        for pid in PANELS:
            self.query_one(f"#{pid}", Panel).display = not self.compact or pid == self.active
        for column in self.query("#left, #right"):
            column.display = any(child.display for child in column.children)
        self.call_after_refresh(self._fit_columns)

    def _fit_columns(self) -> None:
        for table_id, spec in TABLE_COLUMNS.items():
            table = self.query_one(f"#{table_id}", ResourceTable)
            width = table.size.width or self.size.width
            columns = rows.columns_for(spec, width)
            if columns != self._columns_shown.get(table_id):
                self._columns_shown[table_id] = columns
                table.set_columns(columns)

    @on(Tabs.TabActivated, "#tabs")
    def _tab_activated(self, event: Tabs.TabActivated) -> None:
        if event.tab is not None and event.tab.id:
            self.action_show_panel(event.tab.id.removeprefix("tab-"), focus=False)

    def action_show_panel(self, panel: str, focus: bool = True) -> None:
        self.active = panel
        tabs = self.query_one(Tabs)
        if tabs.active != f"tab-{panel}":
            tabs.active = f"tab-{panel}"
        self._layout(self.size.width, self.size.height)
        if focus:
            self.query_one(f"#{panel}").query_one("ResourceTable, ChainsPanel").focus()

    # -- data ----------------------------------------------------------------------------------

    def apply_updates(self, updates: Updates, now: datetime) -> None:
        """A batch of the model's updates; rows are built at `now` when drawn."""
        for pid in ("namespaces", "releases", "pods", "events"):
            update: PanelUpdate = getattr(updates, pid)
            if update:
                table = self.query_one(f"#{pid}-table", ResourceTable)
                table.apply(update, now)
        self._counts()

    def refresh_ages(self, now: datetime) -> None:
        """Every row on screen drawn again at `now`: ages move on without their objects
        changing."""
        for pid in ("releases", "pods", "events"):
            self.query_one(f"#{pid}-table", ResourceTable).refresh_ages(now)

    def show_waiting(self, what: str) -> None:
        """Before the first report: what it waits for, in place of the chains and their count."""
        if what == self.waiting:
            return
        self.waiting = what
        try:
            self.query_one(ChainsPanel).show_waiting(f"{what}…")
            self._counts()
        except NoMatches:  # the screen is being put together, or taken apart
            self.waiting = ""

    def show_report(self, report: Report) -> None:
        self.report = report
        self.waiting = ""
        self.query_one(ChainsPanel).show_report(report)
        ns = self.model.set_report(report)
        if ns:
            self.query_one("#namespaces-table", ResourceTable).apply(ns)
        self._counts()

    def _counts(self) -> None:
        for pid in ("namespaces", "releases", "pods", "events"):
            table = self.query_one(f"#{pid}-table", ResourceTable)
            shown = table.visible_count
            self.query_one(f"#{pid}", Panel).set_count(
                shown if shown == table.row_count else f"{shown}/{table.row_count}")
        chains = "…" if self.waiting else len(self.report.chains)
        self.query_one("#chains", Panel).set_count(chains)
        for pid in PANELS:
            label = PANELS[pid] + (f" {chains}" if pid == "chains" else "")
            tab = self.query_one(f"#tab-{pid}", Tab)
            if tab.label.plain != label:  # a relabel lays the tabs out again: a second frame
                tab.label = label

    # -- chains drive the highlight ------------------------------------------------------------

    def on_chains_panel_chain_highlighted(self, event: ChainsPanel.ChainHighlighted) -> None:
        hint = self.query_one("#caused-by", Static)
        members: set = set()
        if event.chain is not None:
            by_id = {f.id: f for f in self.report.findings}
            for fid in event.chain.links:
                if (f := by_id.get(fid)) is not None:
                    members.add((f.object.kind, f.object.namespace, f.object.name))
        namespaces = {("Namespace", None, ns) for _, ns, _ in members if ns}
        for pid in ("releases", "pods"):
            self.query_one(f"#{pid}-table", ResourceTable).set_marked(members)
        self.query_one("#namespaces-table", ResourceTable).set_marked(namespaces)
        self.query_one("#events-table", ResourceTable).set_marked(
            self.model.event_keys_about(members))
        root = event.root
        symptom = event.finding is not None and root is not None and event.finding.id != root.id
        hint.set_class(not symptom, "-empty")
        if symptom and root is not None:
            hint.update(Text.assemble(
                "caused by ", text(object_label(root), "bold"), ("  r: jump to it", "dim"),
                "\n", text(root.summary, "italic"), no_wrap=True, overflow="ellipsis"))

    # -- opening an object ---------------------------------------------------------------------

    def on_resource_table_row_selected(self, event: ResourceTable.RowSelected) -> None:
        key = self._object_key(event.key)
        if key is not None:
            self.post_message(self.ObjectOpened(key))

    def on_tree_node_selected(self, event) -> None:
        key = self._cursor_object()
        if key is not None:
            self.post_message(self.ObjectOpened(key))

    def action_object_actions(self) -> None:
        """`a` on a row or a finding: its screen, with the actions menu open over it."""
        key = self._cursor_object()
        if key is not None:
            self.app.open_object(key)
            self.app.call_after_refresh(lambda: self.app.screen.run_action("actions"))

    def _object_key(self, row: Hashable) -> Key | None:
        """The object a row stands for: a folded event row stands for the object it is about."""
        key = cast(Key, row)  # the dashboard's tables are keyed by (kind, namespace, name)
        if key[0] != "Event":
            return key
        folded = self.model.folded.get(key)
        return None if folded is None else (folded.target[0], folded.namespace,
                                            folded.target[1])

    def _cursor_object(self) -> tuple[str, str | None, str] | None:
        focused = self.focused
        if isinstance(focused, ResourceTable):
            return None if focused.cursor_key is None else self._object_key(focused.cursor_key)
        _, finding = self.query_one(ChainsPanel).selected()
        if finding is None:
            return None
        o = finding.object
        return (o.kind, o.namespace, o.name)

    # -- keys ----------------------------------------------------------------------------------

    def action_command_line(self, prefill: str = "") -> None:
        self._open_prompt("#command", prefill)

    def action_namespace(self) -> None:
        self.action_command_line("ns ")

    def action_filter(self) -> None:
        self._open_prompt("#filter", self.filter_text)

    def _open_prompt(self, selector: str, value: str) -> None:
        prompt = self.query_one(selector, Input)
        prompt.value = value
        prompt.add_class("-open")
        prompt.focus()
        prompt.cursor_position = len(value)

    def _close_prompts(self) -> None:
        for prompt in self.query(".prompt"):
            prompt.remove_class("-open")
        self.action_show_panel(self.active)

    def action_help(self) -> None:
        from kubetriage.tui.screens.help_screen import HelpScreen
        self.app.push_screen(HelpScreen())

    def action_back(self) -> None:
        if any(p.has_class("-open") for p in self.query(".prompt")):
            if self.query_one("#filter", Input).has_class("-open"):
                self.set_filter("")
            self._close_prompts()
        elif self.filter_text:
            self.set_filter("")
        elif self.model.namespace is not None:
            self.app.run_worker(self.app.set_namespace(None), group="reload", exclusive=True)

    @on(Input.Changed, "#filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        self.set_filter(event.value)

    @on(Input.Submitted, "#filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        self._close_prompts()

    @on(Input.Submitted, "#command")
    def _command(self, event: Input.Submitted) -> None:
        self._close_prompts()
        self.run_command(event.value)

    def run_command(self, line: str) -> None:
        """A `:` command line, as k9s reads it."""
        name, _, arg = line.strip().lstrip(":").partition(" ")
        name = ALIASES.get(name.lower(), name.lower())
        if name not in COMMANDS:
            self.notify(f"unknown command: {clean(line)}", severity="warning", markup=False)
            return
        if name == "ctx":
            self.app.run_worker(self.app.switch_context(arg.strip()), group="reload",
                                exclusive=True)
            return
        if name == "ns" and arg.strip():
            namespace = None if arg.strip() in ("all", "-A") else arg.strip()
            self.app.run_worker(self.app.set_namespace(namespace), group="reload", exclusive=True)
        panel = COMMANDS[name][0]
        if panel is not None:  # only :ctx shows none, and it returned above
            self.action_show_panel(panel)

    def set_filter(self, needle: str) -> None:
        self.filter_text = needle
        for table in self.query(ResourceTable):
            table.filter(needle)
        self.query_one(ChainsPanel).set_filter(needle)
        line = self.query_one("#filter-line", Static)
        line.set_class(bool(needle), "-on")
        line.update(Text.assemble(("/", "bold"), text(needle), ("  (Esc clears)", "dim")))
        self._counts()
