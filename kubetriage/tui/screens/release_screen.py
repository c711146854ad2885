"""A HelmRelease: its conditions with their messages, dependsOn both ways, chart and version, the
image tags in its values against what its pods run, the Helm history from the release secrets
(as `helm history` prints it), its hook Jobs and their pods, the workloads it owns and their
health, and its events. `a` lists the actions of the release, its hook Jobs and its workloads;
`f` starts "Fix a failing release"; Enter on a Job, workload or pod row opens it."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from kubetriage.checks.objects import release_name, release_namespace
from kubetriage.core import helm
from kubetriage.errors import ApiError
from kubetriage.tui.navigation import Open
from kubetriage.tui.screens.object_screen import ObjectScreen, cell, health_style
from kubetriage.tui.viewmodel import pod_details
from kubetriage.tui.viewmodel import release_details as rd
from kubetriage.tui.viewmodel.rows import pod_status
from kubetriage.tui.widgets.fitted_table import FittedTable

HISTORY_HEALTH = {"deployed": "ok", "superseded": "unknown", "failed": "error",
                  "pending-upgrade": "warn", "pending-install": "warn",
                  "pending-rollback": "warn"}
SECTIONS = (("conditions", "Conditions", ("TYPE", "STATUS", "REASON", "AGE", "MESSAGE")),
            ("deps", "Source, depends on, needed by", ("", "NAME", "READY", "MESSAGE")),
            ("history", "Helm history", helm.HISTORY_COLUMNS),
            ("hooks", "Hook jobs", ("JOB", "HOOK", "STATUS", "POD", "POD STATUS", "RESTARTS")),
            ("workloads", "Workloads", ("KIND", "NAME", "READY", "POD", "POD STATUS",
                                        "RESTARTS")),
            ("events", "Events", ("TYPE", "REASON", "AGE", "COUNT", "MESSAGE")))




class ReleaseScreen(ObjectScreen):
    """One HelmRelease and everything it brings up."""

    BINDINGS = [Binding("f", "fix", "Fix release"), Binding("h", "reload_history", "History",
                                                            show=False),
                Binding("t", "flux", "Flux view")]  # flux tree, events --for, controller logs
    DEFAULT_CSS = """
    ReleaseScreen #body { height: 1fr; }
    ReleaseScreen #summary { height: auto; padding: 0 1; }
    ReleaseScreen DataTable { height: auto; max-height: 12; }
    """
    WATCHED = {"HelmRelease", "Job", "Pod", "Deployment", "StatefulSet", "DaemonSet",
               "ReplicaSet", "Event", "Secret", "HelmChart", "HelmRepository", "OCIRepository",
               "GitRepository"}

    def __init__(self, key, *, clock=None) -> None:
        super().__init__(key)
        self.clock = clock
        self.history: list[helm.HistoryRow] = []
        self.history_error = ""
        self._history_versions: tuple = ()
        self._keys: dict[str, dict[str, tuple]] = {}  # table -> row key -> object opened

    def now(self) -> datetime:
        clock = self.clock or getattr(self.app, "clock", None)
        return clock() if clock else datetime.now(UTC)

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="body"):
            yield Static(id="summary")
            for sid, title, _ in SECTIONS:
                with Vertical(id=f"{sid}-box", classes="section") as box:
                    box.border_title = title
                    yield FittedTable(id=sid, cursor_type="row")

    def on_mount(self) -> None:
        for sid, _, columns in SECTIONS:
            self.query_one(f"#{sid}", DataTable).add_columns(*columns)
        super().on_mount()  # its first show() reads the history
        self.query_one("#conditions", DataTable).focus()

    def targets(self) -> list[dict]:
        release = self.obj
        if release is None:
            return []
        store = self.source.store
        workloads = (store.get(w.kind, release_namespace(release), w.name)
                     for w in rd.workloads(release, store))
        return [release, *(h.job for h in rd.hook_jobs(release, store)),
                *(w for w in workloads if w is not None)]  # a workload not (yet) made: none

    # -- drawing -------------------------------------------------------------------------------

    def show(self) -> None:
        release = self.obj
        if release is None:
            self.query_one("#summary", Static).update(Text("The release is gone.",
                                                           style="italic"))
            return
        store, now = self.source.store, self.now()
        self._summary(release)
        self._fill("conditions", [
            (cell(c.type), cell(c.status, health_style(self, c.health)), cell(c.reason),
             cell(c.age), cell(c.message)) for c in rd.conditions(release, now)])
        self._fill("deps", [
            (cell(d.direction, "dim"), cell(f"{d.namespace}/{d.name}"),
             cell(d.ready, health_style(self, d.health)), cell(d.message))
            for d in rd.dependencies(release, store)], "none")
        self._show_history()
        rows, keys = [], []
        for h in rd.hook_jobs(release, store):
            name = h.job["metadata"]["name"]
            status = cell(h.status, health_style(self, "error" if h.failing else "ok"))
            pods = h.pods or [None]
            for pod in pods:
                rows.append((cell(name), cell(h.hook), status, *self._pod_cells(pod, now)))
                # the Job is what the user acts on (its `a` offers the hook Job's deletion);
                # its pod is one Enter further, from the Job's or the chains' screen
                keys.append(("Job", h.job["metadata"].get("namespace"), name))
        self._fill("hooks", rows, "no hook Jobs in the cluster", keys)
        rows, keys = [], []
        for w in rd.workloads(release, store):
            for pod in w.pods or [None]:
                rows.append((cell(w.kind), cell(w.name),
                             cell(w.ready, health_style(self, w.health)),
                             *self._pod_cells(pod, now)))
                keys.append(("Pod", pod["metadata"].get("namespace"), pod["metadata"]["name"])
                            if pod else (w.kind, release_namespace(release), w.name))
        self._fill("workloads", rows, "no workloads", keys)
        self._fill("events", [
            (cell(e.type, health_style(self, e.health)), cell(e.reason), cell(e.age),
             cell(e.count), cell(e.message))
            for e in pod_details.events_about(store.list("Event", self.key[1]), "HelmRelease",
                                              self.key[2], now)], "no events")
        self._reload_history_if_changed(release)

    def _pod_cells(self, pod: dict | None, now: datetime) -> tuple[Text, Text, Text]:
        if pod is None:
            return cell("-"), cell(""), cell("")
        ready, status, restarts = pod_status(pod, now)
        bad = status not in ("Running", "Completed", "Succeeded") or \
            (status == "Running" and ready.split("/")[0] != ready.split("/")[-1])
        return (cell(pod["metadata"]["name"]),
                cell(f"{status} {ready}", health_style(self, "error" if bad else "ok")),
                cell(restarts))

    def _fill(self, sid: str, rows: list[tuple], empty: str = "", keys: list | None = None
              ) -> None:
        table = self.query_one(f"#{sid}", DataTable)
        row = table.cursor_row
        table.clear()
        for i, cells in enumerate(rows):
            table.add_row(*cells, key=repr(keys[i]) if keys else None)
        self.query_one(f"#{sid}-box").border_subtitle = "" if rows else empty
        if row < table.row_count:
            table.move_cursor(row=row)
        self._keys[sid] = {repr(k): k for k in keys or []}

    def _summary(self, release: dict) -> None:
        chart = rd.chart(release)
        text = Text()
        text.append("chart ", style="dim")
        text.append(cell(f"{chart.name} {chart.wanted}"))
        if chart.attempted:
            text.append("   last attempted ", style="dim")
            text.append(cell(chart.attempted))
        if chart.deployed:
            text.append("   newest revision ", style="dim")
            text.append(cell(f"{chart.deployed} app {chart.app_version}"))
        if chart.source:
            text.append("   from ", style="dim")
            text.append(cell(chart.source))
        if (release.get("spec") or {}).get("suspend"):
            text.append("   SUSPENDED", style=f"bold {health_style(self, 'warn')}")
        for check in rd.images(release, self.source.store):
            text.append(f"\n{check.where} ", style="dim")
            text.append(cell(check.wanted, "bold"))
            if not check.running:
                text.append("  no pod runs it yet", style="italic")
            for pod, image in check.running:
                ok = image.split("@")[0].endswith(":" + check.wanted.rsplit(":", 1)[-1])
                text.append(f"\n  {'=' if ok else '≠'} ", style=health_style(
                    self, "ok" if ok else "error"))
                text.append(cell(f"{pod} runs {image}", "" if ok else
                                 health_style(self, "error")))
        self.query_one("#summary", Static).update(text)

    # -- history -------------------------------------------------------------------------------

    def _show_history(self) -> None:
        rows = [(cell(r.revision), cell(r.updated), cell(r.status, health_style(
                    self, HISTORY_HEALTH.get(r.status, "unknown"))),
                 cell(r.chart), cell(r.app_version), cell(r.description))
                for r in reversed(self.history)]  # newest first, as the eye looks for it
        self._fill("history", rows, self.history_error or "reading the release secrets…")

    def _secret_versions(self, release: dict) -> tuple:
        # a new revision's secret, or the release moving (Secrets may not be watched)
        name = release_name(release)
        return (release["metadata"].get("resourceVersion"),) + tuple(sorted(
            (s["metadata"]["name"], s["metadata"].get("resourceVersion"))
            for s in self.source.store.list("Secret", rd.storage_namespace(release))
            if (s["metadata"].get("labels") or {}).get("name") == name
            and (s["metadata"].get("labels") or {}).get("owner") == "helm"))

    def _reload_history_if_changed(self, release: dict) -> None:
        versions = self._secret_versions(release)
        if versions != self._history_versions:
            self._history_versions = versions
            self.action_reload_history()

    def action_reload_history(self) -> None:
        self.run_worker(self._history(), group="history", exclusive=True, exit_on_error=False)

    async def _history(self) -> None:
        release = self.obj
        if release is None:
            return
        try:
            self.history = await rd.read_history(self.source, release)
            self.history_error = "" if self.history else "no Helm release secrets"
        except (ApiError, OSError, helm.HelmDecodeError) as exc:
            self.history, self.history_error = [], f"cannot read the history: {exc}"
        self._show_history()

    # -- keys ----------------------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        key = self._keys.get(event.data_table.id or "", {}).get(
            event.row_key.value or "")
        if key is not None:
            self.post_message(Open("object", key))
        elif event.data_table.id == "deps":
            row = event.data_table.get_row(event.row_key)
            ns, _, name = row[1].plain.partition("/")
            kind = row[0].plain.partition("(")[2].rstrip(")") or "HelmRelease"
            if name:
                self.post_message(Open("object", (kind, ns, name)))

    def action_fix(self) -> None:
        self.post_message(Open("fix", self.key))

    def action_flux(self) -> None:
        self.post_message(Open("flux", self.key))
