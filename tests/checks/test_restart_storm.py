from datetime import UTC, datetime

from kubetriage.checks import restart_storm
from kubetriage.core.snapshot import Snapshot
from tests.checks.conftest import pod

NOW = datetime(2025, 1, 5, tzinfo=UTC)  # the fixture pods were created 4 days before


def run(*objects):
    return list(restart_storm.check(Snapshot.from_objects(objects, now=NOW)))


def test_fires_on_a_running_container_restarted_many_times():
    [f] = run(pod("d", running=True, restarts=598, last={"exitCode": 137, "reason": "Error"}))
    assert f.id == "KT-208/Pod/app/d/app" and f.severity == "warning"
    assert f.summary == ("Container app of pod app/d has restarted 598 times in 4d; the last exit "
                         "was Error (code 137).")
    assert f.evidence == ["app: restartCount 598, running, last exit Error code 137"]
    assert f.remediations[0].command == "kubectl logs pod/d -n app -c app --previous"


def test_fires_saying_unknown_when_the_last_exit_is_not_recorded():
    [f] = run(pod("d", running=True, restarts=25))
    assert f.summary == ("Container app of pod app/d has restarted 25 times in 4d; the last exit "
                         "was unknown.")


def test_silent_below_the_threshold():
    assert run(pod("d", running=True, restarts=restart_storm.RESTARTS - 1)) == []


def test_silent_while_crash_looping():
    """KT-201 reports it, with the cause."""
    assert run(pod("e", waiting="CrashLoopBackOff", restarts=90)) == []
