"""A log of any size kept in a ring of temporary files, with a sparse index of line starts.

A followed log can run to gigabytes, so nothing here grows with its bytes, in memory or on disk:
the stream is appended to unnamed temporary files (gone when closed) of about `SEGMENT_BYTES`
each, and once they hold more than `max_bytes` the oldest is deleted with its lines: the newest
64 MiB stay, `dropped` counts the lines before them, and line numbers count from the oldest line
kept. One start offset is kept for every `STRIDE`th line (1,000,000 lines cost 125 KB), and a
range of lines is read back by byte range from the nearest indexed line, through a small LRU
cache of decoded lines. Search reads in blocks that start and end on indexed lines, so a block
without a match is skipped whole. Offsets are the stream's own (as if it were one file); a
segment starts on an indexed line, so deleting one forgets whole index entries.

A line longer than `max_line` bytes is split there into continuation lines, so one endless line
cannot hold memory either. Text comes back as decoded but untrusted: the view cleans it.
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
from array import array
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, NamedTuple

STRIDE = 64  # lines per index entry: a read skips at most this many lines to reach its first
MAX_LINE = 16 * 1024  # bytes; longer lines continue on the next line
SEGMENT_BYTES = 8 << 20  # a segment is closed on the first index entry past this size
MAX_BYTES = 64 << 20  # on disk, at most this plus one segment; older segments are deleted
CACHE_LINES = 2048
SEARCH_BLOCK = 1 << 20  # bytes decoded at a time while searching
COPY_BLOCK = 1 << 20

# what the API server puts before each line with timestamps=true (RFC 3339, nanoseconds)
_TIMESTAMP = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) ")


class LogLine(NamedTuple):
    text: str  # without its timestamp and line break
    timestamp: str | None  # only when the spool was told the server sent them
    continued: bool  # the rest of a line that was split at `max_line`


@dataclass
class _Segment:
    file: IO[bytes]
    start: int  # the stream offset of its first byte (an indexed line's start)
    size: int = 0


class LogSpool:
    """Appended bytes in, numbered lines out; `close()` deletes the files.

    Inside, lines and offsets count from the start of the stream; outside, line 0 is the oldest
    line kept (`dropped` lines before it are gone)."""

    def __init__(self, *, timestamps: bool = False, max_line: int = MAX_LINE,
                 directory: str | None = None, max_bytes: int = MAX_BYTES,
                 segment_bytes: int = SEGMENT_BYTES) -> None:
        self.timestamps = timestamps
        self.max_line = max_line
        self.max_bytes = max_bytes
        self._segment_bytes = segment_bytes
        self._directory = directory
        self._segments: deque[_Segment] = deque()
        self._size = 0  # stream offset of the end
        self._marks = array("Q", [0])  # _marks[k] = offset of line (_mark0 + k) * STRIDE
        self._mark0 = 0  # index entries deleted with their segments
        self._complete = 0  # lines ended by a line break or a split
        self._line_start = 0  # offset of the line still being written
        self._pending = b""  # its bytes so far (at most max_line)
        self._cache: OrderedDict[int, LogLine] = OrderedDict()
        self._new_segment(0)

    # -- writing --------------------------------------------------------------------------------

    def append(self, chunk: bytes) -> None:
        """Add a piece of the stream; a line may continue in the next chunk."""
        if not chunk:
            return
        base_mark = self._mark0 + len(self._marks)
        self._write(chunk, self._size)
        self._size += len(chunk)
        self._index(chunk)
        self._rotate(base_mark)

    def _index(self, chunk: bytes) -> None:
        buf = self._pending + chunk if self._pending else chunk
        base, limit, marks = self._line_start, self.max_line, self._marks
        count, n, pos = self._complete, len(buf), 0
        countdown = STRIDE - count % STRIDE  # lines until the next index entry
        while True:
            # whole runs of short lines at C speed: up to the next index entry if they are
            # all there, else as many as there are
            run = _short_lines(limit, countdown)(buf, pos) or _short_lines(limit, 0)(buf, pos)
            end = run.end()
            if end > pos:
                lines = buf.count(b"\n", pos, end)
                count, countdown, pos = count + lines, countdown - lines, end
            elif n - pos > limit:  # no line break within the cap, and more bytes follow
                count, countdown, pos = count + 1, countdown - 1, pos + limit
            else:
                break
            if not countdown:
                marks.append(base + pos)
                countdown = STRIDE
        self._complete = count
        self._line_start = base + pos
        self._pending = buf[pos:]

    def _write(self, data: bytes, offset: int) -> None:
        segment = self._segments[-1]
        os.pwrite(segment.file.fileno(), data, offset - segment.start)
        segment.size += len(data)

    def _rotate(self, first_new_mark: int) -> None:
        """Close the last segment on the first index entry this append made past its size limit
        (moving the bytes after it into a new one), then delete the oldest segments while the
        others hold more than max_bytes."""
        for mark in range(first_new_mark, self._mark0 + len(self._marks)):
            segment, at = self._segments[-1], self._mark(mark)
            if at - segment.start < self._segment_bytes or at <= segment.start:
                continue
            fd = segment.file.fileno()
            tail = os.pread(fd, segment.start + segment.size - at, at - segment.start)
            os.ftruncate(fd, at - segment.start)
            segment.size = at - segment.start
            self._new_segment(at)
            self._write(tail, at)
        while len(self._segments) > 1 and \
                self._size - self._segments[1].start >= self.max_bytes:
            self._drop_oldest()

    def _new_segment(self, start: int) -> None:
        file = tempfile.TemporaryFile(prefix="kubetriage-log-", dir=self._directory, buffering=0)
        self._segments.append(_Segment(file, start))

    def _drop_oldest(self) -> None:
        self._segments.popleft().file.close()
        first = self._segments[0].start
        keep = next(k for k, offset in enumerate(self._marks) if offset == first)
        del self._marks[:keep]
        self._mark0 += keep
        for index in [i for i in self._cache if i < self._first_line]:
            del self._cache[index]

    def clear(self) -> None:
        """Forget every line (another container, or the previous instance, comes next)."""
        for segment in self._segments:
            segment.file.close()
        self._segments.clear()
        self._size = self._complete = self._line_start = self._mark0 = 0
        self._marks = array("Q", [0])
        self._pending = b""
        self._cache.clear()
        self._new_segment(0)

    def close(self) -> None:
        for segment in self._segments:
            segment.file.close()
        self._cache.clear()

    # -- reading --------------------------------------------------------------------------------

    @property
    def _first_line(self) -> int:
        return self._mark0 * STRIDE

    @property
    def line_count(self) -> int:
        """Lines kept, the unfinished last one included."""
        return self._complete + (1 if self._pending else 0) - self._first_line

    @property
    def dropped(self) -> int:
        """Lines deleted with the oldest segments: line 0 is the line after them."""
        return self._first_line

    @property
    def size(self) -> int:
        """Bytes spooled since the start of the stream (the dropped ones too)."""
        return self._size

    @property
    def disk_bytes(self) -> int:
        """Bytes kept on disk."""
        return sum(segment.size for segment in self._segments)

    @property
    def index_bytes(self) -> int:
        return self._marks.itemsize * len(self._marks)

    def line(self, index: int) -> LogLine:
        return self.lines(index, index + 1)[0]

    def lines(self, start: int, stop: int) -> list[LogLine]:
        """Lines start..stop-1 (clamped to what is kept)."""
        start, stop = max(start, 0), min(stop, self.line_count)
        if start >= stop:
            return []
        return self._lines(start + self._first_line, stop + self._first_line)

    def _lines(self, start: int, stop: int) -> list[LogLine]:
        cache = self._cache
        if all(i in cache for i in range(start, stop)):
            for i in range(start, stop):
                cache.move_to_end(i)
            return [cache[i] for i in range(start, stop)]
        found = [line for _, line in self._read(start, stop)]
        for offset, line in enumerate(found):
            index = start + offset
            if index < self._complete:  # the unfinished line still changes
                cache[index] = line
                cache.move_to_end(index)
        while len(cache) > CACHE_LINES:
            cache.popitem(last=False)
        return found

    def search(self, pattern: str, start: int, forward: bool = True, *,
               case_sensitive: bool = False, regex: bool = False) -> int | None:
        """The first line from `start` on (forward) or back (not forward) whose text holds
        `pattern` (a substring, or a regular expression with regex=True); None if none does.
        Raises re.error for a bad expression."""
        if not pattern or not self.line_count:
            return None
        hit = matcher(pattern, case_sensitive=case_sensitive, regex=regex)
        first_line = self._first_line
        start = min(max(start, 0), self.line_count - 1) + first_line
        for first, data in self._blocks(start // STRIDE, forward):
            if not hit(data.decode("utf-8", "replace")):
                continue
            numbered = list(self._parse(first, data, self._mark(first // STRIDE)))
            if not forward:
                numbered.reverse()
            for index, line in numbered:
                if (index >= start if forward else index <= start) and hit(_raw(line)):
                    return index - first_line
        return None

    def save(self, path: str | Path) -> int:
        """Write the log as it came, from its oldest line kept (bytes spooled when called), to
        `path`; the bytes."""
        offset = start = self._segments[0].start
        size = self._size
        with open(path, "wb") as out:
            while offset < size:
                data = self._pread(min(COPY_BLOCK, size - offset), offset)
                if not data:
                    break
                out.write(data)
                offset += len(data)
        return offset - start

    # -- inside ---------------------------------------------------------------------------------

    def _mark(self, mark: int) -> int:
        """The stream offset of index entry `mark` (line mark * STRIDE)."""
        return self._marks[mark - self._mark0]

    def _end_of_mark(self, mark: int) -> int:
        """Where the lines of index entry `mark` end: the next entry, or the end of the stream."""
        return self._mark(mark + 1) if mark + 1 < self._mark0 + len(self._marks) else self._size

    def _pread(self, size: int, offset: int) -> bytes:
        """Bytes of the stream at `offset`, from the segments holding them."""
        parts = []
        for segment in self._segments:
            end = segment.start + segment.size
            if end <= offset or size <= 0:
                continue
            if segment.start > offset:
                break
            piece = os.pread(segment.file.fileno(), min(size, end - offset),
                             offset - segment.start)
            parts.append(piece)
            offset, size = offset + len(piece), size - len(piece)
        return b"".join(parts)

    def _read(self, start: int, stop: int) -> list[tuple[int, LogLine]]:
        first_mark, last_mark = start // STRIDE, (stop - 1) // STRIDE
        offset = self._mark(first_mark)
        data = self._pread(self._end_of_mark(last_mark) - offset, offset)
        out = []
        for index, line in self._parse(first_mark * STRIDE, data, offset):
            if index >= stop:
                break
            if index >= start:
                out.append((index, line))
        return out

    def _parse(self, first: int, data: bytes, offset: int) -> Iterator[tuple[int, LogLine]]:
        """Number and decode the lines in `data`, which starts at line `first` (at `offset`)
        and ends on a line start or at the end of the file; split where `append` split."""
        limit, n, pos, index = self.max_line, len(data), 0, first
        continued = offset > self._segments[0].start and self._pread(1, offset - 1) != b"\n"
        while pos < n:
            newline = data.find(b"\n", pos, pos + limit + 1)
            if newline >= 0:
                end, start = newline, newline + 1
            elif n - pos > limit:
                end = start = pos + limit
            else:
                end = start = n  # the unfinished last line
            yield index, self._decode(data[pos:end], continued)
            continued = newline < 0
            pos, index = start, index + 1

    def _decode(self, raw: bytes, continued: bool) -> LogLine:
        text = raw.decode("utf-8", "replace")
        if text.endswith("\r"):
            text = text[:-1]
        if self.timestamps and not continued:
            match = _TIMESTAMP.match(text)
            if match:
                return LogLine(text[match.end():], match.group(1), False)
        return LogLine(text, None, continued)

    def _blocks(self, mark: int, forward: bool) -> Iterator[tuple[int, bytes]]:
        """(first line, bytes) of runs of whole index entries, about SEARCH_BLOCK bytes each,
        from entry `mark` towards the end (forward) or the beginning."""
        first_mark, count = self._mark0, self._mark0 + len(self._marks)
        while first_mark <= mark < count:
            first = last = mark
            if forward:
                while last + 1 < count and \
                        self._end_of_mark(last + 1) - self._mark(first) <= SEARCH_BLOCK:
                    last += 1
                mark = last + 1
            else:
                while first > first_mark and \
                        self._end_of_mark(last) - self._mark(first - 1) <= SEARCH_BLOCK:
                    first -= 1
                mark = first - 1
            offset = self._mark(first)
            yield first * STRIDE, self._pread(self._end_of_mark(last) - offset, offset)


@functools.cache
def _short_lines(limit: int, count: int) -> Callable[[bytes, int], re.Match[bytes] | None]:
    """Matches `count` lines (as many as there are if 0) of at most `limit` bytes, breaks
    included."""
    times = b"{%d}" % count if count else b"*"
    return re.compile(rb"(?:[^\n]{0,%d}\n)%s" % (limit, times)).match


def matcher(pattern: str, *, case_sensitive: bool = False,
            regex: bool = False) -> Callable[[str], bool]:
    """Whether a text holds `pattern`; raises re.error for a bad expression."""
    if regex:
        # MULTILINE: `^` and `$` mean a line's ends inside a block of lines as in one line
        search = re.compile(pattern, re.MULTILINE | (0 if case_sensitive else re.IGNORECASE)).search
        return lambda text: search(text) is not None
    if case_sensitive:
        return lambda text: pattern in text
    needle = pattern.lower()
    return lambda text: needle in text.lower()


def _raw(line: LogLine) -> str:
    """The line as the server sent it, as search sees it (the timestamp too)."""
    return f"{line.timestamp} {line.text}" if line.timestamp else line.text
