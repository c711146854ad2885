"""A table of live cluster rows that draws only the rows on screen.

Textual's DataTable takes about a second to fill 10,000 rows and its `remove_row` grows with the
table, so this table keeps its rows in a dict plus one sorted list of the rows that pass the
filter, and draws lines on demand (`ScrollView` + `render_line`). A batch of changes costs
O(changes · log n) bisections; the cursor follows its row key, not its index. A cell is a Rich
`Text`, or anything with a `plain` string and a `style` (made a `Text` only when drawn, so rows
off screen cost no `Text` at all).
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections.abc import Hashable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any, Literal, Protocol

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from kubetriage.core.text import clean

Severity = Literal["warning", "error"]


class PlainCell(Protocol):
    plain: str
    style: str


Cell = Text | PlainCell
GUTTER = 1  # a column left of every row for the chain marker
BULK_ROWS = 1000
LINE_CACHE_SIZE = 1000  # a few screens of drawn rows

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


class ResourceTable(ScrollView, can_focus=True):
    """Rows of cells keyed by any hashable key, updated in batches with `apply`."""

    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup", "cursor_page_up", "Page up", show=False),
        Binding("pagedown", "cursor_page_down", "Page down", show=False),
        Binding("home", "cursor_first", "First", show=False),
        Binding("end", "cursor_last", "Last", show=False),
        Binding("enter", "select_row", "Select", show=False),
    ]

    COMPONENT_CLASSES = {
        "resource-table--header",
        "resource-table--cursor",
        "resource-table--marked",
        "resource-table--marker",
        "resource-table--warning",
        "resource-table--error",
    }

    DEFAULT_CSS = """
    ResourceTable {
        width: 1fr;
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        background: $surface;
        color: $foreground;

        & > .resource-table--header {
            color: $primary;
            text-style: bold;
        }
        & > .resource-table--marked {
            background: $accent-muted;
        }
        & > .resource-table--marker {
            color: $accent;
            text-style: bold;
        }
        & > .resource-table--warning {
            color: $warning;
        }
        & > .resource-table--error {
            color: $error;
        }
        & > .resource-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .resource-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """

    class RowHighlighted(Message):
        """The cursor moved onto another row (by a key, a click, or its row going away)."""

        def __init__(self, table: ResourceTable, key: Hashable) -> None:
            self.table = table
            self.key = key
            super().__init__()

        @property
        def control(self) -> ResourceTable:
            return self.table

    class RowSelected(Message):
        """Enter was pressed on a row, or a row was clicked."""

        def __init__(self, table: ResourceTable, key: Hashable) -> None:
            self.table = table
            self.key = key
            super().__init__()

        @property
        def control(self) -> ResourceTable:
            return self.table

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._columns: list[tuple[str, int | None]] = []
        self._natural: list[int] = []  # widest cell seen per flexible column
        self._flexible: list[int] = []  # the indices of those columns
        self._rows: dict[Hashable, tuple[Cell, ...]] = {}
        self._haystacks: dict[Hashable, str] = {}
        self._order_keys: dict[Hashable, Any] = {}
        # key -> (column sort value, order key, sequence number): unique, so bisect finds a row
        self._entries: dict[Hashable, tuple] = {}
        self._by_seq: dict[int, Hashable] = {}
        self._next_seq = 0
        self._visible: list[tuple] = []  # sorted entries of the rows that pass the filter
        self._sort_column: int | None = None
        self._reverse = False
        self._filter = ""
        self._marked: set[Hashable] = set()
        self._severity: dict[Hashable, Severity] = {}
        self._cursor: Hashable | None = None
        self._lines: LRUCache[tuple, tuple[tuple[Cell, ...], Strip]] = \
            LRUCache(LINE_CACHE_SIZE)  # drawn rows

    # -- public API -------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def visible_count(self) -> int:
        return len(self._visible)

    def has_row(self, key: Hashable) -> bool:
        return key in self._rows

    @property
    def cursor_key(self) -> Hashable | None:
        return self._cursor

    def key_at(self, index: int) -> Hashable:
        """The key of the row shown at `index` (0 = top row, after sort and filter)."""
        if self._reverse:
            index = len(self._visible) - 1 - index
        return self._by_seq[self._visible[index][-1]]

    def set_columns(self, columns: list[tuple[str, int | None]]) -> None:
        """Labels with a fixed width, or None for flexible (the last flexible one takes the rest)."""
        self._columns = list(columns)
        self._natural = [cell_len(label) for label, _ in self._columns]
        self._flexible = [i for i, (_, fixed) in enumerate(self._columns) if fixed is None]
        for cells in self._rows.values():
            self._measure(cells)
        self.refresh()

    def apply(
        self,
        upserts: Mapping[Hashable, Sequence[Cell]],
        deletes: Iterable[Hashable] = (),
        sort_keys: Mapping[Hashable, Any] | None = None,
        *,
        severities: Mapping[Hashable, Severity | None] | None = None,
    ) -> None:
        """Add or replace rows and remove others, keeping cursor, scroll, sort and filter.

        `sort_keys` gives rows their order key (e.g. worst first, then name): the order shown
        while no column is sorted, and the tie-break when one is. Rows without one come first
        in arrival order; order keys must compare with each other.
        """
        before = self._capture()
        shown, natural = self._window(), list(self._natural)
        deletes = [key for key in deletes if key in self._rows]
        for key in deletes:
            self._remove(key)
        if sort_keys:
            self._order_keys.update(sort_keys)
        # many rows at once (the first fill): one sort beats an insertion each
        # (a sort of nearly sorted rows is close to linear; each insertion moves the tail)
        bulk = len(upserts) > BULK_ROWS
        same = set()
        for key, cells in upserts.items():
            cells = tuple(cells)
            if self._rows.get(key) == cells and key not in (sort_keys or ()) \
                    and key not in (severities or ()):
                same.add(key)  # nothing to draw again (an age refresh that changed no age)
                continue
            self._upsert(key, cells, place=not bulk)
        for key in (sort_keys or {}).keys() - upserts.keys():
            if key in self._rows:  # moved without a change of cells
                self._upsert(key, self._rows[key], place=not bulk)
        if bulk:
            self._rebuild_visible()
        if severities:
            for key, severity in severities.items():
                self._set_severity(key, severity)
        changed = {*upserts, *deletes, *(sort_keys or ()), *(severities or ())} - same
        self._settle(before, redraw=None if natural != self._natural else (shown, changed))

    def clear(self) -> None:
        """Remove every row; columns, sort and filter stay."""
        for store in (self._rows, self._haystacks, self._order_keys, self._entries,
                      self._by_seq, self._severity):
            store.clear()
        self._visible.clear()
        self._cursor = None
        self._settle(None)

    def sort_by(self, column_index: int | None, reverse: bool = False) -> None:
        """Sort by one column (numbers and ages by value), ties by order key; None = by order key."""
        before = self._capture()
        self._sort_column, self._reverse = column_index, reverse
        for key, entry in self._entries.items():
            self._entries[key] = self._entry(key, entry[-1])
        self._rebuild_visible()
        self._settle(before)

    def filter(self, text: str) -> None:
        """Show only rows with `text` in any cell (case-insensitive); empty shows all."""
        before = self._capture()
        self._filter = text.lower()
        self._rebuild_visible()
        self._settle(before)

    def set_marked(self, keys: AbstractSet[Hashable]) -> None:
        """The rows drawn as marked (the members of the selected failure chain)."""
        self._marked = set(keys)
        self.refresh()

    def set_row_severity(self, key: Hashable, severity: Severity | None) -> None:
        self._set_severity(key, severity)
        self.refresh()

    def move_cursor_to(self, key: Hashable) -> bool:
        """Put the cursor on `key`'s row; False when that row is not shown."""
        index = self._index_of(key)
        if index is None:
            return False
        self._move_cursor(index)
        return True

    # -- actions and events -----------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self._move_by(-1)

    def action_cursor_down(self) -> None:
        self._move_by(1)

    def action_cursor_page_up(self) -> None:
        self._move_by(-self._page_height)

    def action_cursor_page_down(self) -> None:
        self._move_by(self._page_height)

    def action_cursor_first(self) -> None:
        if self._visible:
            self._move_cursor(0)

    def action_cursor_last(self) -> None:
        if self._visible:
            self._move_cursor(len(self._visible) - 1)

    def action_select_row(self) -> None:
        if self._cursor is not None:
            self.post_message(self.RowSelected(self, self._cursor))

    def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            self._sort_by_header(offset.x)
            return
        index = int(self.scroll_y) + offset.y - 1
        if 0 <= index < len(self._visible):
            self._move_cursor(index)
            self.post_message(self.RowSelected(self, self._cursor))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()  # a theme's colours: every row is drawn again

    def _on_focus(self, event: events.Focus) -> None:
        self.refresh()

    def _on_blur(self, event: events.Blur) -> None:
        self.refresh()

    def _on_resize(self, event: events.Resize) -> None:
        self._scroll_cursor_into_view()

    # -- rendering --------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if not self._columns or width <= 0:
            return Strip.blank(max(width, 0), base)
        widths = self._column_widths(width - GUTTER)
        if y == 0:
            return self._render_header(widths, width, base)
        index = int(self.scroll_y) + y - 1
        if index >= len(self._visible):
            return Strip.blank(width, base)
        return self._render_row(self.key_at(index), widths, width, base)

    def _render_header(self, widths: list[int], width: int, base: Style) -> Strip:
        style = base + self.get_component_rich_style("resource-table--header", partial=True)
        labels = [Text(label) for label, _ in self._columns]
        if self._sort_column is not None and self._sort_column < len(labels):
            # the arrow replaces the label's last cell rather than being cut off
            label = labels[self._sort_column]
            label.truncate(max(widths[self._sort_column] - 1, 0), overflow="crop")
            label.append("↓" if self._reverse else "↑")
        return self._strip(Text(" " * GUTTER), labels, widths, width, style)

    def _render_row(self, key: Hashable, widths: list[int], width: int, base: Style) -> Strip:
        style = base
        severity = self._severity.get(key)
        if severity is not None:
            style += self.get_component_rich_style(f"resource-table--{severity}", partial=True)
        marked = key in self._marked
        if marked:
            style += self.get_component_rich_style("resource-table--marked", partial=True)
        if key == self._cursor:
            style += self.get_component_rich_style("resource-table--cursor", partial=True)
        cells = self._rows[key]
        # a refresh redraws every line on screen, most of them unchanged since the last one
        # (by the cells' identity: a changed row is a new tuple, and the entry keeps it alive)
        line_key = (key, id(cells), tuple(widths), width, style, marked)
        cached = self._lines.get(line_key)
        if cached is not None and cached[0] is cells:
            strip = cached[1]
        else:
            gutter = Text(" " * GUTTER)
            if marked:
                # a glyph as well as a colour, so a chain still shows without colours
                gutter = Text("▌", self.get_component_rich_style("resource-table--marker",
                                                                 partial=True))
            strip = self._strip(gutter, cells, widths, width, style)
            self._lines[line_key] = (cells, strip)
        return strip

    def _strip(self, gutter: Text, cells: Sequence[Cell], widths: list[int], width: int,
               style: Style) -> Strip:
        line = Text(style=style, end="", no_wrap=True)
        line.append_text(gutter)
        for index, (cell, cell_width) in enumerate(zip(cells, widths)):
            if index:
                line.append(" ")
            plain = cell.plain
            safe = clean(plain)
            # callers clean cluster text; this keeps a missed control from reaching the terminal
            if safe is plain and isinstance(cell, Text):
                cell = cell.copy()
            else:
                cell = Text(safe, style=cell.style)
            cell.truncate(cell_width, overflow="ellipsis", pad=True)
            line.append_text(cell)
        line.truncate(width, overflow="ellipsis", pad=True)
        # Text.render drops the base style when the line has no spans, so lay it under here
        return Strip(line.render(self.app.console), width).apply_style(style)

    def _column_widths(self, width: int) -> list[int]:
        widths = [fixed if fixed is not None else natural
                  for (_, fixed), natural in zip(self._columns, self._natural)]
        flexible = [i for i, (_, fixed) in enumerate(self._columns) if fixed is None]
        if not flexible:
            return widths
        last, others = flexible[-1], flexible[:-1]
        room = width - (len(widths) - 1) - sum(w for i, w in enumerate(widths) if i != last)
        last_min = cell_len(self._columns[last][0])
        if room < last_min and others:
            # too narrow: the other flexible columns give way, down to their labels
            spare = sum(widths[i] for i in others) - (last_min - room)
            total = sum(widths[i] for i in others)
            for i in others:
                widths[i] = max(cell_len(self._columns[i][0]), widths[i] * max(spare, 0) // total)
            room = width - (len(widths) - 1) - sum(w for i, w in enumerate(widths) if i != last)
        widths[last] = max(room, last_min)
        return widths

    # -- bookkeeping ------------------------------------------------------------------------

    @property
    def _page_height(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def _measure(self, cells: tuple[Cell, ...]) -> None:
        natural = self._natural
        for index in self._flexible:
            if index < len(cells):
                plain = cells[index].plain
                width = len(plain) if plain.isascii() else cell_len(plain)
                if width > natural[index]:
                    natural[index] = width

    def _entry(self, key: Hashable, seq: int) -> tuple:
        column, cells = self._sort_column, self._rows[key]
        if column is None:
            value: tuple = ()
        else:
            value = sort_value(cells[column].plain) if column < len(cells) else (2,)
        return (value, self._order_keys.get(key, ()), seq)

    def _passes(self, key: Hashable) -> bool:
        if not self._filter:
            return True
        haystack = self._haystacks.get(key)
        if haystack is None:  # made on the first filter: most rows are never filtered
            haystack = self._haystacks[key] = "\0".join(c.plain for c in self._rows[key]).lower()
        return self._filter in haystack

    def _upsert(self, key: Hashable, cells: tuple[Cell, ...], place: bool = True) -> None:
        """Store the row; `place` = also put it in its place among the visible rows."""
        old = self._entries.get(key)
        self._rows[key] = cells
        self._haystacks.pop(key, None)
        self._measure(cells)
        if old is None:
            seq = self._next_seq
            self._next_seq += 1
            self._by_seq[seq] = key
        else:
            seq = old[-1]
            if place:
                self._discard_visible(old)
        entry = self._entry(key, seq)
        self._entries[key] = entry
        if place and self._passes(key):
            insort(self._visible, entry)

    def _remove(self, key: Hashable) -> None:
        entry = self._entries.pop(key)
        self._discard_visible(entry)
        del self._rows[key], self._by_seq[entry[-1]]
        self._haystacks.pop(key, None)
        self._order_keys.pop(key, None)
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

    def _set_severity(self, key: Hashable, severity: Severity | None) -> None:
        if severity is None:
            self._severity.pop(key, None)
        else:
            self._severity[key] = severity

    def _index_of(self, key: Hashable) -> int | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        index = bisect_left(self._visible, entry)
        if index >= len(self._visible) or self._visible[index] != entry:
            return None
        return len(self._visible) - 1 - index if self._reverse else index

    def _capture(self) -> tuple[int | None, Hashable | None, int] | None:
        """Where the cursor was and which row anchors the view, before a change."""
        cursor_index = None if self._cursor is None else self._index_of(self._cursor)
        top = int(self.scroll_y)
        if cursor_index is not None and top <= cursor_index < top + self._page_height:
            return cursor_index, self._cursor, cursor_index - top
        if top < len(self._visible):
            return cursor_index, self.key_at(top), 0
        return cursor_index, None, 0

    def _settle(self, before: tuple[int | None, Hashable | None, int] | None,
                redraw: tuple[list[Hashable], set[Hashable]] | None = None) -> None:
        """After a change: the cursor keeps its key (or takes the row now at its old place),
        and the anchor row stays on the same screen line.

        redraw: (the rows shown before, the rows changed); then only the lines of changed rows
        are drawn again when the same rows stay on screen (most batches change rows off it).
        """
        old_cursor = self._cursor
        cursor_index = None if old_cursor is None else self._index_of(old_cursor)
        if cursor_index is None and self._visible:
            cursor_index = min(before[0] or 0, len(self._visible) - 1) if before else 0
            self._cursor = self.key_at(cursor_index)
        elif cursor_index is None:
            self._cursor = None
        size = Size(0, len(self._visible) + 1)
        if size != self.virtual_size:
            if self.styles.height is not None and self.styles.height.is_auto:
                self.virtual_size = size  # its height follows its rows: a layout
            else:
                # rows in or out move the scrollbar only: no layout of the whole screen for
                # that (which redraws every widget on it, ten times a second under churn)
                # Textual's Reactive.__get__ overloads are shadowed by its plain def
                self.set_reactive(ResourceTable.virtual_size, size)  # pyright: ignore[reportArgumentType]
                self._scroll_update(size)
        if before is not None and before[1] is not None:
            anchor = self._index_of(before[1])
            if anchor is not None:
                self.scroll_to(y=max(anchor - before[2], 0), animate=False, force=True)
        self._scroll_cursor_into_view()
        if redraw is None or self._cursor != old_cursor or self._window() != redraw[0]:
            self.refresh()
        else:
            self._refresh_rows(redraw[1])
        if self._cursor != old_cursor and self._cursor is not None:
            self.post_message(self.RowHighlighted(self, self._cursor))

    def shown_keys(self) -> list[Hashable]:
        """The keys of the rows on screen, top to bottom."""
        return self._window()

    def _window(self) -> list[Hashable]:
        """The keys of the rows on screen, top to bottom."""
        top = int(self.scroll_y)
        return [self.key_at(i) for i in range(top, min(top + self._page_height,
                                                        len(self._visible)))]

    def _refresh_rows(self, keys: set[Hashable]) -> None:
        width = self.size.width
        for line, key in enumerate(self._window(), start=1):  # line 0 is the header
            if key in keys:
                self.refresh(Region(0, line, width, 1))

    def _move_by(self, delta: int) -> None:
        if not self._visible:
            return
        index = self._index_of(self._cursor) if self._cursor is not None else None
        index = 0 if index is None else index + delta
        self._move_cursor(max(0, min(index, len(self._visible) - 1)))

    def _move_cursor(self, index: int) -> None:
        key, old = self.key_at(index), self._cursor
        changed = key != old
        top = self.scroll_y
        self._cursor = key
        self._scroll_cursor_into_view()
        if self.scroll_y == top:  # no scroll: only the two rows the cursor left and entered
            self._refresh_rows({key, old})
        else:
            self.refresh()
        if changed:
            self.post_message(self.RowHighlighted(self, key))

    def _scroll_cursor_into_view(self) -> None:
        if self._cursor is None:
            return
        index = self._index_of(self._cursor)
        if index is None:
            return
        top, page = int(self.scroll_y), self._page_height
        if index < top:
            self.scroll_to(y=index, animate=False, force=True)
        elif index >= top + page:
            self.scroll_to(y=index - page + 1, animate=False, force=True)

    def _sort_by_header(self, x: int) -> None:
        start = GUTTER
        widths = self._column_widths(self.scrollable_content_region.width - GUTTER)
        for index, cell_width in enumerate(widths):
            if x < start + cell_width + 1:
                same = index == self._sort_column
                self.sort_by(index, reverse=not self._reverse if same else False)
                return
            start += cell_width + 1
