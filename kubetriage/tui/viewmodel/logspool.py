"""A log of any size kept in a temporary file, with a sparse index of line starts.

A followed log can run to gigabytes, so nothing here grows with its bytes: the stream is appended
to an unnamed temporary file (gone when closed), one start offset is kept for every `STRIDE`th
line (1,000,000 lines cost 125 KB), and a range of lines is read back by byte range from the
nearest indexed line, through a small LRU cache of decoded lines. Search reads the file in blocks
that start and end on indexed lines, so a block without a match is skipped whole.

A line longer than `max_line` bytes is split there into continuation lines, so one endless line
cannot hold memory either. Text comes back as decoded but untrusted: the view cleans it.
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

STRIDE = 64  # lines per index entry: a read skips at most this many lines to reach its first
MAX_LINE = 16 * 1024  # bytes; longer lines continue on the next line
CACHE_LINES = 2048
SEARCH_BLOCK = 1 << 20  # bytes decoded at a time while searching
COPY_BLOCK = 1 << 20

# what the API server puts before each line with timestamps=true (RFC 3339, nanoseconds)
_TIMESTAMP = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) ")


class LogLine(NamedTuple):
    text: str  # without its timestamp and line break
    timestamp: str | None  # only when the spool was told the server sent them
    continued: bool  # the rest of a line that was split at `max_line`


class LogSpool:
    """Appended bytes in, numbered lines out; `close()` deletes the file."""

    def __init__(self, *, timestamps: bool = False, max_line: int = MAX_LINE,
                 directory: str | None = None) -> None:
        self.timestamps = timestamps
        self.max_line = max_line
        self._file = tempfile.TemporaryFile(prefix="kubetriage-log-", dir=directory, buffering=0)
        self._fd = self._file.fileno()
        self._size = 0
        self._marks = array("Q", [0])  # _marks[k] = offset of line k * STRIDE
        self._complete = 0  # lines ended by a line break or a split
        self._line_start = 0  # offset of the line still being written
        self._pending = b""  # its bytes so far (at most max_line)
        self._cache: OrderedDict[int, LogLine] = OrderedDict()

    # -- writing --------------------------------------------------------------------------------

    def append(self, chunk: bytes) -> None:
        """Add a piece of the stream; a line may continue in the next chunk."""
        if not chunk:
            return
        os.pwrite(self._fd, chunk, self._size)
        self._size += len(chunk)
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

    def clear(self) -> None:
        """Forget every line (another container, or the previous instance, comes next)."""
        self._file.truncate(0)
        self._size = self._complete = self._line_start = 0
        self._marks = array("Q", [0])
        self._pending = b""
        self._cache.clear()

    def close(self) -> None:
        self._file.close()
        self._cache.clear()

    # -- reading --------------------------------------------------------------------------------

    @property
    def line_count(self) -> int:
        """Lines so far, the unfinished last one included."""
        return self._complete + (1 if self._pending else 0)

    @property
    def size(self) -> int:
        """Bytes spooled."""
        return self._size

    @property
    def index_bytes(self) -> int:
        return self._marks.itemsize * len(self._marks)

    def line(self, index: int) -> LogLine:
        return self.lines(index, index + 1)[0]

    def lines(self, start: int, stop: int) -> list[LogLine]:
        """Lines start..stop-1 (clamped to what exists)."""
        start, stop = max(start, 0), min(stop, self.line_count)
        if start >= stop:
            return []
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
        start = min(max(start, 0), self.line_count - 1)
        for first, data in self._blocks(start // STRIDE, forward):
            if not hit(data.decode("utf-8", "replace")):
                continue
            numbered = list(self._parse(first, data, self._marks[first // STRIDE]))
            if not forward:
                numbered.reverse()
            for index, line in numbered:
                if (index >= start if forward else index <= start) and hit(_raw(line)):
                    return index
        return None

    def save(self, path: str | Path) -> int:
        """Write the whole log as it came (bytes spooled when called) to `path`; the bytes."""
        size, offset = self._size, 0
        with open(path, "wb") as out:
            while offset < size:
                data = os.pread(self._fd, min(COPY_BLOCK, size - offset), offset)
                if not data:
                    break
                out.write(data)
                offset += len(data)
        return offset

    # -- inside ---------------------------------------------------------------------------------

    def _end_of_mark(self, mark: int) -> int:
        """Where the lines of index entry `mark` end: the next entry, or the end of the file."""
        return self._marks[mark + 1] if mark + 1 < len(self._marks) else self._size

    def _read(self, start: int, stop: int) -> list[tuple[int, LogLine]]:
        first_mark, last_mark = start // STRIDE, (stop - 1) // STRIDE
        offset = self._marks[first_mark]
        data = os.pread(self._fd, self._end_of_mark(last_mark) - offset, offset)
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
        continued = offset > 0 and os.pread(self._fd, 1, offset - 1) != b"\n"
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
        marks, count = self._marks, len(self._marks)
        while 0 <= mark < count:
            first = last = mark
            if forward:
                while last + 1 < count and self._end_of_mark(last + 1) - marks[first] <= SEARCH_BLOCK:
                    last += 1
                mark = last + 1
            else:
                while first > 0 and self._end_of_mark(last) - marks[first - 1] <= SEARCH_BLOCK:
                    first -= 1
                mark = first - 1
            offset = marks[first]
            yield first * STRIDE, os.pread(self._fd, self._end_of_mark(last) - offset, offset)


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
