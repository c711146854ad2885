"""`kubetriage sim` as a user runs it: prints where it serves and the kubeconfig, serves until
SIGTERM and exits 0; a scenario that does not exist is one line and exit 2."""

from __future__ import annotations

import signal
import subprocess
import sys
import urllib.error
import urllib.request

import orjson

from kubetriage.sim.scenario import names


def test_sim_serves_until_sigterm_and_exits_cleanly(tiny_scenario, tmp_path):
    kubeconfig = tmp_path / "kc"
    proc = subprocess.Popen([sys.executable, "-m", "kubetriage", "sim", "--scenario",
                             str(tiny_scenario), "--kubeconfig-out", str(kubeconfig),
                             "--speed", "5"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        first = proc.stdout.readline()
        url = first.split(" at ")[-1].strip()
        assert url.startswith("http://127.0.0.1:")
        assert str(kubeconfig) in proc.stdout.readline()
        assert url in kubeconfig.read_text()
        with urllib.request.urlopen(url + "/api/v1/namespaces/web/pods", timeout=5) as r:
            assert len(orjson.loads(r.read())["items"]) == 3
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
    finally:
        proc.kill()
        proc.wait(5)


def test_an_unknown_scenario_is_one_line_and_exit_2():
    out = subprocess.run([sys.executable, "-m", "kubetriage", "sim", "--scenario", "nope"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 2
    assert out.stderr == (f"kubetriage: error: unknown scenario 'nope'; known: "
                          f"{', '.join(names())}\n")


def test_a_bad_flag_value_is_one_line_and_exit_2():
    out = subprocess.run([sys.executable, "-m", "kubetriage", "sim", "--speed", "0"],
                         capture_output=True, text=True, timeout=30)
    assert (out.returncode, out.stderr) == (
        2, "kubetriage: error: --speed must be greater than 0, not 0.0\n")


def test_kubelet_down_makes_logs_fail_as_a_real_server_without_kubelet(tiny_scenario, tmp_path):
    """`--kubelet-down`: pods/log answers kube-apiserver's own 500 for a node that is gone."""
    proc = subprocess.Popen([sys.executable, "-m", "kubetriage", "sim", "--scenario",
                             str(tiny_scenario), "--kubelet-down"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().split(" at ")[-1].strip()
        try:
            urllib.request.urlopen(f"{url}/api/v1/namespaces/web/pods/web-abc-x1/log"
                                   "?container=app&tailLines=5", timeout=5)
            raise AssertionError("the log was served")
        except urllib.error.HTTPError as exc:
            status, body = exc.code, orjson.loads(exc.read())
        assert status == 500 and "reason" not in body
        assert body["message"] == (
            'Get "https://127.0.0.1:10250/containerLogs/web/web-abc-x1/app?tailLines=5": '
            "dial tcp 127.0.0.1:10250: connect: connection refused")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
    finally:
        proc.kill()
        proc.wait(5)
