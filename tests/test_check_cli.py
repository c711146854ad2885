"""`kubetriage check`: exit codes 0/1/2, the three formats, silences, the published schema, and
secret values never printed."""

from __future__ import annotations

import base64

import jsonschema
import orjson
import pytest
import yaml

from kubetriage.cli import main

CRASHING = {
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "web-1", "namespace": "shop", "uid": "u1"},
    "spec": {"containers": [{"name": "app", "image": "r.example:5000/web:1",
                             "env": [{"name": "TOKEN", "valueFrom": {"secretKeyRef": {
                                 "name": "web-secret", "key": "token"}}}]}]},
    "status": {"phase": "Running", "containerStatuses": [{
        "name": "app", "ready": False, "restartCount": 9,
        "state": {"waiting": {"reason": "CrashLoopBackOff"}},
        "lastState": {"terminated": {"exitCode": 1, "reason": "Error"}}}]},
}
PLANTED = "hunter2-planted-value"


def write_dump(tmp_path, *objects, logs=None):
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "objects.yaml").write_text(yaml.safe_dump_all(list(objects)))
    for (ns, pod, container), text in (logs or {}).items():
        path = tmp_path / "logs" / ns / pod / f"{container}.previous.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return str(tmp_path)


def run(capsys, *argv):
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_exit_1_and_the_finding_when_something_is_at_error(tmp_path, capsys):
    dump = write_dump(tmp_path, CRASHING, logs={("shop", "web-1", "app"):
                                                "ModuleNotFoundError: No module named 'dapr'\n"})
    code, out, _ = run(capsys, "--from-dump", dump, "-o", "json")
    report = orjson.loads(out)
    assert code == 1
    assert [f["check"] for f in report["findings"]] == ["KT-201"]
    assert "'dapr' is not installed" in report["findings"][0]["summary"]


def test_exit_0_when_nothing_is_wrong(tmp_path, capsys):
    pod = {**CRASHING, "status": {"phase": "Running", "containerStatuses": [
        {"name": "app", "ready": True, "restartCount": 0, "state": {"running": {}}}]}}
    code, out, _ = run(capsys, "--from-dump", write_dump(tmp_path, pod))
    assert code == 0
    assert "Nothing wrong found." in out


def test_json_output_validates_against_the_published_schema(tmp_path, capsys):
    dump = write_dump(tmp_path, CRASHING)
    _, schema, _ = run(capsys, "--schema")
    _, out, _ = run(capsys, "--from-dump", dump, "-o", "json")
    jsonschema.validate(orjson.loads(out), orjson.loads(schema))


def test_ignore_hides_a_code_and_says_how_many(tmp_path, capsys):
    code, out, _ = run(capsys, "--from-dump", write_dump(tmp_path, CRASHING), "--ignore",
                       "KT-201")
    assert code == 0
    assert "0 findings, 1 silenced" in " ".join(out.split())  # wrapped at the width


def test_silences_file_hides_by_code_and_object(tmp_path, capsys):
    silences = tmp_path / "silences.yaml"
    silences.write_text("silences:\n  - {code: KT-201, namespace: shop, name: 'web-*'}\n")
    code, out, _ = run(capsys, "--from-dump", write_dump(tmp_path / "d", CRASHING),
                       "--silences", str(silences), "-o", "json")
    assert code == 0 and orjson.loads(out)["silenced"] == 1


def test_silence_for_another_object_does_not_hide(tmp_path, capsys):
    silences = tmp_path / "silences.yaml"
    silences.write_text("silences:\n  - {code: KT-201, namespace: other}\n")
    code, _, _ = run(capsys, "--from-dump", write_dump(tmp_path / "d", CRASHING),
                     "--silences", str(silences))
    assert code == 1


@pytest.mark.parametrize("argv, message", [
    (["--ignore", "KT-999"], "--ignore KT-999: unknown check code"),
    (["--from-dump", "/nonexistent/dump"], "/nonexistent/dump: no such file or directory"),
    (["--demo", "no-such-scenario"], "unknown scenario 'no-such-scenario'"),
    ([], "no kubeconfig: /nonexistent/.kube/config does not exist and KUBECONFIG is not set"),
], ids=["unknown-code", "missing-dump", "unknown-scenario", "no-source"])
def test_usage_errors_are_one_line_and_exit_2(capsys, monkeypatch, argv, message):
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.setenv("HOME", "/nonexistent")
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("kubetriage: error: ") and message in err and err.count("\n") == 1


@pytest.mark.parametrize("files", [{}, {"passwd": "root:x:0:0::/root:/bin/sh\n",
                                      "ssh/sshd_config": "Port 22\n", "hosts.conf": "x\n"},
                                     {"empty.json": '{"apiVersion": "v1", "kind": "List", '
                                                    '"items": []}'}],
                         ids=["empty-directory", "like-etc", "an-empty-list"])
def test_a_path_without_kubernetes_objects_exits_2(tmp_path, capsys, files):
    """A wrong path in CI is an error, not a healthy cluster."""
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    code, out, err = run(capsys, "--from-dump", str(tmp_path))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert f"--from-dump {tmp_path}: no Kubernetes objects in it" in err
    assert ("3 files, none .json, .yaml or .yml" in err) == (len(files) == 3)


def test_bad_silences_file_names_file_and_field(tmp_path, capsys):
    silences = tmp_path / "s.yaml"
    silences.write_text("silences:\n  - {code: KT-777}\n")
    code, _, err = run(capsys, "--from-dump", write_dump(tmp_path, CRASHING), "--silences",
                       str(silences))
    assert code == 2 and f"{silences}: silences.0.code:" in err and "KT-777" in err


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_secret_values_never_appear(tmp_path, capsys, monkeypatch, fmt):
    encoded = base64.b64encode(PLANTED.encode()).decode()
    secret = {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
              "metadata": {"name": "web-secret", "namespace": "shop", "annotations": {
                  "kubectl.kubernetes.io/last-applied-configuration": orjson.dumps(
                      {"stringData": {"token": PLANTED}}).decode()}},
              "data": {"token": encoded}, "stringData": {"token": PLANTED}}
    config_error = {**CRASHING, "metadata": {"name": "web-2", "namespace": "shop"},
                    "status": {"phase": "Pending", "containerStatuses": [{
                        "name": "app", "restartCount": 0, "state": {"waiting": {
                            "reason": "CreateContainerConfigError",
                            "message": "couldn't find key token in Secret shop/web-secret"}}}]}}
    monkeypatch.setenv("NO_COLOR", "1")
    dump = write_dump(tmp_path, secret, CRASHING, config_error)
    code, out, _ = run(capsys, "--from-dump", dump, "-o", fmt)
    assert code == 1 and "web-secret" in out  # the secret is named, its value never
    assert PLANTED not in out and encoded not in out


def test_text_fits_80_columns_without_colour(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")
    dump = write_dump(tmp_path, CRASHING, logs={("shop", "web-1", "app"): "x" * 500 + "\n"})
    _, out, _ = run(capsys, "--from-dump", dump)
    assert "\x1b[" not in out
    # a command is never broken (the terminal's soft wrap copies whole); the rest fits
    assert max(len(line) for line in out.splitlines() if not line.lstrip().startswith("$ ")) \
        <= 80


def test_text_commands_copy_whole_and_wrapped_evidence_keeps_its_marker(capsys, monkeypatch):
    """80 columns, midwestmtg: each `$ ` line is a whole command of the JSON's fixes; every
    line of an evidence block (wrapped ones too) starts with │; an evidence line cut for length
    ends at a word, not inside one."""
    import json

    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")
    _, out, _ = run(capsys, "--demo", "midwestmtg")
    _, raw, _ = run(capsys, "--demo", "midwestmtg", "-o", "json")
    commands = {r["command"] for f in json.loads(raw)["findings"] for r in f["remediations"]
                if r["command"]}
    printed = [line.strip()[2:] for line in out.splitlines() if line.strip().startswith("$ ")]
    assert printed and set(printed) <= commands  # each a whole command (members' are brief)
    lines = out.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("    │ ") and i + 1 < len(lines):
            following = lines[i + 1]
            # after an evidence line comes more evidence, a fix, or the next finding
            assert following.startswith(("    │ ", "    fix: ", "  └→ ", "  ● ")) or \
                not following.strip() or not following.startswith("    ") or \
                following.startswith("    (its evidence"), (line, following)


def test_evidence_cut_for_length_keeps_its_end_and_whole_words():
    """An error's verdict is at its end: a long line is cut in the middle, at words."""
    from kubetriage.checks.finding import EVIDENCE_WIDTH, Finding, ObjectRef

    message = ('Helm upgrade failed: cannot patch "etcd-operator-controller-manager" with kind '
               'Deployment: ' + "running hooks " * 60 + "spec.selector: field is immutable")
    f = Finding(id="x", check="KT-000", title="t", severity="error",
                object=ObjectRef(kind="Pod", namespace="a", name="b"), summary="s",
                evidence=[message])
    [line] = f.evidence
    assert len(line) <= EVIDENCE_WIDTH
    assert line.startswith("Helm upgrade failed: cannot patch") and \
        line.endswith("spec.selector: field is immutable")
    head, tail = line.split(" … ")
    assert all(word in message.split() for word in (head.split()[-1], tail.split()[0]))


def text_of(capsys, monkeypatch, scenario: str) -> str:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = run(capsys, "--demo", scenario)
    assert code == 1
    return out


def stated(out: str) -> list[str]:
    """The evidence lines of a text report, each joined back from its wrapped lines."""
    lines, current = [], None
    for line in out.splitlines():
        if line.startswith("    │   ") and current is not None:  # a wrapped line, marked
            lines[-1] += " " + line[len("    │   "):].strip()
        elif line.startswith("    │ "):
            current = line[len("    │ "):]
            lines.append(current)
        elif current is not None and line.startswith("    ") and not line.startswith("     ") \
                and not line.lstrip().startswith(("fix:", "$", "└→", "●")):
            lines[-1] += " " + line.strip()
        else:
            current = None
    return lines


@pytest.mark.parametrize("scenario", ["midwestmtg", "registry-rebuild", "staging"])
def test_text_states_each_evidence_line_once(capsys, monkeypatch, scenario):
    lines = stated(text_of(capsys, monkeypatch, scenario))
    assert lines and len(lines) == len(set(lines))


def test_text_tells_the_alembic_cause_once_and_its_members_briefly(capsys, monkeypatch):
    out = text_of(capsys, monkeypatch, "midwestmtg")
    assert out.count("ERROR [alembic.util.messaging] Multiple head revisions") == 1
    chain1 = out.split("chain 2 ·")[0]
    # what the hook breaks: each a summary, no evidence of its own
    assert "KT-101 HelmRelease midwestmtg/midwestmtg-backend" in chain1
    assert 'nginx cannot resolve its upstream host "midwestmtg-backend"' in " ".join(chain1.split())
    # evidence only under the root (a wrapped evidence line keeps its │, indented further)
    firsts = [line for line in chain1.splitlines()
              if line.startswith("    │ ") and not line.startswith("    │   ")]
    assert len(firsts) == len(stated(chain1))


def test_text_folds_many_members_of_one_check(capsys, monkeypatch):
    out = text_of(capsys, monkeypatch, "registry-rebuild")
    assert len(out.splitlines()) < 150
    assert "KT-301 5 × SealedSecret: SealedSecret not synced" in out
    assert 'msg="New key written"' in out


def test_help_documents_every_exit_code(capsys):
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    out = capsys.readouterr().out
    for code in ("0  nothing at severity error", "1  something at severity error",
                 "2  usage or connection error", "3  nothing at error or above, but too little"):
        assert code in out
