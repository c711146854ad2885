"""KubetriageApp: the live dashboard. Connects through the cluster source in a worker, and draws
at most ~10 times a second: each tick applies the store's changes since the last one, the latest
diagnosis (run in a forked child when objects changed, announcing chains that appear or
resolve) and the status bar, all in one screen update.

Over the package's ~450 lines on purpose: the launch, the ticks, the diagnosis loop, `:ctx` and
`:ns` all read and replace the same source, model and report, which only a reader of them together
sees right; what is pure lives in tui/viewmodel/ (launch.py, news.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
import math
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

from textual import events
from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from kubetriage.checks.finding import Report
from kubetriage.cluster.connect import context_names
from kubetriage.cluster.protocol import Source
from kubetriage.cluster.source import ClusterSource
from kubetriage.cluster.store import Store, Subscription
from kubetriage.core.gcpause import gc_paused
from kubetriage.core.logs_read import LOG_RULE_KINDS
from kubetriage.core.snapshot import Snapshot
from kubetriage.core.types import Key, LogRef
from kubetriage.core.unseen import Unseen
from kubetriage.diagnosis import diagnose
from kubetriage.errors import UsageError
from kubetriage.forked import call_forked
from kubetriage.silences import Silences
from kubetriage.themes import Settings, register_themes, remember_theme
from kubetriage.tui.navigation import Open
from kubetriage.tui.screens.main_screen import COMMANDS, MainScreen
from kubetriage.tui.viewmodel.dashboard import PANEL_KINDS, PANELS_OF, ROW_KINDS, DashboardModel
from kubetriage.tui.viewmodel.launch import build_all, chunks, fold_all
from kubetriage.tui.viewmodel.news import ChainNews
from kubetriage.tui.viewmodel.updates import Updates
from kubetriage.tui.widgets.chains_panel import ChainsPanel
from kubetriage.tui.widgets.status_bar import Status, StatusBar, unseen_text

BATCH_INTERVAL_S = 0.1  # at most ~10 redraws a second, whatever the churn
AGES_INTERVAL_S = 5.0  # rows on screen are drawn again this often, so their ages move on
STATUS_INTERVAL_S = 0.5  # until the first tick: "connecting", "syncing"
DIAGNOSIS_INTERVAL_S = 1.0  # the checks run at most this often
# while keys are pressed the checks wait (forking and reading the report back take ~20 ms of
# this interpreter at 10k pods; where there is no fork they hold it ~0.3 s), and so do a new
# report's drawing and a toast (each lays out and draws most of the screen: ~40 ms at 10k pods,
# over 100 on a loaded machine, a stutter under a held arrow key), for a pause of KEYS_QUIET_S,
# but never longer than DIAGNOSIS_DEFER_S after the change (a report ready later is drawn then)
KEYS_QUIET_S = 0.3
DIAGNOSIS_DEFER_S = 3.0
ROWS_PER_CHUNK = 10000  # rows given to a table between two looks at the keyboard (~50 ms)
FORK_FIRST_S = 2.0  # the event rows wait at most this long for the first diagnosis to start
PAGES_POLL_S = 0.02  # how often the launch looks whether every kind's first page is in
PAGES_WAIT_S = 3.0  # a kind whose first page is this late is not waited for (shown as not seen)
FIRST_ROWS = 500  # a panel's rows drawn of a list under way: more than a screen shows at once
# the cyclic collector's full passes, ours to time once the cluster is in: left to itself it made
# one every ~2 s under churn (~35 ms at 10k pods, 100 on a loaded machine), in the middle of
# whatever frame was being drawn; now one every GC_EVERY_S, between two ticks, at a pause of
# the keys
GC_EVERY_S = 10.0
FULL_GC_NEVER = 2**31 - 1  # the largest threshold it takes: never a full pass of its own


def utc_now() -> datetime:
    return datetime.now(UTC)


class KubetriageApp(App):
    """The dashboard on one cluster (or the embedded one with demo=SCENARIO)."""

    TITLE = "kubetriage"
    CSS_PATH = "app.tcss"  # the few rules for the whole app (scrollbars, toasts)
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, *, kubeconfig: str | None = None, context: str | None = None,
                 demo: Any = None, namespace: str | None = None, theme: str | None = None,
                 read_only: bool = False, settings: Settings | None = None,
                 source_options: dict[str, Any] | None = None,
                 clock: Callable[[], datetime] = utc_now, source: Source | None = None,
                 silences: Silences | None = None) -> None:
        """source: a ClusterSource opened already (the command opens it before the screen is
        taken over, so its lists arrive while Textual starts); else one is opened from the
        connection arguments once the screen is up."""
        super().__init__()
        # ClusterSource.open's arguments, source_options (any of its keywords) included
        self.connect_args: dict[str, Any] = dict(kubeconfig=kubeconfig, context=context,
                                                 demo=demo, **(source_options or {}))
        self.namespace = namespace
        self.read_only = read_only
        self.silences = silences
        self.remember = settings is not None  # only the real command saves a theme switch
        settings = settings or Settings()
        self.ring_bell = settings.bell
        self.clock = clock
        self.source: Source | None = source
        self.error: str | None = None
        self.crash: BaseException | None = None  # what ended the source's worker (a bug)
        self.report = Report(findings=[], chains=[])
        self.diagnoses = 0  # how many reports have been drawn
        self.reading_logs = False  # the objects are listed; the logs the diagnosis reads are not
        self.connection = "connecting"
        self._dirty = asyncio.Event()
        self._model_lock = asyncio.Lock()
        self._rows_in = asyncio.Event()  # the first rows are in the tables
        self._report_due: Report | None = None  # a report the next tick draws
        self._report_due_at = 0.0  # since when (monotonic)
        self._news_due_at: float | None = None  # since when a toast waits for the keys
        self._first_report = asyncio.Event()
        # the kinds still being listed when the report on screen was made (a report "so far",
        # before the first whole one): named where the chains are, "so far" in the status bar
        self.so_far: tuple[str, ...] = ()
        self._forked = asyncio.Event()  # a diagnosis has been started (forked)
        self._last_key = 0.0  # when the last key was pressed (monotonic)
        self._ages_due = False  # the rows on screen are to be built again at the current time
        self._frames_owed: list[float] = []  # when Textual draws frames of its own for ours
        self.news = ChainNews()  # chains that appeared or resolved, for the next toast
        self._sub: Subscription | None = None
        register_themes(self, settings)
        self.theme = theme or settings.theme
        self.model = DashboardModel(namespace)
        self.screen_main = MainScreen(self.model)

    async def on_mount(self) -> None:
        if self.remember:
            remember_theme(self)
        # mounted before the rows come: a source opened before Textual started (the command
        # does) has its lists in at once, and rows given to a screen still mounting were lost
        await self.push_screen(self.screen_main)
        self.run_worker(self._watch(), name="source", group="source", exit_on_error=False)
        self._status_timer = self.set_interval(STATUS_INTERVAL_S, self._show_status)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The source's worker ends in an error only by a bug: the command reports it (one
        line, KUBETRIAGE_DEBUG=1 for the traceback) rather than a screen frozen at "syncing"."""
        if event.worker.name == "source" and event.state == WorkerState.ERROR \
                and not self._exit:
            self.crash = event.worker.error
            self.exit(return_code=2)

    async def on_unmount(self) -> None:
        if self.source is not None:
            await self.source.close()

    # -- the source ----------------------------------------------------------------------------

    async def _watch(self) -> None:
        args = dict(self.connect_args)
        demo = args.pop("demo")
        try:
            if self.source is None:
                namespaces = [self.namespace] if self.namespace else None
                self.source = await ClusterSource.open(demo=demo, namespaces=namespaces,
                                                       read_only=self.read_only,
                                                       read_logs_early=True, **args)
        except (UsageError, OSError) as exc:
            self.error = str(exc)
            self.exit(return_code=2)
            return
        store: Store = self.source.store
        self._sub = store.subscribe(PANEL_KINDS)
        self.connection = "syncing"
        self._show_status()
        self.run_worker(self._diagnose(), name="diagnosis", group="diagnosis")
        await self._show_first_pages(self.source)
        # events are three rows in four and listed last: the other panels' rows are built and
        # shown while they still arrive, theirs once they are in
        await self.source.wait_synced(kinds=ROW_KINDS)
        await self._reload(ROW_KINDS)
        await self.source.wait_synced()
        self.connection = "live"
        self._dirty.set()
        # the first diagnosis is forked before the event rows are built: its last logs and
        # the fork would otherwise wait for the interpreter that builds them, while the other
        # core stays idle (10k pods: the first report 0.3 s sooner)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._forked.wait(), FORK_FIRST_S)
        await self._add_events()
        self._rows_in.set()
        gc.freeze()  # the synced cluster stays: the collector need not rescan it ever again
        self._status_timer.stop()
        self.set_interval(AGES_INTERVAL_S, self._age_rows)
        threshold = gc.get_threshold()
        gc.set_threshold(threshold[0], threshold[1], FULL_GC_NEVER)
        collected = time.monotonic()
        try:
            while True:
                await self._between_ticks()
                if not self._model_lock.locked():  # a reload's rows come from the store anyway
                    self._tick(self._sub)
                due = collected + GC_EVERY_S
                if time.monotonic() > due and not self._keys_held(due):
                    gc.collect()
                    collected = time.monotonic()
        finally:
            gc.set_threshold(*threshold)  # the process may go on (tests, `:q` then the CLI)

    async def _show_first_pages(self, source: Source) -> None:
        """A cluster whose pods take more than one page: what the first pages hold is drawn
        while the rest arrives, each panel's first rows and the chains of the kinds listed
        whole; the status bar says how far the lists are. A kind whose first page is late is
        not waited for long (it is said to be still listing)."""
        deadline = time.monotonic() + PAGES_WAIT_S
        while "Pod" in source.listing() and not source.first_pages_in() \
                and time.monotonic() < deadline:
            await asyncio.sleep(PAGES_POLL_S)
        if "Pod" not in source.listing():
            return  # the pods are in: the whole rows are near, built once, from the store
        await self._show_read(source, PANEL_KINDS)
        self.run_worker(self._diagnose_so_far(source), name="diagnosis so far",
                        group="diagnosis")

    async def _show_read(self, source: Source, kinds: Iterable[str]) -> None:
        """The rows of these kinds as read so far: those listed whole from the store; of the
        others as much as a panel shows (the rest comes with the whole list: built once, then)."""
        store, now = source.store, self.clock()
        objects = [o for kind in kinds
                   for o in (*store.list(kind), *source.partial(kind)[:FIRST_ROWS])]
        self.screen_main.partial = {p for kind in source.listing() for p in PANELS_OF.get(kind, ())}
        async with self._model_lock:
            updates = await asyncio.to_thread(build_all, self.model,
                                              DashboardModel.added(objects), now)
            await self._show_in_chunks(updates, now)

    async def _diagnose_so_far(self, source: Source) -> None:
        """While the pods are being listed: the diagnosis of the kinds listed whole, those still
        being listed named as not seen (absence there proves nothing), once with the first
        pages and once more when only the pods and events are left (each run of 100,000 pods'
        cluster takes seconds of the other core, which the lists need too). A HelmRelease that
        says it failed is on screen in seconds, not once every pod is in. Once the pods are in,
        the whole report is near (their logs are read as they come): it is waited for. Never
        drawn after the first whole report."""
        last_left = {"Pod", "Event"}
        while not self.diagnoses and source is self.source:
            listing = tuple(sorted(source.listing()))
            if "Pod" not in listing:
                return
            report = await self._forked_diagnosis(list(source.store.objects()), {},
                                                  source.unseen(unsynced=True, logs=False))
            if self.diagnoses or source is not self.source or report.namespace != self.namespace:
                return
            self.report, self.so_far = report, listing
            with self.batch_update():
                self.screen_main.show_report(report, so_far=listing)
                self._show_status()
            if set(listing) <= last_left:
                return
            while not set(source.listing()) <= last_left and not self.diagnoses \
                    and source is self.source:
                await asyncio.sleep(PAGES_POLL_S)
            if source is self.source and not self.diagnoses:  # the releases' rows whole too
                await self._show_read(source, [k for k in ROW_KINDS if k not in last_left])

    async def _between_ticks(self) -> None:
        """The pause between two screen updates; the first report is drawn the moment it is
        ready, not up to a tick later."""
        if self.diagnoses:
            await asyncio.sleep(self._tick_pause())
            return
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._first_report.wait(), BATCH_INTERVAL_S)

    def _tick(self, sub: Subscription) -> None:
        """One screen update: the changes since the last tick, a new report, the status."""
        changes = sub.take().changes
        report = self._report_due
        if report is not None and self.diagnoses and self._keys_held(self._report_due_at):
            report = None  # the next tick's, or a later one's
        else:
            self._report_due = None
        ages_due, self._ages_due = self._ages_due, False
        with self.batch_update():
            if changes:
                now = self.clock()
                self.screen_main.apply_updates(self.model.apply(changes, now), now)
                self._dirty.set()
            if ages_due:
                self._show_ages()
            if report is not None:
                tree = self.screen_main.query_one(ChainsPanel)
                chain_lines = tree.last_line
                self._show_report(report)
                if tree.last_line != chain_lines:
                    # the tree laid out again: its scrollbars follow, in a frame of their own
                    self._frames_owed.append(time.monotonic())
            self._tell_news()
            self._show_status()

    def _tick_pause(self) -> float:
        """BATCH_INTERVAL_S, and one more for each frame Textual draws of its own before the
        next tick (a toast shown or gone, a tree's scrollbars after its layout): the budget of
        ~10 frames a second is for all of them."""
        horizon = time.monotonic() + BATCH_INTERVAL_S
        owed = sum(1 for t in self._frames_owed if t <= horizon)
        self._frames_owed = [t for t in self._frames_owed if t > horizon]
        return BATCH_INTERVAL_S * (1 + owed)

    def _age_rows(self) -> None:
        self._ages_due = True  # drawn by the next tick, in its frame: no frame of its own

    def _show_ages(self) -> None:
        self.screen_main.refresh_ages(self.clock())

    async def _reload(self, kinds: tuple[str, ...] = PANEL_KINDS) -> None:
        """Every row again (of these kinds): at start and on `:ns` (a theme's colours are
        applied as rows are drawn). 10,000 pods and 30,000 events take a while: the rows are
        built in a thread and reach the tables in chunks, the top rows of each panel first."""
        if self.source is None:
            return
        async with self._model_lock:  # batches wait: the new model is built from the store now
            old = self.model
            model = DashboardModel(self.namespace)
            changes = model.initial_changes(self.source.store, kinds)
            if self._sub is not None:
                self._sub.take()  # what it holds is in the store, so in the rows built now
            now = self.clock()
            updates = await asyncio.to_thread(build_all, model, changes, now)
            self.model = self.screen_main.model = model
            ns = self.model.set_report(self.report)
            updates.namespaces.upserts.update(ns.upserts)
            updates.namespaces.sort_keys.update(ns.sort_keys)
            panels = [("pods", old.pod_failing), ("releases", old.release_ready),
                      ("namespaces", old.namespace_keys())]
            if "Event" in kinds:
                panels.append(("events", old.folded))
            else:  # the rows of the first pages stay until the events' own are built
                model.adopt_events(old)
            for panel, before in panels:
                getattr(updates, panel).deletes |= set(before) - set(getattr(updates, panel).upserts)
                self.screen_main.partial.discard(panel)
            await self._show_in_chunks(updates, now)
        self._dirty.set()

    async def _add_events(self) -> None:
        """The event rows, built apart from the rest (see _watch) into a model of their own whose
        folds the current model then takes over."""
        if self.source is None:
            return
        async with self._model_lock:
            part = DashboardModel(self.namespace)
            events = self.source.store.list("Event")  # taken on the loop: the store's thread
            if self._sub is not None:
                self._sub.drop("Event")  # in the store, so in the rows built now
            now = self.clock()
            updates = await asyncio.to_thread(fold_all, part, events, now)
            updates.events.deletes |= self.model.adopt_events(part)
            self.screen_main.partial.discard("events")
            await self._show_in_chunks(updates, now)

    async def _show_in_chunks(self, updates: Updates, now: datetime) -> None:
        for chunk in chunks(updates, ROWS_PER_CHUNK):
            with self.batch_update():
                self.screen_main.apply_updates(chunk, now)
                self._show_status()
            await asyncio.sleep(0)  # a key pressed meanwhile is handled between chunks

    async def switch_context(self, name: str) -> None:
        """`:ctx NAME`: the dashboard on another context of the kubeconfig; a context that does
        not connect is one line, and the current one stays. `:ctx` alone lists them."""

        if self.source is None:
            return
        if self.source.demo is not None:
            self.notify("the demo has one context: its embedded cluster", severity="warning")
            return
        kubeconfig = self.connect_args.get("kubeconfig")
        try:
            if not name:
                names = ", ".join(context_names(kubeconfig)) or "none"
                self.notify(f"contexts: {names} (now {self.source.conn.context})", markup=False,
                            title="Contexts")
                return
            self.notify(f"connecting to context {name}", markup=False)
            source = await ClusterSource.open(
                kubeconfig, name, namespaces=[self.namespace] if self.namespace else None,
                read_only=self.read_only, read_logs_early=True)
        except UsageError as exc:
            self.notify(str(exc), severity="error", markup=False, title=f":ctx {name}")
            return
        old, self.source = self.source, source
        self.connect_args["context"] = name
        self.connection = "syncing"
        # another cluster: its chains are not news about the old one's
        self.report, self.diagnoses, self.so_far = Report(findings=[], chains=[]), 0, ()
        self.reading_logs = False  # its objects are listed first
        self.news.clear()
        self._first_report.clear()  # else the ticks would not wait for the next one
        self.screen_main.show_report(self.report)
        self._show_status()  # "listing" where the old cluster's chains were
        await old.close()
        await source.wait_synced()
        if self._sub is not None:
            self._sub.close()
        self._sub = source.store.subscribe(PANEL_KINDS)  # the rest is in the rows built now
        self.connection = "live"
        await self._reload()
        self._dirty.set()

    def context_names(self) -> list[str]:
        """The kubeconfig's contexts, for `:ctx` completion (none for the demo)."""
        if self.source is None or self.source.demo is not None:
            return []
        with contextlib.suppress(UsageError):
            return context_names(self.connect_args.get("kubeconfig"))
        return []

    async def set_namespace(self, namespace: str | None) -> None:
        self.namespace = namespace
        self.news.clear()  # untold changes were of the chains the old view showed
        self.sub_title = namespace or ""
        if self.source is not None:
            await self._reload()

    # -- the diagnosis -------------------------------------------------------------------------

    async def _diagnose(self) -> None:
        """The diagnosis, fed as `check` feeds it: every kind listed, and the logs the rule of
        core/logs_read.py names for those very objects read first. A report on part of the
        cluster, or before its logs, would draw roots that change a moment later: until the
        first complete one the dashboard says "reading logs" instead."""
        source = self.source
        if source is None:
            return
        # the logs are read as soon as the kinds the rule reads are listed, while the (larger)
        # event list still arrives: I/O beside the sync, not after it
        await source.wait_synced(kinds=LOG_RULE_KINDS)
        self.reading_logs = True
        await source.diagnosis_logs()
        # and it starts once every list is in, while the rows are still being given to the
        # tables: on the other core, the first screen waits for the longer of the two
        if await self._listed(source):
            self._dirty.set()
        while True:
            await self._dirty.wait()
            changed = time.monotonic()
            await self._keys_quiet(changed)
            self._dirty.clear()
            started, source = time.monotonic(), self.source
            if source is None or not await self._listed(source):
                continue
            try:
                objects = list(source.store.objects())  # replaced, never changed: a snapshot
                self.reading_logs = True
                logs = await source.diagnosis_logs(objects)  # only what changed is fetched
            except Exception:
                if source is self.source:
                    raise
                continue  # `:ctx` closed that source under the request
            # forked: on the other core, while this one draws (see forked.py)
            forking = asyncio.ensure_future(self._forked_diagnosis(objects, logs,
                                                                   source.unseen()))
            self._forked.set()
            report = await forking
            if source is not self.source or report.namespace != self.namespace:
                continue  # `:ctx` or `:ns` switched meanwhile
            await self._rows_in.wait()  # chains drawn with the rows they mark, never before
            if self._report_due is None:
                self._report_due_at = changed  # the keys hold it as long as the change in all
            self._report_due = report
            self._first_report.set()
            # a diagnosis of a large cluster takes a while: leave the loop at least as long free
            took = time.monotonic() - started
            await asyncio.sleep(max(DIAGNOSIS_INTERVAL_S - took, took))

    async def _forked_diagnosis(self, objects: list[dict], logs: dict[LogRef, list[str]],
                                unseen: Unseen) -> Report:
        """diagnosis_of in a forked child (forked.py), waited for in a thread."""
        return await asyncio.to_thread(call_forked, diagnosis_of, objects, logs, self.namespace,
                                       self.clock(), unseen, self.silences)

    async def _listed(self, source: Source) -> bool:
        """Until every kind of the source has been listed (at once, but for the first report
        and after `:ctx`); False when `:ctx` replaced the source meanwhile."""
        while source is self.source:
            with contextlib.suppress(asyncio.TimeoutError):
                await source.wait_synced(timeout=STATUS_INTERVAL_S)
                return True
        return False

    async def _keys_quiet(self, since: float) -> None:
        while self.diagnoses and self._keys_held(since):
            await asyncio.sleep(KEYS_QUIET_S - (time.monotonic() - self._last_key))

    def _keys_held(self, since: float) -> bool:
        """Whether what came at `since` (monotonic) waits for the keys: one was pressed less
        than KEYS_QUIET_S ago, and it has waited less than DIAGNOSIS_DEFER_S."""
        now = time.monotonic()
        return now - self._last_key < KEYS_QUIET_S and now - since < DIAGNOSIS_DEFER_S

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self._last_key = time.monotonic()
        await super().on_event(event)

    def _show_report(self, report: Report) -> None:
        if self.diagnoses and report.namespace == self.report.namespace:
            # after `:ns` other chains are in view, which is not news
            self.news.note(self.report.chains, report.chains, self.report, report)
        self.report, self.so_far = report, ()
        self.diagnoses += 1
        self.screen_main.show_report(report)

    def _tell_news(self) -> None:
        now = time.monotonic()
        if not self.news.ready(now):
            self._news_due_at = None
            return
        self._news_due_at = self._news_due_at or now
        if self._keys_held(self._news_due_at):
            return
        self._news_due_at = None
        toast = self.news.due(now)
        if toast is None:
            return
        self.notify(toast.message, title=toast.title, severity=toast.severity, markup=False)
        self._frames_owed += [now, now + self.NOTIFICATION_TIMEOUT]  # the toast shown, and gone
        if self.ring_bell:
            self.bell()

    # -- the status bar ------------------------------------------------------------------------

    def refresh_status(self) -> None:
        """The status bar again now (a filter typed): not at the next tick."""
        if self.screen_main.is_mounted:
            self._show_status()

    def _show_status(self) -> None:
        store = self.source.store if self.source is not None else None
        stale = store.stale_for() if store is not None else 0.0
        down = store.stale_state() if store is not None and stale > 0 else None
        retry_in = None
        if down is not None and down.retry_at is not None:
            retry_in = max(0, math.ceil(down.retry_at - time.time()))
        connection = "stale" if stale > 0 else self._listing() or self.connection
        ready, releases = self.model.releases_ready()
        conn = self.source.conn if self.source is not None else None
        self.screen_main.query_one(StatusBar).show(Status(
            context=conn.context if conn else "",
            cluster=conn.cluster if conn and conn.cluster != conn.context else "",
            # whole seconds, as shown: a status that did not change draws no frame
            connection=connection, stale_for=int(stale),
            stale_reason=(down.error or "") if down is not None else "", retry_in=retry_in,
            releases_ready=ready, releases=releases,
            pods_failing=self.model.pods_failing(), warnings=self.model.warnings(self.clock()),
            chains=len(self.report.chains), so_far=bool(self.so_far),
            partial=frozenset(self.screen_main.partial),
            silenced=self.report.silenced,
            read_only=self.read_only,
            namespace=self.namespace, filter=self.screen_main.filter_text,
            diagnosis=self._diagnosis_pending(), unseen=unseen_text(self._unseen())))

    def _listing(self) -> str:
        """`listing pods 3,500/10,000`, while the first lists are under way: the pods' while
        they are read (the panels miss them most), else the list furthest from whole."""
        if self.connection != "syncing" or self.source is None:
            return ""
        listing = self.source.listing()
        if not listing:
            return ""
        kind = "Pod" if "Pod" in listing else max(
            listing, key=lambda k: (listing[k][1] or 0) - listing[k][0])
        read, expected = listing[kind]
        if not read:
            return ""  # no page yet: "syncing"
        name = {"Pod": "pods", "Event": "events"}.get(kind, kind)
        return f"listing {name} {read:,}/{expected:,}" if expected else f"listing {name} {read:,}"

    def _diagnosis_pending(self) -> str:
        """Until the first report: what it waits for, said where the chains will be (a count of
        0 chains before the diagnosis has run would be a false all-clear)."""
        if self.diagnoses or self.so_far:
            return ""
        waiting = "reading logs" if self.reading_logs else "listing"
        self.screen_main.show_waiting(waiting)
        return waiting

    def _unseen(self) -> Unseen:
        """What the user cannot see in the namespace in view (all of it without `:ns`)."""
        if self.source is None:
            return Unseen()
        unseen = self.source.unseen()
        return unseen.restricted_to(self.namespace) if self.namespace else unseen

    # -- the command palette lists the `:` commands --------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for name, (_, help_text) in COMMANDS.items():
            yield SystemCommand(f":{name}", help_text,
                                lambda name=name: self.screen_main.run_command(name))
        for ns in sorted(self.model.namespaces):
            yield SystemCommand(f":ns {ns}", f"Only namespace {ns}",
                                lambda ns=ns: self.screen_main.run_command(f"ns {ns}"))
        if self.source is not None and self.source.demo is None:
            with contextlib.suppress(UsageError):  # `:ctx` says what is wrong with the file
                for ctx in context_names(self.connect_args.get("kubeconfig")):
                    yield SystemCommand(f":ctx {ctx}", f"The dashboard on context {ctx}",
                                        lambda ctx=ctx: self.screen_main.run_command(f"ctx {ctx}"))
        if self.source is not None:
            yield from _drilldown().system_commands(self, screen)

    def open_object(self, key: Key) -> None:
        """The drill-down: the object's own screen (pod, release), else its YAML."""
        if self.source is not None:
            self.push_screen(_drilldown().screen_for(key))

    def on_open(self, request: Open) -> None:
        screen = _drilldown().screen_opened_by(request)
        if self.source is not None and screen is not None:
            self.push_screen(screen)

    def on_main_screen_object_opened(self, message: MainScreen.ObjectOpened) -> None:
        self.open_object(message.key)


def _drilldown() -> ModuleType:
    """The object screens, imported the first time one is asked for: they (actions, verify,
    the walkthroughs: ~11 MB, 60 ms) are not on the way to the first screen."""
    return importlib.import_module("kubetriage.tui.screens.drilldown")


def diagnosis_of(objects: list[dict], logs: dict[LogRef, list[str]], namespace: str | None,
                 now: datetime | None = None, unseen: Unseen | None = None,
                 silences: Silences | None = None) -> Report:
    """The report the dashboard draws on these objects and logs: `check`'s diagnosis (run in a
    forked child, else a thread), with what could not be read. Where it runs in a thread, the
    snapshot indexing them is gone before the collector runs again, so its 100,000s of
    containers never reach an old generation that every full collection would rescan."""
    with gc_paused():
        return diagnose(Snapshot.from_objects(objects, logs, now, unseen), namespace=namespace,
                        silences=silences)
