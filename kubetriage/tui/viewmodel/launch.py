"""The rows of a whole panel at once (at launch, on `:ns`), in display order, and their delivery to
the tables in pieces, so a key pressed meanwhile is handled between two of them.

Built in a thread: 40,000 rows that stay in the tables are frozen out of the collector's sight,
or every collection would rescan them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from itertools import islice

from kubetriage.cluster.store import StoreChange
from kubetriage.core.gcpause import gc_paused
from kubetriage.tui.viewmodel.dashboard import DashboardModel
from kubetriage.tui.viewmodel.updates import PanelUpdate, Updates

PANELS = ("namespaces", "releases", "pods", "events")


def build_all(model: DashboardModel, changes: Iterable[StoreChange], now: datetime) -> Updates:
    """Every row of the model, each panel's in its display order."""
    with gc_paused(long_lived=True):
        updates = model.apply(changes, now)
        for panel in PANELS:
            in_order(getattr(updates, panel))
    return updates


def fold_all(model: DashboardModel, events: list[dict], now: datetime) -> Updates:
    """Every event row of a model without events, in display order."""
    with gc_paused(long_lived=True):
        updates = Updates(events=model.fold_all(events, now))
        in_order(updates.events)
    return updates


def in_order(panel: PanelUpdate) -> None:
    keys = panel.sort_keys
    ordered = sorted(panel.upserts, key=keys.__getitem__)
    panel.upserts = {key: panel.upserts[key] for key in ordered}


def chunks(updates: Updates, size: int) -> Iterable[Updates]:
    """The updates in pieces of at most `size` rows a panel, deletions in the first (each piece
    taken from the whole as it is given: no second copy of every row's entries)."""
    rows = {p: iter(getattr(updates, p).upserts.items()) for p in PANELS}
    left = max(len(getattr(updates, p).upserts) for p in PANELS)
    first = True
    while first or left > 0:
        chunk = Updates()
        for p in PANELS:
            whole: PanelUpdate = getattr(updates, p)
            part = getattr(chunk, p)
            part.upserts = dict(islice(rows[p], size))
            part.sort_keys = {k: whole.sort_keys.pop(k) for k in part.upserts
                              if k in whole.sort_keys}
            part.severities = {k: whole.severities.pop(k) for k in part.upserts
                               if k in whole.severities}
            if first:
                part.deletes = whole.deletes
                part.widths = whole.widths
        first, left = False, left - size
        yield chunk
