"""The base of the drill-down screens: one object, redrawn live from the store, with the keys
every object screen shares: `a` its actions, `y` its YAML, `v` reconcile-and-verify its
namespace, Esc back. Every action goes plan -> confirmation -> run -> follow, and the screen's
progress line follows its effect (a reconcile shows the Ready condition moving)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import getters, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Footer, Static

from kubetriage.actions import Actions, Offer, Result, Target
from kubetriage.core.text import clean, shorten
from kubetriage.core.types import Key, Obj
from kubetriage.health import release_timeout
from kubetriage.tui.navigation import Open
from kubetriage.tui.screens.actions_menu import ActionCommands, ActionsMenu
from kubetriage.tui.screens.confirm_screen import ConfirmScreen

if TYPE_CHECKING:
    from kubetriage.cluster.protocol import Source
    from kubetriage.tui.app import KubetriageApp

REDRAW_S = 0.2  # store changes are gathered this long before the screen is redrawn
FOLLOW_TIMEOUT_S = 300.0  # a reconciled object without spec.timeout: flux's 5m


def health_style(screen: Screen, health: str) -> str:
    """A Rich style for ok/warn/error/unknown from the theme's status variables."""
    return screen.app.theme_variables.get(f"status-{health}", "")


def _short(text: str, limit: int = 100) -> str:
    """A toast's message: the progress line under the screen has it whole."""
    return shorten(text, limit)


def live_source(app: KubetriageApp) -> Source:
    """The app's cluster source, for its screens: they open from rows or keys on them, which
    come only once the source is open."""
    if app.source is None:
        raise RuntimeError("a screen of the cluster opened before its source")
    return app.source


def cell(value: Any, style: str = "") -> Text:
    """Cluster text for a cell: cleaned, never parsed as markup."""
    return Text(clean(str(value)), style=style, no_wrap=True, overflow="ellipsis")


class ObjectScreen(Screen):
    """One object of the cluster. Subclasses compose the body and redraw it in `show()`."""

    if TYPE_CHECKING:  # for the type checker only: Textual's own is untyped past App
        app = getters.app(KubetriageApp)

    BINDINGS = [
        Binding("escape", "back", "Back", priority=True),
        Binding("q", "back", "Back", show=False),  # k9s: q leaves a view as Esc does
        Binding("a", "actions", "Actions"),
        Binding("y", "yaml", "YAML", show=False),
        Binding("v", "verify", "Verify ns", show=False),
    ]
    COMMANDS = {ActionCommands}
    DEFAULT_CSS = """
    ObjectScreen #title { height: 1; background: $panel; padding: 0 1; text-style: bold; }
    ObjectScreen #progress { height: auto; max-height: 3; padding: 0 1; background: $panel;
        display: none; }
    ObjectScreen #progress.-on { display: block; }
    ObjectScreen .section { height: auto; border: round $panel-lighten-2;
        border-title-color: $foreground-muted; }
    ObjectScreen .section:focus-within { border: round $accent; border-title-color: $accent; }
    """
    WATCHED: ClassVar[set[str]] = set()  # kinds whose changes redraw the screen

    def __init__(self, key: Key) -> None:
        super().__init__()
        self.key = key

    # -- what is on screen ---------------------------------------------------------------------

    @property
    def source(self) -> Source:
        return live_source(self.app)

    @property
    def obj(self) -> Obj | None:
        return self.source.store.get(*self.key)

    def targets(self) -> list[Obj]:
        """The objects whose actions `a` lists: this one, and what a subclass adds."""
        return [self.obj] if self.obj is not None else []

    def evidence(self) -> list[str]:
        """The evidence lines of the current report's findings about this object."""
        kind, ns, name = self.key
        report = getattr(self.app, "report", None)
        return [line for f in (report.findings if report else [])
                if (f.object.kind, f.object.namespace, f.object.name) == (kind, ns, name)
                for line in f.evidence]

    def title_text(self) -> Text:
        kind, ns, name = self.key
        text = Text(f"{kind} ", style="bold")
        text.append(clean(f"{ns}/{name}" if ns else name))
        if self.obj is None:
            text.append("  (not in the cluster)", style="italic")
        return text

    def compose(self) -> ComposeResult:
        yield Static(self.title_text(), id="title")
        yield from self.compose_body()
        yield Static(id="progress")
        yield Footer()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def show(self) -> None:
        """Redraw from the store (called on mount and after every batch of changes)."""

    def on_mount(self) -> None:
        self.show()
        self.run_worker(self._follow_store(), group="store", exit_on_error=False)

    async def _follow_store(self) -> None:
        sub = self.source.store.subscribe(self.WATCHED | {self.key[0]})
        try:
            while True:
                await sub.next(REDRAW_S)
                self.query_one("#title", Static).update(self.title_text())
                self.show()
        finally:
            sub.close()

    def set_progress(self, message: str, style: str = "") -> None:
        try:
            line = self.query_one("#progress", Static)
        except NoMatches:  # the user left while an action was followed: nothing to say it on
            return
        line.set_class(bool(message), "-on")
        line.update(Text(clean(message), style=style))

    # -- keys ----------------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_yaml(self) -> None:
        self.post_message(Open("yaml", self.key))

    def action_verify(self) -> None:
        self.post_message(Open("verify", namespace=self.key[1]))

    # -- actions -------------------------------------------------------------------------------

    def actions(self) -> Actions:
        return Actions(self.source, read_only=bool(getattr(self.app, "read_only", False)))

    async def offers(self) -> list[tuple[Obj, Offer]]:
        actions = self.actions()
        return [(obj, offer) for obj in self.targets() for offer in await actions.offers(obj)]

    @work(group="action", exclusive=True)
    async def action_actions(self) -> None:
        self.set_progress("Actions: asking the API server what you may do…")
        offers = await self.offers()
        self.set_progress("")
        choice = await self.app.push_screen_wait(
            ActionsMenu(offers, read_only=bool(getattr(self.app, "read_only", False))))
        if choice is not None:
            obj, action_id = choice
            await self.perform(action_id, obj)

    def start_action(self, action_id: str, obj: Obj) -> None:
        """From the command palette: the same path as the menu."""
        self.run_worker(self.perform(action_id, obj), group="action", exclusive=True)

    async def perform(self, action_id: str, obj: Obj) -> Result | None:
        """Plan (RBAC review, dry run), confirm, run, then follow a reconcile or a delete to its
        verdict."""
        actions = self.actions()
        self.set_progress(f"Planning: RBAC review and server dry run for {Target.of(obj)}…")
        plan = await actions.plan(action_id, obj)
        title = plan.action.title
        if not await self.app.push_screen_wait(ConfirmScreen.of(plan)):
            self.set_progress(f"{title}: refused: {plan.refused}" if plan.refused else
                              f"{title}: cancelled; nothing was changed",
                              health_style(self, "error" if plan.refused else "unknown"))
            return None
        result = await actions.run(plan, confirmed=True)
        self.set_progress(f"{title}: {result.outcome}: {result.message}",
                          health_style(self, "ok" if result.ok else "error"))
        self.notify(_short(clean(result.message)), title=f"{title}: {result.outcome}",
                    markup=False,
                    severity="information" if result.ok else "error")
        if result.ok and (plan.action.reconciles or plan.action.verb == "delete"):
            # a delete is followed too: accepted is not gone (its own deadline is its grace
            # period, deletion.py)
            timeout = release_timeout(obj) if obj.get("kind") == "HelmRelease" \
                else FOLLOW_TIMEOUT_S
            outcome = await actions.follow(
                result, timeout,
                on_progress=lambda m: self.set_progress(f"{title}: {m}",
                                                        health_style(self, "warn")))
            if outcome is not None:
                good = outcome.state in ("Ready", "Deleted")
                hint = " (Force delete pod is in its actions)" if outcome.state == "Stuck" and \
                    plan.target.kind == "Pod" else ""
                self.set_progress(f"{title}: {outcome.state}: {outcome.message}{hint}",
                                  health_style(self, "ok" if good else "error"))
                self.notify(_short(clean(outcome.message + hint)),
                            title=f"{plan.target}: {outcome.state}", markup=False,
                            severity="information" if good else "error")
        return result
