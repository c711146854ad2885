"""A table of live cluster rows that draws only the rows on screen.

Textual's DataTable takes about a second to fill 10,000 rows and its `remove_row` grows with the
table, so this table keeps its rows in `TableRows` (a dict plus one sorted list of the rows that
pass the filter) and draws lines on demand (a ScrollView + `render_line`); the cursor follows its
row key, not its index. A cell is a Rich `Text`, or anything with a `plain` string and a `style`
naming its role (error, warning, ok, muted): made a `Text` only when drawn, styled then in the
current theme's colours, so rows off screen cost no `Text` at all and a theme switched at run time
recolours every row without building it again.

Over the package's ~450 lines on purpose: it replaces DataTable, and the cursor, the columns'
widths, the filter and the drawing of a line share the row order `TableRows` keeps.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from collections.abc import Set as AbstractSet
from datetime import datetime

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip

from kubetriage.core.text import clean
from kubetriage.tui.styling import rich_color
from kubetriage.tui.viewmodel.updates import PanelUpdate, PlainCell, Severity
from kubetriage.tui.widgets.quiet_scroll import QuietScrollView
from kubetriage.tui.widgets.table_rows import Builder, TableRows

Cell = Text | PlainCell
GUTTER = 1  # a column left of every row for the chain marker
LINE_CACHE_SIZE = 1000  # a few screens of drawn rows
ROLE_DEFAULTS = {"error": "red", "warning": "yellow", "ok": "green"}  # a theme without them


class ResourceTable(QuietScrollView, can_focus=True):
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

    def __init__(self, *, build: Builder | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        """build: the row builder when rows are given as their sources (see TableRows)."""
        super().__init__(id=id, classes=classes)
        self._table = TableRows(build)
        self._marked: set[Hashable] = set()
        self._cursor: Hashable | None = None
        self._lines: LRUCache[tuple, tuple[tuple[Cell, ...], Strip]] = \
            LRUCache(LINE_CACHE_SIZE)  # drawn rows
        self._role_styles: dict[str, Style] = {}  # a cell's role -> its style in this theme
        self._frame: dict[str | None, Style] | None = None  # styles of the frame being drawn
        self._frame_width = 0

    # -- public API -------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return self._table.row_count

    @property
    def visible_count(self) -> int:
        return self._table.visible_count

    def has_row(self, key: Hashable) -> bool:
        return self._table.has_row(key)

    def keys(self) -> list[Hashable]:
        """Every row's key (shown or filtered out), in no particular order."""
        return self._table.keys()

    def cells(self, key: Hashable) -> tuple[Cell, ...]:
        """The row's cells as given; () when there is no such row."""
        return self._table.cells(key) if self._table.has_row(key) else ()

    @property
    def cursor_key(self) -> Hashable | None:
        return self._cursor

    def key_at(self, index: int) -> Hashable:
        """The key of the row shown at `index` (0 = top row, after sort and filter)."""
        return self._table.key_at(index)

    def set_columns(self, columns: list[tuple[str, int | None]],
                    cells: list[int] | None = None) -> None:
        """Labels with a fixed width, or None for flexible (the last flexible one takes the rest);
        `cells`: which cell of a row each column shows (by default the same position)."""
        before = self._capture()
        self._table.set_columns(columns, cells)
        self._settle(before)

    def apply(self, update: PanelUpdate, now: datetime | None = None) -> None:
        """Add or replace rows and remove others, keeping cursor, scroll, sort and filter (see
        PanelUpdate for what a batch holds); rows built from now on are built at `now`."""
        if now is not None:
            self._table.set_now(now)
        before = self._capture()
        shown, natural = self._window(), self._table.natural_widths()
        changed = self._table.apply(update)
        same_widths = natural == self._table.natural_widths()
        self._settle(before, redraw=(shown, changed) if same_widths else None)

    def refresh_ages(self, now: datetime) -> None:
        """Draw the rows built from sources again at `now`: their ages move on."""
        self._table.set_now(now, rebuild=True)
        self._lines.clear()
        self.refresh()

    def clear(self) -> None:
        """Remove every row; columns, sort and filter stay."""
        self._table.clear()
        self._cursor = None
        self._settle(None)

    def sort_by(self, column_index: int | None, reverse: bool = False) -> None:
        """Sort by one column (numbers and ages by value), ties by order key; None = by order key."""
        before = self._capture()
        self._table.sort_by(column_index, reverse)
        self._settle(before)

    def sort_by_label(self, label: str) -> bool:
        """Sort by the column with this label (STATUS stands for READY where there is no STATUS
        column, AGE for LAST); the same column again reverses. False: no such column."""
        labels = [name for name, _ in self._table.columns]
        for wanted in {"STATUS": ("STATUS", "READY"), "AGE": ("AGE", "LAST")}.get(label,
                                                                                  (label,)):
            if wanted in labels:
                index = labels.index(wanted)
                same = index == self._table.sort_column
                self.sort_by(index, reverse=not self._table.reverse if same else False)
                return True
        return False

    def filter(self, text: str) -> None:
        """Show only rows with `text` in any cell (case-insensitive); empty shows all."""
        before = self._capture()
        self._table.set_filter(text)
        self._settle(before)

    def set_marked(self, keys: AbstractSet[Hashable]) -> None:
        """The rows drawn as marked (the members of the selected failure chain)."""
        self._marked = set(keys)
        self.refresh()

    def set_row_severity(self, key: Hashable, severity: Severity | None) -> None:
        self._table.set_severity(key, severity)
        self.refresh()

    def move_cursor_to(self, key: Hashable) -> bool:
        """Put the cursor on `key`'s row; False when that row is not shown."""
        index = self._table.index_of(key)
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
        if self._table.visible_count:
            self._move_cursor(0)

    def action_cursor_last(self) -> None:
        if self._table.visible_count:
            self._move_cursor(self._table.visible_count - 1)

    def action_select_row(self) -> None:
        if self._cursor is not None:
            self.post_message(self.RowSelected(self, self._cursor))
        else:  # Enter on nothing said nothing
            hidden = self._table.row_count and not self._table.visible_count
            self.notify("no row here to open" + (" (the filter hides every row: Esc clears "
                                                 "it)" if hidden else ""),
                        severity="warning", timeout=3)

    def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            self._sort_by_header(offset.x)
            return
        index = int(self.scroll_y) + offset.y - 1
        if 0 <= index < self._table.visible_count:
            self._move_cursor(index)
            self.post_message(self.RowSelected(self, self._cursor))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()  # a theme's colours: every row is drawn again, in them
        self._role_styles.clear()

    def _on_focus(self, event: events.Focus) -> None:
        self.refresh()

    def _on_blur(self, event: events.Blur) -> None:
        self.refresh()

    def _on_resize(self, event: events.Resize) -> None:
        self._scroll_cursor_into_view()

    # -- rendering --------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # the styles and width every line is drawn in, worked out once a frame rather than once
        # a line: each walks the widget's ancestors (a third of a frame's time under churn)
        self._frame, self._frame_width = {}, self.scrollable_content_region.width
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def _style(self, component: str | None = None) -> Style:
        """The widget's style (None), or a component's partial style, in the frame drawn."""
        frame = self._frame
        if frame is not None and component in frame:
            return frame[component]
        style = self.rich_style if component is None else \
            self.get_component_rich_style(component, partial=True)
        if frame is not None:
            frame[component] = style
        return style

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width if self._frame is None else self._frame_width
        base = self._style()
        if not self._table.columns or width <= 0:
            return Strip.blank(max(width, 0), base)
        widths = self._table.column_widths(width - GUTTER)
        if y == 0:
            return self._render_header(widths, width, base)
        index = int(self.scroll_y) + y - 1
        if index >= self._table.visible_count:
            return Strip.blank(width, base)
        return self._render_row(self._table.key_at(index), widths, width, base)

    def _render_header(self, widths: list[int], width: int, base: Style) -> Strip:
        style = base + self._style("resource-table--header")
        labels = [Text(label) for label, _ in self._table.columns]
        column = self._table.sort_column
        if column is not None and column < len(labels):
            # the arrow replaces the label's last cell rather than being cut off
            label = labels[column]
            label.truncate(max(widths[column] - 1, 0), overflow="crop")
            label.append("↓" if self._table.reverse else "↑")
        return self._strip(Text(" " * GUTTER), labels, widths, width, style)

    def _render_row(self, key: Hashable, widths: list[int], width: int, base: Style) -> Strip:
        style = base
        severity = self._table.severity(key)
        if severity is not None:
            style += self._style(f"resource-table--{severity}")
        marked = key in self._marked
        if marked:
            style += self._style("resource-table--marked")
        if key == self._cursor:
            style += self._style("resource-table--cursor")
        cells = self._table.cells(key)
        # a refresh redraws every line on screen, most of them unchanged since the last one
        # (by the cells' identity: a changed row is a new tuple, and the entry keeps it alive)
        line_key = (key, id(cells), tuple(widths), self._table.layout_key, width, style, marked)
        cached = self._lines.get(line_key)
        if cached is not None and cached[0] is cells:
            strip = cached[1]
        else:
            gutter = Text(" " * GUTTER)
            if marked:
                # a glyph as well as a colour, so a chain still shows without colours
                gutter = Text("▌", self._style("resource-table--marker"))
            strip = self._strip(gutter, self._table.shown_cells(cells), widths, width, style)
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
            elif isinstance(cell, Text):
                cell = Text(safe, style=cell.style)
            else:
                cell = Text(safe, style=self._role_style(cell.style))
            cell.truncate(cell_width, overflow="ellipsis", pad=True)
            line.append_text(cell)
        line.truncate(width, overflow="ellipsis", pad=True)
        # Text.render drops the base style when the line has no spans, so lay it under here
        return Strip(line.render(self.app.console), width).apply_style(style)

    def _role_style(self, role: str) -> Style:
        """A cell's role in the current theme's colours, as given (a CSS variable such as
        `$error` is the colour shifted by a shade)."""
        style = self._role_styles.get(role)
        if style is None:
            theme = self.app.current_theme
            color = {"error": theme.error, "warning": theme.warning, "ok": theme.success}
            if role == "muted":
                style = Style(dim=True)
            elif role in color:
                style = Style.parse(rich_color(color[role], ROLE_DEFAULTS[role]))
            else:
                style = Style.parse(role)
            self._role_styles[role] = style
        return style

    # -- bookkeeping ------------------------------------------------------------------------

    @property
    def _page_height(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def _capture(self) -> tuple[int | None, Hashable | None, int] | None:
        """Where the cursor was and which row anchors the view, before a change."""
        cursor_index = None if self._cursor is None else self._table.index_of(self._cursor)
        top = int(self.scroll_y)
        if cursor_index is not None and top <= cursor_index < top + self._page_height:
            return cursor_index, self._cursor, cursor_index - top
        if top < self._table.visible_count:
            return cursor_index, self._table.key_at(top), 0
        return cursor_index, None, 0

    def _settle(self, before: tuple[int | None, Hashable | None, int] | None,
                redraw: tuple[list[Hashable], set[Hashable]] | None = None) -> None:
        """After a change: the cursor keeps its key (or takes the row now at its old place),
        and the anchor row stays on the same screen line.

        redraw: (the rows shown before, the rows changed); then only the lines of changed rows
        are drawn again when the same rows stay on screen (most batches change rows off it).
        """
        old_cursor = self._cursor
        cursor_index = None if old_cursor is None else self._table.index_of(old_cursor)
        if cursor_index is None and self._table.visible_count:
            cursor_index = min(before[0] or 0, self._table.visible_count - 1) if before else 0
            self._cursor = self._table.key_at(cursor_index)
        elif cursor_index is None:
            self._cursor = None
        size = Size(0, self._table.visible_count + 1)
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
            anchor = self._table.index_of(before[1])
            if anchor is not None:
                self.scroll_to(y=max(anchor - before[2], 0), animate=False, force=True)
        self._scroll_cursor_into_view()
        if redraw is None or self._cursor != old_cursor or self._window() != redraw[0]:
            self.refresh()
        else:
            self._refresh_rows(redraw[1])
        if self._cursor != old_cursor and self._cursor is not None:
            self.post_message(self.RowHighlighted(self, self._cursor))

    def _window(self) -> list[Hashable]:
        """The keys of the rows on screen, top to bottom."""
        top = int(self.scroll_y)
        return [self._table.key_at(i) for i in range(top, min(top + self._page_height,
                                                        self._table.visible_count))]

    def _refresh_rows(self, keys: set[Hashable]) -> None:
        width = self.size.width
        for line, key in enumerate(self._window(), start=1):  # line 0 is the header
            if key in keys:
                self.refresh(Region(0, line, width, 1))

    def _move_by(self, delta: int) -> None:
        if not self._table.visible_count:
            return
        index = self._table.index_of(self._cursor) if self._cursor is not None else None
        index = 0 if index is None else index + delta
        self._move_cursor(max(0, min(index, self._table.visible_count - 1)))

    def _move_cursor(self, index: int) -> None:
        key, old = self._table.key_at(index), self._cursor
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
        index = self._table.index_of(self._cursor)
        if index is None:
            return
        top, page = int(self.scroll_y), self._page_height
        if index < top:
            self.scroll_to(y=index, animate=False, force=True)
        elif index >= top + page:
            self.scroll_to(y=index - page + 1, animate=False, force=True)

    def _sort_by_header(self, x: int) -> None:
        start = GUTTER
        widths = self._table.column_widths(self.scrollable_content_region.width - GUTTER)
        for index, cell_width in enumerate(widths):
            if x < start + cell_width + 1:
                same = index == self._table.sort_column
                self.sort_by(index, reverse=not self._table.reverse if same else False)
                return
            start += cell_width + 1
