"""Restricted users on the real server's RBAC: what they see, and what they are told they cannot.

`reader` may get/list/watch pods and events in midwestmtg only (an explicit Role: the built-in
view role is empty without a controller-manager to aggregate it) and has midwestmtg as its
context's namespace; `lister` has the same Role and may list namespaces; `nobody` has no RBAC.
`check` lists what it could not read with the server's reason, and exits 3 when that leaves too
little to judge (issue 14; tests/test_check_unseen.py holds the same on the embedded server)."""

from __future__ import annotations

import subprocess
import sys

import orjson
import pytest

from kubetriage.actions import Actions
from kubetriage.cluster.discovery import WATCHED
from tests.conftest import CRDS
from tests.realapi.cluster import CONTEXT, kinds_not_served
from tests.realapi.conftest import READER_NAMESPACE, open_source, token_kubeconfig

EXIT_CANNOT_JUDGE = 3  # issue 14 item 3: "could not see enough to judge"
POD_FINDINGS = {"KT-201/Pod/midwestmtg/midwestmtg-backend-migration-kwtdz/migration",
                "KT-201/Pod/midwestmtg/midwestmtg-frontend-7797b494d9-x48qh/frontend",
                "KT-202/Pod/midwestmtg/midwestmtg-frontend-bb7d869dd-ww4w8/frontend"}


def forbidden(user: str, plural: str, group: str = "") -> str:
    """The real server's words for a cluster-wide list RBAC refuses."""
    resource = f"{plural}.{group}" if group else plural
    return f'{resource} is forbidden: User "{user}" cannot list resource "{plural}" in API ' \
           f'group "{group}" at the cluster scope'


def check(kubeconfig, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kubetriage", "check", "--kubeconfig",
                           str(kubeconfig), "--context", CONTEXT, *args],
                          capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def reader_kubeconfig(realapi, tmp_path_factory):
    return token_kubeconfig(realapi, tmp_path_factory.mktemp("reader"), "reader",
                            namespace=READER_NAMESPACE)


@pytest.fixture(scope="module")
def nobody_kubeconfig(realapi, tmp_path_factory):
    return token_kubeconfig(realapi, tmp_path_factory.mktemp("nobody"), "nobody")


async def test_reader_sees_its_namespace_and_is_told_what_it_may_not(reader_kubeconfig):
    async with await open_source(reader_kubeconfig) as source:
        store = source.store
        assert sorted(store.kinds()) == ["Event", "Pod"]
        assert {p["metadata"]["namespace"] for p in store.list("Pod")} == {READER_NAMESPACE}
        assert len(store.list("Pod")) == 4, sorted(p["metadata"]["name"] for p in store.list("Pod"))
        # the seed's 20, and any the real server added about its objects (see test_source)
        events = store.list("Event")
        assert len(events) >= 20 and {e["metadata"]["namespace"] for e in events} == \
            {READER_NAMESPACE}, len(events)
        assert store.not_visible["Pod"] == (
            f"not allowed across all namespaces ({forbidden('reader', 'pods')}); "
            f"showing namespaces {READER_NAMESPACE} only")
        assert store.not_visible["HelmRelease"] == (
            "not allowed across all namespaces ("
            f"{forbidden('reader', 'helmreleases', 'helm.toolkit.fluxcd.io')}); "
            "not visible in any namespace")
        assert store.not_visible["Namespace"] == f"not allowed: {forbidden('reader', 'namespaces')}"
        # pods and events too: one namespace
        assert set(store.not_visible) == set(WATCHED) - kinds_not_served(CRDS)
        assert store.state("HelmRelease").phase == "forbidden"


async def test_lister_is_shown_the_namespaces_where_it_may_list(realapi, tmp_path):
    """A user who may list namespaces: the source asks the server's access review namespace by
    namespace and watches pods where it may."""
    kubeconfig = token_kubeconfig(realapi, tmp_path, "lister")
    async with await open_source(kubeconfig) as source:
        assert {p["metadata"]["namespace"] for p in source.store.list("Pod")} == \
            {READER_NAMESPACE}
        assert source.store.count("Namespace") >= 6  # the seed's, and the server's own four
        why = source.store.not_visible["Pod"]
        assert why.startswith(f"not allowed across all namespaces ({forbidden('lister', 'pods')})"
                              f"; showing namespaces {READER_NAMESPACE} only; not allowed in "
                              "default, flux-system, "), why


async def test_actions_are_refused_with_the_servers_access_review(reader_kubeconfig, tmp_path):
    async with await open_source(reader_kubeconfig) as source:
        actions = Actions(source, audit_path=tmp_path / "audit.log")
        pod = source.store.get("Pod", READER_NAMESPACE, "midwestmtg-frontend-bb7d869dd-ww4w8")
        offers = {o.action.id: o.reason for o in await actions.offers(pod)}
        assert offers["delete-pod"] == ("RBAC: reader may not delete pods "
                                        "midwestmtg-frontend-bb7d869dd-ww4w8 in namespace "
                                        "midwestmtg")
        assert offers["force-delete-pod"].startswith("not applicable: it is not terminating")
        result = await actions.run(await actions.plan("delete-pod", pod), confirmed=True)
        assert result.outcome == "refused" and result.message == offers["delete-pod"]


def test_reader_check_finds_the_pod_findings_only(reader_kubeconfig):
    out = check(reader_kubeconfig, "-o", "json")
    assert out.returncode == 1, out.stderr
    assert {f["id"] for f in orjson.loads(out.stdout)["findings"]} == POD_FINDINGS


def test_reader_check_lists_the_kinds_it_could_not_read(reader_kubeconfig):
    report = orjson.loads(check(reader_kubeconfig, "-o", "json").stdout)
    for kind in ("HelmRelease", "Secret", "Job", "Service"):
        assert any(kind in line and "forbidden" in line for line in report["unavailable"]), \
            (kind, report["unavailable"])


async def test_nobody_is_told_by_the_source_that_it_sees_nothing(nobody_kubeconfig):
    async with await open_source(nobody_kubeconfig) as source:
        assert source.store.kinds() == []
        assert set(source.store.not_visible) == set(WATCHED) - kinds_not_served(CRDS)
        assert source.store.not_visible["Pod"] == (
            f"not allowed across all namespaces ({forbidden('nobody', 'pods')}); "
            "not visible in any namespace")


def test_nobody_check_says_it_cannot_judge(nobody_kubeconfig):
    out = check(nobody_kubeconfig)
    assert out.returncode == EXIT_CANNOT_JUDGE, out.stdout
    assert "Nothing wrong found" not in out.stdout
    assert "forbidden" in out.stdout


def test_nobody_check_json_lists_every_forbidden_kind(nobody_kubeconfig):
    out = check(nobody_kubeconfig, "-o", "json")
    assert out.returncode == EXIT_CANNOT_JUDGE
    unavailable = orjson.loads(out.stdout)["unavailable"]
    for kind in ("Pod", "Event", "HelmRelease", "Namespace"):
        assert any(kind in line and "forbidden" in line for line in unavailable), \
            (kind, unavailable)
