"""KubetriageApp: the live dashboard. Connects through the cluster source in a worker, applies the
store's batches of changes at most ~10 times a second, and re-runs the diagnosis (in a thread)
when objects changed, announcing chains that appear or resolve."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone
from typing import Any, Callable, Iterable

from textual.app import App, SystemCommand
from textual.screen import Screen

from kubetriage.checks.finding import Chain, Report
from kubetriage.cluster.store import Store
from kubetriage.diagnosis import diagnose
from kubetriage.themes import Settings, register_themes, remember_theme
from kubetriage.tui.model import PANEL_KINDS, DashboardModel, Updates
from kubetriage.tui.rows import Palette, rich_color
from kubetriage.tui.screens.main_screen import COMMANDS, MainScreen
from kubetriage.tui.widgets.status_bar import Status, StatusBar

BATCH_INTERVAL_S = 0.1  # at most ~10 redraws a second, whatever the churn
STATUS_INTERVAL_S = 0.5  # "stale for N s" shows within a second of a watch going down
DIAGNOSIS_INTERVAL_S = 1.0  # the checks run at most this often


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class KubetriageApp(App):
    """The dashboard on one cluster (or the embedded one with demo=SCENARIO)."""

    TITLE = "kubetriage"
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, *, kubeconfig: str | None = None, context: str | None = None,
                 demo: Any = None, namespace: str | None = None, theme: str | None = None,
                 read_only: bool = False, settings: Settings | None = None,
                 source_options: dict[str, Any] | None = None,
                 clock: Callable[[], datetime] = utc_now) -> None:
        super().__init__()
        self.connect_args = dict(kubeconfig=kubeconfig, context=context, demo=demo,
                                 **(source_options or {}))
        self.namespace = namespace
        self.read_only = read_only
        self.remember = settings is not None  # only the real command saves a theme switch
        settings = settings or Settings()
        self.ring_bell = settings.bell
        self.clock = clock
        self.source: Any = None
        self.error: str | None = None
        self.report = Report(findings=[], chains=[])
        self.diagnoses = 0  # how many reports have been drawn
        self.connection = "connecting"
        self._dirty = asyncio.Event()
        register_themes(self, settings)
        self.theme = theme or settings.theme
        self.model = DashboardModel(self._palette(), namespace)
        self.screen_main = MainScreen(self.model)

    def _palette(self) -> Palette:
        t = self.current_theme
        return Palette(error=rich_color(t.error, "red"), warning=rich_color(t.warning, "yellow"),
                       ok=rich_color(t.success, "green"), muted="dim")

    def on_mount(self) -> None:
        if self.remember:
            remember_theme(self)
        self.push_screen(self.screen_main)
        self.run_worker(self._watch(), name="source", group="source", exit_on_error=False)
        self.set_interval(STATUS_INTERVAL_S, self._show_status)

    async def watch_theme(self, theme: str) -> None:
        if self.source is not None:
            await self._reload()

    async def on_unmount(self) -> None:
        if self.source is not None:
            await self.source.close()

    # -- the source ----------------------------------------------------------------------------

    async def _watch(self) -> None:
        from kubetriage.cli import UsageError
        from kubetriage.cluster.source import ClusterSource
        args = dict(self.connect_args)
        demo = args.pop("demo")
        try:
            if isinstance(demo, str):  # loading a scenario parses YAML: not on the event loop
                from kubetriage.cluster import scenario
                demo = await asyncio.to_thread(scenario.load, demo)
            namespaces = [self.namespace] if self.namespace else None
            self.source = await ClusterSource.open(demo=demo, namespaces=namespaces, **args)
        except (UsageError, OSError) as exc:
            self.error = str(exc)
            self.exit(return_code=2)
            return
        store: Store = self.source.store
        sub = store.subscribe(PANEL_KINDS)
        self.connection = "syncing"
        self._show_status()
        await self.source.wait_synced()
        self.connection = "live"
        await self._reload(threaded=True)
        self.run_worker(self._diagnose(), name="diagnosis", group="diagnosis")
        while True:
            batch = await sub.next(BATCH_INTERVAL_S)
            if batch.changes:
                self._show(self.model.apply(batch.changes, self.clock()))
                self._dirty.set()
            if batch.states:
                self._show_status()

    async def _reload(self, threaded: bool = False) -> None:
        """Every row again: at start (in a thread: 10,000 pods take a while), on `:ns`, and when
        the theme's colours change."""
        old = self.model
        model = DashboardModel(self._palette(), self.namespace)
        changes = model.initial_changes(self.source.store)
        if threaded:
            updates = await asyncio.to_thread(model.apply, changes, self.clock())
        else:
            updates = model.apply(changes, self.clock())
        self.model = self.screen_main.model = model
        ns = self.model.set_report(self.report)
        updates.namespaces.upserts.update(ns.upserts)
        updates.namespaces.sort_keys.update(ns.sort_keys)
        for panel, before in (("pods", old.pod_failing), ("releases", old.release_ready),
                              ("events", old.folded), ("namespaces", old.namespace_keys())):
            getattr(updates, panel).deletes |= set(before) - set(getattr(updates, panel).upserts)
        self._show(updates)
        self._dirty.set()

    def _show(self, updates: Updates) -> None:
        with self.batch_update():
            self.screen_main.apply_updates(updates)
            self._show_status()

    async def set_namespace(self, namespace: str | None) -> None:
        self.namespace = namespace
        self.sub_title = namespace or ""
        if self.source is not None:
            await self._reload()

    # -- the diagnosis -------------------------------------------------------------------------

    async def _diagnose(self) -> None:
        first = True
        while True:
            await self._dirty.wait()
            self._dirty.clear()
            started = time.monotonic()
            snap = await self.source.snapshot()
            report = await asyncio.to_thread(diagnose, snap, namespace=self.namespace)
            if not first:
                self._announce(self.report.chains, report.chains, report)
            first = False
            self.report = report
            self.diagnoses += 1
            with self.batch_update():
                self.screen_main.show_report(report)
                self._show_status()
            # a diagnosis of a large cluster takes a while: leave the loop at least as long free
            took = time.monotonic() - started
            await asyncio.sleep(max(DIAGNOSIS_INTERVAL_S - took, took))

    def _announce(self, before: Iterable[Chain], after: Iterable[Chain], report: Report) -> None:
        old = {c.root: c for c in before}
        new = {c.root: c for c in after}
        for root in new.keys() - old.keys():
            self.notify(new[root].summary, title="New failure chain", severity="error",
                        markup=False)
        for root in old.keys() - new.keys():
            self.notify(old[root].summary, title="Chain resolved", markup=False)
        if self.ring_bell and new.keys() != old.keys():
            self.bell()

    # -- the status bar ------------------------------------------------------------------------

    def _show_status(self) -> None:
        stale = self.source.store.stale_for() if self.source is not None else 0.0
        connection = "stale" if stale > 0 else self.connection
        ready, releases = self.model.releases_ready()
        conn = self.source.conn if self.source is not None else None
        self.screen_main.query_one(StatusBar).show(Status(
            context=conn.context if conn else "",
            cluster=conn.cluster if conn and conn.cluster != conn.context else "",
            connection=connection, stale_for=stale, releases_ready=ready, releases=releases,
            pods_failing=self.model.pods_failing(), warnings=self.model.warnings(self.clock()),
            chains=len(self.report.chains), read_only=self.read_only))

    # -- the command palette lists the `:` commands --------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for name, (_, help_text) in COMMANDS.items():
            yield SystemCommand(f":{name}", help_text,
                                lambda name=name: self.screen_main.run_command(name))
        for ns in sorted(self.model.namespaces):
            yield SystemCommand(f":ns {ns}", f"Only namespace {ns}",
                                lambda ns=ns: self.screen_main.run_command(f"ns {ns}"))
        if self.source is not None:
            from kubetriage.tui.screens.drilldown import system_commands
            yield from system_commands(self, screen)

    def open_object(self, key: tuple[str, str | None, str]) -> None:
        """The drill-down: the object's own screen (pod, release), else its YAML."""
        from kubetriage.tui.screens.drilldown import screen_for
        if self.source is not None:
            self.push_screen(screen_for(key))

    def on_main_screen_object_opened(self, message: MainScreen.ObjectOpened) -> None:
        self.open_object(message.key)
