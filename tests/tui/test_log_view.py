"""LogView: follows a live log, draws only the lines on screen, wraps, shows timestamps, searches
with / n N, marks evidence, saves, shows hostile escapes inert, and holds a million lines in a
fixed amount of memory."""

from __future__ import annotations

import gc
import tracemalloc

from textual.app import App, ComposeResult
from textual.binding import Binding

from kubetriage.cluster.source import ClusterSource
from kubetriage.diagnosis import diagnose
from kubetriage.tui.viewmodel.logspool import SEGMENT_BYTES
from kubetriage.tui.widgets.log_view import SETTLE_S, LogView
from tests.tui.conftest import screen_text

SIZE = (60, 14)  # 12 rows of log inside the border


class LogApp(App):
    BINDINGS = [Binding("escape", "back", "Back")]

    def __init__(self, **options) -> None:
        super().__init__()
        self.options = options
        self.missed: list[str] = []
        self.saved: list[LogView.Saved] = []
        self.backs = 0

    def compose(self) -> ComposeResult:
        yield LogView(id="log", **self.options)

    def on_mount(self) -> None:
        self.query_one(LogView).focus()

    def action_back(self) -> None:
        self.backs += 1

    def on_log_view_search_missed(self, message: LogView.SearchMissed) -> None:
        self.missed.append(message.pattern)

    def on_log_view_saved(self, message: LogView.Saved) -> None:
        self.saved.append(message)


def numbered(start: int, stop: int) -> bytes:
    return b"".join(b"line %d\n" % i for i in range(start, stop))


def rows(view: LogView) -> list[str]:
    """The log's rows as drawn, gutter column first."""
    return ["".join(s.text for s in view.render_line(y))
            for y in range(view.scrollable_content_region.height)]


def texts(view: LogView) -> list[str]:
    """The rows without the gutter, trailing blanks dropped."""
    return [row[1:].rstrip() for row in rows(view)]


async def settle(pilot) -> None:
    await pilot.pause(SETTLE_S * 2)


async def test_follow_keeps_the_last_line_on_screen_until_the_reader_scrolls_up():
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        await view.feed(numbered(0, 1000))
        await settle(pilot)
        assert texts(view)[-1] == "line 999" and view.following
        await view.feed(b"line 1000\nline 10")  # the last line arrives in two pieces
        await view.feed(b"01\n")
        await settle(pilot)
        assert texts(view)[-2:] == ["line 1000", "line 1001"]

        await pilot.press("up", "up")
        assert not view.following
        shown = texts(view)
        await view.feed(numbered(1002, 1100))
        await settle(pilot)
        assert texts(view) == shown, "a paused view does not move as lines arrive"
        assert "paused" in view.border_subtitle

        await pilot.press("end")
        await settle(pilot)
        assert view.following and texts(view)[-1] == "line 1099"
        assert "following" in view.border_subtitle


async def test_only_the_lines_on_screen_are_read_and_drawn():
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        await view.feed(numbered(0, 200_000))
        await settle(pilot)
        reads: list[tuple[int, int]] = []
        spool_lines = view.spool.lines

        def recorded(start: int, stop: int):
            reads.append((start, stop))
            return spool_lines(start, stop)

        view.spool.lines = recorded
        await pilot.press("pageup", "pageup")
        await pilot.pause()
        height = view.scrollable_content_region.height
        assert texts(view) == [f"line {i}" for i in range(200_000 - 3 * height,
                                                          200_000 - 2 * height)]
        # a page at a time, and only pages the view passed through (paging may animate)
        assert reads and all(stop - start <= height for start, stop in reads)
        assert min(start for start, _ in reads) >= 200_000 - 3 * height


async def test_wrap_folds_a_long_line_onto_rows_and_keeps_the_top_line():
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        width = view.scrollable_content_region.width - 1
        await view.feed(numbered(0, 5) + b"L" + b"x" * 150 + b"E\n" + numbered(6, 8))
        await settle(pilot)
        assert texts(view)[5] == ("L" + "x" * 150)[:width], "unwrapped: one row, cut at the edge"
        assert texts(view)[6] == "line 6"

        await pilot.press("w")
        await settle(pilot)
        wrapped = texts(view)
        assert view.wrap and wrapped[0] == "line 0"
        after = wrapped.index("line 6")
        assert after > 6 and "".join(wrapped[5:after]) == "L" + "x" * 150 + "E"

        await pilot.press("w")
        await settle(pilot)
        assert not view.wrap and texts(view)[5].startswith("Lxxx") and texts(view)[6] == "line 6"


async def test_timestamps_are_hidden_until_t_shows_them():
    app = LogApp(timestamps=True)
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        await view.feed(b"2025-10-18T01:00:00.123456789Z starting\n"
                        b"2025-10-18T01:00:01.000000000Z ready\n")
        await settle(pilot)
        assert texts(view)[:2] == ["starting", "ready"]
        await pilot.press("t")
        await pilot.pause()
        assert texts(view)[:2] == ["2025-10-18T01:00:00.123456789Z starting",
                                   "2025-10-18T01:00:01.000000000Z ready"]
        await pilot.press("t")
        await pilot.pause()
        assert texts(view)[:2] == ["starting", "ready"]


async def test_search_goes_to_matches_with_n_and_N_and_highlights_them():
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        lines = [f"{i} ERROR db timeout" if i in (120, 450, 900) else f"{i} ok"
                 for i in range(1000)]
        await view.feed(("\n".join(lines) + "\n").encode())
        await settle(pilot)
        await pilot.press("home")
        await pilot.press("slash", *"error", "enter")
        await pilot.pause()
        assert any(text.startswith("120 ERROR") for text in texts(view))
        assert not view.following, "a search pauses the follow"
        current = view.get_component_rich_style("log-view--current-match")
        row = next(y for y, text in enumerate(texts(view)) if text.startswith("120 "))
        marked = [s.text for s in view.render_line(row) if s.style and
                  s.style.bgcolor == current.bgcolor]
        assert marked == ["ERROR"]

        await pilot.press("n")
        assert any(text.startswith("450 ERROR") for text in texts(view))
        await pilot.press("n", "n")  # past the last match it wraps round to the first
        assert any(text.startswith("120 ERROR") for text in texts(view))
        await pilot.press("N")
        assert any(text.startswith("900 ERROR") for text in texts(view))

        await pilot.press("slash", "ctrl+u", *"[/b]nowhere", "enter")
        await pilot.pause()
        assert app.missed == ["[/b]nowhere"]
        assert "/[/b]nowhere not found" in screen_text(app), "shown literally, not as markup"


async def test_escape_closes_the_search_and_otherwise_belongs_to_the_screen():
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        await pilot.press("slash", "x")
        assert view.has_class("-searching")
        await pilot.press("escape")
        assert not view.has_class("-searching") and app.focused is view and app.backs == 0
        await pilot.press("escape")
        assert app.backs == 1


async def test_evidence_lines_get_a_gutter_mark_and_their_style():
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        await view.feed(b"starting nginx\n"
                        b'2025/10/18 01:00:00 [emerg] 1#1: host not found in upstream '
                        b'"midwestmtg-backend" in /etc/nginx/conf.d/default.conf:12\n'
                        b"exiting\n")
        view.set_evidence(['host not found in upstream "midwestmtg-backend"'])
        await settle(pilot)
        drawn = rows(view)
        assert [row[0] for row in drawn[:3]] == [" ", "▌", " "]
        evidence = view.get_component_rich_style("log-view--evidence")
        assert {s.style.bgcolor for s in view.render_line(1) if s.text.strip()} == \
            {evidence.bgcolor}
        assert evidence.bgcolor not in {s.style.bgcolor for s in view.render_line(0)}


async def test_the_demo_frontends_previous_log_marks_the_line_its_finding_quotes():
    source = await ClusterSource.open(demo="midwestmtg")
    try:
        await source.wait_synced(20)
        report = diagnose(await source.snapshot())
        pod = "midwestmtg-frontend-7797b494d9-x48qh"
        evidence = [line for f in report.findings if f.object.name == pod for line in f.evidence]
        lines = await source.logs("midwestmtg", pod, "frontend", previous=True)
    finally:
        await source.close()
    app = LogApp()
    async with app.run_test(size=(100, 24)) as pilot:
        view = app.query_one(LogView)
        view.reset(f"midwestmtg/{pod}/frontend (previous)")
        await view.feed(("\n".join(lines) + "\n").encode())
        view.set_evidence(evidence + ["x" * 500 + "…"])  # a cut line marks nothing else
        await settle(pilot)
        marked = [row[1:].rstrip() for row in rows(view) if row.startswith("▌")]
        assert [line for line in marked if "host not found" in line] == \
            [line for line in lines if "host not found" in line][-1:]
        assert all(any(e in line for e in evidence) for line in marked)


async def test_escape_sequences_in_log_lines_are_drawn_inert_with_their_text_kept():
    hostile = ("before-clear \x1b[2J after-clear\n"
               "before-osc52 \x1b]52;c;cm0gLXJmIH4=\x07 after-osc52\n"
               "before-title \x1b]0;pwned\x07 after-title\n"
               "before-csi8 \x9b2J after-csi8\n"
               "bell \x07 bidi \u202ereversed\u202c end\n").encode()
    app = LogApp()
    async with app.run_test(size=(80, 14)) as pilot:
        view = app.query_one(LogView)
        await view.feed(hostile + b"raw-8bit \x9b2J after-raw\n")
        await settle(pilot)
        segments = [s.text for y in range(6) for s in view.render_line(y)]
        for bad in ("\x1b", "\x9b", "\x07", "\u202e"):
            assert not any(bad in text for text in segments), repr(bad)
        shown = texts(view)
        assert shown[:5] == ["before-clear  after-clear", "before-osc52  after-osc52",
                             "before-title  after-title", "before-csi8  after-csi8",
                             "bell  bidi reversed end"]
        assert shown[5].startswith("raw-8bit ") and shown[5].endswith(" after-raw")
        screen = app.export_screenshot()
        assert "pwned" not in screen and "after-title" in screen


async def test_save_writes_the_whole_log_as_it_came_and_reset_starts_over(tmp_path):
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(LogView)
        data = numbered(0, 50_000) + b"last line without a break"
        for start in range(0, len(data), 4096):
            await view.feed(data[start:start + 4096])
        size = await view.save(tmp_path / "app.log")
        await pilot.pause()
        assert (tmp_path / "app.log").read_bytes() == data and size == len(data)
        assert [m.path for m in app.saved] == [tmp_path / "app.log"]

        view.reset("web/web-abc-x1/app (previous) [/i]")
        await view.feed(b"booting\n")
        await settle(pilot)
        assert view.line_count == 1 and texts(view)[0] == "booting"
        assert "web/web-abc-x1/app (previous) [/i]" in screen_text(app)


async def test_a_million_streamed_lines_stay_under_a_fixed_heap_bound():
    app = LogApp()
    async with app.run_test(size=(120, 24)) as pilot:
        view = app.query_one(LogView)
        line = b"2025-10-18T01:00:00.123456789Z level=info msg=\"served\" path=/api/items n=%07d\n"
        block = b"".join(line % i for i in range(1000))
        chunks = [block[k:k + 65536] for k in range(0, len(block), 65536)]  # as aiohttp reads
        await pilot.pause()
        gc.collect()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        for _ in range(1000):  # how fast is bench/logview.py's to say, not a test's
            for chunk in chunks:
                await view.feed(chunk)
        await settle(pilot)
        peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
        # ~80 MB of lines: the oldest went with their segments, the newest 64 MiB stay
        assert view.line_count + view.spool.dropped == 1_000_000 and view.spool.dropped
        assert view.spool.disk_bytes <= view.spool.max_bytes + SEGMENT_BYTES
        assert peak < 32 << 20, f"heap peak {peak / 1e6:.1f} MB while following 1,000,000 lines"
        assert texts(view)[-1].endswith("n=0000999") and view.following
        assert "older dropped" in str(view.border_subtitle)
