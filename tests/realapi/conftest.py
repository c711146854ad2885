"""The real-API tier: one genuine kube-apiserver v1.36.2 + etcd for the whole pytest session,
with the midwestmtg scenario loaded through its API. Skipped, with the reason, where the
binaries of ../shared/realapi are absent (see cluster.find_binaries).

Tests that change things do it in a namespace of their own (`scratch`), holding copies of seed
objects: the seed namespace stays as loaded for the tests that compare it with the demo.
"""

from __future__ import annotations

import copy
import itertools
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kubetriage.cluster.source import ClusterSource
from kubetriage.sim import scenario
from tests.realapi.cluster import CONTEXT, TOKENS, RealApi, find_binaries

SEED = "midwestmtg"  # the scenario, and the namespace its objects live in
READER_NAMESPACE = SEED  # the one namespace where `reader` and `lister` may see pods and events


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test of the tier on one xdist worker (`make test` runs --dist loadgroup): one real
    server per session (~330 MB, 7 s to start), not one per worker."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.xdist_group("realapi"))


@pytest.fixture(scope="session")
def seed_objects() -> list[dict[str, Any]]:
    return scenario.load(SEED).dump.objects


@pytest.fixture(scope="session")
def realapi(tmp_path_factory, seed_objects) -> RealApi:
    folder, why = find_binaries()
    if folder is None:
        pytest.skip(why)
    if shutil.which("kubectl") is None:
        pytest.skip("the real-API tier compares with kubectl, which is not installed")
    api = RealApi.start(folder, tmp_path_factory.mktemp("realapi"), crds=folder.parent / "crds")
    try:
        problems = api.load(seed_objects)
        if problems:
            pytest.fail(f"the real kube-apiserver refused {len(problems)} object(s) of the "
                        f"{SEED} scenario:\n  " + "\n  ".join(problems), pytrace=False)
        api.grant_reader("reader", READER_NAMESPACE)
        api.grant_reader("lister", READER_NAMESPACE, list_namespaces=True)
        yield api
    finally:
        api.stop()


@pytest.fixture
def kubectl(realapi) -> Callable[..., str]:
    """kubectl as the admin; returns stdout, fails the test on a non-zero exit."""
    return lambda *args: realapi.kubectl(*args).stdout


_numbers = itertools.count(1)


@pytest.fixture
def scratch(realapi, seed_objects) -> Callable[..., str]:
    """scratch(("Kind", "name"), ...) -> a new namespace holding copies of those seed objects
    (events about them included), loaded as the seed was."""

    def make(*wanted: tuple[str, str]) -> str:
        namespace = f"scratch-{next(_numbers)}"
        names = {name for _, name in wanted}
        copies = [copy.deepcopy(o) for o in seed_objects
                  if o["metadata"].get("namespace") == SEED
                  and ((o["kind"], o["metadata"]["name"]) in wanted
                       or (o["kind"] == "Event" and o["involvedObject"]["name"] in names))]
        for obj in copies:
            obj["metadata"]["namespace"] = namespace
            if obj["kind"] == "Event":
                obj["involvedObject"]["namespace"] = namespace
        problems = realapi.load([{"apiVersion": "v1", "kind": "Namespace",
                                  "metadata": {"name": namespace}}, *copies])
        assert not problems, problems
        return namespace

    return make


def token_kubeconfig(realapi: RealApi, tmp_path: Path, user: str,
                     namespace: str | None = None) -> Path:
    return realapi.write_kubeconfig(tmp_path / f"{user}.kubeconfig", token=TOKENS[user],
                                    user=user, namespace=namespace)


async def open_source(kubeconfig: Path, **options: Any) -> ClusterSource:
    source = await ClusterSource.open(str(kubeconfig), CONTEXT, **options)
    await source.wait_synced(timeout=20)
    return source


@pytest.fixture
async def admin_source(realapi):
    source = await open_source(realapi.kubeconfig)
    try:
        yield source
    finally:
        await source.close()
