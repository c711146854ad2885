"""A pod: its containers (init and sidecars too) with state, restarts and last exit; the log of
one container, followed live or its previous instance, with the lines the checks used as
evidence marked; the pod's events. `p` previous/current, `c` next container, `s` save the log."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from kubetriage.core.names import name_problem
from kubetriage.core.text import cap
from kubetriage.errors import ApiError
from kubetriage.tui.screens.object_screen import ObjectScreen, cell, health_style
from kubetriage.tui.viewmodel import pod_details
from kubetriage.tui.widgets.fitted_table import FittedTable
from kubetriage.tui.widgets.log_view import LogView

PREVIOUS_TAIL = 10_000  # lines of a previous instance (it has ended: read once)
SHOWN_MESSAGE = 500  # characters of a status or event message: a screen, not a dump
FOLLOW_TAIL = 1_000  # lines before the live tail


class PodScreen(ObjectScreen):
    """One pod, its containers, a container's log and the pod's events."""

    BINDINGS = [
        Binding("p", "toggle_previous", "Prev/current"),
        Binding("c", "next_container", "Container", show=False),
        Binding("s", "save_log", "Save log", show=False),
    ]
    DEFAULT_CSS = """
    PodScreen #summary { height: auto; padding: 0 1; }
    PodScreen #containers-box { max-height: 9; }
    PodScreen #containers { height: auto; max-height: 7; }
    PodScreen #log { height: 1fr; min-height: 6; }
    PodScreen #events-box { max-height: 8; }
    PodScreen #events { height: auto; max-height: 6; }
    """
    WATCHED = {"Event"}

    def __init__(self, key, *, container: str | None = None, previous: bool | None = None,
                 clock=None) -> None:
        super().__init__(key)
        self.container = container
        self.previous = previous
        self.sidecars: list[str] = []
        self.clock = clock

    def now(self) -> datetime:
        clock = self.clock or getattr(self.app, "clock", None)
        return clock() if clock else datetime.now(UTC)

    def compose_body(self) -> ComposeResult:
        yield Static(id="summary")
        with Vertical(id="containers-box", classes="section") as box:
            box.border_title = "Containers"
            yield FittedTable(id="containers", cursor_type="row", zebra_stripes=False)
        yield LogView(id="log")
        with Vertical(id="events-box", classes="section") as box:
            box.border_title = "Events"
            yield FittedTable(id="events", cursor_type="row")

    def targets(self) -> list[dict]:
        """The pod, and the workload or Job that owns it (a rollout restart; a stuck Helm hook
        Job's deletion: deleting its pod alone, the Job makes another)."""
        pod = self.obj
        if pod is None:
            return []
        out = [pod]
        store = self.source.store
        owner = next(iter(pod["metadata"].get("ownerReferences") or []), None)
        if owner and owner.get("kind") == "Job":
            job = store.by_uid(owner.get("uid", ""))
            return out + ([job] if job is not None else [])
        if owner and owner.get("kind") == "ReplicaSet":
            rs = store.by_uid(owner.get("uid", ""))
            owner = next(iter((rs or {}).get("metadata", {}).get("ownerReferences") or []), None)
        if owner and owner.get("kind") in ("Deployment", "StatefulSet", "DaemonSet"):
            workload = store.by_uid(owner.get("uid", ""))
            if workload is not None:
                out.append(workload)
        return out

    def on_mount(self) -> None:
        self.query_one("#containers", DataTable).add_columns(
            "CONTAINER", "ROLE", "STATE", "READY", "RESTARTS", "LAST EXIT", "IMAGE")
        self.query_one("#events", DataTable).add_columns("TYPE", "REASON", "AGE", "COUNT",
                                                         "MESSAGE")
        super().on_mount()
        pod = self.obj
        if pod is not None:
            names = pod_details.log_containers(pod)
            if self.container is None and names:
                self.container = self._failing_container(pod) or names[0]
            if self.previous is None:
                self.previous = False
        self.query_one(LogView).focus()
        self.run_worker(self._read_sidecars(), group="full", exit_on_error=False)
        self.load_log()

    def _failing_container(self, pod: dict) -> str | None:
        rows = pod_details.containers(pod, self.now())
        return next((r.name for r in rows if r.health == "error" or r.restarts), None)

    async def _read_sidecars(self) -> None:
        kind, ns, name = self.key
        with contextlib.suppress(ApiError, KeyError, OSError):
            self.sidecars = pod_details.sidecar_names(await self.source.get_object(kind, ns, name))
            self.show()

    # -- drawing -------------------------------------------------------------------------------

    def show(self) -> None:
        pod = self.obj
        now = self.now()
        table = self.query_one("#containers", DataTable)
        row = table.cursor_row
        table.clear()
        if pod is None:
            self.query_one("#summary", Static).update(Text("The pod is gone.", style="italic"))
            return
        for c in pod_details.containers(pod, now, self.sidecars):
            style = health_style(self, c.health)
            table.add_row(cell(c.name, "bold" if c.name == self.container else ""), cell(c.role),
                          cell(c.state, style), cell(c.ready),
                          cell(c.restarts, health_style(self, "warn") if c.restarts else ""),
                          cell(c.last_exit), cell(c.image), key=c.name)
        if row < table.row_count:
            table.move_cursor(row=row)
        self._summary(pod)
        events = self.query_one("#events", DataTable)
        events.clear()
        ns = self.key[1]
        for e in pod_details.events_about(self.source.store.list("Event", ns), "Pod",
                                          self.key[2], now):
            events.add_row(cell(e.type, health_style(self, e.health)), cell(e.reason),
                           cell(e.age), cell(e.count), cell(cap(e.message, SHOWN_MESSAGE)))

    def _summary(self, pod: dict) -> None:
        meta, spec, status = pod["metadata"], pod.get("spec") or {}, pod.get("status") or {}
        text = Text()
        for label, value in (("phase", status.get("phase")), ("node", spec.get("nodeName")),
                             ("ip", status.get("podIP")),
                             ("owner", " ".join(f"{o.get('kind')}/{o.get('name')}" for o in
                                                meta.get("ownerReferences") or []))):
            if value:
                text.append(f"{label} ", style="dim")
                text.append(cell(value))
                text.append("   ")
        for c in pod_details.containers(pod, self.now(), self.sidecars):
            if c.message and c.health == "error":
                text.append(f"\n{c.name}: ", style="bold")
                text.append(cell(cap(c.message, SHOWN_MESSAGE), health_style(self, "error")))
        self.query_one("#summary", Static).update(text)

    # -- the log -------------------------------------------------------------------------------

    def load_log(self) -> None:
        self.run_worker(self._log(), group="log", exclusive=True, exit_on_error=False)

    def _log_title(self) -> str:
        # k9s: "Previous Logs" is a finished stream, never "following"
        return f"Log: {self.container} ({'previous instance' if self.previous else 'current'})" \
               f"  p: {'current' if self.previous else 'previous'}"

    async def _log(self) -> None:
        view = self.query_one(LogView)
        kind, ns, name = self.key
        ns = ns or ""  # a Pod's key always has its namespace
        view.reset(self._log_title())
        view.set_evidence(self.evidence())
        if not self.container:
            view.reset("Log: no container")
            return
        try:
            if self.previous:
                lines = await self.source.logs(ns, name, self.container, previous=True,
                                               tail=PREVIOUS_TAIL)
                if not lines:
                    view.reset(f"Log: {self.container}: no previous instance")
                    return
                await view.feed(("\n".join(lines) + "\n").encode())
                view.ended = "previous instance, ended"
                return
            async with contextlib.aclosing(self.source.follow(ns, name, self.container,
                                                              tail=FOLLOW_TAIL)) as stream:
                async for line in stream:
                    await view.feed(line.encode() + b"\n")
            view.ended = "the stream ended"
        except (ApiError, OSError) as exc:
            view.reset(f"Log: {self.container}: {exc}")

    def action_toggle_previous(self) -> None:
        self.previous = not self.previous
        self.load_log()

    def action_next_container(self) -> None:
        pod = self.obj
        names = pod_details.log_containers(pod) if pod else []
        if not names:
            return
        i = names.index(self.container) if self.container in names else -1
        self.container = names[(i + 1) % len(names)]
        self.show()
        self.load_log()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "containers" and event.row_key.value:
            self.container = str(event.row_key.value)
            self.show()
            self.load_log()

    async def action_save_log(self) -> None:
        kind, ns, name = self.key
        # the file is named after the pod and container: only names the API server would
        # accept, so that it lands in this folder (`../../x` would not)
        problem = name_problem("Pod", name) or name_problem("container", self.container or "")
        if problem:
            self.set_progress(f"log not saved: {problem}", "bold")
            return
        suffix = ".previous" if self.previous else ""
        folder = Path.cwd()
        path = folder / f"{name}.{self.container}{suffix}.log"
        if path.resolve().parent != folder.resolve():
            self.set_progress(f"log not saved: {path} is outside {folder}", "bold")
            return
        try:
            size = await self.query_one(LogView).save(path)
        except OSError as exc:
            self.set_progress(f"log not saved to {path}: {exc.strerror or exc}", "bold")
            return
        self.set_progress(f"log saved to {path} ({size} bytes)")

    def action_back(self) -> None:
        view = self.query_one(LogView)
        if view.has_class("-searching"):
            view.action_close_search()
        else:
            super().action_back()
