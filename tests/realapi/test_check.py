"""`kubetriage check --context` on the real server finds what `check --demo` finds, except what
only a pod's log proves: there is no kubelet, so pods/log answers 500 (as on a cluster whose node
is gone). What check could not read it says: each log with the server's words, and the crash
loops whose cause is in those logs say so (issue 14; tests/test_check_unseen.py holds the same on
the embedded server with --kubelet-down)."""

from __future__ import annotations

import subprocess
import sys

import orjson
import pytest

from tests.realapi.cluster import CONTEXT
from tests.realapi.conftest import SEED

MIGRATION = "KT-201/Pod/midwestmtg/midwestmtg-backend-migration-kwtdz/migration"
FRONTEND_CRASH = "KT-201/Pod/midwestmtg/midwestmtg-frontend-7797b494d9-x48qh/frontend"
IMAGE_PULL = "KT-202/Pod/midwestmtg/midwestmtg-frontend-bb7d869dd-ww4w8/frontend"
# hook pod -> hook Job -> its release -> the release that depends on it: ownerReferences, hook
# annotations and dependsOn, no log needed
HOOK_CHAIN = [MIGRATION, "KT-104/Job/midwestmtg/midwestmtg-backend-migration",
              "KT-101/HelmRelease/midwestmtg/midwestmtg-backend",
              "KT-102/HelmRelease/midwestmtg/midwestmtg-discord-bot"]
# ... and on from the missing backend Service, which only the frontend's nginx log names
MISSING_SERVICE = "KT-402/Service/midwestmtg/midwestmtg-backend"
THROUGH_THE_LOG = [MISSING_SERVICE, FRONTEND_CRASH,
                   "KT-101/HelmRelease/midwestmtg/midwestmtg-frontend",
                   "KT-401/Service/midwestmtg/midwestmtg-frontend"]
CRASH_LOOPS = {MIGRATION: ("midwestmtg-backend-migration-kwtdz", "migration"),
               FRONTEND_CRASH: ("midwestmtg-frontend-7797b494d9-x48qh", "frontend")}


def check(*args: str) -> tuple[int, dict]:
    # -n: other tests of the tier add objects in namespaces of their own; every finding of the
    # demo is in the seed's namespace, and -n changes none of the demo's chains
    out = subprocess.run([sys.executable, "-m", "kubetriage", "check", "-n", SEED,
                          "-o", "json", *args], capture_output=True, text=True, timeout=60)
    assert out.returncode in (0, 1, 3), out.stderr
    return out.returncode, orjson.loads(out.stdout)


@pytest.fixture(scope="module")
def demo() -> tuple[int, dict]:
    return check("--demo", SEED)


@pytest.fixture(scope="module")
def live(realapi) -> tuple[int, dict]:
    return check("--kubeconfig", str(realapi.kubeconfig), "--context", CONTEXT)


def chains(report: dict) -> dict[str, list[str]]:
    return {c["root"]: c["links"] for c in report["chains"]}


def findings(report: dict) -> dict[str, dict]:
    return {f["id"]: f for f in report["findings"]}


def test_same_exit_code_and_every_finding_but_the_one_a_log_proves(demo, live):
    (demo_code, demo_report), (live_code, live_report) = demo, live
    assert live_code == demo_code == 1
    assert set(findings(demo_report)) - set(findings(live_report)) == {MISSING_SERVICE}
    assert set(findings(live_report)) <= set(findings(demo_report))


def test_findings_that_need_no_log_read_the_same(demo, live):
    want, got = findings(demo[1]), findings(live[1])
    same = set(got) - set(CRASH_LOOPS) - {HOOK_CHAIN[1]}  # those three read logs
    assert len(same) == 5
    for fid in same:
        for field in ("check", "severity", "object", "summary", "evidence", "remediations"):
            assert got[fid][field] == want[fid][field], (fid, field)


def test_chains_that_need_no_log_are_the_demos(demo, live):
    want, got = chains(demo[1]), chains(live[1])
    assert want == {MIGRATION: HOOK_CHAIN + THROUGH_THE_LOG, IMAGE_PULL: want[IMAGE_PULL]}
    assert got[MIGRATION] == HOOK_CHAIN
    assert got[IMAGE_PULL] == want[IMAGE_PULL]
    # without the log naming the missing Service, the frontend's crash loop stands alone
    assert got[FRONTEND_CRASH] == THROUGH_THE_LOG[1:]
    assert set(got) == {MIGRATION, IMAGE_PULL, FRONTEND_CRASH}


def test_the_crash_loop_causes_come_from_the_logs_the_server_could_not_give(demo, live):
    """What the user sees today: the causes the demo reads in the logs are missing."""
    want, got = findings(demo[1]), findings(live[1])
    assert "Multiple head revisions" in " ".join(want[MIGRATION]["evidence"])
    assert "host not found in upstream" in " ".join(want[FRONTEND_CRASH]["evidence"])
    for fid in CRASH_LOOPS:
        assert not any("Multiple head" in e or "host not found" in e
                       for e in got[fid]["evidence"])


def test_unavailable_lists_each_log_that_could_not_be_read(live):
    unavailable = live[1]["unavailable"]
    for pod, container in CRASH_LOOPS.values():
        lines = [u for u in unavailable if pod in u and container in u]
        assert lines, f"log of {pod}/{container} not listed in unavailable: {unavailable}"
        # the server's own words: pods/log is proxied to a kubelet that does not answer
        assert any("10250" in u and "connection refused" in u for u in lines), lines


def test_crash_loops_say_their_log_could_not_be_read(live):
    got = findings(live[1])
    for fid in (*CRASH_LOOPS, HOOK_CHAIN[1]):
        text = " ".join([got[fid]["summary"], *got[fid]["evidence"]])
        assert "the log does not say why" not in text, fid
        assert "could not be read" in text and "10250" in text, fid
