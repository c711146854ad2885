"""`kubetriage sim --list` names every scenario with its one line; an unknown name lists them."""

from __future__ import annotations

import subprocess
import sys

from kubetriage.sim import scenario


def kubetriage(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kubetriage", *args], capture_output=True,
                          text=True, timeout=60)


def test_list_names_every_scenario_with_a_description():
    out = kubetriage("sim", "--list")
    assert out.returncode == 0, out.stderr
    lines = {line.split()[0]: line for line in out.stdout.splitlines()}
    for name in scenario.names():
        assert len(lines[name].split()) > 3, f"{name} has no description"
    assert "--scale" in out.stdout


def test_unknown_scenario_lists_the_known_ones():
    out = kubetriage("sim", "--scenario", "midwestmgt")
    assert out.returncode == 2
    assert out.stderr == ("kubetriage: error: unknown scenario 'midwestmgt'; known: "
                          + ", ".join(scenario.names()) + "\n")
