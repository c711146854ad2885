"""The real kubectl lists the kinds issue 13 added, with the columns a real cluster prints:
Flux sources from their CRDs' printer columns, cert-manager's from its CRDs', and the built-in
ResourceQuota, LimitRange and StorageClass from the API server's printers."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from kubetriage.sim.scenario import SCENARIO_DIR
from kubetriage.sim.server import run_in_thread

pytestmark = pytest.mark.skipif(shutil.which("kubectl") is None,
                                reason="kubectl is not installed on this machine")


def kubectl_on(scenario: str, tmp_path: Path, *args: str) -> list[list[str]]:
    with run_in_thread(str(SCENARIO_DIR / scenario)) as sim:
        kubeconfig = sim.write_kubeconfig(tmp_path / "kubeconfig")
        out = subprocess.run(["kubectl", "--kubeconfig", str(kubeconfig), "--request-timeout",
                              "10s", *args], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return [line.split() for line in out.stdout.splitlines()]


def test_flux_sources_print_their_crd_columns(tmp_path):
    rows = kubectl_on("flux-sources", tmp_path, "get", "helmcharts", "-A")
    assert rows[0] == ["NAMESPACE", "NAME", "CHART", "VERSION", "SOURCE", "KIND", "SOURCE",
                       "NAME", "AGE", "READY", "STATUS"]
    prism = next(r for r in rows if r[1] == "vela-system-vela-prism")
    assert prism[2:6] == ["vela-prism", "0.1.0", "HelmRepository", "vela-prism"]
    assert prism[7] == "False" and " ".join(prism[8:]).startswith("invalid chart reference:")
    rows = kubectl_on("flux-sources", tmp_path, "get", "gitrepositories,ocirepositories", "-A")
    assert any(r[1] == "gitrepository.source.toolkit.fluxcd.io/homelab-apps" and "False" in r
               for r in rows)


def test_cert_manager_kinds_print_their_crd_columns(tmp_path):
    rows = kubectl_on("stateful-tools", tmp_path, "get", "certificates", "-A", "-o", "wide")
    assert rows[0] == ["NAMESPACE", "NAME", "READY", "SECRET", "ISSUER", "STATUS", "EXPIRATION",
                       "AGE"]
    grafana = next(r for r in rows if r[1] == "grafana-tls")
    assert grafana[2:5] == ["False", "grafana-tls", "letsencrypt-prod"]
    rows = kubectl_on("stateful-tools", tmp_path, "get", "certificaterequests", "-n", "grafana")
    assert rows[0] == ["NAME", "APPROVED", "DENIED", "READY", "ISSUER", "REQUESTER", "AGE"]
    rows = kubectl_on("stateful-tools", tmp_path, "get", "clusterissuers")
    assert rows[0] == ["NAME", "READY", "AGE"] and rows[1][:2] == ["letsencrypt-prod", "True"]


def test_quotas_limit_ranges_and_storage_classes(tmp_path):
    rows = kubectl_on("quota-and-limits", tmp_path, "get", "resourcequota", "-n",
                      "offender-management")
    assert rows[0] == ["NAME", "AGE", "REQUEST", "LIMIT"]
    assert rows[1][0] == "namespace-quota"
    assert " ".join(rows[1][2:]) == "limits.cpu: 6/6, limits.memory: 12Gi/12Gi"
    rows = kubectl_on("quota-and-limits", tmp_path, "get", "limitrange", "-n", "ml")
    assert rows[0] == ["NAME", "CREATED", "AT"] and rows[1][0] == "mem-limits"
    rows = kubectl_on("stateful-tools", tmp_path, "get", "storageclass")
    assert rows[0] == ["NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE",
                       "ALLOWVOLUMEEXPANSION", "AGE"]
    assert rows[1][:5] == ["gp3", "ebs.csi.aws.com", "Delete", "WaitForFirstConsumer", "false"]
