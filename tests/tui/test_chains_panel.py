"""The chains tree changes chain by chain as reports come: what it shows is what a tree built
afresh from the same report shows, the cursor stays on its line's finding, and a chain that did
not change keeps its nodes (folded or unfolded as the operator left it)."""

from __future__ import annotations

from textual.app import App, ComposeResult

from kubetriage.checks.finding import Chain, Finding, ObjectRef, Report
from kubetriage.tui.widgets.chains_panel import ChainsPanel


def finding(name: str, severity: str = "error", evidence: tuple[str, ...] = ()) -> Finding:
    return Finding(id=f"KT-000/{name}", check="KT-000", title="broken", severity=severity,
                   object=ObjectRef(kind="Pod", namespace="apps", name=name),
                   summary=f"{name} is broken", evidence=list(evidence))


def report(chains: dict[str, list[str]], severity: dict[str, str] | None = None,
           evidence: dict[str, tuple[str, ...]] | None = None) -> Report:
    """chains: root name -> symptom names."""
    severity, evidence = severity or {}, evidence or {}
    names = {n for root, symptoms in chains.items() for n in (root, *symptoms)}
    findings = [finding(n, severity.get(n, "error"), evidence.get(n, ())) for n in sorted(names)]
    return Report(findings=findings, chains=[
        Chain(id=f"chain/{root}", root=f"KT-000/{root}", summary=f"{root} breaks the rest",
              links=[f"KT-000/{n}" for n in (root, *symptoms)],
              severity=max((severity.get(n, "error") for n in (root, *symptoms)),
                           key=["info", "warning", "error", "critical"].index))
        for root, symptoms in chains.items()])


class Panels(App):
    def compose(self) -> ComposeResult:
        yield ChainsPanel(id="live")
        yield ChainsPanel(id="fresh")


def lines(panel: ChainsPanel) -> list[str]:
    return [str(panel.get_node_at_line(i).label) for i in range(panel.last_line + 1)]


def outline(panel: ChainsPanel) -> list[str]:
    """Every node, folded or not."""
    return [str(label) for top in panel.root.children
            for label in (top.label, *(f"  {leaf.label}" for leaf in top.children))]


def cursor_on(panel: ChainsPanel) -> str:
    return str(panel.cursor_node.label)


async def test_each_report_shows_what_a_fresh_tree_would_and_the_cursor_stays():
    app = Panels()
    async with app.run_test(size=(100, 60)) as pilot:
        live = app.query_one("#live", ChainsPanel)
        steps = [
            report({"db": ["api", "web"], "dns": ["mail"]}),
            # a worse chain appears first; db gains a symptom; dns gains evidence
            report({"db": ["api", "web", "jobs"], "dns": ["mail"], "disk": ["logs"]},
                   severity={"disk": "critical"}, evidence={"dns": ("NXDOMAIN x2",)}),
            # only words change: the evidence's count
            report({"db": ["api", "web", "jobs"], "dns": ["mail"], "disk": ["logs"]},
                   severity={"disk": "critical"}, evidence={"dns": ("NXDOMAIN x3",)}),
            # db resolves; dns is now the longest
            report({"dns": ["mail", "chat"], "disk": ["logs"]}, severity={"disk": "critical"},
                   evidence={"dns": ("NXDOMAIN x3",)}),
            # disk is no longer critical: the same chains, in another order
            report({"dns": ["mail", "chat"], "disk": ["logs"]}, severity={"disk": "warning"},
                   evidence={"dns": ("NXDOMAIN x3",)}),
        ]
        live.show_report(steps[0])
        await pilot.pause()
        dns = next(n for n in live.root.children if n.data.chain == "chain/dns")
        dns.collapse()
        await pilot.pause()
        dns.expand()  # unfolded again by hand: a rebuilt chain would come back folded or not
        await pilot.pause()
        live.move_cursor(next(n for n in dns.children if n.data.finding == "KT-000/mail"))
        await pilot.pause()
        assert cursor_on(live) == "↳ ● error pod apps/mail broken"
        for step in steps[1:]:
            live.show_report(step)
            fresh = app.query_one("#fresh", ChainsPanel)
            await fresh.remove()
            await app.mount(ChainsPanel(id="fresh"))
            fresh = app.query_one("#fresh", ChainsPanel)
            fresh.show_report(step)
            await pilot.pause()
            assert outline(live) == outline(fresh)
            assert cursor_on(live) == "↳ ● error pod apps/mail broken"
        assert outline(live)[0] == "● error pod apps/dns broken"
        assert lines(live)[-1] == "● warning pod apps/disk broken"
        assert "▸ NXDOMAIN x3" in lines(live)
        assert not any("db" in line for line in outline(live))


async def test_a_chain_that_did_not_change_keeps_its_nodes():
    app = Panels()
    async with app.run_test(size=(100, 60)) as pilot:
        live = app.query_one("#live", ChainsPanel)
        live.show_report(report({"db": ["api"], "dns": ["mail"]}))
        await pilot.pause()
        before = {n.data.chain: n for n in live.root.children}
        live.show_report(report({"db": ["api", "web"], "dns": ["mail"]}))
        await pilot.pause()
        after = {n.data.chain: n for n in live.root.children}
        assert after["chain/dns"] is before["chain/dns"]
        assert after["chain/db"] is not before["chain/db"]


async def test_a_theme_switched_at_run_time_recolours_the_chains():
    from kubetriage.tui.styling import rich_color

    app = Panels()
    async with app.run_test(size=(100, 60)) as pilot:
        live = app.query_one("#live", ChainsPanel)
        live.show_report(report({"db": ["api"]}))
        await pilot.pause()
        for theme in ("textual-light", "nord"):
            app.theme = theme
            await pilot.pause()
            await pilot.pause()
            root = live.root.children[0].label
            assert root.spans[0].style == rich_color(app.current_theme.error, "red"), theme


async def test_a_chain_shows_its_worst_symptoms_and_counts_the_rest():
    from kubetriage.tui.widgets.chains_panel import MAX_SYMPTOMS

    app = Panels()
    async with app.run_test(size=(100, 60)) as pilot:
        live = app.query_one("#live", ChainsPanel)
        pods = [f"pod-{i:03}" for i in range(MAX_SYMPTOMS + 12)]
        live.show_report(report({"node": pods, "dns": ["mail"]},
                                severity={"pod-019": "critical"}))
        await pilot.pause()
        node = outline(live)[:outline(live).index("● error pod apps/dns broken")]
        symptoms = [line for line in node if "↳" in line]
        assert len(symptoms) == MAX_SYMPTOMS
        assert symptoms[0] == "  ↳ ● critical pod apps/pod-019 broken"  # the worst first
        assert node[-1] == "  … 12 more: marked in the other panels"
        assert "● error pod apps/dns broken" in lines(live)  # the next chain is still in view
