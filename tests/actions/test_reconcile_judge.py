"""The verdict on a reconcile request, on object states a controller goes through."""

from __future__ import annotations

from datetime import UTC, datetime

from kubetriage.actions.catalogue import rfc3339, rfc3339_nano
from kubetriage.actions.reconcile import SETTLE_S, judge

REQ = "2025-10-18T01:30:00.123456789Z"
FAILED = {"type": "Ready", "status": "False", "reason": "UpgradeFailed",
          "message": "Helm upgrade failed: pre-upgrade hooks failed",
          "lastTransitionTime": "2025-10-18T01:00:00Z"}
READY = {"type": "Ready", "status": "True", "reason": "UpgradeSucceeded",
         "message": "Helm upgrade succeeded", "lastTransitionTime": "2025-10-18T01:31:00Z"}
PROGRESSING = {"type": "Ready", "status": "Unknown", "reason": "Progressing",
               "message": "Running 'upgrade' action", "lastTransitionTime": "2025-10-18T01:30:01Z"}


def hr(*conditions, handled=REQ, generation=2, observed=2):
    return {"metadata": {"generation": generation},
            "status": {"lastHandledReconcileAt": handled, "observedGeneration": observed,
                       "conditions": list(conditions)}}


def test_silent_until_the_controller_handled_this_request():
    state, message = judge(hr(READY, handled="2025-10-18T00:00:00Z"), REQ, FAILED, 10)
    assert state is None and "waiting for the controller" in message


def test_silent_while_an_older_generation_is_observed():
    assert judge(hr(READY, observed=1), REQ, FAILED, 10)[0] is None


def test_stale_failure_of_the_previous_attempt_is_not_a_verdict():
    """Handled, but the Ready condition is still the one read before the request."""
    state, message = judge(hr(FAILED), REQ, FAILED, 0.0)
    assert state is None and "has not moved" in message


def test_progressing_is_not_a_verdict():
    assert judge(hr(PROGRESSING), REQ, FAILED, 5)[0] is None


def test_ready_once_it_moved():
    assert judge(hr(READY), REQ, FAILED, 0.0) == ("Ready", "Helm upgrade succeeded")


def test_failed_once_it_moved():
    moved = {**FAILED, "lastTransitionTime": "2025-10-18T01:31:00Z"}
    assert judge(hr(moved), REQ, FAILED, 0.0)[0] == "Failed"


def test_unchanged_ready_counts_after_the_settle_period():
    assert judge(hr(READY), REQ, READY, 0.0)[0] is None
    assert judge(hr(READY), REQ, READY, SETTLE_S)[0] == "Ready"


def test_stalled_counts_after_the_settle_period():
    stalled = {"type": "Stalled", "status": "True", "reason": "RetriesExceeded",
               "message": "Failed to upgrade after 4 attempt(s)"}
    assert judge(hr(stalled, FAILED), REQ, FAILED, 0.0)[0] is None
    state, message = judge(hr(stalled, FAILED), REQ, FAILED, SETTLE_S)
    assert state == "Failed" and "4 attempt(s)" in message and "pre-upgrade" in message


def test_timestamps_as_flux_and_kubectl_write_them():
    when = datetime(2025, 10, 18, 1, 30, 0, 120000, tzinfo=UTC)
    assert rfc3339_nano(when) == "2025-10-18T01:30:00.12Z"
    assert rfc3339_nano(when.replace(microsecond=0)) == "2025-10-18T01:30:00Z"
    assert rfc3339(when) == "2025-10-18T01:30:00Z"
