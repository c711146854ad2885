"""The actions for what is on screen: a menu (`a`) and the same entries in the command palette.
An action that cannot run now is listed greyed with the reason (read-only mode, not applicable,
RBAC) so the user learns why, instead of it being hidden."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from kubetriage.actions import Offer, Target
from kubetriage.core.text import clean
from kubetriage.core.types import Obj

if TYPE_CHECKING:
    from kubetriage.tui.screens.object_screen import ObjectScreen



def offer_label(obj: Obj, offer: Offer) -> Text:
    text = Text(clean(offer.action.title), style="bold" if offer.available else "")
    text.append(f"  {clean(str(Target.of(obj)))}", style="dim")
    if offer.reason:
        text.append(f"\n  {clean(offer.reason)}", style="italic")
    return text


class ActionsMenu(ModalScreen[tuple[Obj, str] | None]):
    """Every action for the objects on screen; Enter picks one, Esc closes."""

    BINDINGS = [Binding("escape,a", "close", "Close")]
    DEFAULT_CSS = """
    ActionsMenu { align: center middle; }
    ActionsMenu > OptionList { width: 90; max-width: 100%; height: auto; max-height: 80%;
        border: round $accent; border-title-color: $accent; background: $surface; }
    ActionsMenu > #none { width: 60; height: auto; border: round $accent; padding: 0 1;
        background: $surface; }
    """

    def __init__(self, offers: list[tuple[Obj, Offer]], read_only: bool = False) -> None:
        super().__init__()
        self.offers = offers
        self.read_only = read_only

    def compose(self) -> ComposeResult:
        if not self.offers:
            yield Static(Text("No action applies to what is on this screen. Esc: close"),
                         id="none")
            return
        menu = OptionList(*(Option(offer_label(obj, offer), id=str(i), disabled=not offer.available)
                            for i, (obj, offer) in enumerate(self.offers)))
        menu.border_title = "Actions" + (" (read-only mode)" if self.read_only else "")
        menu.border_subtitle = "Enter: plan and confirm  Esc: close"
        yield menu

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        obj, offer = self.offers[int(event.option.id or 0)]
        self.dismiss((obj, offer.action.id))

    def action_close(self) -> None:
        self.dismiss(None)


class ActionCommands(Provider):
    """The command palette's entries for the actions on the current object screen."""

    async def startup(self) -> None:
        # listed in ObjectScreen.COMMANDS: its screen is an object screen
        self.object_screen = cast("ObjectScreen", self.screen)
        self.offers = await self.object_screen.offers() \
            if hasattr(self.object_screen, "offers") else []

    def _entries(self):
        for obj, offer in self.offers:
            title = f"{offer.action.title}: {Target.of(obj)}"
            help_ = offer.reason or f"plan and confirm ({offer.action.id})"
            yield clean(title), clean(help_), partial(self.object_screen.start_action,
                                                      offer.action.id, obj)

    async def discover(self) -> Hits:
        for title, help_, run in self._entries():
            yield DiscoveryHit(title, run, help=help_)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_, run in self._entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), run, help=help_)
