"""Diagnosis: pure functions from a cluster snapshot to findings, and the chains linking them.
No I/O and never Textual: the same code serves the dashboard and `kubetriage check`."""
