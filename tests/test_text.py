"""Cluster text is untrusted: escapes, controls and bidi overrides never reach any output."""

from __future__ import annotations

import pytest

from kubetriage.checks.finding import Finding, ObjectRef
from kubetriage.core.text import clean


@pytest.mark.parametrize("raw, shown", [
    ("\x1b[31mred\x1b[0m", "red"),
    ("a\x1b]0;pwned\x07b", "ab"),
    ("a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "alink"),
    ("8-bit \x9b31mcsi", "8-bit csi"),
    ("tab\there", "tab here"),
    ("line\nbreak", "line break"),
    ("del\x7f and c1 \x85\x9f", "del and c1 "),
    ("bidi \u202egnp.exe\u202c \u2066x\u2069", "bidi gnp.exe x"),
    ("bell\x07 bs\x08", "bell bs"),
    ("plain ünïcode ✓", "plain ünïcode ✓"),
    ("marks \u200etxt.exe\u200f \u061c", "marks txt.exe "),
    ("one line\u2028two\u2029three", "one line two three"),
    ("ad\u200bmin \u200dx\u200c \u2060y", "admin x y"),
    ("\ufeffbom", "bom"),
], ids=["csi", "osc-bel", "osc-hyperlink", "c1-csi", "tab", "newline", "del-c1", "bidi", "c0",
        "untouched", "bidi-marks", "line-separators", "zero-width", "bom"])
def test_clean_removes_controls(raw, shown):
    assert clean(raw) == shown


def test_a_finding_cleans_every_string_it_holds():
    f = Finding(id="x\x1b[2J", check="KT-201", title="t", severity="error",
                object=ObjectRef(kind="Pod", namespace="n\u202e", name="p\x9b1m"),
                summary="s\x1b]0;t\x07", evidence=["e\x1b[1m", "\x1b[0m"])
    dumped = f.model_dump_json()
    assert not any(ch in dumped for ch in "\x1b\x9b\u202e\x07")
    assert f.evidence == ["e"]  # a line that was only escapes is dropped


async def test_a_line_separator_does_not_split_a_log_line(tmp_path):
    """U+2028/2029 (and \\v, \\f, \\x1c-\\x1e, \\x85) end a line for str.splitlines, not for a log:
    a line holding one stays one line, in a dump and from a live server."""
    from kubetriage.cluster.dump import load_dump
    from kubetriage.cluster.source import ClusterSource
    from tests.conftest import write_scenario

    root = write_scenario(tmp_path / "tiny")
    (root / "logs" / "web" / "web-abc-x1" / "app.log").write_text(
        "starting\nError: token\u2028INFO all good\x85 really\n")
    snap = load_dump(root).snapshot()
    assert snap.logs[("web", "web-abc-x1", "app", False)] == [
        "starting", "Error: token\u2028INFO all good\x85 really"]
    async with await ClusterSource.open(demo=str(root)) as source:
        assert await source.logs("web", "web-abc-x1", "app") == [
            "starting", "Error: token\u2028INFO all good\x85 really"]


def test_shorten_cuts_at_the_limit_with_an_ellipsis_and_leaves_short_text_alone():
    from kubetriage.core.text import shorten

    assert shorten("port 80 is in use", 40) == "port 80 is in use"
    cut = shorten("a " * 100, 21)
    assert len(cut) <= 21 and cut.endswith("…") and not cut.endswith(" …")
