"""Two entries with one name in a kubeconfig file: kubectl takes the last, a reader of the list
the first; which cluster a command reaches would depend on the tool. Said in one line."""

from __future__ import annotations

import pytest
import yaml

from kubetriage.cluster.connect import connect
from kubetriage.errors import UsageError


def config(tmp_path, contexts, clusters):
    path = tmp_path / "config"
    path.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "prod",
        "clusters": [{"name": n, "cluster": {"server": s}} for n, s in clusters],
        "contexts": [{"name": n, "context": {"cluster": c, "user": "u"}} for n, c in contexts],
        "users": [{"name": "u", "user": {"token": "t"}}]}))
    return str(path)


@pytest.mark.parametrize("contexts, clusters, said", [
    ([("prod", "a"), ("prod", "b")], [("a", "http://127.0.0.1:1"), ("b", "http://127.0.0.1:2")],
     "context 'prod' is defined 2 times in"),
    ([("prod", "a")], [("a", "http://127.0.0.1:1"), ("a", "http://127.0.0.1:2")],
     "cluster 'a' is defined 2 times in"),
], ids=["context", "cluster"])
async def test_a_name_defined_twice_is_said(tmp_path, contexts, clusters, said):
    with pytest.raises(UsageError) as err:
        await connect(config(tmp_path, contexts, clusters), probe=False, environ={})
    assert said in str(err.value), str(err.value)
