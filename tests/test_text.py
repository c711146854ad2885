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
], ids=["csi", "osc-bel", "osc-hyperlink", "c1-csi", "tab", "newline", "del-c1", "bidi", "c0",
        "untouched"])
def test_clean_removes_controls(raw, shown):
    assert clean(raw) == shown


def test_a_finding_cleans_every_string_it_holds():
    f = Finding(id="x\x1b[2J", check="KT-201", title="t", severity="error",
                object=ObjectRef(kind="Pod", namespace="n\u202e", name="p\x9b1m"),
                summary="s\x1b]0;t\x07", evidence=["e\x1b[1m", "\x1b[0m"])
    dumped = f.model_dump_json()
    assert not any(ch in dumped for ch in "\x1b\x9b\u202e\x07")
    assert f.evidence == ["e"]  # a line that was only escapes is dropped
