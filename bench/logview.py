"""Benchmark of LogSpool (the log view's store) beside reading the same log into a list, same run.

    .venv/bin/python bench/logview.py [--lines 1000000]

A log of ~100-byte lines is written to a file, then streamed into a LogSpool in 64 KiB chunks
(as a follow stream arrives), and read with a plain `readlines()` as the reference.
Figures, one `name: value` line each (times without tracemalloc, heaps from a second traced run):
  lines                      lines in the log
  spool_mb                   bytes spooled to the temporary file
  heap_peak_mb               Python heap peak while appending every chunk, then searching
  append_lines_per_s         lines indexed per second
  search_s                   a case-insensitive search whose only match is the last line
  readlines_heap_peak_mb     the same file read with readlines()
  readlines_s                time of that read
  readlines_search_s         the same search over the list (`needle in line.lower()`)
Target from issue 8: the log view's memory stays under a fixed bound (tests hold it under 32 MB
for 1,000,000 lines); search should not be slower than scanning the lines in memory.
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
import tracemalloc
from pathlib import Path

from kubetriage.tui.viewmodel.logspool import LogSpool

LINE = ("2025-10-18T01:%02d:%02d.%06d000Z level=info msg=\"request served\" "
        "path=/api/v1/items/%07d status=200\n")
NEEDLE = "NEEDLE-AT-THE-END"
CHUNK = 65536


def write_log(path: Path, lines: int) -> None:
    with open(path, "w") as out:
        for i in range(lines - 1):
            out.write(LINE % (i // 60 % 60, i % 60, i % 1_000_000, i))
        out.write(f"level=error msg=\"{NEEDLE.lower()}\"\n")


def spool_run(path: Path) -> tuple[LogSpool, float, float]:
    spool = LogSpool()
    start = time.perf_counter()
    with open(path, "rb") as log:
        while chunk := log.read(CHUNK):
            spool.append(chunk)
    appended = time.perf_counter() - start
    start = time.perf_counter()
    found = spool.search(NEEDLE, 0)
    searched = time.perf_counter() - start
    assert found == spool.line_count - 1, found
    return spool, appended, searched


def readlines_run(path: Path) -> tuple[list[str], float, float]:
    start = time.perf_counter()
    with open(path) as log:
        lines = log.readlines()
    read = time.perf_counter() - start
    start = time.perf_counter()
    needle = NEEDLE.lower()
    found = next(i for i, line in enumerate(lines) if needle in line.lower())
    searched = time.perf_counter() - start
    assert found == len(lines) - 1
    return lines, read, searched


def traced_peak(run, path: Path) -> float:
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    kept = run(path)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    del kept
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "app.log"
        write_log(path, args.lines)
        spool, appended, searched = spool_run(path)
        lines, size = spool.line_count, spool.size
        spool.close()
        del spool
        kept, read, list_searched = readlines_run(path)
        del kept
        spool_peak = traced_peak(spool_run, path)
        list_peak = traced_peak(readlines_run, path)
    print(f"lines: {lines}")
    print(f"spool_mb: {size / 2**20:.1f}")
    print(f"heap_peak_mb: {spool_peak:.2f}")
    print(f"append_lines_per_s: {lines / appended:,.0f}")
    print(f"search_s: {searched:.3f}")
    print(f"readlines_heap_peak_mb: {list_peak:.1f}")
    print(f"readlines_s: {read:.3f}")
    print(f"readlines_search_s: {list_searched:.3f}")


if __name__ == "__main__":
    main()
