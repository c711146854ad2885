"""Remediations: every change kubetriage makes to a cluster goes through `Actions` (runner.py):
RBAC first, a server-side dry run, a plan to confirm, the call, the result, an audit line."""

from kubetriage.actions.catalogue import ACTIONS, BY_ID, Action, Request, Target
from kubetriage.actions.reconcile import Outcome, await_reconcile, ready_state
from kubetriage.actions.runner import READ_ONLY, Actions, Offer, Plan, Result

__all__ = ["ACTIONS", "BY_ID", "Action", "Actions", "Offer", "Outcome", "Plan", "READ_ONLY",
           "Request", "Result", "Target", "await_reconcile", "ready_state"]
