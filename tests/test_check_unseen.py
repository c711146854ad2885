"""`kubetriage check` says what it could not read, against the embedded server: the same RBAC as
the real-API tier's restricted users (tests/realapi/test_rbac.py) and a pods/log that answers
500 as a kube-apiserver does when no kubelet answers (`--kubelet-down`). The assertions about
`unavailable` and the exit codes are the real tier's, on our own server."""

from __future__ import annotations

import subprocess
import sys

import orjson
import pytest

from kubetriage.sim.faults import Faults
from kubetriage.sim.rbac import Allow, Deny, Rbac
from kubetriage.sim.server import run_in_thread
from tests.realapi.test_check import CRASH_LOOPS, HOOK_CHAIN
from tests.realapi.test_rbac import EXIT_CANNOT_JUDGE, POD_FINDINGS

SEED = "midwestmtg"
# the real tier's `reader`: get/list/watch pods and events in one namespace, and read logs there
READER = Rbac(user="reader", allow=[
    Allow(verbs=("get", "list", "watch"), resources=("pods", "events"), namespaces=(SEED,),
          group=""),
    Allow(verbs=("get",), resources=("pods/log",), namespaces=(SEED,), group="")])
NOBODY = Rbac(user="nobody", allow=[])  # no RoleBinding at all


def check(kubeconfig, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kubetriage", "check", "--kubeconfig",
                           str(kubeconfig), *args], capture_output=True, text=True, timeout=120)


def served(tmp_path_factory, name: str, scenario: str = SEED, **options):
    """A kubeconfig for the scenario served as given; speed ~0: the timeline waits, so the
    server holds the dump's state."""
    with run_in_thread(scenario, speed=1e-6, **options) as sim:
        yield sim.write_kubeconfig(tmp_path_factory.mktemp(name) / "kubeconfig")


@pytest.fixture(scope="module")
def kubelet_down(tmp_path_factory):
    yield from served(tmp_path_factory, "down", faults=Faults(kubelet_down=True))


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    yield from served(tmp_path_factory, "reader", rbac=READER)


@pytest.fixture(scope="module")
def nobody(tmp_path_factory):
    yield from served(tmp_path_factory, "nobody", rbac=NOBODY)


@pytest.fixture(scope="module")
def down_report(kubelet_down) -> tuple[int, dict]:
    out = check(kubelet_down, "-n", SEED, "-o", "json")
    return out.returncode, orjson.loads(out.stdout)


def findings(report: dict) -> dict[str, dict]:
    return {f["id"]: f for f in report["findings"]}


# -- a node gone: pods/log answers 500 --------------------------------------------------------

def test_unavailable_lists_each_log_that_could_not_be_read(down_report):
    code, report = down_report
    assert code == 1  # the crash loops are found all the same
    for pod, container in CRASH_LOOPS.values():
        lines = [u for u in report["unavailable"] if pod in u and container in u]
        assert len(lines) == 2, (pod, report["unavailable"])  # current and previous
        assert all("10250" in u and "connection refused" in u for u in lines), lines
    assert "10250" in report["cannot_judge"]


def test_crash_loops_say_their_log_could_not_be_read(down_report):
    got = findings(down_report[1])
    for fid in (*CRASH_LOOPS, HOOK_CHAIN[1]):
        text = " ".join([got[fid]["summary"], *got[fid]["evidence"]])
        assert "the log does not say why" not in text, fid
        assert "could not be read" in text and "10250" in text, fid
        assert "the previous log could not be read: " in text, fid


def test_the_finding_only_a_log_proves_is_missing_and_said_to_be(down_report):
    """The missing backend Service is named only by the frontend's nginx log: no finding, and
    the report says that log could not be read."""
    ids = set(findings(down_report[1]))
    assert "KT-402/Service/midwestmtg/midwestmtg-backend" not in ids
    assert set(CRASH_LOOPS) <= ids


def test_text_groups_the_logs_by_the_servers_answer(kubelet_down):
    out = check(kubelet_down, "-n", SEED)
    assert out.returncode == 1
    assert "Could not read" in out.stdout and "Nothing wrong found" not in out.stdout
    assert "logs of 2 containers that failed or restarted (500 Internal Server Error: dial tcp " in \
        " ".join(out.stdout.split())


def test_a_healthy_cluster_whose_logs_cannot_be_read_is_not_called_healthy(tmp_path_factory):
    """The healthy scenario's containers that restarted run again (no finding at error), and
    their logs would say why they restarted: none can be read, so check withholds its verdict."""
    for kubeconfig in served(tmp_path_factory, "healthy-down", "healthy",
                             faults=Faults(kubelet_down=True)):
        out = check(kubeconfig, "-o", "json")
        text = check(kubeconfig).stdout
    report = orjson.loads(out.stdout)
    assert not [f["id"] for f in report["findings"] if f["severity"] in ("critical", "error")]
    assert out.returncode == EXIT_CANNOT_JUDGE, report["cannot_judge"]
    assert report["cannot_judge"].startswith("not one of the ")
    assert "connection refused" in report["cannot_judge"]
    assert "Nothing wrong found" not in text and "Cannot judge: not one of the " in text


# -- RBAC: a reader of pods and events in one namespace ---------------------------------------

def test_reader_check_finds_the_pod_findings_and_lists_the_kinds_it_could_not_read(reader):
    out = check(reader, "--context", "kubetriage-sim", "-o", "json")
    assert out.returncode == 1, out.stderr
    report = orjson.loads(out.stdout)
    assert set(findings(report)) >= POD_FINDINGS
    assert {f["object"]["kind"] for f in report["findings"]} == {"Pod"}
    for kind in ("HelmRelease", "Secret", "Job", "Service"):
        assert any(kind in line and "forbidden" in line for line in report["unavailable"]), \
            (kind, report["unavailable"])
    # pods across all namespaces are forbidden: too little to call the rest healthy
    assert report["cannot_judge"].startswith("Events could not be read") or \
        report["cannot_judge"].startswith("Pods could not be read")


def test_reader_in_its_namespace_sees_pods_and_events_in_full(reader):
    out = check(reader, "-n", SEED, "-o", "json")
    report = orjson.loads(out.stdout)
    assert out.returncode == 1
    assert not any(line.startswith(("Pod in", "Event in")) for line in report["unavailable"])
    assert any(line.startswith(f"HelmRelease in {SEED}: not allowed: ") and "forbidden" in line
               for line in report["unavailable"])
    assert report["cannot_judge"] is None  # pods, events and logs were all read


# -- RBAC: nobody ------------------------------------------------------------------------------

def test_nobody_check_says_it_cannot_judge(nobody):
    out = check(nobody)
    assert out.returncode == EXIT_CANNOT_JUDGE, out.stdout
    assert "Nothing wrong found" not in out.stdout
    assert "forbidden" in out.stdout
    assert "Cannot judge: Pods could not be read" in " ".join(out.stdout.split())


def test_nobody_check_json_lists_every_forbidden_kind(nobody):
    out = check(nobody, "-o", "json")
    assert out.returncode == EXIT_CANNOT_JUDGE
    report = orjson.loads(out.stdout)
    for kind in ("Pod", "Event", "HelmRelease", "Namespace"):
        assert any(kind in line and "forbidden" in line for line in report["unavailable"]), \
            (kind, report["unavailable"])
    assert report["findings"] == [] and report["cannot_judge"].startswith("Pods could not be read")


def test_nobody_markdown_has_its_own_section_and_no_verdict_of_health(nobody):
    out = check(nobody, "-o", "markdown")
    assert out.returncode == EXIT_CANNOT_JUDGE
    assert "## Could not be read" in out.stdout
    assert "Nothing wrong found" not in out.stdout
    assert "Cannot judge: Pods could not be read" in out.stdout


# -- a kind that costs only what depends on it -------------------------------------------------

def test_healthy_cluster_without_secrets_is_judged_on_what_could_be_read(tmp_path_factory):
    for kubeconfig in served(tmp_path_factory, "nosecrets", "healthy",
                             rbac=Rbac(deny=[Deny(resources=("secrets",))])):
        out = check(kubeconfig)
        report = orjson.loads(check(kubeconfig, "-o", "json").stdout)
    assert out.returncode == 0, out.stdout
    assert "Nothing wrong found in what could be read." in out.stdout
    assert [line.split(":")[0] for line in report["unavailable"]] == ["Secret"]
    assert report["cannot_judge"] is None
