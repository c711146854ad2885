"""The Flux views: `:sources` lists every source as `flux get sources all` does, and a Flux
object's screen (a Kustomization, a source; a HelmRelease's with `t` from its own screen) shows
its conditions with SUSPENDED and the last applied revision, what it applied as `flux tree` draws
it, its events as `flux events --for`, and its controller's log lines about it as `flux logs`
(where the controller's pod is in the cluster)."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

from rich.text import Text
from rich.tree import Tree
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Footer, Static

from kubetriage.core.text import clean
from kubetriage.errors import ApiError
from kubetriage.tui import flux_details as fd
from kubetriage.tui.navigation import Open
from kubetriage.tui.screens.object_screen import ObjectScreen, cell, health_style
from kubetriage.tui.widgets.fitted_table import FittedTable

CONTROLLER_TAIL = 2000  # lines of the controller's log read to find this object's
READY_HEALTH = {"True": "ok", "False": "error"}


class FluxScreen(ObjectScreen):
    """One Flux object: conditions, revision, inventory tree, events, controller log."""

    BINDINGS = [Binding("l", "controller_log", "Controller log")]
    DEFAULT_CSS = """
    FluxScreen #body { height: 1fr; }
    FluxScreen #summary { height: auto; padding: 0 1; }
    FluxScreen DataTable { height: auto; max-height: 10; }
    FluxScreen #tree { height: auto; padding: 0 1; }
    FluxScreen #log { height: auto; padding: 0 1; }
    """
    WATCHED = {"Event", "Kustomization", "HelmRelease", *fd.SOURCE_KINDS}

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="body"):
            yield Static(id="summary")
            with Vertical(id="conditions-box", classes="section") as box:
                box.border_title = "Conditions"
                yield FittedTable(id="conditions", cursor_type="row")
            with Vertical(id="tree-box", classes="section") as box:
                box.border_title = "Inventory (flux tree)"
                yield Static(id="tree")
            with Vertical(id="events-box", classes="section") as box:
                box.border_title = "Events (flux events --for)"
                yield FittedTable(id="events", cursor_type="row")
            with Vertical(id="log-box", classes="section") as box:
                box.border_title = "Controller log (flux logs)"
                yield Static(Text("l: read the controller's lines about it", style="italic"),
                             id="log")

    def on_mount(self) -> None:
        self.query_one("#conditions", DataTable).add_columns("TYPE", "STATUS", "REASON",
                                                             "MESSAGE")
        self.query_one("#events", DataTable).add_columns("LAST SEEN", "TYPE", "REASON",
                                                         "OBJECT", "MESSAGE")
        super().on_mount()
        self.query_one("#conditions", DataTable).focus()

    def show(self) -> None:
        obj = self.obj
        if obj is None:
            self.query_one("#summary", Static).update(Text("It is gone.", style="italic"))
            return
        store = self.source.store
        spec, status = obj.get("spec") or {}, obj.get("status") or {}
        text = Text()
        suspended = bool(spec.get("suspend"))
        text.append("SUSPENDED ", style="dim")
        text.append("True" if suspended else "False",
                    style=f"bold {health_style(self, 'warn')}" if suspended else "")
        revision = fd.revision(obj)
        if revision:
            text.append("   revision ", style="dim")
            text.append(cell(revision))
        applied = status.get("lastAppliedRevision")
        if applied and applied != revision:
            text.append("   last applied ", style="dim")
            text.append(cell(applied))
        source = spec.get("sourceRef") or ((spec.get("chart") or {}).get("spec") or {}).get(
            "sourceRef") or {}
        if source.get("kind"):
            text.append("   source ", style="dim")
            text.append(cell(f"{source.get('kind')}/"
                             f"{source.get('namespace') or self.key[1]}/{source.get('name')}"))
        self.query_one("#summary", Static).update(text)
        conditions = self.query_one("#conditions", DataTable)
        conditions.clear()
        for c in status.get("conditions") or []:
            conditions.add_row(cell(c.get("type") or ""), cell(c.get("status") or "",
                                                               health_style(self, READY_HEALTH.get(
                                                                   c.get("status"), "warn"))
                                                               if c.get("type") == "Ready"
                                                               else ""),
                               cell(c.get("reason") or ""), cell(c.get("message") or ""))
        self.query_one("#tree", Static).update(_rich_tree(fd.tree(obj, store)))
        events = self.query_one("#events", DataTable)
        events.clear()
        rows = fd.events_for(obj, store, datetime.now(UTC))
        for e in rows:
            events.add_row(cell(e.last_seen), cell(e.type, health_style(
                self, "warn" if e.type == "Warning" else "ok")), cell(e.reason),
                cell(e.object), cell(e.message))
        self.query_one("#events-box").border_subtitle = "" if rows else \
            f"no events found in {self.key[1] or 'the cluster'}"

    async def action_controller_log(self) -> None:
        kind, ns, name = self.key
        view = self.query_one("#log", Static)
        pods = fd.controller_pods(kind, self.source.store)
        if not pods:
            view.update(Text(f"no {fd.CONTROLLERS.get(kind, 'controller')} pod in flux-system "
                             "to read (kubetriage reads it where the cluster has it)",
                             style="italic"))
            return
        lines: list[str] = []
        for pod in pods:
            meta = pod["metadata"]
            containers = [c.get("name") for c in (pod.get("spec") or {}).get("containers") or []]
            with contextlib.suppress(ApiError, OSError):
                lines += fd.controller_lines(
                    await self.source.logs(meta["namespace"], meta["name"], containers[0],
                                           tail=CONTROLLER_TAIL) if containers else [],
                    kind, name, ns)
        out = Text("\n".join(clean(line) for line in lines[-20:]) if lines else
                   f"{fd.CONTROLLERS.get(kind)} says nothing about {kind}/{name} in its last "
                   f"{CONTROLLER_TAIL} lines", style="" if lines else "italic")
        view.update(out)


def _rich_tree(node: fd.TreeNode) -> Tree:
    out = Tree(Text(clean(node.obj_ref), style="bold"), guide_style="dim")

    def add(branch: Tree, children: list[fd.TreeNode]) -> None:
        for child in children:
            add(branch.add(Text(clean(child.obj_ref))), child.children)

    add(out, node.children)
    if not node.children:
        out.add(Text("nothing found that it applied", style="italic"))
    return out


class SourcesScreen(ObjectScreen):
    """`flux get sources all`: every source, its revision, SUSPENDED, READY and message."""

    BINDINGS = [Binding("enter", "open", "Open", show=False)]
    DEFAULT_CSS = """
    SourcesScreen #sources { height: 1fr; }
    """
    WATCHED = set(fd.SOURCE_KINDS)

    def __init__(self, namespace: str | None = None) -> None:
        super().__init__(("Sources", namespace, "all"))
        self.namespace = namespace
        self._keys: list[tuple[str, str | None, str]] = []

    @property
    def obj(self):  # a list, not one object: nothing to act on as a whole
        return None

    def title_text(self) -> Text:
        return Text("Flux sources", style="bold") + Text(
            f"  {self.namespace or 'every namespace'}  (flux get sources all)", style="dim")

    def compose(self) -> ComposeResult:
        yield Static(self.title_text(), id="title")
        yield FittedTable(id="sources", cursor_type="row")
        yield Static(id="progress")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#sources", DataTable).add_columns(
            "NAMESPACE", "NAME", "REVISION", "SUSPENDED", "READY", "MESSAGE")
        super().on_mount()
        self.query_one("#sources", DataTable).focus()

    def show(self) -> None:
        table = self.query_one("#sources", DataTable)
        row = table.cursor_row
        table.clear()
        self._keys = []
        for s in fd.sources(self.source.store, self.namespace):
            table.add_row(cell(s.namespace), cell(s.name), cell(s.revision), cell(s.suspended),
                          cell(s.ready, health_style(self, READY_HEALTH.get(s.ready, "warn"))),
                          cell(s.message))
            self._keys.append(s.key)
        if row < table.row_count:
            table.move_cursor(row=row)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self._keys):
            self.post_message(Open("object", self._keys[event.cursor_row]))

    def action_open(self) -> None:
        table = self.query_one("#sources", DataTable)
        if 0 <= table.cursor_row < len(self._keys):
            self.post_message(Open("object", self._keys[table.cursor_row]))

    async def offers(self):
        return []
