"""The catalogue of checks: codes are unique, well formed, in their domain's range, never a
retired one, and every check says what it detects."""

from __future__ import annotations

import re

from kubetriage.checks.finding import SEVERITY_RANK
from kubetriage.checks.registry import CHECKS, DOMAINS, RETIRED


def test_codes_are_unique_and_well_formed():
    codes = [c.code for c in CHECKS]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"KT-[1-9]\d\d", code) for code in codes), codes


def test_every_code_is_in_a_known_domain_range():
    assert all(int(c.code[3:]) // 100 * 100 in DOMAINS for c in CHECKS)


def test_retired_codes_are_never_reused():
    assert not {c.code for c in CHECKS} & set(RETIRED)


def test_every_check_declares_what_it_detects():
    for c in CHECKS:
        assert c.doc.startswith(f"{c.code}:"), c.module
        assert c.title and c.kinds and c.severity in SEVERITY_RANK, c.module


def test_docs_list_is_generated_from_the_registry(repo):
    """docs/checks.md is what `kubetriage check --list-checks` prints: never kept by hand."""
    from kubetriage.checks.registry import CHECKS, catalogue

    doc = (repo / "docs" / "checks.md").read_text()
    assert doc == catalogue(), "regenerate: kubetriage check --list-checks > docs/checks.md"
    for check in CHECKS:
        assert f"| {check.code} | {check.title} |" in doc


def test_every_check_has_its_fixture_test_file(repo):
    """One check, one test file beside the others (k8sgpt's analyzer-beside-its-test rule)."""
    missing = [c.module for c in CHECKS
               if not (repo / "tests" / "checks" / f"test_{c.module}.py").exists()]
    assert missing == []
