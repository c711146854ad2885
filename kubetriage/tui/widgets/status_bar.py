"""The top line: where we are, whether the screen is current, and the counts that matter."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from kubetriage.core.unseen import Unseen
from kubetriage.tui.styling import rich_color, text

UNSEEN_KINDS_SHOWN = 2


@dataclass(frozen=True)
class Status:
    context: str = ""
    cluster: str = ""
    connection: str = "connecting"  # "connecting", "syncing", "live", "stale"
    stale_for: float = 0.0
    releases_ready: int = 0
    releases: int = 0
    pods_failing: int = 0
    warnings: int = 0
    chains: int = 0
    read_only: bool = False
    diagnosis: str = ""  # before the first report, what it waits for ("reading logs")
    unseen: str = ""  # what could not be seen (unseen_text): absence there proves nothing


class StatusBar(Static):
    """Context, cluster, connection state ("live" or "stale for N s") and the counts."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $foreground; padding: 0 1; }
    StatusBar.-stale { background: $warning 40%; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.status: Status | None = None

    def show(self, status: Status) -> None:
        if status == self.status:
            return
        self.status = status
        self.set_class(status.connection == "stale", "-stale")
        self.update(self.render_status(status), layout=False)  # one line, always

    def render_status(self, s: Status) -> Text:
        theme = self.app.current_theme
        ok, warn, err = (rich_color(theme.success, "green"), rich_color(theme.warning, "yellow"),
                         rich_color(theme.error, "red"))
        if s.connection == "stale":
            conn = Text(f"stale for {int(s.stale_for)} s", style=f"bold {warn}")
        elif s.connection == "live":
            conn = Text("live", style=ok)
        else:
            conn = Text(s.connection, style=warn)
        chains = Text(f"⛓ {s.diagnosis}", style=warn) if s.diagnosis else \
            Text(f"⛓ {s.chains}", style=f"bold {err}" if s.chains else ok)
        parts = [chains, conn, text(s.unseen, warn),
                 Text(f"rel {s.releases_ready}/{s.releases}",
                      style=warn if s.releases_ready < s.releases else ""),
                 Text(f"pods failing {s.pods_failing}", style=err if s.pods_failing else ""),
                 Text(f"warn/10m {s.warnings}", style=warn if s.warnings else ""),
                 text(s.context, "bold"), text(s.cluster, "dim")]
        if s.read_only:
            parts.append(Text("read-only", style=warn))
        return Text(" │ ").join(p for p in parts if p.plain)


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
