"""The `:` command line and the `/` filter, as k9s draws them: a line of its own above the footer
with a mark (`:` or `/`), the text as it is typed, and (commands) the completion drawn dim after
it; Tab or → takes the completion, Enter runs, Esc cancels, ctrl+u clears."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input, Static


class CommandSuggester(Suggester):
    """Completes a command's name, then its argument: `:ns` a namespace, `:ctx` a context."""

    def __init__(self, names: Callable[[], Iterable[str]],
                 arguments: Callable[[str], Iterable[str]]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.names = names
        self.arguments = arguments

    async def get_suggestion(self, value: str) -> str | None:
        lead = value[:len(value) - len(value.lstrip(": "))]
        text = value[len(lead):]
        if not text:
            return None
        name, space, arg = text.partition(" ")
        if not space:
            candidates = [n for n in self.names() if n.startswith(name.lower()) and n != name]
            return f"{lead}{sorted(candidates, key=len)[0]}" if candidates else None
        found = [a for a in self.arguments(name.lower()) if a.startswith(arg) and a != arg]
        return f"{lead}{name} {sorted(found)[0]}" if found else None


class PromptInput(Input):
    """An Input that takes its completion with Tab too (k9s: Tab, → or ctrl+f)."""

    BINDINGS = [Binding("tab,ctrl+f", "accept_suggestion", "Complete", key_display="Tab"),
                Binding("enter", "submit", "Run", key_display="Enter"),
                Binding("escape", "cancel", "Cancel", key_display="Esc")]

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled(self))

    class Cancelled(Message):
        """Esc in the prompt: the screen closes it (and clears a filter typed there)."""

        def __init__(self, prompt: PromptInput) -> None:
            super().__init__()
            self.prompt = prompt

    def action_accept_suggestion(self) -> None:
        if self._suggestion and len(self._suggestion) > len(self.value):
            self.value = self._suggestion
            self.cursor_position = len(self.value)


class PromptLine(Horizontal):
    """One prompt: its mark and the Input the text is typed into (id `input_id`)."""

    DEFAULT_CSS = """
    PromptLine { height: 1; display: none; background: $panel; }
    PromptLine.-open { display: block; }
    PromptLine > .mark { width: auto; padding: 0 0 0 1; color: $accent; text-style: bold;
        background: $panel; }
    PromptLine > PromptInput { width: 1fr; height: 1; border: none; padding: 0 1 0 0;
        background: $panel; }
    PromptLine > PromptInput:focus { border: none; background: $panel; }
    """

    def __init__(self, mark: str, input_id: str, placeholder: str,
                 suggester: Suggester | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.mark = mark
        self.input_id = input_id
        self.placeholder = placeholder
        self.suggester = suggester

    def compose(self) -> ComposeResult:
        yield Static(self.mark, classes="mark", markup=False)
        # typing after a prefilled "ns " adds to it; selecting it all on focus made the first
        # key replace it
        yield PromptInput(id=self.input_id, placeholder=self.placeholder,
                          suggester=self.suggester, select_on_focus=False)
