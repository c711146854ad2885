"""Work done in a forked child: its answer comes back, its failure is raised here, a child that
dies is made up for here, and the parent's signal handlers and locks do not follow it."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from kubetriage.core import gcpause
from kubetriage.core.gcpause import gc_paused
from kubetriage.forked import CAN_FORK, call_forked

pytestmark = pytest.mark.skipif(not CAN_FORK, reason="computed in this process where no fork")


def test_the_answer_is_computed_in_another_process():
    here = os.getpid()
    pid, findings = call_forked(lambda n: (os.getpid(), [{"id": i} for i in range(n)]), 3)
    assert pid != here
    assert findings == [{"id": 0}, {"id": 1}, {"id": 2}]


def test_a_failure_in_the_child_is_raised_here_with_its_traceback():
    def broken_check():
        raise KeyError("metadata")

    with pytest.raises(KeyError) as caught:
        call_forked(broken_check)
    assert "broken_check" in "".join(caught.value.__notes__)


def test_a_child_killed_before_it_answers_is_made_up_for_here():
    parent = os.getpid()

    def work():
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer would
        return "computed here"

    assert call_forked(work) == "computed here"


def test_the_parents_signal_handlers_do_not_run_in_the_child():
    seen: list[int] = []
    old = signal.signal(signal.SIGWINCH, lambda *_: seen.append(os.getpid()))
    try:
        def resized():
            os.kill(os.getpid(), signal.SIGWINCH)  # the terminal's process group gets them all
            time.sleep(0.05)
            return list(seen)

        assert call_forked(resized) == []
    finally:
        signal.signal(signal.SIGWINCH, old)


def test_a_pause_of_the_collector_held_by_another_thread_does_not_lock_the_child():
    held = threading.Event()

    def holder():  # past the fork: the child copies the lock held, by a thread it has not
        with gcpause._lock:
            held.set()
            time.sleep(0.5)

    threading.Thread(target=holder, daemon=True).start()
    held.wait()
    answers: list[str] = []

    def paused() -> str:
        with gc_paused():
            return "done"

    worker = threading.Thread(target=lambda: answers.append(call_forked(paused)), daemon=True)
    worker.start()
    worker.join(10)
    assert answers == ["done"]


def test_from_a_worker_thread_of_an_event_loop_as_the_dashboard_calls_it():
    import asyncio

    async def dashboard_like() -> tuple[int, bool]:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGWINCH, lambda: None)  # Textual's: a wakeup fd set
        try:
            return await asyncio.to_thread(
                call_forked, lambda: (os.getpid(), threading.current_thread() is
                                      threading.main_thread()))
        finally:
            loop.remove_signal_handler(signal.SIGWINCH)

    pid, main_there = asyncio.run(dashboard_like())
    assert pid != os.getpid()  # not made up for here: the child answered
    assert main_there
