"""The confirmation before any change to a cluster: the plan in full (action, context and server,
user, namespace, object, the exact change, the equivalent kubectl/flux command, the dry run), and
y/Enter to run it, n/Esc not to. A refused plan shows why and can only be closed."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from kubetriage.actions import Plan
from kubetriage.core.names import target_problem
from kubetriage.core.text import clean

_LABELS = ("Warning:", "Action:", "Context:", "User:", "Namespace:", "Object:", "Change:",
           "Command:", "Dry run:", "Refused:", "Releases:")


def lines_text(lines: list[str]) -> Text:
    """Plan lines with their labels in bold; cluster text stays plain (never markup)."""
    out = Text()
    for line in lines:
        line = clean(line)
        label = next((lb for lb in _LABELS if line.startswith(lb)), "")
        out.append(label, style="bold")
        out.append(line[len(label):] + "\n",
                   style="bold" if label in ("Refused:", "Warning:") else "")
    out.rstrip()
    return out


class ConfirmScreen(ModalScreen[bool]):
    """Dismissed with True only when the user confirms something that may run."""

    BINDINGS = [
        Binding("y,enter", "confirm", "Run it"),
        Binding("n,escape", "cancel", "Cancel"),
    ]
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > VerticalScroll { width: 100; max-width: 100%; height: auto; max-height: 100%;
        border: thick $warning; border-title-color: $warning; background: $surface;
        padding: 0 1; }
    ConfirmScreen.-refused > VerticalScroll { border: thick $error; border-title-color: $error; }
    ConfirmScreen #keys { margin-top: 1; color: $text-muted; }
    """

    def __init__(self, title: str, lines: list[str], refused: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.lines = lines
        self.refused = refused

    @classmethod
    def of(cls, plan: Plan) -> ConfirmScreen:
        """The plan's dialog; refused as well when the object's name is one this screen would
        show cleaned: what is confirmed must be what the request names."""
        t = plan.target
        bad_name = target_problem(t.kind, t.namespace, t.name)
        refused = plan.refused or bad_name
        lines = plan.lines()
        if refused and not plan.refused:
            lines.append(f"Refused:   {refused}")
        return cls(plan.action.title, lines, refused)

    def compose(self) -> ComposeResult:
        self.set_class(self.refused is not None, "-refused")
        box = VerticalScroll(
            Static(lines_text(self.lines), id="plan"),
            Static(Text("Esc: close (nothing was changed)") if self.refused else
                   Text("y/Enter: run it    n/Esc: cancel"), id="keys"))
        box.border_title = f"{'Refused' if self.refused else 'Confirm'}: {clean(self.title_text)}"
        yield box

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        return not (action == "confirm" and self.refused is not None)

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
