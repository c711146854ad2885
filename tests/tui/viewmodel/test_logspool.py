"""LogSpool: a followed log of any size comes back line by line as it was sent, found by search,
saved verbatim, while the Python heap stays bounded (the bytes live in a temporary file)."""

from __future__ import annotations

import gc
import pathlib
import re
import subprocess
import sys
import tempfile
import tracemalloc

from hypothesis import given, settings
from hypothesis import strategies as st

from kubetriage.tui.viewmodel import logspool
from kubetriage.tui.viewmodel.logspool import SEGMENT_BYTES, STRIDE, LogSpool

LINE = b"2025-10-18T01:00:00.123456789Z level=info msg=\"request served\" path=/api/v1/items n=%07d\n"


def reference_lines(data: bytes, limit: int) -> list[bytes]:
    """How a log splits into lines: at each line break, and every `limit` bytes without one."""
    out, pos = [], 0
    while pos < len(data):
        newline = data.find(b"\n", pos, pos + limit + 1)
        if newline >= 0:
            out.append(data[pos:newline])
            pos = newline + 1
        elif len(data) - pos > limit:
            out.append(data[pos:pos + limit])
            pos += limit
        else:
            out.append(data[pos:])
            pos = len(data)
    return out


def spool_of(data: bytes, chunk: int = 4096, **options) -> LogSpool:
    spool = LogSpool(**options)
    for start in range(0, len(data), chunk):
        spool.append(data[start:start + chunk])
    return spool


line_text = st.text(st.characters(blacklist_characters="\n", blacklist_categories=["Cs"]),
                    max_size=120)


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(line_text, max_size=400), cuts=st.lists(st.integers(1, 300), max_size=60),
       ends_with_newline=st.booleans())
def test_lines_come_back_as_sent_however_the_stream_was_cut(lines, cuts, ends_with_newline):
    data = "\n".join(lines).encode() + (b"\n" if ends_with_newline and lines else b"")
    spool, pos = LogSpool(max_line=100), 0
    for cut in cuts + [len(data)]:
        spool.append(data[pos:pos + cut])
        pos += cut
    expected = reference_lines(data, 100)
    assert spool.line_count == len(expected)
    texts = [raw.decode("utf-8", "replace").removesuffix("\r") for raw in expected]
    assert [line.text for line in spool.lines(0, len(expected))] == texts
    for start in range(0, len(expected), 37):
        assert [line.text for line in spool.lines(start, start + 5)] == texts[start:start + 5]
    spool.close()


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(line_text, min_size=1, max_size=600),
       cuts=st.lists(st.integers(1, 3000), max_size=60))
def test_past_its_bound_on_disk_the_spool_keeps_the_newest_lines_as_sent(lines, cuts):
    """A ring of small segments: the oldest go whole, what stays is the stream's tail, line for
    line, found by search and saved as it came; the disk holds at most max_bytes + a segment."""
    data = "\n".join(lines).encode() + b"\n"
    spool, pos = LogSpool(max_line=100, segment_bytes=1024, max_bytes=4096), 0
    for cut in cuts + [len(data)]:
        spool.append(data[pos:pos + cut])
        pos += cut
        assert spool.disk_bytes <= 4096 + 1024 + cut
    expected = reference_lines(data, 100)
    texts = [raw.decode("utf-8", "replace").removesuffix("\r") for raw in expected]
    kept = texts[spool.dropped:]
    assert spool.dropped % STRIDE == 0 and spool.line_count == len(kept)
    if len(data) > 4096 + 1024 + 3000:
        assert spool.dropped, "past its bound, the spool dropped its oldest lines"
    assert [line.text for line in spool.lines(0, len(kept))] == kept
    last = kept[-1]
    if last and "\ufffd" not in last:  # a character cut by a split is found in neither part
        found = spool.search(last, 0, case_sensitive=True)
        assert found is not None and last in kept[found]
    saved = pathlib.Path(tempfile.mkdtemp()) / "log"
    assert spool.save(saved) == spool.disk_bytes
    assert data.endswith(saved.read_bytes()), "the kept tail of the stream, as it came"
    spool.close()


def test_the_unfinished_last_line_shows_and_grows():
    spool = LogSpool()
    spool.append(b"first\nsec")
    assert [line.text for line in spool.lines(0, 10)] == ["first", "sec"]
    spool.append(b"ond\nthird")
    assert [line.text for line in spool.lines(0, 10)] == ["first", "second", "third"]
    assert spool.line_count == 3


def test_a_10_mb_line_without_a_break_is_split_and_never_held_whole():
    spool = LogSpool(max_line=16 * 1024)
    piece = b"x" * 65536
    tracemalloc.start()
    for _ in range(160):  # 10 MiB, no line break
        spool.append(piece)
    spool.append(b"\nafter\n")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 1 << 20, "more than a chunk and a line held at once"
    assert spool.line_count == 10 * 64 + 1
    first, second = spool.lines(0, 2)
    assert len(first.text) == 16 * 1024 and not first.continued
    assert second.continued, "the rest of a split line is marked as its continuation"
    assert spool.line(spool.line_count - 1).text == "after"
    assert not spool.line(spool.line_count - 1).continued


def test_crlf_line_ends_are_not_part_of_the_text():
    spool = spool_of(b"windows\r\nline\r\n")
    assert [line.text for line in spool.lines(0, 2)] == ["windows", "line"]


def test_timestamps_are_split_off_only_when_the_server_was_asked_for_them():
    data = b"2025-10-18T01:00:00.123456789Z 2025-10-18 app says hello\nno stamp here\n"
    stamped = spool_of(data, timestamps=True)
    first, second = stamped.lines(0, 2)
    assert first == ("2025-10-18 app says hello", "2025-10-18T01:00:00.123456789Z", False)
    assert second.timestamp is None and second.text == "no stamp here"
    plain = spool_of(b"2025-10-18T01:00:00Z an app's own time\n")
    assert plain.line(0).text == "2025-10-18T01:00:00Z an app's own time"
    assert plain.line(0).timestamp is None


def test_search_finds_the_nearest_line_either_way_across_blocks(monkeypatch):
    monkeypatch.setattr(logspool, "SEARCH_BLOCK", 4096)  # many blocks, few lines
    lines = [f"line {i} ERROR boom" if i % 700 == 699 else f"line {i} ok" for i in range(5000)]
    spool = spool_of(("\n".join(lines) + "\n").encode(), chunk=1000)
    hits = [i for i, line in enumerate(lines) if "error" in line.lower()]
    assert hits == [699, 1399, 2099, 2799, 3499, 4199, 4899]
    assert spool.search("error", 0) == 699
    assert spool.search("error", 700) == 1399
    assert spool.search("error", 699) == 699, "the start line itself counts"
    assert spool.search("error", 4900) is None
    assert spool.search("error", 4999, forward=False) == 4899
    assert spool.search("error", 1398, forward=False) == 699
    assert spool.search("error", 698, forward=False) is None
    assert spool.search("ERROR", 0, case_sensitive=True) == 699
    assert spool.search("Error", 0, case_sensitive=True) is None
    assert spool.search(r"^line 41\d\d ERROR", 0, regex=True) == 4199
    assert spool.search("nowhere", 0) is None


def test_search_sees_split_lines_and_the_unfinished_one():
    spool = LogSpool(max_line=10)
    spool.append(b"0123456789abcdefghij\nshort\nstill wri")
    assert spool.line_count == 4
    assert spool.search("abc", 0) == 1
    assert spool.search("wri", 0) == 3


def test_save_writes_the_log_byte_for_byte(tmp_path):
    data = b"".join(LINE % i for i in range(5000)) + b"\x1b]0;title\x07 kept as sent, no newline"
    spool = spool_of(data, chunk=777)
    assert spool.save(tmp_path / "out.log") == len(data)
    assert (tmp_path / "out.log").read_bytes() == data


def test_the_spool_file_has_no_name_and_clear_starts_over(tmp_path):
    spool = LogSpool(directory=str(tmp_path))
    spool.append(b"secret-ish log line\n")
    assert list(tmp_path.iterdir()) == [], "the spool is deleted (unnamed) while in use"
    spool.clear()
    assert spool.line_count == 0 and spool.lines(0, 10) == []
    spool.append(b"next container\n")
    assert spool.line(0).text == "next container"
    assert spool.size == len(b"next container\n")
    spool.close()


def test_a_million_lines_stay_under_a_fixed_heap_bound():
    block = b"".join(LINE % i for i in range(1000))
    chunks = [block[k:k + 65536] for k in range(0, len(block), 65536)]
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    spool = LogSpool()
    for _ in range(1000):
        for chunk in chunks:
            spool.append(chunk)
    # ~86 MB of lines: the oldest went with their segments, the newest 64 MiB stay
    assert spool.line_count + spool.dropped == 1_000_000 and spool.dropped
    assert spool.disk_bytes <= spool.max_bytes + SEGMENT_BYTES
    for start in range(0, spool.line_count, 9973):  # reading all over fills the caches
        spool.lines(start, start + 60)
    assert spool.search("n=0000999", 0) == 999 - spool.dropped % 1000
    assert spool.search("nowhere", 0) is None
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    assert peak < 32 << 20, f"heap peak {peak / 1e6:.1f} MB for 1,000,000 lines"
    assert spool.index_bytes <= 8 * (1_000_000 // STRIDE + 1)
    assert spool.line(spool.line_count - 1).text.endswith("n=0000999")
    assert re.search(r"n=\d{7}$", spool.line(500_000).text)
    spool.close()


def test_the_spool_needs_no_textual_so_it_is_testable_without_a_screen():
    code = ("import sys, kubetriage.tui.viewmodel.logspool\n"
            "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('textual', 'rich'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
