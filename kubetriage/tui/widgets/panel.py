"""A titled frame around one view of the cluster; the screen shows several or one at a time."""

from __future__ import annotations

from textual.containers import Vertical


class Panel(Vertical):
    """A bordered region whose title carries its name and row count."""

    DEFAULT_CSS = """
    Panel { border: round $panel-lighten-2; border-title-color: $foreground-muted; height: 1fr; }
    /* focus shown by more than the border's colour (16 colours, NO_COLOR): a heavy frame and
       the title in reverse */
    Panel:focus-within { border: heavy $accent; border-title-color: $accent;
        border-title-style: bold reverse; }
    """

    def __init__(self, *children, title: str, **kwargs) -> None:
        super().__init__(*children, **kwargs)
        self.name_text = title
        self.border_title = title

    def set_count(self, count: int | str) -> None:
        title = f"{self.name_text} {count}"
        if title != self.border_title:  # setting it redraws the whole panel, even unchanged
            self.border_title = title
