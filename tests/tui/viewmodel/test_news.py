"""The chain news the dashboard tells: one toast at a time, what came and went untold, what is
left of a cause just fixed not told as news."""

from __future__ import annotations

from kubetriage.checks.finding import Chain, Finding, ObjectRef, Report
from kubetriage.tui.viewmodel.news import ANNOUNCE_EVERY_S, ChainNews


def chain(root: str, summary: str = "") -> Chain:
    return Chain(id=f"c-{root}", root=root, links=[root], summary=summary or f"{root} broke",
                 severity="error")


def finding(fid: str, pod: str) -> Finding:
    return Finding(id=fid, check=fid.split("/")[0], title="t", severity="error",
                   object=ObjectRef(kind="Pod", namespace="app", name=pod), summary="s")


def test_one_change_is_one_toast_and_the_next_waits_its_turn():
    news = ChainNews()
    news.note([], [chain("a")])
    toast = news.due(100.0)
    assert toast is not None and (toast.title, toast.message, toast.severity) == \
        ("New failure chain", "a broke", "error")
    news.note([chain("a")], [])
    assert news.due(100.0 + ANNOUNCE_EVERY_S / 2) is None  # the last toast still shows
    resolved = news.due(100.0 + ANNOUNCE_EVERY_S)
    assert resolved is not None and (resolved.title, resolved.severity) == \
        ("Chain resolved", "information")


def test_a_chain_that_came_and_went_before_it_was_told_is_not_told():
    news = ChainNews()
    news.note([], [chain("a")])
    news.note([chain("a")], [])
    assert news.due(100.0) is None


def report(*pairs: tuple[str, str]) -> Report:
    findings = [finding(fid, pod) for fid, pod in pairs]
    return Report(findings=findings, chains=[chain(f.id, f"{f.object.name} broke")
                                             for f in findings])


def test_what_is_left_of_a_fixed_cause_is_not_news_but_a_new_objects_chain_is():
    """The crash loop of web-1 fixed, a restart storm of web-1 left: not news; web-2 is."""
    news = ChainNews()
    before = report(("KT-201/Pod/app/web-1", "web-1"))
    after = report(("KT-208/Pod/app/web-1", "web-1"), ("KT-201/Pod/app/web-2", "web-2"))
    news.note(before.chains, after.chains, before, after)
    toast = news.due(100.0)
    # one new chain (web-2's), one resolved (web-1's crash loop); the storm is not told
    assert toast is not None and toast.message == "1 new failure chain, 1 resolved: see :chains"


def test_a_storm_is_told_in_one_line():
    news = ChainNews()
    news.note([chain("a")], [chain(f"r{i}") for i in range(39)])
    toast = news.due(100.0)
    assert toast is not None and toast.message == "39 new failure chains, 1 resolved: see :chains"
    assert toast.severity == "error"


def test_long_summaries_are_cut_to_a_sentence():
    news = ChainNews()
    news.note([], [chain("a", "x " * 200)])
    toast = news.due(100.0)
    assert toast is not None and len(toast.message) <= 120 and toast.message.endswith("…")
