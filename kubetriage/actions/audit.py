"""The audit log: one JSON line per action attempted, in the user's state directory
($XDG_STATE_HOME/kubetriage/audit.log, by default ~/.local/state/kubetriage/audit.log)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def default_path() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path("~/.local/state").expanduser())
    return Path(base) / "kubetriage" / "audit.log"


def open_log(path: Path) -> int:
    """The log opened for appending (created private): done before an action runs, so an
    action whose record cannot be written is not made at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)


def append(fd: int, record: dict[str, Any]) -> None:
    """One line in one write(2): lines from concurrent writers do not interleave. ASCII only
    (every other character escaped): names exactly as targeted, and the file safe to cat."""
    try:
        os.write(fd, json.dumps(record, ensure_ascii=True, separators=(",", ":")).encode()
                 + b"\n")
    finally:
        os.close(fd)
