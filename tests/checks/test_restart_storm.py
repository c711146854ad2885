from kubetriage.checks import restart_storm
from tests.checks.conftest import pod, run


def test_fires_on_a_running_container_restarted_many_times():
    [f] = run(restart_storm, pod("d", running=True, restarts=598,
                                 last={"exitCode": 137, "reason": "Error"}))
    assert "restarted 598 times" in f.summary and "code 137" in f.summary


def test_silent_below_the_threshold_or_while_crash_looping():
    assert run(restart_storm, pod("d", running=True, restarts=3),
               pod("e", waiting="CrashLoopBackOff", restarts=90)) == []
