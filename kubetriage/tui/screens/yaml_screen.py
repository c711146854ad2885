"""Any object's YAML as the server has it now, highlighted, with Secret values masked. Also the
screen for kinds without a screen of their own (a Job, a Deployment, an HPA): `a` offers their
actions here too."""

from __future__ import annotations

from rich.syntax import Syntax
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from kubetriage.errors import ApiError
from kubetriage.tui.screens.object_screen import ObjectScreen
from kubetriage.tui.yaml_view import masked, to_yaml


class YamlScreen(ObjectScreen):
    """The object's YAML; `r` reads it again from the server."""

    BINDINGS = [Binding("r", "reload", "Reload")]
    DEFAULT_CSS = """
    YamlScreen #yaml { height: 1fr; }
    """

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="yaml"):
            yield Static(id="yaml-text")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#yaml").focus()
        self.action_reload()

    def action_yaml(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self.run_worker(self._load(), group="yaml", exclusive=True, exit_on_error=False)

    async def _load(self) -> None:
        kind, ns, name = self.key
        try:
            # a Secret comes with its keys and no values; masked() shows each as MASK
            obj = masked(await self.source.get_object(kind, ns, name))
        except (ApiError, KeyError, OSError) as exc:
            self.set_progress(f"cannot read {kind} {name}: {exc}")
            return
        text = to_yaml(obj)
        self.query_one("#yaml-text", Static).update(
            Syntax(text, "yaml", theme="ansi_dark" if self.app.current_theme.dark
                   else "ansi_light", word_wrap=False, background_color="default"))
