"""Flag values that cannot mean anything are one line naming the flag, exit 2, before any work:
negative fault values for `sim`, a namespace no cluster can have."""

from __future__ import annotations

import pytest

from kubetriage.cli import main


@pytest.mark.parametrize("argv, flag", [
    (["sim", "--drop-watch-every", "-1"], "--drop-watch-every"),
    (["sim", "--gone-watch-every", "-3"], "--gone-watch-every"),
    (["sim", "--stall-watch-every", "-1"], "--stall-watch-every"),
    (["sim", "--latency", "-0.5"], "--latency"),
    (["check", "--demo", "healthy", "-n", "bad ns!"], "-n"),
    (["verify", "--demo", "healthy", "-n", "bad ns!"], "-n"),
    (["-n", "Bad_NS", "--demo", "healthy"], "-n"),
], ids=["drop", "gone", "stall", "latency", "check-ns", "verify-ns", "dashboard-ns"])
def test_a_meaningless_value_is_one_line_naming_the_flag(argv, flag, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith(f"kubetriage: error: {flag}"), err
    assert out == ""
