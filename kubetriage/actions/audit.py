"""The audit log: one JSON line per action attempted, in the user's state directory
($XDG_STATE_HOME/kubetriage/audit.log, by default ~/.local/state/kubetriage/audit.log)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson


def default_path() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path("~/.local/state").expanduser())
    return Path(base) / "kubetriage" / "audit.log"


def open_log(path: Path) -> int:
    """The log opened for appending (created private): done before an action runs, so an
    action whose record cannot be written is not made at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)


def append(fd: int, record: dict[str, Any]) -> None:
    """One line in one write(2): lines from concurrent writers do not interleave."""
    try:
        os.write(fd, orjson.dumps(record) + b"\n")
    finally:
        os.close(fd)
