"""The dump reader: what `kubectl get -o json|yaml` writes loads whole, and every bad input is one
line naming the file and the line or item, exit code 2 from the command."""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest

from kubetriage.cluster.dump import DumpError, LogKey, load_dump
from kubetriage.cluster.slimdump import load_slim_dump

POD_YAML = """\
apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: web
spec:
  containers: [{{name: app, image: nginx}}]
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_reads_a_kubectl_list_as_json(tmp_path):
    items = [orjson.loads(orjson.dumps({"apiVersion": "v1", "kind": "Pod",
                                        "metadata": {"name": f"p{i}", "namespace": "web"}}))
             for i in range(3)]
    f = write(tmp_path / "pods.json",
              orjson.dumps({"apiVersion": "v1", "kind": "List", "items": items}).decode())
    assert [o["metadata"]["name"] for o in load_dump(f).objects] == ["p0", "p1", "p2"]


def test_typed_api_list_gives_its_items_kind_and_version(tmp_path):
    f = write(tmp_path / "pods.json", '{"apiVersion":"v1","kind":"PodList","items":'
                                      '[{"metadata":{"name":"a","namespace":"web"}}]}')
    obj = load_dump(f).objects[0]
    assert (obj["apiVersion"], obj["kind"]) == ("v1", "Pod")


def test_reads_multi_document_yaml_and_a_directory_with_logs(tmp_path):
    write(tmp_path / "a.yaml", POD_YAML.format(name="one") + "---\n" + POD_YAML.format(name="two"))
    write(tmp_path / "sub" / "b.yml", POD_YAML.format(name="three"))
    write(tmp_path / "logs/web/one/app.log", "hello\n")
    write(tmp_path / "logs/web/one/app.previous.log", "crashed\n")
    dump = load_dump(tmp_path)
    assert sorted(o["metadata"]["name"] for o in dump.objects) == ["one", "three", "two"]
    assert dump.logs[LogKey("web", "one", "app")] == "hello\n"
    assert dump.logs[LogKey("web", "one", "app", previous=True)] == "crashed\n"
    assert dump.warnings == []


def test_a_file_dump_finds_logs_beside_it(tmp_path):
    f = write(tmp_path / "dump.yaml", POD_YAML.format(name="one"))
    write(tmp_path / "logs/web/one/app.log", "line\n")
    assert load_dump(f).logs == {LogKey("web", "one", "app"): "line\n"}


def test_timeline_is_not_an_object(tmp_path):
    write(tmp_path / "pods.yaml", POD_YAML.format(name="one"))
    write(tmp_path / "timeline.yaml", "steps: []\n")
    assert len(load_dump(tmp_path).objects) == 1


# Bad input: each asserts the exact line a user sees.

def test_missing_path(tmp_path):
    with pytest.raises(DumpError) as e:
        load_dump(tmp_path / "nope")
    assert str(e.value) == f"{tmp_path / 'nope'}: no such file or directory"


def test_neither_yaml_nor_json(tmp_path):
    f = write(tmp_path / "x.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: [unclosed\n")
    with pytest.raises(DumpError) as e:
        load_dump(f)
    assert str(e.value) == f"{f}:4: neither JSON nor YAML (did not find expected ',' or ']')"


def test_plain_text_is_not_an_object(tmp_path):
    f = write(tmp_path / "notes.yaml", "just some words\n")
    with pytest.raises(DumpError) as e:
        load_dump(f)
    assert str(e.value) == f"{f}:1: neither JSON nor YAML (plain text, not an object)"


def test_broken_json(tmp_path):
    f = write(tmp_path / "x.json", '{"apiVersion": "v1",\n "kind": }')
    with pytest.raises(DumpError) as e:
        load_dump(f)
    assert str(e.value).startswith(f"{f}:2:")
    assert "not valid JSON" in str(e.value)


@pytest.mark.parametrize("doc, message", [
    ("kind: Pod\nmetadata: {name: a}\n", "object without apiVersion"),
    ("apiVersion: v1\nmetadata: {name: a}\n", "object without kind"),
    ("apiVersion: v1\nkind: Pod\nmetadata: {namespace: web}\n", "Pod without metadata.name"),
])
def test_object_without_identity(tmp_path, doc, message):
    f = write(tmp_path / "x.yaml", "---\n" + POD_YAML.format(name="ok") + "---\n" + doc)
    with pytest.raises(DumpError) as e:
        load_dump(f)
    assert str(e.value) == f"{f}:10: {message}"


def test_list_item_without_name_names_its_line(tmp_path):
    f = write(tmp_path / "x.yaml", "apiVersion: v1\nkind: List\nitems:\n"
                                   "- {apiVersion: v1, kind: Pod, metadata: {name: a}}\n"
                                   "- {apiVersion: v1, kind: Pod, metadata: {}}\n")
    with pytest.raises(DumpError) as e:
        load_dump(f)
    assert str(e.value) == f"{f}:5: Pod without metadata.name"


def test_duplicate_object_names_both_places(tmp_path):
    a = write(tmp_path / "a.yaml", POD_YAML.format(name="same"))
    b = write(tmp_path / "b.yaml", POD_YAML.format(name="same"))
    with pytest.raises(DumpError) as e:
        load_dump(tmp_path)
    assert str(e.value) == f"{b}:1: duplicate Pod web/same (first at {a}:1)"


def test_same_name_in_other_namespace_is_not_a_duplicate(tmp_path):
    write(tmp_path / "a.yaml", POD_YAML.format(name="same"))
    write(tmp_path / "b.yaml", POD_YAML.format(name="same").replace("web", "api"))
    assert len(load_dump(tmp_path).objects) == 2


def test_log_for_a_pod_not_in_the_dump_warns_and_goes_on(tmp_path):
    write(tmp_path / "a.yaml", POD_YAML.format(name="one"))
    log = write(tmp_path / "logs/web/ghost/app.log", "boo\n")
    dump = load_dump(tmp_path)
    assert dump.warnings == [f"{log}: no pod web/ghost in the dump; log ignored"]
    assert len(dump.objects) == 1 and dump.logs == {}


def test_stray_file_is_named_not_silently_skipped(tmp_path):
    write(tmp_path / "a.yaml", POD_YAML.format(name="one"))
    stray = write(tmp_path / "README.txt", "hi")
    assert load_dump(tmp_path).warnings == [
        f"{stray}: skipped, not a .json, .yaml or .yml file"]


# -- loaded slim, as `kubetriage check` loads a dump ------------------------------------------


def write_lists(root: Path, objects: list[dict], indent: bool = True) -> None:
    """As `kubectl get <kind> -A -o json` writes a dump: one List per kind, indented."""
    by_kind: dict[str, list] = {}
    for obj in objects:
        by_kind.setdefault(obj["kind"], []).append(obj)
    option = orjson.OPT_INDENT_2 if indent else 0
    for kind, items in by_kind.items():
        (root / f"{kind.lower()}s.json").write_bytes(
            orjson.dumps({"apiVersion": "v1", "kind": "List", "items": items}, option=option))


def test_a_slim_load_keeps_each_object_as_the_live_store_keeps_it(tmp_path):
    from kubetriage.cluster.slim import slim
    from kubetriage.sim.generate import generate_scenario

    objects = generate_scenario(pods=60, events=150, helmreleases=8, seed=3).dump.objects
    write_lists(tmp_path, objects)
    loaded = {(o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"]): o
              for o in load_slim_dump(tmp_path).objects}
    expected = {(o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"]): slim(o)
                for o in objects}
    assert loaded.keys() == expected.keys()
    for key, obj in expected.items():
        assert loaded[key] == obj, key
    pod = next(o for k, o in loaded.items() if k[0] == "Pod")
    assert "managedFields" not in pod["metadata"]


def test_a_list_of_mixed_kinds_or_a_typed_one_loads_slim_as_the_live_store_keeps_it(tmp_path):
    """Items are read as the first item's kind; one of another kind (an event among pods, a
    Service) is still read as what it is, and a PodList's items take its kind and version."""
    from kubetriage.cluster.slim import slim
    from kubetriage.sim.generate import generate_scenario

    objects = generate_scenario(pods=20, events=40, helmreleases=2, seed=5).dump.objects
    pods = [o for o in objects if o["kind"] == "Pod"]
    mixed = pods[:5] + [o for o in objects if o["kind"] in ("Event", "Service")][:10] + pods[5:]
    (tmp_path / "mixed.json").write_bytes(orjson.dumps({"apiVersion": "v1", "kind": "List",
                                                        "items": mixed}))
    typed = [{k: v for k, v in o.items() if k not in ("kind", "apiVersion")} for o in pods]
    (tmp_path / "typed.json").write_bytes(orjson.dumps({"apiVersion": "v1", "kind": "PodList",
                                                        "items": typed}, option=orjson.OPT_INDENT_2))
    for name, expected in (("mixed.json", mixed), ("typed.json", pods)):
        loaded = load_slim_dump(tmp_path / name).objects
        assert loaded == [slim(o) for o in expected], name


@pytest.mark.parametrize("scenario", ["midwestmtg", "registry-rebuild"])
def test_a_dump_loaded_slim_is_diagnosed_as_the_whole_one(tmp_path, scenario):
    from kubetriage.diagnosis import diagnose
    from kubetriage.sim.scenario import SCENARIO_DIR

    root = SCENARIO_DIR / scenario
    as_json = tmp_path / "json"
    shutil.copytree(root / "logs", as_json / "logs")
    write_lists(as_json, load_dump(root).objects)
    whole = diagnose(load_dump(root).snapshot(), source="x")
    for path in (root, as_json):  # YAML (read whole, then slimmed) and JSON Lists
        report = diagnose(load_slim_dump(path).snapshot(), source="x")
        assert [f.id for f in report.findings] == [f.id for f in whole.findings]
        assert [f.summary for f in report.findings] == [f.summary for f in whole.findings]
        assert [c.links for c in report.chains] == [c.links for c in whole.chains]


@pytest.mark.parametrize("text, message", [
    ('{"apiVersion": "v1",\n "kind": }', ":2:"),
    ('{"kind": "List", "items": [{"apiVersion": "v1", "kind": "Pod", "metadata": {}}]}',
     " items[0]: Pod without metadata.name"),
    ('{"kind": "List", "items": [5]}', " items[0]: not a Kubernetes object"),
    ('{"kind": "List", "items": [{"apiVersion": "v1", "kind": "Pod", "metadata": "x"}]}',
     " items[0]: Pod without metadata.name"),
    ('{"kind": "List", "items": {"a": 1}}', ": List.items is not a list"),
])
def test_bad_input_loaded_slim_says_what_the_whole_load_says(tmp_path, text, message):
    f = write(tmp_path / "x.json", text)
    errors = []
    for load in (load_dump, load_slim_dump):
        with pytest.raises(DumpError) as e:
            load(f)
        errors.append(str(e.value))
    assert errors[0] == errors[1]
    assert errors[1].startswith(str(f)) and message in errors[1]


def test_the_largest_file_read_on_another_core_loads_and_fails_as_read_in_turn(tmp_path,
                                                                                monkeypatch):
    """`check` reads a dump's largest file (the pods) in a forked child meanwhile: the same
    objects in the same order, and a bad file or a duplicate told in the same words."""
    from kubetriage.cluster import dump
    from kubetriage.forked import started_forked
    from kubetriage.sim.generate import generate_scenario

    monkeypatch.setattr(dump, "OFFLOAD_MIN_BYTES", 1)
    objects = generate_scenario(pods=60, events=150, helmreleases=8, seed=3).dump.objects
    write_lists(tmp_path, objects, indent=True)
    started = []

    def offload(read):
        started.append(read)
        return started_forked(read)

    assert load_slim_dump(tmp_path, offload).objects == load_slim_dump(tmp_path).objects
    assert len(started) == 1  # the largest file, once

    def errors() -> list[str]:
        said = []
        for how in (None, offload):
            with pytest.raises(DumpError) as e:
                load_slim_dump(tmp_path, how)
            said.append(str(e.value))
        return said

    pods = tmp_path / "pods.json"  # the largest: read elsewhere
    duplicate = orjson.loads(pods.read_bytes())["items"][7]
    write(tmp_path / "aa.json", orjson.dumps({"kind": "List", "items": [duplicate]}).decode())
    said = errors()
    assert said[0] == said[1] and "duplicate Pod" in said[0] and "aa.json" in said[0], said
    (tmp_path / "aa.json").unlink()
    pods.write_text(pods.read_text().replace('"name"', '"name":', 1))  # not JSON any more
    said = errors()
    assert said[0] == said[1] and said[0].startswith(f"{pods}:"), said
