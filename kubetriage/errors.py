"""Every error a user may see, in one place, so any layer can raise one without importing the CLI.

The CLI turns each into one line on stderr and exit code 2 (never a traceback).
"""

from __future__ import annotations

import os
from pathlib import Path

EXIT_USAGE = 2


class UsageError(Exception):
    """A user mistake (flag, file, object, connection): the message is the line they see."""


class DumpError(UsageError):
    """Bad input in a dump: the message is the one line a user sees."""


class ApiError(Exception):
    """An HTTP error answer from the API server, with the Status object's reason and message."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(f"{status} {reason}: {message}" if message else f"{status} {reason}")
        self.status = status
        self.reason = reason
        self.message = message


class ReadOnlyError(UsageError):
    """A change asked of a connection opened with --read-only: it is never sent."""


def writable(path: Path, flag: str) -> None:
    """A UsageError unless a file can be written at path (before any work is done for it)."""
    if path.is_dir():
        raise UsageError(f"{flag} {path}: is a directory; name a file in it")
    if not path.parent.is_dir():
        raise UsageError(f"{flag} {path}: directory {path.parent} does not exist")
    if not os.access(path if path.exists() else path.parent, os.W_OK):
        raise UsageError(f"{flag} {path}: permission denied")
