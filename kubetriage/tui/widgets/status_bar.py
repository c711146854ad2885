"""The top line: where we are (context, namespace, filter, read-only), whether the screen is
current (and if not, why and when it tries again), and the counts that matter. What does not fit
the width gives way, the least telling first; read-only and the chains never do."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual.events import Resize
from textual.widgets import Static

from kubetriage.core.unseen import Unseen
from kubetriage.tui.styling import rich_color, text

SEPARATOR = " │ "
UNSEEN_KINDS_SHOWN = 2


@dataclass(frozen=True)
class Status:
    context: str = ""
    cluster: str = ""
    connection: str = "connecting"  # "connecting", "syncing", "live", "stale"
    stale_for: float = 0.0
    stale_reason: str = ""  # the last error of the watch that is down
    retry_in: int | None = None  # seconds until it tries again
    releases_ready: int = 0
    releases: int = 0
    pods_failing: int = 0
    warnings: int = 0
    chains: int = 0
    so_far: bool = False  # the chains are of the kinds listed whole, others still being listed
    partial: frozenset[str] = frozenset()  # panels whose counts are of lists under way: "…"
    silenced: int = 0  # findings the silences file hides: "no chains" is then not the whole story
    read_only: bool = False
    namespace: str | None = None  # `:ns NAME`
    filter: str = ""  # `/`
    diagnosis: str = ""  # before the first report, what it waits for ("reading logs")
    unseen: str = ""  # what could not be seen (unseen_text): absence there proves nothing


class StatusBar(Static):
    """Read-only mark, chains, connection, namespace and filter, then the counts and context."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $foreground; padding: 0 1; }
    StatusBar.-stale { background: $warning 40%; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.status: Status | None = None
        self._width = 0

    def show(self, status: Status) -> None:
        width = self.content_region.width or 80
        if status == self.status and width == self._width:
            return
        self.status, self._width = status, width
        self.set_class(status.connection == "stale", "-stale")
        self.update(self.render_status(status, width), layout=False)  # one line, always

    def on_resize(self, event: Resize) -> None:
        if self.status is not None:
            self.show(self.status)

    def render_status(self, s: Status, width: int = 200) -> Text:
        theme = self.app.current_theme
        ok, warn, err = (rich_color(theme.success, "green"), rich_color(theme.warning, "yellow"),
                         rich_color(theme.error, "red"))
        # (part, priority): the higher, the longer it stays when the line is too narrow
        parts: list[tuple[Text, int]] = []
        if s.read_only:
            parts.append((Text("READ-ONLY", style=f"bold reverse {warn}"), 9))
        # ⚠ and ✓, not ⛓: DejaVu Sans Mono (a common terminal font) has no ⛓
        so_far = " so far" if s.so_far else ""
        if s.diagnosis:  # before the first report: no count yet, not a false all-clear
            chains = Text(f"… {s.diagnosis}", style=warn)
        elif s.chains:
            chains = Text(f"⚠ {s.chains} chain{'s' if s.chains != 1 else ''}{so_far}",
                          style=f"bold {err}")
        else:  # a report so far with no chain is no all-clear either
            chains = Text("… none so far", style=warn) if so_far else \
                Text("✓ no chains", style=ok)
        parts.append((chains, 9))
        if s.silenced and not s.diagnosis:
            parts.append((Text(f"{s.silenced} silenced", style="dim"), 6))
        if s.connection == "stale":
            conn = Text(f"stale {int(s.stale_for)} s", style=f"bold {warn}")
            parts.append((conn, 8))
            why = ": " + s.stale_reason if s.stale_reason else ""
            retry = f", retry in {s.retry_in} s" if s.retry_in is not None else ""
            if why or retry:
                parts.append((text(f"watch down{why}{retry}", warn), 7))
        elif s.connection == "live":
            parts.append((Text("live", style=ok), 8))
        else:
            parts.append((Text(s.connection, style=warn), 8))
        if s.unseen:  # absence there proves nothing: said before the counts
            parts.append((text(s.unseen, warn), 7))
        if s.namespace:
            parts.append((text(f"ns {s.namespace}", "bold"), 8))
        if s.filter:
            parts.append((text(f"/{s.filter}", "bold"), 7))
        def part(panel: str) -> str:  # the count is of a list under way
            return "…" if panel in s.partial else ""
        if s.releases:  # no HelmRelease (no Flux): "rel 0/0" said nothing
            parts.append((Text(f"rel {s.releases_ready}/{s.releases}{part('releases')}",
                               style=warn if s.releases_ready < s.releases else ""), 6))
        parts.append((Text(f"pods failing {s.pods_failing}{part('pods')}",
                           style=err if s.pods_failing else ""), 5))
        parts.append((Text(f"warn/10m {s.warnings}{part('events')}",
                           style=warn if s.warnings else ""), 3))
        parts.append((text(s.context, "bold"), 4))
        parts.append((text(s.cluster, "dim"), 1))
        shown = [(t, p) for t, p in parts if t.plain]
        while len(shown) > 2 and _width(shown) > width:
            lowest = min(p for _, p in shown)
            drop = max(i for i, (_, p) in enumerate(shown) if p == lowest)
            del shown[drop]
        line = Text(SEPARATOR).join(t for t, _ in shown)
        line.truncate(width, overflow="ellipsis")
        return line


def _width(parts: list[tuple[Text, int]]) -> int:
    return sum(t.cell_len for t, _ in parts) + cell_len(SEPARATOR) * (len(parts) - 1)


def unseen_text(unseen: Unseen) -> str:
    """`can't see HelmRelease, Secret +3 · 4 logs`: the kinds RBAC or discovery hide and the logs
    the server would not give, in one short field (`kubetriage check` lists each, with why)."""
    kinds = sorted({key.split(" in ", 1)[0] for key in unseen.kinds})
    parts = []
    if kinds:
        more = len(kinds) - UNSEEN_KINDS_SHOWN
        parts.append(", ".join(kinds[:UNSEEN_KINDS_SHOWN]) + (f" +{more}" if more > 0 else ""))
    if unseen.logs:
        parts.append(f"{len(unseen.logs)} log{'s' if len(unseen.logs) != 1 else ''}")
    return f"can't see {' · '.join(parts)}" if parts else ""
