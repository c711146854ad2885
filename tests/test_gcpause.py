"""The GC pause nests and leaves a collector someone else turned off alone."""

import gc

from kubetriage.core.gcpause import gc_paused


def test_nested_pauses_turn_the_collector_back_on_once():
    assert gc.isenabled()
    with gc_paused():
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_turned_off_elsewhere_stays_off():
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_long_lived_builds_are_frozen_out_of_the_collectors_sight():
    kept = []
    before = gc.get_freeze_count()
    try:
        with gc_paused(long_lived=True):
            # holding a list: a dict of only strings and numbers is never tracked by the collector
            kept.extend({"n": [i]} for i in range(1000))
        assert gc.get_freeze_count() >= before + 1000
        assert gc.isenabled()
    finally:
        gc.unfreeze()


def test_pauses_on_two_threads_end_with_the_collector_on():
    import threading

    inside = threading.Barrier(2)

    def work():
        with gc_paused():
            inside.wait(timeout=5)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=5)
    assert gc.isenabled()
