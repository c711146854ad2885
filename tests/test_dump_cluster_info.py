"""The dump operators already know how to make: `kubectl cluster-info dump --output-directory DIR
--all-namespaces`, made here by the real kubectl against the embedded server, read by the dump
reader with its per-namespace Lists and <namespace>/<pod>/logs.txt, and diagnosed."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from kubetriage.cluster.dump import load_dump
from kubetriage.diagnosis import diagnose
from kubetriage.sim.scenario import SCENARIO_DIR
from kubetriage.sim.server import run_in_thread

pytestmark = pytest.mark.skipif(shutil.which("kubectl") is None,
                                reason="kubectl is not installed on this machine")


@pytest.fixture(scope="module")
def cluster_info(tmp_path_factory):
    out = tmp_path_factory.mktemp("cluster-info")
    with run_in_thread(str(SCENARIO_DIR / "init-and-crashes")) as sim:
        kubeconfig = sim.write_kubeconfig(out / "kubeconfig")
        done = subprocess.run(["kubectl", "--kubeconfig", str(kubeconfig), "cluster-info", "dump",
                               "--output-directory", str(out / "dump"), "--all-namespaces"],
                              capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return out / "dump"


def test_kubectl_writes_the_layout_the_reader_expects(cluster_info):
    assert (cluster_info / "nodes.json").is_file()
    assert (cluster_info / "wekan" / "pods.json").is_file()
    assert list(cluster_info.glob("wekan/*/logs.txt"))


def test_the_reader_takes_its_objects_and_each_containers_log(cluster_info):
    dump = load_dump(cluster_info)
    assert dump.warnings == []
    kinds = {o["kind"] for o in dump.objects}
    assert {"Node", "Pod", "Event", "Service", "Deployment", "ReplicaSet", "DaemonSet"} <= kinds
    logs = {(k.namespace, k.container): text for k, text in dump.logs.items()}
    assert "Error: Cannot find module '/build/main.js'" in logs[("wekan", "wekan")]
    assert logs[("external-secrets", "api")] == "exec /bin/connect-api: exec format error\n"
    assert logs[("external-secrets", "sync")] == "exec /bin/connect-sync: exec format error\n"
    # kubectl's "Request log error" for a container that never started is not a log
    assert ("shop", "server") not in logs


def test_the_diagnosis_of_the_dump_reads_the_causes(cluster_info):
    report = diagnose(load_dump(cluster_info).snapshot())
    by_id = {f.id: f for f in report.findings}
    roots = {by_id[c.root].object.name for c in report.chains}
    assert {"redis-cart", "kube-dns"} <= roots
    assert any("Cannot find module '/build/main.js'" in f.summary for f in report.findings)


def test_files_it_does_not_know_are_warned_about(cluster_info, tmp_path):
    copy = tmp_path / "dump"
    shutil.copytree(cluster_info, copy)
    (copy / "wekan" / "notes.md").write_text("who ran this\n")
    (copy / "nowhere" / "gone-pod").mkdir(parents=True)
    (copy / "nowhere" / "gone-pod" / "logs.txt").write_text("x\n")
    dump = load_dump(copy)
    assert any("notes.md: skipped" in w for w in dump.warnings)
    assert any("no pod nowhere/gone-pod in the dump" in w for w in dump.warnings)
