"""Benchmark of LogSpool (the log view's store) beside reading the same log into a list, each in a
process of its own, in the same run.

    .venv/bin/python bench/logview.py [--lines 1000000]

A log of ~100-byte lines is written to a file, then streamed into a LogSpool in 64 KiB chunks
(as a follow stream arrives) in one child process, and read with a plain `readlines()` in
another, the reference. Figures, one `name: value` line each:
  lines                      lines in the log
  log_mb                     its bytes
  spool_disk_mb              what the spool holds on disk at the end (its bound: README)
  spool_lines                lines it can still show (the newest, past the bound)
  rss_mb                     peak resident memory (VmHWM) of the spooling process, less that
                             of the same process before it spooled anything (the interpreter)
  append_lines_per_s         lines indexed per second
  search_s                   a case-insensitive search whose only match is the last line
  readlines_rss_mb, readlines_s, readlines_search_s: the same for the list of lines
  load                       the machine's load average
Target: the log view's memory and disk stay under fixed bounds whatever the log's size; search
no slower than scanning the lines in memory.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import harness

LINE = ("2025-10-18T01:%02d:%02d.%06d000Z level=info msg=\"request served\" "
        "path=/api/v1/items/%07d status=200\n")
NEEDLE = "NEEDLE-AT-THE-END"
CHUNK = 65536


def write_log(path: Path, lines: int) -> None:
    with open(path, "w") as out:
        for i in range(lines - 1):
            out.write(LINE % (i // 60 % 60, i % 60, i % 1_000_000, i))
        out.write(f"level=error msg=\"{NEEDLE.lower()}\"\n")


def spool_child(path: str) -> None:
    try:
        from kubetriage.tui.viewmodel.logspool import LogSpool
    except ImportError:  # an older tree, measured with the same benchmark
        from kubetriage.tui.logspool import LogSpool  # type: ignore[no-redef]  # older path

    base = harness.peak_rss_mb_self()
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
    lines = sum(1 for _ in open(path, "rb"))
    print(f"spool_disk_mb {spool.disk_bytes / 2**20:.1f}" if hasattr(spool, "disk_bytes")
          else f"spool_disk_mb {spool.size / 2**20:.1f}")
    print(f"spool_lines {spool.line_count}")
    print(f"rss_mb {harness.peak_rss_mb_self() - base:.1f}")
    print(f"append_lines_per_s {lines / appended:.0f}")
    print(f"search_s {searched:.3f}")


def readlines_child(path: str) -> None:
    base = harness.peak_rss_mb_self()
    start = time.perf_counter()
    with open(path) as log:
        lines = log.readlines()
    read = time.perf_counter() - start
    start = time.perf_counter()
    needle = NEEDLE.lower()
    found = next(i for i, line in enumerate(lines) if needle in line.lower())
    searched = time.perf_counter() - start
    assert found == len(lines) - 1
    print(f"readlines_rss_mb {harness.peak_rss_mb_self() - base:.1f}")
    print(f"readlines_s {read:.3f}")
    print(f"readlines_search_s {searched:.3f}")


def child(mode: str, path: Path) -> dict[str, str]:
    done = subprocess.run([sys.executable, __file__, "--child", mode, str(path)],
                          capture_output=True, text=True, env=harness.product_env(),
                          cwd=tempfile.gettempdir())
    if done.returncode:
        raise SystemExit(done.stderr[-2000:])
    return dict(line.split(" ", 1) for line in done.stdout.splitlines())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        {"spool": spool_child, "readlines": readlines_child}[args.child[0]](args.child[1])
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "app.log"
        write_log(path, args.lines)
        out: dict[str, object] = {"lines": args.lines, "log_mb": path.stat().st_size / 2**20}
        out.update(child("spool", path))
        out.update(child("readlines", path))
    out["load"] = harness.load()
    harness.print_figures(out)


if __name__ == "__main__":
    main()
