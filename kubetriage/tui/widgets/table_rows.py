"""The rows of a ResourceTable, without the drawing: kept in a dict plus one sorted list of the rows
that pass the filter, so a batch of changes costs O(changes · log n) bisections, and the widths
the columns need.

A row is given as its cells, or as its source (a store object, a folded event) when the table
has a row builder: its cells are then built when the row is drawn, filtered or sorted by a
column, and kept for the few screens last asked for; the widths come with the batch.

Pure (no Textual): the widget (resource_table.py) draws these rows and moves its cursor over
them; this keeps their order under sort, filter and batches.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from datetime import datetime
from itertools import zip_longest
from typing import Any

from rich.cells import cell_len
from rich.text import Text

from kubetriage.tui.viewmodel.updates import PanelUpdate, Severity

Row = tuple[Any, ...]  # cells: a Rich `Text`, or anything with a `plain` string and a `style`
_BLANK = Text("")
Builder = Callable[[Any, datetime], Row]  # a row's source and the time -> its cells
BULK_ROWS = 1000  # more rows than this in one batch: one sort beats an insertion each
BUILT_ROWS = 2000  # rows whose built cells are kept: a few screens

_AGE = re.compile(r"(?:\d+[smhdy])+")
_AGE_PART = re.compile(r"(\d+)([smhdy])")
_AGE_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, "y": 365 * 86400}
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_DIGITS = re.compile(r"(\d+)")


def sort_value(text: str) -> tuple:
    """How a cell sorts: an age like `3d4h` by its seconds, a number by value, else naturally
    (`pod-9` before `pod-10`), case-insensitive. Numbers and ages come before words."""
    text = text.strip()
    if _AGE.fullmatch(text):
        return (0, sum(int(n) * _AGE_UNIT[unit] for n, unit in _AGE_PART.findall(text)), ())
    if _NUMBER.fullmatch(text):
        return (0, float(text), ())
    parts = _DIGITS.split(text.lower())
    return (1, 0, tuple(int(part) if i % 2 else part for i, part in enumerate(parts)))


class TableRows:
    """Rows keyed by any hashable key, in the order shown: sorted by a column or by their order
    keys, filtered by a substring, reversed on demand."""

    def __init__(self, build: Builder | None = None) -> None:
        self._build = build
        self._now: datetime | None = None  # the time rows are built at (their ages)
        self._built: OrderedDict[Hashable, tuple[Any, Row]] = OrderedDict()  # key -> (source, cells)
        self.columns: list[tuple[str, int | None]] = []
        self._natural: list[int] = []  # widest cell seen per flexible column
        self._flexible: list[int] = []  # the indices of those columns
        self._cell_of: list[int] = []  # column -> the index of its cell in a row
        self._widths_cache: tuple[tuple, list[int]] = ((), [])
        self._rows: dict[Hashable, Row] = {}
        self._haystacks: dict[Hashable, str] = {}
        # key -> (column sort value, order key, sequence number, key): unique, so bisect finds it
        self._entries: dict[Hashable, tuple] = {}
        self._next_seq = 0
        self._visible: list[tuple] = []  # sorted entries of the rows that pass the filter
        self.sort_column: int | None = None
        self.reverse = False
        self._filter = ""
        self._severity: dict[Hashable, Severity] = {}
        self._widths_seen: list[int] = []  # the widest of each column the batches said

    # -- reading --------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def visible_count(self) -> int:
        return len(self._visible)

    def has_row(self, key: Hashable) -> bool:
        return key in self._rows

    def keys(self) -> list[Hashable]:
        return list(self._rows)

    def cells(self, key: Hashable) -> Row:
        """The row's cells: as given, or built from its source (and kept a while)."""
        source = self._rows[key]
        if self._build is None:
            return source
        built = self._built.get(key)
        if built is not None and built[0] is source:
            self._built.move_to_end(key)
            return built[1]
        cells = self._build(source, self._now or datetime.now().astimezone())
        self._built[key] = (source, cells)
        if len(self._built) > BUILT_ROWS:
            self._built.popitem(last=False)
        return cells

    def set_now(self, now: datetime, *, rebuild: bool = False) -> None:
        """The time rows are built at from now on; rebuild: build the rows shown again at it
        (their ages move on without their sources changing)."""
        self._now = now
        if rebuild:
            self._built.clear()

    def severity(self, key: Hashable) -> Severity | None:
        return self._severity.get(key)

    def key_at(self, index: int) -> Hashable:
        """The key of the row shown at `index` (0 = top row, after sort and filter)."""
        if self.reverse:
            index = len(self._visible) - 1 - index
        return self._visible[index][-1]

    def index_of(self, key: Hashable) -> int | None:
        """Where the row is shown, or None when it is not (filtered out, or no such row)."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        index = bisect_left(self._visible, entry)
        if index >= len(self._visible) or self._visible[index] != entry:
            return None
        return len(self._visible) - 1 - index if self.reverse else index

    def natural_widths(self) -> list[int]:
        return list(self._natural)

    @property
    def layout_key(self) -> tuple[int, ...]:
        """Which cell each column shows: a drawn line is good for one layout only."""
        return tuple(self._cell_of)

    def shown_cells(self, cells: Row) -> Row:
        """A row's cells in the order of the columns shown."""
        if self._cell_of == list(range(len(self._cell_of))):
            return cells
        return tuple(cells[i] if i < len(cells) else _BLANK for i in self._cell_of)

    def column_widths(self, width: int) -> list[int]:
        """Each column's width in a table `width` cells wide (a space between two columns):
        fixed ones as given, flexible ones as wide as their widest cell, the last flexible one
        taking the rest (a MESSAGE at the end at least two fifths); too narrow, the other
        flexible ones give way, the widest first, down to their labels. Asked for every line
        drawn: worked out once per width and columns."""
        key = (width, tuple(self._natural), tuple(self.columns))
        if self._widths_cache[0] != key:
            self._widths_cache = (key, self._fit(width))
        return list(self._widths_cache[1])

    def _fit(self, width: int) -> list[int]:
        widths = [fixed if fixed is not None else natural
                  for (_, fixed), natural in zip(self.columns, self._natural)]
        flexible = self._flexible
        if not flexible:
            return widths
        last, others = flexible[-1], flexible[:-1]
        room = width - (len(widths) - 1) - sum(w for i, w in enumerate(widths) if i != last)
        # an event's MESSAGE keeps two fifths of a wide table: a long object name before it
        # left it 7 cells at 160x45; a REASON or RESTARTS keeps only its label
        wide_last = others and last == len(widths) - 1 and self.columns[last][0] == "MESSAGE"
        last_min = max(cell_len(self.columns[last][0]), width * 2 // 5 if wide_last else 0)
        if room < last_min and others:
            # the widest first: a long NAME gives way, not a STATUS like CrashLoopBackOff
            _level_down(widths, {i: cell_len(self.columns[i][0]) for i in others},
                        last_min - room)
            room = width - (len(widths) - 1) - sum(w for i, w in enumerate(widths) if i != last)
        widths[last] = max(room, last_min)
        return widths

    # -- changing -------------------------------------------------------------------------------

    def set_columns(self, columns: Sequence[tuple[str, int | None]],
                    cells: Sequence[int] | None = None) -> None:
        """Labels with a fixed width, or None for flexible (the last flexible one takes the rest);
        `cells` says which cell of a row each column shows (by default the same position), so a
        column moves (NAMESPACE first when several are in view) without the rows changing. A
        sort stays on its column, wherever that is now."""
        sorted_by = self.columns[self.sort_column][0] if self.sort_column is not None and \
            self.sort_column < len(self.columns) else None
        self.columns = list(columns)
        self._cell_of = list(cells) if cells is not None else list(range(len(self.columns)))
        self._natural = [cell_len(label) for label, _ in self.columns]
        self._flexible = [i for i, (_, fixed) in enumerate(self.columns) if fixed is None]
        if self._build is None:
            for row in self._rows.values():
                self._measure(row)
        self._widen(self._widths_seen)
        labels = [label for label, _ in self.columns]
        if sorted_by is not None:
            self.sort_by(labels.index(sorted_by) if sorted_by in labels else None, self.reverse)

    def apply(self, update: PanelUpdate) -> set[Hashable]:
        """Add or replace rows, remove others, give rows their order keys and severities; the
        keys whose line must be drawn again."""
        upserts, sort_keys, severities = update.upserts, update.sort_keys, update.severities
        deletes = [key for key in update.deletes if key in self._rows]
        for key in deletes:
            self._remove(key)
        # many rows at once (the first fill): one sort beats an insertion each
        # (a sort of nearly sorted rows is close to linear; each insertion moves the tail)
        bulk = len(upserts) > BULK_ROWS
        same = set()
        sources = self._build is not None
        for key, row in upserts.items():
            if not sources:
                row = tuple(row)
            old = self._rows.get(key)
            if (old is row or not sources and old == row) and key not in sort_keys \
                    and key not in severities:
                same.add(key)  # nothing to draw again
                continue
            self._upsert(key, row, sort_keys.get(key), place=not bulk)
        if update.widths:
            self._widths_seen = [max(a, b) for a, b in
                                 zip_longest(self._widths_seen, update.widths, fillvalue=0)]
            self._widen(update.widths)
        for key in sort_keys.keys() - upserts.keys():
            if key in self._rows:  # moved without a change of cells
                self._upsert(key, self._rows[key], sort_keys[key], place=not bulk)
        if bulk:
            self._rebuild_visible()
        for key, severity in severities.items():
            self.set_severity(key, severity)
        return {*upserts, *deletes, *sort_keys, *severities} - same

    def clear(self) -> None:
        """Remove every row; columns, sort and filter stay."""
        for store in (self._rows, self._haystacks, self._entries,
                      self._severity, self._built):
            store.clear()
        self._visible.clear()

    def sort_by(self, column: int | None, reverse: bool = False) -> None:
        """Sort by one column (numbers and ages by value), ties by order key; None = by order key."""
        self.sort_column, self.reverse = column, reverse
        for key, entry in self._entries.items():
            self._entries[key] = self._entry(key, entry[1], entry[2])
        self._rebuild_visible()

    def set_filter(self, text: str) -> None:
        """Show only rows with `text` in any cell (case-insensitive); empty shows all."""
        self._filter = text.lower()
        self._rebuild_visible()

    def set_severity(self, key: Hashable, severity: Severity | None) -> None:
        if severity is None:
            self._severity.pop(key, None)
        else:
            self._severity[key] = severity

    # -- inside ---------------------------------------------------------------------------------

    def _widen(self, widths: list[int]) -> None:
        """Flexible columns at least as wide as `widths` says of their cells (given per cell of
        a row, which a column may show at another position)."""
        natural = self._natural
        for index in self._flexible:
            cell = self._cell_of[index] if index < len(self._cell_of) else index
            if cell < len(widths) and widths[cell] > natural[index]:
                natural[index] = widths[cell]

    def _measure(self, cells: Row) -> None:
        natural = self._natural
        for index in self._flexible:
            cell_index = self._cell_of[index] if index < len(self._cell_of) else index
            if cell_index < len(cells):
                plain = cells[cell_index].plain
                width = len(plain) if plain.isascii() else cell_len(plain)
                if width > natural[index]:
                    natural[index] = width

    def _entry(self, key: Hashable, order: Any, seq: int) -> tuple:
        column = self.sort_column
        if column is None:
            value: tuple = ()
        else:
            cells = self.cells(key)
            index = self._cell_of[column] if column < len(self._cell_of) else column
            value = sort_value(cells[index].plain) if index < len(cells) else (2,)
        # the sequence number is unique, so entries never compare their keys (which need not
        # be orderable); the key last, so a row shown is its entry's last item
        return (value, order, seq, key)

    def _passes(self, key: Hashable) -> bool:
        if not self._filter:
            return True
        haystack = self._haystacks.get(key)
        if haystack is None:  # made on the first filter: most rows are never filtered
            haystack = self._haystacks[key] = "\0".join(c.plain for c in self.cells(key)).lower()
        return self._filter in haystack

    def _upsert(self, key: Hashable, row: Any, order: Any = None, place: bool = True) -> None:
        """Store the row (its cells, or its source) with its order key (None: the one it had,
        or none); `place` = also put it in its place among the visible rows."""
        old = self._entries.get(key)
        if order is None:
            order = old[1] if old is not None else ()
        self._rows[key] = row
        self._haystacks.pop(key, None)
        if self._build is None:
            self._measure(row)
        if old is None:
            seq = self._next_seq
            self._next_seq += 1
        else:
            seq = old[2]
            if place:
                self._discard_visible(old)
        entry = self._entry(key, order, seq)
        self._entries[key] = entry
        if place and self._passes(key):
            insort(self._visible, entry)

    def _remove(self, key: Hashable) -> None:
        entry = self._entries.pop(key)
        self._discard_visible(entry)
        del self._rows[key]
        self._haystacks.pop(key, None)
        self._built.pop(key, None)
        self._severity.pop(key, None)

    def _discard_visible(self, entry: tuple) -> None:
        index = bisect_left(self._visible, entry)
        if index < len(self._visible) and self._visible[index] == entry:
            del self._visible[index]

    def _rebuild_visible(self) -> None:
        if self._filter:
            self._visible = sorted(entry for key, entry in self._entries.items()
                                   if self._passes(key))
        else:
            self._visible = sorted(self._entries.values())


def _level_down(widths: list[int], floors: dict[int, int], excess: int) -> None:
    """Take `excess` cells from the columns in `floors`, the widest first: every column wider
    than a level is cut to it (never below its floor), the lowest level that frees enough."""
    for level in range(max((widths[i] for i in floors), default=0), -1, -1):
        freed = sum(max(widths[i] - max(level, floors[i]), 0) for i in floors)
        if freed >= excess or level == 0:
            for i in floors:
                widths[i] = min(widths[i], max(level, floors[i]))
            return
