"""What the panels show, kept up to date from the store's batches of changes.

Pure (no Textual): a batch in, per-panel row updates out, plus the counts of the status bar. A
row is given to its table as its source (the store's object, a folded event), never as cells:
the table builds a row's cells (rows.py) only when it draws it. What every row costs here is
what the whole table needs: its order key, its severity, its columns' widths, the counts.
Events are folded by object, reason and message, so a repeat updates one row's count instead of
adding rows; a fold is updated by the events that change it, not folded again.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime

from kubetriage.checks.finding import Report
from kubetriage.cluster.store import Store, StoreChange
from kubetriage.core.types import Key, Obj
from kubetriage.tui.viewmodel import rows
from kubetriage.tui.viewmodel.rows import Cells, FoldKey
from kubetriage.tui.viewmodel.updates import PanelUpdate, Updates

WARNINGS_EVERY_S = 2.0
PANEL_KINDS = ("Namespace", "Pod", "HelmRelease", "Kustomization", "Event")
ROW_KINDS = PANEL_KINDS[:-1]  # every panel's kind but the events
# the panels whose rows (or counts) come of each kind
PANELS_OF = {"Namespace": ("namespaces",), "Pod": ("pods", "namespaces"),
             "HelmRelease": ("releases",), "Kustomization": ("releases",), "Event": ("events",)}


class DashboardModel:
    def __init__(self, namespace: str | None = None) -> None:
        self.namespace = namespace  # `:ns NAME`: only this namespace's rows
        self.pod_failing: dict[Key, bool] = {}
        self.release_ready: dict[Key, bool] = {}
        self.namespaces: set[str] = set()
        # kept by every change rather than counted again: a batch costs what it changes
        self.health: dict[str, rows.NamespaceHealth] = defaultdict(rows.NamespaceHealth)
        self.failing = 0
        self._touched: set[str] = set()
        self._warnings: tuple[float, int] | None = None  # (when counted, count)
        # fold key -> its events: one as itself, more by their keys (most folds hold one, and
        # there are 300,000 of them at 100k pods: nothing more is kept for one)
        self._events: dict[FoldKey, Obj | _Several] = {}
        # namespace -> event name -> fold key (no key tuple kept per event: 19 MB at 100k)
        self._fold_of: dict[str | None, dict[str, FoldKey]] = defaultdict(dict)
        self.folded: dict[FoldKey, rows.FoldedEvent] = {}
        self._ns_rows: dict[Key, Cells] = {}
        self.severities: dict[str, str] = {}

    def _visible(self, namespace: str | None) -> bool:
        return self.namespace is None or namespace == self.namespace

    @staticmethod
    def initial_changes(store: Store, kinds: Iterable[str] = PANEL_KINDS) -> Iterator[StoreChange]:
        """Everything the store holds (of these kinds), as additions made one at a time while
        the model reads them (not 400,000 held at once at 100k pods). The store's lists are
        taken here, on the event loop (the store changes there)."""
        return DashboardModel.added(o for of_kind in [store.list(kind) for kind in kinds]
                                    for o in of_kind)

    @staticmethod
    def added(objects: Iterable[Obj]) -> Iterator[StoreChange]:
        """These objects as additions, made one at a time while the model reads them."""
        return (StoreChange("ADDED", o["kind"], o["metadata"].get("namespace") or None,
                            o["metadata"]["name"], o, 0) for o in objects)

    def adopt_events(self, other: DashboardModel) -> set[FoldKey]:
        """Take over the folded events another model built; returns the fold keys gone."""
        gone = self.folded.keys() - other.folded.keys()
        self._events, self._fold_of, self.folded = other._events, other._fold_of, other.folded
        self._warnings = None
        return gone

    def apply(self, changes: Iterable[StoreChange], now: datetime) -> Updates:
        out = Updates()
        # fold key -> whether the batch took an event out of it (then it is folded again)
        touched_folds: dict[FoldKey, bool] = {}
        pod_widths, release_widths = out.pods.widths, out.releases.widths
        for ch in changes:
            key = (ch.kind, ch.namespace, ch.name)
            gone = ch.type == "DELETED" or not self._visible(ch.namespace) \
                and ch.kind != "Namespace"
            if ch.kind == "Pod":
                if gone:
                    self._count_pod(key, None)
                    out.pods.deletes.add(key)
                    continue
                status = rows.pod_status(ch.obj, now)
                failing = rows.pod_failing(*status[:2])
                if failing or key in self.pod_failing:  # a new row has no severity to clear
                    out.pods.severities[key] = "error" if failing else None
                self._count_pod(key, failing)
                out.pods.upserts[key] = ch.obj
                out.pods.sort_keys[key] = (not failing, ch.namespace or "", ch.name)
                rows.widen(pod_widths, rows.pod_widths(ch.obj, status))
            elif ch.kind in ("HelmRelease", "Kustomization"):
                if gone:
                    self._count_release(key, None)
                    out.releases.deletes.add(key)
                    continue
                ready = rows.release_ready(ch.obj)
                if ready != "True" or key in self.release_ready:
                    out.releases.severities[key] = {"True": None, "False": "error"}.get(
                        ready, "warning")
                self._count_release(key, ready == "True")
                out.releases.upserts[key] = ch.obj
                out.releases.sort_keys[key] = rows.release_sort(ch.obj, now)
                rows.widen(release_widths, rows.release_widths(ch.obj, now))
            elif ch.kind == "Event":
                self._fold_event(key, None if gone else ch.obj, touched_folds)
            elif ch.kind == "Namespace":
                (self.namespaces.discard if ch.type == "DELETED" else self.namespaces.add)(ch.name)
                self._touched.add(ch.name)
        for fold, refold in touched_folds.items():
            events = self._fold_events(fold)
            if not events:
                self.folded.pop(fold, None)
                out.events.deletes.add(fold)
                continue
            known = fold in self.folded
            folded = rows.fold(fold, events) if refold else self.folded[fold]
            self.folded[fold] = folded
            out.events.upserts[fold] = folded
            out.events.sort_keys[fold] = rows.event_sort(folded, now)
            if folded.type == "Warning" or known:
                out.events.severities[fold] = "warning" if folded.type == "Warning" else None
            rows.widen(out.events.widths, rows.event_widths(folded))
        out.namespaces = self._namespace_update()
        return out

    def fold_all(self, events: Iterable[Obj], now: datetime) -> PanelUpdate:
        """The events panel of a model that holds no event yet (the launch's): what apply()
        gives for every event added at once, in one pass without a change object or a look
        at what each one replaces (300,000 events at 100k pods)."""
        assert not self._events, "fold_all is for a model without events"
        out = PanelUpdate()
        fold_of, visible, add = self._fold_of, self._visible, self._fold_add
        fold_key = rows.fold_key
        for event in events:
            meta = event["metadata"]
            namespace = meta.get("namespace") or None
            if not visible(namespace):
                continue
            name = meta["name"]
            fold = fold_of[namespace][name] = fold_key(event)
            add(fold, ("Event", namespace, name), event)
        folds = self._events
        upserts, sort_keys, severities, widths = out.upserts, out.sort_keys, out.severities, \
            out.widths
        fold_row, event_sort, event_widths, widen = rows.fold, rows.event_sort, \
            rows.event_widths, rows.widen
        for fold, held in folds.items():
            folded = fold_row(fold, held.values() if isinstance(held, _Several) else (held,))
            self.folded[fold] = upserts[fold] = folded
            sort_keys[fold] = event_sort(folded, now)
            if folded.type == "Warning":
                severities[fold] = "warning"
            widen(widths, event_widths(folded))
        self._warnings = None
        return out

    def _fold_event(self, key: Key, event: dict | None, touched: dict[FoldKey, bool]) -> None:
        """An event added, changed (its count grew) or gone (None): its fold follows. An event
        added to a fold changes its row by its count and time; one taken out, or changed to
        another fold, has the fold folded again."""
        names = self._fold_of[key[1]]
        old = names.pop(key[2], None)
        if old is not None:
            before = self._fold_pop(old, key)
            if event is not None and before is not None and old in self.folded \
                    and rows.fold_key(event) == old:
                # the same event again (a repeat: its count and time moved on): no refold
                names[key[2]] = old
                self._fold_add(old, key, event)
                self.folded[old] = rows.refolded(self.folded[old], before, event)
                touched.setdefault(old, False)
                return
            touched[old] = True
        if event is None:
            return
        fold = names[key[2]] = rows.fold_key(event)
        self._fold_add(fold, key, event)
        if fold in self.folded and not touched.get(fold):
            self.folded[fold] = rows.refolded(self.folded[fold], None, event)
            touched.setdefault(fold, False)
        else:
            touched[fold] = True

    def _fold_add(self, fold: FoldKey, key: Key, event: Obj) -> None:
        held = self._events.get(fold)
        if isinstance(held, _Several):
            held[key] = event
        elif held is None or _key_of(held) == key:
            self._events[fold] = event
        else:
            self._events[fold] = _Several({_key_of(held): held, key: event})

    def _fold_pop(self, fold: FoldKey, key: Key) -> Obj | None:
        held = self._events.get(fold)
        if held is None:
            return None
        if not isinstance(held, _Several):
            if _key_of(held) != key:
                return None
            del self._events[fold]
            return held
        event = held.pop(key, None)
        if len(held) == 1:
            self._events[fold] = next(iter(held.values()))
        elif not held:
            del self._events[fold]
        return event

    def _fold_events(self, fold: FoldKey) -> list[Obj]:
        held = self._events.get(fold)
        if held is None:
            return []
        return list(held.values()) if isinstance(held, _Several) else [held]

    def _count_pod(self, key: Key, failing: bool | None) -> None:
        """Keep the counts: failing None = the pod is gone."""
        h = self.health[key[1] or ""]
        old = self.pod_failing.pop(key, None)
        if old is not None:
            h.pods -= 1
            h.failing -= old
            self.failing -= old
        if failing is not None:
            self.pod_failing[key] = failing
            h.pods += 1
            h.failing += failing
            self.failing += failing
        self._touched.add(key[1] or "")

    def _count_release(self, key: Key, ready: bool | None) -> None:
        h = self.health[key[1] or ""]
        old = self.release_ready.pop(key, None)
        if old is not None:
            h.releases -= 1
            h.releases_ready -= old
        if ready is not None:
            self.release_ready[key] = ready
            h.releases += 1
            h.releases_ready += ready
        self._touched.add(key[1] or "")

    def set_report(self, report: Report) -> PanelUpdate:
        before, self.severities = self.severities, rows.worst_by_namespace(report.findings)
        for ns in set(before) | set(self.severities):
            self.health[ns].worst = self.severities.get(ns, "")
            if before.get(ns) != self.severities.get(ns):
                self._touched.add(ns)
        return self._namespace_update()

    def _namespace_update(self) -> PanelUpdate:
        """The rows of the namespaces whose counts changed."""
        update = PanelUpdate()
        touched, self._touched = self._touched, set()
        for name in touched:
            key = ("Namespace", None, name)
            h = self.health[name]
            if not name or not self._visible(name) or \
                    (name not in self.namespaces and not h.pods and not h.releases):
                if self._ns_rows.pop(key, None) is not None:
                    update.deletes.add(key)
                continue
            cells = rows.namespace_row(name, h)
            if self._ns_rows.get(key) != cells:
                self._ns_rows[key] = cells
                update.upserts[key] = cells
                update.sort_keys[key] = rows.namespace_sort(name, h)
        return update

    def namespace_keys(self) -> set[Key]:
        return set(self._ns_rows)

    # -- the status bar's counts ---------------------------------------------------------------

    def releases_ready(self) -> tuple[int, int]:
        hr = [ready for (kind, _, _), ready in self.release_ready.items() if kind == "HelmRelease"]
        return sum(hr), len(hr)

    def pods_failing(self) -> int:
        return self.failing

    def warnings(self, now: datetime) -> int:
        """Warning rows seen in the last 10 minutes; counted again at most every 2 s (it reads
        every folded event)."""
        if self._warnings is None or time.monotonic() - self._warnings[0] > WARNINGS_EVERY_S:
            self._warnings = (time.monotonic(), rows.recent_warnings(self.folded.values(), now))
        return self._warnings[1]

    def event_keys_about(self, objects: set[Key]) -> set[FoldKey]:
        """The folded event rows about any of these objects."""
        return {fold for fold, ev in self.folded.items()
                if (ev.target[0], ev.namespace, ev.target[1]) in objects}


class _Several(dict[Key, Obj]):
    """The events of a fold that holds more than one, by their keys (one is held as itself)."""


def _key_of(event: Obj) -> Key:
    meta = event["metadata"]
    return ("Event", meta.get("namespace") or None, meta["name"])
