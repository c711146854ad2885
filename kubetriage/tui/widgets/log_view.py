"""A container's log, followed live, of any length: lines live in a `LogSpool` file and only the
lines on screen are read, cleaned and drawn (`ScrollView` + `render_line`), through a small cache.

`scroll_y` is always the index of the top line, wrapped or not, so wrapping keeps the same line
at the top; wrapped, the view scrolls a whole line at a time and its height is counted only for
the lines at the bottom (to know where "the end" is), never for the whole log.

Over the package's ~450 lines on purpose: following, wrapping, scrolling and search share one
invariant (`scroll_y` is a line index) that only holds if they are read together.
"""

from __future__ import annotations

import asyncio
import re
from collections import OrderedDict
from datetime import datetime
from pathlib import Path

from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widgets import Input

from kubetriage.core.text import clean
from kubetriage.tui.viewmodel.logspool import LogLine, LogSpool
from kubetriage.tui.widgets.quiet_scroll import QuietScrollView

GUTTER = 1  # a column left of every line for the evidence mark
SETTLE_S = 0.1  # apply arrived lines at most ten times a second
ROW_CACHE = 256  # rendered lines kept: a few screens' worth


class LogView(QuietScrollView, can_focus=True):
    """A followed log: search, wrap, timestamps, evidence marks, save; memory bounded."""

    BINDINGS = [
        Binding("slash", "open_search", "Search"),
        Binding("n", "next_match", "Next match", show=False),
        Binding("N", "previous_match", "Previous match", show=False),
        Binding("w", "toggle_wrap", "Wrap"),
        # shown in the help, not the footer: an 80-column footer cut the screen's own keys off
        Binding("t", "toggle_timestamps", "Timestamps", show=False),
        Binding("end,G", "follow", "Follow", show=False),
        Binding("s", "save", "Save", show=False),
        Binding("escape", "close_search", "Close search", show=False),
    ]

    COMPONENT_CLASSES = {
        "log-view--timestamp",
        "log-view--evidence",
        "log-view--marker",
        "log-view--continued",
        "log-view--match",
        "log-view--current-match",
    }

    DEFAULT_CSS = """
    LogView {
        width: 1fr;
        height: 1fr;
        background: $surface;
        color: $foreground;
        border: round $border-blurred;
        border-title-color: $text-primary;
        border-subtitle-color: $text-muted;

        &:focus { border: round $border; }
        & > Input {
            dock: bottom;
            display: none;
            height: 1;
            border: none;
            padding: 0 1;
        }
        /* focused, Input's own `tall` border won over the rule above and left no row for
           the text: what was typed never showed */
        & > Input:focus { border: none; height: 1; }
        &.-searching > Input { display: block; }
        & > .log-view--timestamp { color: $text-muted; }
        & > .log-view--evidence { background: $warning-muted; }
        & > .log-view--marker { color: $warning; text-style: bold; }
        & > .log-view--continued { color: $text-muted; }
        & > .log-view--match { background: $accent-muted; text-style: bold; }
        & > .log-view--current-match {
            background: $accent;
            color: $text;
            text-style: bold underline;  /* apart from the other matches in 16 colours too */
        }
    }
    """

    wrap: reactive[bool] = reactive(False)
    """Long lines wrap onto the next rows instead of scrolling sideways."""

    show_timestamps: reactive[bool] = reactive(False)
    """Show the time the server put before each line (only when the stream has them)."""

    following: reactive[bool] = reactive(True)
    """The view stays on the last line as lines arrive; scrolling up pauses, End resumes."""

    ended: reactive[str] = reactive("")
    """Why no more lines will come (a previous instance is read whole; a stream that closed),
    said instead of "following"; empty while the log is live."""

    class SearchMissed(Message):
        """No line holds the pattern searched for."""

        def __init__(self, view: LogView, pattern: str) -> None:
            self.view = view
            self.pattern = pattern
            super().__init__()

        @property
        def control(self) -> LogView:
            return self.view

    class Saved(Message):
        """The whole log was written to a file."""

        def __init__(self, view: LogView, path: Path, size: int) -> None:
            self.view = view
            self.path = path
            self.size = size
            super().__init__()

        @property
        def control(self) -> LogView:
            return self.view

    def __init__(self, *, timestamps: bool = False, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._spool = LogSpool(timestamps=timestamps)
        self._title = ""
        self._rows: OrderedDict[tuple, list[Strip]] = OrderedDict()
        self._evidence: tuple[str, ...] = ()
        self._pattern = ""
        self._highlights: re.Pattern | None = None  # the pattern, for marking it in a line
        self._match: int | None = None  # the line n/N last moved to
        self._missed = False
        self._widest = 0  # cells in the widest line drawn so far (the sideways scroll range)
        self._settle_pending = False
        self._regex = False
        self._jumping = False  # a search is moving the view: not the reader scrolling
        self._generation = 0  # bumped when every drawn line must be drawn again
        self._page_key: tuple = ()
        self._page_rows: list[Strip] = []

    # -- watchers -----------------------------------------------------------------------------

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self._jumping:
            return
        if new_value < old_value and new_value < self.max_scroll_y:
            self.following = False  # the reader went up
        elif new_value >= self.max_scroll_y and self.line_count:
            self.following = True  # back at the end

    def watch_following(self, following: bool) -> None:
        self.set_class(following, "-following")
        self._update_subtitle()

    def watch_ended(self) -> None:
        self._update_subtitle()

    def watch_wrap(self, wrap: bool) -> None:
        self.set_class(wrap, "-wrap")
        self._invalidate()
        self._settle()

    def watch_show_timestamps(self) -> None:
        self._invalidate()
        self.refresh()

    # -- the API for screens ------------------------------------------------------------------

    @property
    def line_count(self) -> int:
        return self._spool.line_count

    @property
    def spool(self) -> LogSpool:
        return self._spool

    async def feed(self, chunk: bytes) -> None:
        """Append a piece of the stream (lines may continue in the next piece)."""
        dropped = self._spool.dropped
        self._spool.append(chunk)
        if self._spool.dropped != dropped:
            self._lines_dropped(self._spool.dropped - dropped)
        if not self._settle_pending:
            self._settle_pending = True
            self.set_timer(SETTLE_S, self._settle)
        # give the screen its turn: a stream already buffered would never yield otherwise
        await asyncio.sleep(0)

    def reset(self, title: str, *, timestamps: bool | None = None) -> None:
        """Start over for another log (another container, the previous instance)."""
        self._spool.clear()
        if timestamps is not None:
            self._spool.timestamps = timestamps
        self._title = title
        self._invalidate()
        self._match, self._missed, self._widest = None, False, 0
        self.scroll_to(x=0, y=0, animate=False, force=True)
        self.following = True
        self.ended = ""
        self._settle()

    def set_evidence(self, lines: list[str]) -> None:
        """Mark the log lines that equal or contain one of these (the checks' evidence)."""
        # a finding cuts a long evidence line with "…": the part before it still matches
        self._evidence = tuple(e for e in (clean(line).strip().removesuffix("…") for line in lines)
                               if e)
        self._invalidate()
        self.refresh()

    def search(self, pattern: str, *, regex: bool = False) -> int | None:
        """Go to the first line from the top of the view holding `pattern` (case-insensitive),
        wrapping round; None and `SearchMissed` when no line does. A bad expression raises
        re.error."""
        self._highlights = re.compile(pattern if regex else re.escape(pattern), re.IGNORECASE)
        self._pattern, self._regex = pattern, regex
        self._match = None
        self._invalidate()
        return self._find(int(self.scroll_y), forward=True)

    async def save(self, path: str | Path) -> int:
        """Write the whole log, as it came, to `path` (in a thread: it may be large); bytes."""
        path = Path(path)
        size = await asyncio.to_thread(self._spool.save, path)
        self.post_message(self.Saved(self, path, size))
        return size

    # -- actions ------------------------------------------------------------------------------

    def action_open_search(self) -> None:
        search = self.query_one(Input)
        self.add_class("-searching")
        search.value = self._pattern
        search.focus()

    def action_close_search(self) -> None:
        self.remove_class("-searching")
        self.focus()

    def action_next_match(self) -> None:
        self._step(forward=True)

    def action_previous_match(self) -> None:
        self._step(forward=False)

    def action_toggle_wrap(self) -> None:
        self.wrap = not self.wrap

    def action_toggle_timestamps(self) -> None:
        if not self._spool.timestamps:
            self.notify("this log was read without timestamps", severity="warning")
            return
        self.show_timestamps = not self.show_timestamps

    def action_follow(self) -> None:
        self.following = True
        self._to_bottom()

    async def action_save(self) -> None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        name = re.sub(r"[^A-Za-z0-9._-]+", "-", clean(self._title)).strip("-.") or "log"
        path = Path.cwd() / f"{name}-{stamp}.log"
        size = await self.save(path)
        self.notify(f"saved {size:,} bytes to {path}")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "close_search":
            return self.has_class("-searching")  # else Escape is the screen's
        return True

    # -- events -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Input(placeholder="/ search (Enter: find, n/N: next/previous, Esc: close)")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_close_search()
        self.search(event.value)

    def _on_resize(self, event: events.Resize) -> None:
        self._invalidate()
        self._settle()

    def on_unmount(self) -> None:
        self._spool.close()

    # -- rendering ----------------------------------------------------------------------------

    @property
    def is_container(self) -> bool:
        return True  # for the docked search Input; the log itself is drawn line by line

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        page = self._page()
        if y >= len(page):
            return Strip.blank(max(width, 0), base)
        strip = page[y]
        if not self.wrap:
            scroll_x = int(self.scroll_x)
            strip = Strip.join([strip.crop(0, GUTTER),
                                strip.crop(GUTTER + scroll_x, GUTTER + scroll_x + width)])
        return strip.crop_extend(0, width, base).apply_style(base)

    def _page(self) -> list[Strip]:
        """The rows on screen, from the top line down (computed once per change of view)."""
        region = self.scrollable_content_region
        top = int(self.scroll_y)
        key = (top, region.width, region.height, self._spool.size, self._generation)
        if key != self._page_key:
            rows: list[Strip] = []
            for index, line in self._numbered(top, top + region.height):
                rows.extend(self._render(index, line, region.width))
                if len(rows) >= region.height:
                    break
            self._page_key, self._page_rows = key, rows[:region.height]
            if not self.wrap and self._widest + GUTTER > self.virtual_size.width:
                self.call_later(self._settle)  # a wider line came into view
        return self._page_rows

    def _numbered(self, start: int, stop: int):
        return zip(range(start, stop), self._spool.lines(start, stop))

    def _render(self, index: int, line: LogLine, width: int) -> list[Strip]:
        """The strips of one line: one unwrapped (cropped later), or one per wrapped row."""
        key = (index, width if self.wrap else 0, line.text if index == self.line_count - 1 else "",
               index == self._match)
        strips = self._rows.get(key)
        if strips is not None:
            self._rows.move_to_end(key)
            return strips
        text = clean(line.text)
        evidence = any(e in text for e in self._evidence)
        body = Text(end="", no_wrap=not self.wrap)
        if self.show_timestamps and line.timestamp:
            body.append(clean(line.timestamp) + " ", self._style("timestamp"))
        offset = len(body)
        body.append(text, self._style("continued") if line.continued else None)
        self._highlight(body, text, offset, current=index == self._match)
        line_style = self._style("evidence") if evidence else Style()
        if evidence:
            gutter = Text("▌", self._style("marker"))
        else:
            gutter = Text("↪" if line.continued else " ", self._style("continued"))
        console = self.app.console
        if self.wrap:
            rows = body.wrap(console, max(width - GUTTER, 1), overflow="fold") or [Text("")]
        else:
            rows = [body]
            self._widest = max(self._widest, body.cell_len)
        strips = []
        for number, row in enumerate(rows):
            mark = gutter if number == 0 or evidence else Text(" ")
            segments = [*mark.render(console), *row.render(console)]
            strips.append(Strip(segments).apply_style(line_style))
        self._rows[key] = strips
        while len(self._rows) > ROW_CACHE:
            self._rows.popitem(last=False)
        return strips

    def _highlight(self, body: Text, text: str, offset: int, *, current: bool) -> None:
        if not self._pattern or self._highlights is None:
            return
        style = self._style("current-match" if current else "match")
        for match in self._highlights.finditer(text):
            body.stylize(style, offset + match.start(), offset + match.end())

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"log-view--{name}", partial=True)

    # -- bookkeeping --------------------------------------------------------------------------

    def _lines_dropped(self, count: int) -> None:
        """The spool deleted its oldest lines (its bound on disk): every line is `count` up."""
        self._invalidate()
        if self._match is not None:
            self._match = self._match - count if self._match >= count else None
        if not self.following:
            self.scroll_to(y=max(0, self.scroll_y - count), animate=False, force=True)

    def _invalidate(self) -> None:
        self._rows.clear()
        self._generation += 1

    def _settle(self) -> None:
        """Apply what arrived: the scroll range, the follow, the status line."""
        self._settle_pending = False
        height = self.scrollable_content_region.height
        count = self.line_count
        if self.wrap:
            end_top = self._bottom_top()
            self.virtual_size = Size(self.scrollable_content_region.width, end_top + height)
        else:
            self.virtual_size = Size(self._widest + GUTTER, count)
        if self.following:
            self._to_bottom()
        self._update_subtitle()
        self.refresh()

    def _bottom_top(self) -> int:
        """The top line when the last line ends on the last row (wrapped)."""
        width, height = self.scrollable_content_region.width, self.scrollable_content_region.height
        count = self.line_count
        rows, top = 0, count
        for index, line in reversed(list(self._numbered(max(count - height, 0), count))):
            rows += len(self._render(index, line, width))
            if rows > height:
                break
            top = index
        return min(top, max(count - 1, 0))

    def _to_bottom(self) -> None:
        self.scroll_to(y=self.max_scroll_y, animate=False, force=True)

    def _step(self, *, forward: bool) -> None:
        if not self._pattern:
            self.action_open_search()
            return
        start = self._match if self._match is not None else int(self.scroll_y)
        self._find(start + (1 if forward else -1), forward=forward)

    def _find(self, start: int, *, forward: bool) -> int | None:
        pattern = self._pattern
        if not pattern:
            return None
        count = self.line_count
        found = None
        if 0 <= start < count:
            found = self._spool.search(pattern, start, forward, regex=self._regex)
        if found is None:  # wrap round, as less and vim do
            found = self._spool.search(pattern, 0 if forward else count - 1, forward,
                                       regex=self._regex)
        self._missed = found is None
        self._invalidate()
        if found is None:
            self._match = None
            self.post_message(self.SearchMissed(self, pattern))
        else:
            self._match = found
            self.following = False
            top = int(self.scroll_y)
            height = self.scrollable_content_region.height
            if not top <= found < top + height - (1 if self.wrap else 0):
                self._jumping = True
                self.scroll_to(y=max(found - height // 3, 0), animate=False, force=True)
                self._jumping = False
        self._update_subtitle()
        self.refresh()
        return found

    def _update_subtitle(self) -> None:
        if not self.is_mounted:
            return
        parts = [f"{self.line_count:,} lines",
                 self.ended or ("following" if self.following else "paused")]
        if self._spool.dropped:  # the spool keeps the newest lines only (its bound on disk)
            parts[0] += f" ({self._spool.dropped:,} older dropped)"
        if self.wrap:
            parts.append("wrap")
        if self._pattern:
            parts.append(f"/{clean(self._pattern)}" + (" not found" if self._missed else ""))
        # Text, not str: a str title is parsed as markup, and these hold cluster and user text
        self.border_title = Text(clean(self._title))
        self.border_subtitle = Text(" · ".join(parts))
