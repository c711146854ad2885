"""The guided walkthroughs. "Reconcile and verify" (seed TASK-003's procedure) drives
kubetriage.verify.Walkthrough with each step's progress live, shows the failure chains and their
fixes when a step fails, and writes the Markdown verification report to a file. "Fix a failing
release" (seed TASK-008's options) shows the history, the hook Jobs and their logs, offers fix
forward, disabling hooks or rolling back, then verifies the same way."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, OptionList, RichLog, Static
from textual.widgets.option_list import Option

from kubetriage.actions import Actions, Result, audit
from kubetriage.core import durations, helm
from kubetriage.core.text import clean
from kubetriage.errors import ApiError
from kubetriage.report.verification import render_verification
from kubetriage.tui.screens.confirm_screen import ConfirmScreen
from kubetriage.tui.screens.object_screen import ObjectScreen, cell, health_style, live_source
from kubetriage.tui.viewmodel import release_details as rd
from kubetriage.verify import StepEvent, Verification, Walkthrough

if TYPE_CHECKING:
    from kubetriage.tui.app import KubetriageApp

GLYPH = {"pending": ("·", "unknown"), "running": ("…", "warn"), "passed": ("✓", "ok"),
         "failed": ("✗", "error"), "skipped": ("–", "unknown"), "unseen": ("?", "warn")}
DEMO_STABILITY_S = 10.0  # as `kubetriage verify --demo`
STABILITY_S = 15 * 60.0  # TASK-003: "stable for at least 15 minutes"
HOOK_LOG_LINES = 6


def report_path(context: str, namespace: str | None, when: datetime) -> Path:
    """Where a report goes: beside the audit log, in the user's state directory."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in
                   f"{context or 'cluster'}-{namespace or 'all'}")
    return audit.default_path().parent / "reports" / \
        f"verification-{safe}-{when:%Y%m%d-%H%M%S}.md"


class WalkthroughScreen(Screen):
    """Reconcile (optionally, confirmed first) and verify a namespace or the whole cluster."""

    if TYPE_CHECKING:  # for the type checker only: Textual's own is untyped past App
        app = getters.app(KubetriageApp)

    BINDINGS = [Binding("escape", "back", "Back"), Binding("r", "restart", "Run again")]
    DEFAULT_CSS = """
    WalkthroughScreen #intro { height: auto; padding: 0 1; background: $panel; }
    WalkthroughScreen #steps-box { height: auto; }
    WalkthroughScreen #steps { height: auto; }
    WalkthroughScreen #events-box { height: 1fr; }
    WalkthroughScreen #verdict { height: auto; padding: 0 1; }
    WalkthroughScreen .section { border: round $panel-lighten-2;
        border-title-color: $foreground-muted; }
    """

    def __init__(self, *, namespace: str | None = None, reconcile: bool = False,
                 timeout: float | None = None, stability: float | None = None,
                 title: str = "Reconcile and verify", before: list[Result] | None = None,
                 preface: list[str] | None = None) -> None:
        super().__init__()
        self.namespace = namespace
        self.reconcile = reconcile
        self.timeout = timeout
        self.stability = STABILITY_S if stability is None else stability
        self._stability_given = stability is not None  # else the demo's, once mounted
        self.title_text = title if reconcile or title != "Reconcile and verify" else "Verify"
        self.before = before or []  # actions taken before the run, for the report
        self.preface = preface or []
        self.walk: Walkthrough | None = None
        self.verification: Verification | None = None
        self.report: Path | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="intro")
        with Vertical(id="steps-box", classes="section") as box:
            box.border_title = "Steps"
            yield DataTable(id="steps", cursor_type="none", show_cursor=False)
        with Vertical(id="events-box", classes="section") as box:
            box.border_title = "Progress"
            yield RichLog(id="events", wrap=True, markup=False)
        yield Static(id="verdict")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#steps", DataTable).add_columns("", "STEP", "RESULT")
        source = getattr(self.app, "source", None)
        if not self._stability_given and source is not None and source.demo is not None:
            self.stability = DEMO_STABILITY_S
        self._intro()
        self.action_restart()

    def _intro(self) -> None:
        scope = f"namespace {self.namespace}" if self.namespace else "every namespace"
        timeout = durations.format(self.timeout) if self.timeout else "each release's own"
        text = Text(f"{self.title_text}: ", style="bold")
        text.append(clean(scope))
        text.append(f"   reconcile {'requested' if self.reconcile else 'not requested'}, "
                    f"timeout {timeout}, stability window {durations.format(self.stability)}",
                    style="dim")
        for line in self.preface:
            text.append("\n" + clean(line))
        self.query_one("#intro", Static).update(text)

    def say(self, message: str, style: str = "") -> None:
        self.query_one("#events", RichLog).write(Text(clean(message), style=style))

    def _draw_steps(self) -> None:
        table = self.query_one("#steps", DataTable)
        table.clear()
        for step in self.walk.steps if self.walk else []:
            glyph, health = GLYPH[step.status]
            style = health_style(self, health)
            table.add_row(cell(glyph, style), cell(step.title),
                          cell(step.summary or step.status, style))

    def action_back(self) -> None:
        self.app.pop_screen()

    @work(group="walk", exclusive=True)
    async def action_restart(self) -> None:
        source = live_source(self.app)
        actions = Actions(source, read_only=bool(getattr(self.app, "read_only", False)))
        reconcile = self.reconcile
        if reconcile:
            reconcile = await self._confirm_reconcile(actions)
        self.walk = Walkthrough(source, namespace=self.namespace, reconcile=reconcile,
                                timeout=self.timeout, stability=self.stability,
                                actions=actions, on_event=self._on_event)
        self.walk.v.actions.extend(self.before)
        self._draw_steps()
        self.verification = v = await self.walk.run()
        self._draw_steps()
        self.report = report_path(v.context, self.namespace, v.started)
        text = render_verification(v)
        await asyncio.to_thread(self._write, self.report, text)
        verdict = Text("VERIFIED" if v.ok else "NOT VERIFIED",
                       style=f"bold {health_style(self, 'ok' if v.ok else 'error')}")
        verdict.append(f"   report written to {self.report}")
        self._chains(v, verdict)
        self.query_one("#verdict", Static).update(verdict)
        self.notify(str(self.report), title="Verification report written", markup=False)

    @staticmethod
    def _write(path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def _chains(self, v: Verification, out: Text) -> None:
        """At a failing step: what remains, each chain's root and its fixes."""
        report = v.diagnosis
        if v.ok or report is None:
            return
        by_id = {f.id: f for f in report.findings}
        for chain in [c for c in report.chains if c.severity in ("critical", "error")][:4]:
            root = by_id.get(chain.root)
            out.append("\n● ", style=health_style(self, "error"))
            out.append(clean(chain.summary))
            for fix in (root.remediations if root else [])[:2]:
                out.append("\n    fix: ", style="dim")
                out.append(clean(fix.title + (f"  {fix.command}" if fix.command else "")))

    def _on_event(self, event: StepEvent) -> None:
        health = {"passed": "ok", "failed": "error", "skipped": "unknown",
                  "unseen": "warn"}.get(event.kind, "")
        self.say(f"{event.at:%H:%M:%S} {event.step}: {event.kind}: {event.message}",
                 health_style(self, health) if health else "")
        if event.kind != "progress":
            self._draw_steps()

    async def _confirm_reconcile(self, actions: Actions) -> bool:
        """One confirmation for every release the walkthrough will reconcile; refused (read-only,
        RBAC) means verifying without it, said in the log."""
        store = live_source(self.app).store
        releases = sorted(store.list("HelmRelease", self.namespace),
                          key=lambda r: (r["metadata"].get("namespace"), r["metadata"]["name"]))
        releases = [r for r in releases if not (r.get("spec") or {}).get("suspend")]
        if not releases:
            return True
        self.say("planning: RBAC review and server dry run for each reconcile…")
        plans = [await actions.plan("reconcile", r) for r in releases]
        conn = live_source(self.app).conn
        lines = [f"Action:    reconcile {len(plans)} HelmReleases, then verify",
                 f"Context:   {conn.context} ({conn.server})",
                 f"User:      {conn.user or 'unknown'}",
                 f"Namespace: {self.namespace or '(every namespace)'}", "Change:"]
        for plan in plans:
            lines += [f"  {r.describe()}" for r in plan.requests]
        lines += [f"Command:   {plan.command}" for plan in plans]
        refused = next((p.refused for p in plans if p.refused), None)
        if refused:
            lines.append(f"Refused:   {refused}")
        ok = await self.app.push_screen_wait(ConfirmScreen("Reconcile and verify", lines,
                                                           refused))
        if not ok:
            self.say(f"reconcile {'refused: ' + refused if refused else 'cancelled'}; "
                     "verifying without it", health_style(self, "warn"))
        return ok


class FixReleaseScreen(ObjectScreen):
    """Seed TASK-008's options for a failing release, each shown as what it would change."""

    BINDINGS = [Binding("v", "verify", "Verify")]
    DEFAULT_CSS = """
    FixReleaseScreen #investigation { height: auto; padding: 0 1; }
    FixReleaseScreen #options { height: auto; }
    FixReleaseScreen #plan-box { height: 1fr; }
    """
    WATCHED = {"Job", "Pod"}

    def __init__(self, key) -> None:
        super().__init__(key)
        self.history: list[helm.HistoryRow] = []
        self.hook_logs: dict[str, list[str]] = {}
        self.done: list[Result] = []

    def compose_body(self) -> ComposeResult:
        yield Static(Text("reading the history and the hook logs…", style="italic"),
                     id="investigation")
        with Vertical(id="options-box", classes="section") as box:
            box.border_title = "Fix"
            yield OptionList(id="options")
        with Vertical(id="plan-box", classes="section") as box:
            box.border_title = "Plan"
            yield RichLog(id="plan", wrap=True, markup=False)

    def title_text(self) -> Text:
        return Text("Fix a failing release: ", style="bold") + super().title_text()

    def on_mount(self) -> None:
        super().on_mount()
        self.plan_line("Enter on a fix: A runs it (each change confirmed first), B and C show "
                       "what to change in Git. v: reconcile and verify.", "italic")
        self.query_one("#options", OptionList).focus()
        self.run_worker(self._investigate(), group="investigate", exit_on_error=False)

    def plan_line(self, message: str, style: str = "") -> None:
        self.query_one("#plan", RichLog).write(Text(clean(message), style=style))

    async def _investigate(self) -> None:
        release = self.obj
        if release is None:
            return
        with contextlib.suppress(ApiError, OSError, helm.HelmDecodeError):
            self.history = await rd.read_history(self.source, release)
        for hook in rd.hook_jobs(release, self.source.store):
            for pod in hook.pods:
                name = pod["metadata"]["name"]
                containers = [c.get("name") for c in (pod.get("spec") or {}).get(
                    "containers") or []]
                for container in containers[:1]:
                    with contextlib.suppress(ApiError, OSError):
                        lines = await self.source.logs(pod["metadata"]["namespace"], name,
                                                       container, previous=True,
                                                       tail=HOOK_LOG_LINES) or \
                            await self.source.logs(pod["metadata"]["namespace"], name,
                                                   container, tail=HOOK_LOG_LINES)
                        self.hook_logs[name] = lines
        self.show()

    def show(self) -> None:
        release = self.obj
        if release is None:
            return
        store = self.source.store
        text = Text()
        ready = rd._cond(release)
        text.append("Ready ", style="dim")
        text.append(cell(f"{ready.get('status', 'Unknown')} {ready.get('reason', '')}",
                         health_style(self, rd.ready_health(release))))
        text.append(f"  {clean(ready.get('message') or '')}")
        failed = [r for r in self.history if r.status == "failed"]
        good = rd.last_good(self.history)
        text.append("\nHistory ", style="dim")
        text.append(f"{len(self.history)} revisions, {len(failed)} failed"
                    + (f" ({', '.join(str(r.revision) for r in failed)})" if failed else ""))
        text.append("; last good: ", style="dim")
        text.append(cell(f"revision {good.revision} ({good.chart}, app {good.app_version})"
                         if good else "none ever deployed"))
        hooks = rd.hook_jobs(release, store)
        for h in hooks:
            text.append("\nHook ", style="dim")
            text.append(cell(f"{h.job['metadata']['name']} ({h.hook}): {h.status}",
                             health_style(self, "error" if h.failing else "ok")))
            for pod in h.pods:
                for line in self.hook_logs.get(pod["metadata"]["name"], [])[-3:]:
                    text.append("\n    " + clean(line)[:200], style="italic")
        self.query_one("#investigation", Static).update(text)
        self._options(release, hooks, good)

    def _options(self, release: dict, hooks: list[rd.HookJob], good) -> None:
        menu = self.query_one("#options", OptionList)
        highlighted = menu.highlighted
        failing = [h for h in hooks if h.failing]
        forward = "A. Fix forward: " + (
            f"delete the failed hook Job{'s' if len(failing) > 1 else ''} "
            f"{', '.join(h.job['metadata']['name'] for h in failing)}, reconcile, verify"
            if failing else "reconcile the release, then verify")
        rollback = f"C. Roll back to revision {good.revision} ({good.chart})" if good else \
            "C. Roll back: no revision of this release ever deployed"
        menu.clear_options()
        menu.add_options([Option(Text(clean(forward)), id="forward"),  # Job and chart names:
                          Option(Text("B. Temporarily disable the hooks, then verify"),
                                 id="hooks"),  # cluster text, cleaned as everywhere
                          Option(Text(clean(rollback)), id="rollback", disabled=good is None)])
        menu.highlighted = highlighted or 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        release = self.obj
        if release is None:
            return
        if event.option.id == "forward":
            self.fix_forward()
        elif event.option.id == "hooks":
            self._explain_hooks(release)
        elif event.option.id == "rollback":
            self._explain_rollback(release)

    @work(group="action", exclusive=True)
    async def fix_forward(self) -> None:
        release = self.obj
        if release is None:  # deleted meanwhile: the screen says so already
            return
        for hook in [h for h in rd.hook_jobs(release, self.source.store) if h.failing]:
            self.plan_line(f"delete hook Job {hook.job['metadata']['name']}: confirm…")
            result = await self.perform("delete-hook-job", hook.job)
            if result is None or not result.ok:
                self.plan_line("not deleted: stopping here; nothing else was changed",
                               health_style(self, "error"))
                return
            self.done.append(result)
            self.plan_line(result.message, health_style(self, "ok"))
        self.plan_line("next: reconcile every release in the namespace and verify")
        self.app.push_screen(WalkthroughScreen(
            namespace=self.key[1], reconcile=True, title="Fix a failing release",
            before=list(self.done),
            preface=[f"fix forward for HelmRelease {self.key[1]}/{self.key[2]}"]))

    def _managed_by(self, release: dict) -> str:
        labels = release["metadata"].get("labels") or {}
        name = labels.get("kustomize.toolkit.fluxcd.io/name")
        if name:
            return f"Kustomization {labels.get('kustomize.toolkit.fluxcd.io/namespace')}/{name}"
        return ""

    def _not_in_cluster(self, release: dict) -> None:
        owner = self._managed_by(release)
        self.plan_line("kubetriage does not make this change in the cluster: " + (
            f"{owner} applies this HelmRelease from Git and would undo it at its next "
            "reconcile." if owner else "a HelmRelease's spec belongs in Git, where Flux "
            "reads it.") + " Commit it, push, then press v to reconcile and verify.",
            health_style(self, "warn"))

    def _explain_hooks(self, release: dict) -> None:
        name = release["metadata"]["name"]
        self.plan_line("")
        self.plan_line(f"B. Temporarily disable the hooks of HelmRelease "
                       f"{release['metadata']['namespace']}/{name}", "bold")
        self.plan_line("Skips the failing hooks (the migration will not run: do it by hand "
                       "if the release needs it), and re-enable them once it is stable.")
        self.plan_line("Change in the HelmRelease (Git):")
        for line in ("spec:", "  install:", "    disableHooks: true", "  upgrade:",
                     "    disableHooks: true"):
            self.plan_line("    " + line)
        self._not_in_cluster(release)

    def _explain_rollback(self, release: dict) -> None:
        good = rd.last_good(self.history)
        if good is None:
            return
        chart = rd.chart(release)
        version = good.chart.removeprefix(f"{chart.name}-") if chart.name else good.chart
        self.plan_line("")
        self.plan_line(f"C. Roll back to revision {good.revision}: chart {good.chart}, app "
                       f"{good.app_version} ({good.updated})", "bold")
        self.plan_line("Flux has no rollback command, and `helm rollback` would be upgraded "
                       "over by the controller; pin the last good version instead.")
        self.plan_line("Change in the HelmRelease (Git):")
        for line in ("spec:", "  chart:", "    spec:", f"      version: \"{version}\""):
            self.plan_line("    " + line)
        for where, _, tag in rd.value_images((release.get("spec") or {}).get("values") or {}):
            self.plan_line(f"    and {where}: the tag revision {good.revision} ran "
                           f"(now {tag})")
        self._not_in_cluster(release)

    def action_verify(self) -> None:
        self.app.push_screen(WalkthroughScreen(
            namespace=self.key[1], reconcile=True, title="Fix a failing release",
            before=list(self.done),
            preface=[f"verify HelmRelease {self.key[1]}/{self.key[2]} after a fix in Git"]))

    def action_actions(self) -> None:  # the fixes are the options here
        self.query_one("#options", OptionList).focus()
