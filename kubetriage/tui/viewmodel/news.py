"""What changed in the failure chains since the last announcement, and the one toast that says it.

The dashboard notes each report's chains as they come and tells them together at most every
ANNOUNCE_EVERY_S (toasts one after another stacked over half an 80x24 pane). A chain that came and
went before it was told is not told; a chain rooted at an object the last report already had a
finding about is not news either: it is what is left of a cause just fixed (a restart storm after
a crash loop), or the same trouble told again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from kubetriage.checks.finding import Chain, Report
from kubetriage.core.text import shorten

ANNOUNCE_EVERY_S = 5.0
SUMMARY_LIMIT = 120


@dataclass(frozen=True)
class Toast:
    title: str
    message: str
    severity: Literal["error", "information"]  # error: a chain appeared


class ChainNews:
    def __init__(self) -> None:
        self._untold: dict[str, tuple[bool, Chain]] = {}  # root -> (appeared, chain)
        self._told_at = float("-inf")  # when the last toast was shown (monotonic)

    def clear(self) -> None:
        """Forget what is untold: the view changed (`:ns`, `:ctx`), its chains are not news."""
        self._untold.clear()

    def note(self, before: Iterable[Chain], after: Iterable[Chain],
             old_report: Report | None = None, new_report: Report | None = None) -> None:
        """Note the chains that appeared or resolved between two reports."""
        old = {c.root: c for c in before}
        new = {c.root: c for c in after}
        if old_report is not None and new_report is not None:
            seen = {(f.object.kind, f.object.namespace, f.object.name)
                    for f in old_report.findings}
            objects = {f.id: (f.object.kind, f.object.namespace, f.object.name)
                       for f in new_report.findings}
            new = {root: c for root, c in new.items()
                   if root in old or objects.get(root) not in seen}
        for appeared, roots, chains in ((True, new.keys() - old.keys(), new),
                                        (False, old.keys() - new.keys(), old)):
            for root in roots:
                if root in self._untold and self._untold[root][0] != appeared:
                    del self._untold[root]  # came and went before it was told: nothing to tell
                else:
                    self._untold[root] = (appeared, chains[root])

    def ready(self, now: float) -> bool:
        """Whether `due(now)` would give a toast."""
        return bool(self._untold) and now - self._told_at >= ANNOUNCE_EVERY_S

    def due(self, now: float) -> Toast | None:
        """The toast to show now (monotonic seconds), if anything is untold and the last one
        is old enough; what it tells is then told."""
        if not self.ready(now):
            return None
        news, self._untold = list(self._untold.values()), {}
        self._told_at = now
        if len(news) == 1:
            appeared, chain = news[0]
            return Toast("New failure chain" if appeared else "Chain resolved",
                         shorten(chain.summary, SUMMARY_LIMIT),
                         "error" if appeared else "information")
        new = sum(appeared for appeared, _ in news)
        return Toast("Failure chains changed",
                     f"{new} new failure chain{'s' if new != 1 else ''}, {len(news) - new} "
                     "resolved: see :chains",
                     "error" if new else "information")

