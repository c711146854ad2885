"""Pure work done in a forked copy of this process: on another core, not in this interpreter.

The dashboard's diagnosis takes ~0.4 s of CPU at 10,000 pods. In a thread it holds the one
interpreter the screen is drawn by (a key pressed meanwhile waits for it) and it sits on the path
to the first screen. A fork sees the cluster's objects as they are, with nothing copied or
pickled (its memory is shared until written); only the answer comes back, pickled through a pipe
(a report of 600 findings: 0.6 MB, ~15 ms both ways).

Linux only: macOS's system libraries are not safe to use after a fork and Windows has none; there,
and whenever a fork fails, the work is done in the calling thread instead.
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
import sys
import traceback
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from kubetriage.core.gcpause import gc_paused

T = TypeVar("T")
log = logging.getLogger(__name__)
CAN_FORK = sys.platform.startswith("linux")
# signals that may reach the child, as part of the terminal's process group, and that this
# process handles in Python (Textual, asyncio): the child must not act on them as the parent does
_HANDLED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGWINCH, signal.SIGTSTP,
            signal.SIGCONT) if CAN_FORK else ()
# Python 3.12+ warns of any fork in a threaded process. The child here takes no lock another
# thread may hold (gcpause's and logging's are made anew in a child) and ends with os._exit.
warnings.filterwarnings("ignore", message=r".*use of fork\(\) may lead to deadlocks",
                        category=DeprecationWarning)


def call_forked(fn: Callable[..., T], *args: Any) -> T:
    """fn(*args), computed in a forked child; blocks until it answers (call it in a thread).
    fn must only compute: it must not write to what the parent holds open (sockets, the
    terminal). Raises what fn raised, with the child's traceback as a note."""
    if not CAN_FORK:
        return fn(*args)
    read, write = os.pipe()
    try:
        pid = os.fork()
    except OSError as exc:  # out of memory or processes: slower, not broken
        os.close(read)
        os.close(write)
        log.warning("cannot fork (%s): computing in this process", exc)
        return fn(*args)
    if pid == 0:
        os.close(read)
        _child(write, fn, args)  # never returns
    os.close(write)
    with open(read, "rb") as pipe:
        answer = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not answer:  # killed (the OOM killer, a signal) before it answered
        log.warning("the forked child ended without an answer (wait status %d): computing in "
                    "this process", status)
        return fn(*args)
    with gc_paused():  # thousands of small objects: no collection in the middle of them
        ok, value, where = pickle.loads(answer)
    if not ok:
        value.add_note(where)
        raise value
    return value


def started_forked(fn: Callable[[], T]) -> Callable[[], T]:
    """fn() computing in a forked child from now on (call_forked, waited for in a thread of its
    own): call what this returns for fn's answer, or what it raised."""
    pool = ThreadPoolExecutor(1, thread_name_prefix="forked")
    future = pool.submit(call_forked, fn)
    pool.shutdown(wait=False)  # its one thread ends with this one task
    return future.result


def _child(write: int, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    status = 0
    try:
        signal.set_wakeup_fd(-1)  # the parent's event loop's: a signal here would wake it
        for sig in _HANDLED:
            signal.signal(sig, signal.SIG_DFL)
        try:
            answer = pickle.dumps((True, fn(*args), ""), pickle.HIGHEST_PROTOCOL)
        except BaseException as exc:
            where = f"in the forked child:\n{traceback.format_exc()}"
            try:
                answer = pickle.dumps((False, exc, where), pickle.HIGHEST_PROTOCOL)
            except Exception:  # an exception that does not pickle: its words do
                answer = pickle.dumps((False, RuntimeError(repr(exc)), where))
        with open(write, "wb") as pipe:
            pipe.write(answer)
    except BaseException:
        status = 1
    finally:
        os._exit(status)  # no atexit, no flushing of the parent's buffers, no finalizers
