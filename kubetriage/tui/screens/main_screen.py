"""The main screen: status bar, namespaces, chains, releases, pods and events.

In a large terminal the panels share the screen; below COMPACT_WIDTH x COMPACT_HEIGHT they become
tabs under the status bar (which keeps the chain count in view). k9s keys: `:` commands, `/`
filter, `?` help, Esc back, `q` quit, Enter opens the object under the cursor.

Over the package's ~450 lines on purpose: the layout, the k9s keys and the two prompts all read and
change the same state (the active panel, the cursor's object, the filter, the chain marked in every
panel); split into mixins, one screen's behaviour would be read across several files.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, cast, runtime_checkable

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
from kubetriage.tui.navigation import Open
from kubetriage.tui.styling import text
from kubetriage.tui.viewmodel import release_details as rd
from kubetriage.tui.viewmodel import rows
from kubetriage.tui.viewmodel.dashboard import DashboardModel
from kubetriage.tui.viewmodel.updates import PanelUpdate, Updates
from kubetriage.tui.widgets.chains_panel import ChainsPanel, act_on, object_label
from kubetriage.tui.widgets.panel import Panel
from kubetriage.tui.widgets.prompt import CommandSuggester, PromptInput, PromptLine
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
    "sources": (None, "Flux sources: revision, SUSPENDED, READY, message (flux get sources)"),
}
TABLE_COLUMNS = {"namespaces-table": rows.NAMESPACE_COLUMNS, "releases-table": rows.RELEASE_COLUMNS,
                 "pods-table": rows.POD_COLUMNS, "events-table": rows.EVENT_COLUMNS}
ALIASES = {"po": "pods", "pod": "pods", "helmreleases": "hr", "kustomizations": "ks",
           "ev": "events", "namespace": "ns", "namespaces": "ns", "chain": "chains",
           "context": "ctx", "src": "sources", "source": "sources", "gitrepo": "sources",
           "helmrepo": "sources", "helmchart": "sources", "oci": "sources"}


@runtime_checkable
class ObjectScreenLike(Protocol):
    """A screen that runs an action on an object (the object screens): ctrl+d opens one."""

    def start_action(self, action_id: str, obj: dict) -> None: ...


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
        Binding("0", "all_namespaces", "All namespaces", show=False),
        Binding("a", "object_actions", "Actions"),
        # k9s's keys for the object under the cursor
        Binding("d", "describe", "Describe", show=False),
        Binding("y", "yaml", "YAML", show=False),
        Binding("l", "logs", "Logs", show=False),
        Binding("p", "logs(True)", "Previous logs", show=False),
        Binding("ctrl+d", "delete", "Delete", show=False),
        Binding("N", "sort('NAME')", "Sort by name", show=False),
        Binding("A", "sort('AGE')", "Sort by age", show=False),
        Binding("S", "sort('STATUS')", "Sort by status", show=False),
        Binding("T", "sort('RESTARTS')", "Sort by restarts", show=False),
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
        self.partial: set[str] = set()  # panels whose rows are of lists not yet whole: "Pods 500…"
        self._columns_shown: dict[str, tuple] = {}
        self._marked_chain: tuple | None = None  # the chain whose objects are marked
        self._several = (False, False)  # several namespaces in the pods, the releases

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield Tabs(*(Tab(label, id=f"tab-{pid}") for pid, label in PANELS.items()), id="tabs")
        with Horizontal(id="body"):
            # the wide column for what is read as sentences (chains, event messages); the
            # other for the tables of names and states
            with Vertical(id="left"):
                yield Panel(ChainsPanel(id="chains-tree"), Static(id="caused-by", classes="-empty"),
                            title="Chains", id="chains")
                yield Panel(ResourceTable(build=rows.event_row, id="events-table"),
                            title="Events", id="events")
            with Vertical(id="right"):
                yield Panel(ResourceTable(id="namespaces-table"), title="Namespaces",
                            id="namespaces")
                # rows given as their sources, built when drawn
                yield Panel(ResourceTable(build=rows.release_row, id="releases-table"),
                            title="Releases", id="releases")
                yield Panel(ResourceTable(build=rows.pod_row, id="pods-table"), title="Pods",
                            id="pods")
        yield Static(id="filter-line")
        yield PromptLine(":", "command", "pods hr ks events chains ns NAME ctx NAME  "
                         "(Tab completes, Enter runs, Esc cancels)",
                         CommandSuggester(self._command_names, self._command_arguments),
                         id="command-line", classes="prompt")
        yield PromptLine("/", "filter", "filter every panel  (Enter keeps it, Esc clears)",
                         id="filter-prompt", classes="prompt")
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
        self.query_one(ChainsPanel).set_compact(self.compact)
        self.call_after_refresh(self._fit_columns)

    def _fit_columns(self) -> None:
        for table_id, spec in TABLE_COLUMNS.items():
            table = self.query_one(f"#{table_id}", ResourceTable)
            width = table.size.width or self.size.width
            indexed = list(enumerate(spec))
            if table_id in ("pods-table", "releases-table"):
                ns = next(i for i, (label, _, _) in indexed if label == "NAMESPACE")
                rest = [(i, c) for i, c in indexed if i != ns]
                # several namespaces in view: NAMESPACE first, at any width (kubectl -A, k9s);
                # one namespace: it says nothing, whatever the width
                # as wide as the longest name (up to 16): the NAME column gives way, not it
                ns_width = min(max((len(n) for n in self.model.namespaces), default=9), 16)
                indexed = [(ns, (spec[ns][0], max(ns_width, 9), 0)), *rest] \
                    if self._several_namespaces(table_id) else rest
            shown = [(i, (label, fixed)) for i, (label, fixed, needs) in indexed
                     if width >= needs]
            columns, cells = [c for _, c in shown], [i for i, _ in shown]
            if (columns, cells) != self._columns_shown.get(table_id):
                self._columns_shown[table_id] = (columns, cells)
                table.set_columns(columns, cells)

    def _several_namespaces(self, table_id: str) -> bool:
        if self.model.namespace is not None:
            return False
        health = self.model.health.values() if hasattr(self.model, "health") else ()
        count = sum(1 for h in health
                    if (h.pods if table_id == "pods-table" else h.releases) > 0)
        return count > 1

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
        several = (self._several_namespaces("pods-table"),
                   self._several_namespaces("releases-table"))
        if several != self._several:  # a second namespace came into view, or went
            self._several = several
            self._fit_columns()

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

    def show_report(self, report: Report, so_far: tuple[str, ...] = ()) -> None:
        """so_far: the kinds still being listed when it was made (a report of the rest)."""
        self.report = report
        self.waiting = ""
        panel = self.query_one(ChainsPanel)
        panel.show_report(report, watched=0 if report.chains else self._watched(), so_far=so_far)
        ns = self.model.set_report(report)
        if ns:
            self.query_one("#namespaces-table", ResourceTable).apply(ns)
        self._counts()
        self._remark(panel)

    def _watched(self) -> int:
        store = getattr(getattr(self.app, "source", None), "store", None)
        if store is None:
            return 0
        return sum(store.count(kind) for kind in store.kinds())

    def _remark(self, panel: ChainsPanel) -> None:
        """The marks follow the chain under the cursor as reports come: a chain that resolved
        leaves no marks behind on the rows it had marked."""
        chain, finding = panel.selected()
        marked = (chain.id, tuple(chain.links)) if chain is not None else None
        if marked != self._marked_chain:
            root = panel.findings.get(chain.root) if chain is not None else None
            self.on_chains_panel_chain_highlighted(ChainsPanel.ChainHighlighted(chain, finding,
                                                                                root))

    def _counts(self) -> None:
        for pid in ("namespaces", "releases", "pods", "events"):
            table = self.query_one(f"#{pid}-table", ResourceTable)
            shown = table.visible_count
            count = shown if shown == table.row_count else f"{shown}/{table.row_count}"
            self.query_one(f"#{pid}", Panel).set_count(f"{count}…" if pid in self.partial
                                                       else count)
        total, shown = len(self.report.chains), self.query_one(ChainsPanel).shown_count
        # a filter hides some; "…" until the first report
        chains = "…" if self.waiting else total if shown == total else f"{shown}/{total}"
        self.query_one("#chains", Panel).set_count(chains)
        counts = {"chains": chains}
        if self.filter_text:  # every tab says what the filter leaves of it
            for pid in ("namespaces", "releases", "pods", "events"):
                table = self.query_one(f"#{pid}-table", ResourceTable)
                counts[pid] = f"{table.visible_count}/{table.row_count}"
        for pid in PANELS:
            label = PANELS[pid] + (f" {counts[pid]}" if pid in counts else "")
            tab = self.query_one(f"#tab-{pid}", Tab)
            if tab.label.plain != label:  # a relabel lays the tabs out again: a second frame
                tab.label = label

    # -- chains drive the highlight ------------------------------------------------------------

    def on_chains_panel_chain_highlighted(self, event: ChainsPanel.ChainHighlighted) -> None:
        hint = self.query_one("#caused-by", Static)
        self._marked_chain = (event.chain.id, tuple(event.chain.links)) \
            if event.chain is not None else None
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
        symptom = event.finding is not None and root is not None and \
            event.finding.id != root.id and not event.on_root
        hint.set_class(not symptom, "-empty")
        if symptom and root is not None and event.chain is not None:
            # named as the chain's own line names it: the object to act on (a hook pod's Job)
            head = act_on(event.chain, root, self.query_one(ChainsPanel).findings)
            hint.update(Text.assemble(
                "caused by ", text(object_label(head), "bold"), ("  r: jump to it", "dim"),
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
        elif not self.report.chains:
            self.notify("no chain to open: nothing wrong found", timeout=3)

    def action_object_actions(self) -> None:
        """`a` on a row or a finding: its screen, with the actions menu open over it."""
        key = self._cursor_object()
        if key is not None:
            self.app.open_object(key)
            self.app.call_after_refresh(lambda: self.app.screen.run_action("actions"))

    def action_all_namespaces(self) -> None:
        """k9s's `0`: every namespace again."""
        if self.model.namespace is not None:
            self.app.run_worker(self.app.set_namespace(None), group="reload", exclusive=True)
        self.notify("all namespaces", timeout=2)

    def action_describe(self) -> None:
        """k9s's `d`: the object's own screen (a pod's containers, log and events; a release's
        conditions, history and hooks), the YAML for other kinds."""
        key = self._cursor_object()
        if key is None:
            self._nothing_here()
        else:
            self.post_message(Open("object", key))

    def action_yaml(self) -> None:
        key = self._cursor_object()
        if key is None:
            self._nothing_here()
        else:
            self.post_message(Open("yaml", key))

    def action_logs(self, previous: bool = False) -> None:
        """k9s's `l` (and `p`, the previous instance): a pod's log; for a Job, a workload or a
        release, the log of its pod that fails (else its first)."""
        key = self._cursor_object()
        pod = None if key is None else self._pod_for(key)
        if pod is None:
            self.notify("no pod here to show the log of" if key else "nothing under the cursor",
                        severity="warning", timeout=3)
            return
        self.post_message(Open("previous" if previous else "logs", pod))

    def _pod_for(self, key: tuple[str, str | None, str]) -> tuple[str, str | None, str] | None:
        if key[0] == "Pod":
            return key
        source = getattr(self.app, "source", None)
        if source is None:
            return None
        store = source.store
        obj = store.get(*key)
        if obj is None:
            return None
        pods: list[dict] = []
        if key[0] == "HelmRelease":
            pods = [p for h in rd.hook_jobs(obj, store) for p in h.pods] + \
                [p for w in rd.workloads(obj, store) for p in w.pods]
        else:
            queue = [obj]
            while queue:  # a Job's pods; a Deployment's through its ReplicaSets
                for child in store.owned_by(queue.pop()["metadata"].get("uid", "")):
                    (pods if child.get("kind") == "Pod" else queue).append(child)
        if not pods:
            return None
        failing = [p for p in pods if self.model.pod_failing.get(
            ("Pod", p["metadata"].get("namespace"), p["metadata"]["name"]))]
        pod = (failing or pods)[0]
        return ("Pod", pod["metadata"].get("namespace"), pod["metadata"]["name"])

    def action_delete(self) -> None:
        """k9s's ctrl+d: the object's deletion, confirmed with the exact change first (a pod; a
        Helm hook Job; an HPA whose target is gone)."""
        key = self._cursor_object()
        action = {"Pod": "delete-pod", "Job": "delete-hook-job",
                  "HorizontalPodAutoscaler": "delete-orphan-hpa"}.get(key[0] if key else "")
        if key is None or action is None:
            self.notify(f"kubetriage deletes pods, Helm hook Jobs and orphaned HPAs, not "
                        f"{key[0] if key else 'nothing'}", severity="warning", timeout=3,
                        markup=False)
            return
        source = getattr(self.app, "source", None)
        if source is None:
            return
        self.app.open_object(key)
        store = source.store

        def start() -> None:
            obj = store.get(*key)
            screen = self.app.screen
            if obj is not None and isinstance(screen, ObjectScreenLike):
                screen.start_action(action, obj)
        self.app.call_after_refresh(start)

    def action_sort(self, label: str) -> None:
        """k9s's shift+N/A/S (and T, restarts): sort the focused table by that column; the
        same key again reverses it."""
        table = self.focused
        if not isinstance(table, ResourceTable):
            self.notify("sorting is for the tables (releases, pods, events)", timeout=2)
            return
        if not table.sort_by_label(label):
            self.notify(f"this table has no {label} column", timeout=2, markup=False)

    def _nothing_here(self) -> None:
        self.notify("nothing under the cursor", severity="warning", timeout=3)

    def _object_key(self, row: Hashable) -> Key | None:
        """The object a row stands for: a folded event row stands for the object it is about."""
        # the dashboard's tables are keyed by (kind, namespace, name), the events' by fold
        if cast(tuple, row)[0] != "Event":
            return cast(Key, row)
        folded = self.model.folded.get(cast(rows.FoldKey, row))
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
        for line in self.query(PromptLine):
            line.remove_class("-open")
        prompt = self.query_one(selector, Input)
        prompt.value = value
        if prompt.parent is not None:
            prompt.parent.add_class("-open")
        prompt.focus()
        prompt.cursor_position = len(value)

    def _command_names(self) -> list[str]:
        return sorted({*COMMANDS, *ALIASES})

    def _command_arguments(self, name: str) -> list[str]:
        name = ALIASES.get(name, name)
        if name == "ns":
            return ["all", *sorted(self.model.namespaces)]
        if name == "ctx":
            return list(getattr(self.app, "context_names", lambda: [])())
        return []

    def _close_prompts(self) -> None:
        for prompt in self.query(".prompt"):
            prompt.remove_class("-open")
        self.action_show_panel(self.active)

    def action_help(self) -> None:
        from kubetriage.tui.screens.help_screen import HelpScreen
        self.app.push_screen(HelpScreen())

    def action_back(self) -> None:
        if any(p.has_class("-open") for p in self.query(".prompt")):
            if self.query_one("#filter-prompt").has_class("-open"):
                self.set_filter("")
            self._close_prompts()
        elif self.filter_text:
            self.set_filter("")
        elif self.model.namespace is not None:
            self.app.run_worker(self.app.set_namespace(None), group="reload", exclusive=True)

    @on(Input.Changed, "#filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        self.set_filter(event.value)

    @on(PromptInput.Cancelled)
    def _prompt_cancelled(self, event: PromptInput.Cancelled) -> None:
        event.stop()
        self.action_back()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        # while a prompt is open the footer shows its keys, not the screen's
        if action in ("command_line", "filter", "help", "object_actions", "app.quit") and \
                any(p.has_class("-open") for p in self.query(".prompt")):
            return False
        return True

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
        if name == "sources":
            self.post_message(Open("sources", namespace=self.model.namespace))
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
        if hasattr(self.app, "refresh_status"):
            self.app.refresh_status()
