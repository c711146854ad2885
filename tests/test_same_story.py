"""The same story both ways: on every seed scenario, the report the dashboard draws (the live
source listing the embedded server over HTTP, the logs it reads, the diagnosis it runs in a forked
child) holds the chains of `kubetriage check` on the scenario's dump, root first, each finding
with the same words, evidence and fixes, in the same order; and its Chains panel lists those roots
in that order."""

from __future__ import annotations

import pytest

from kubetriage.checks.finding import Report
from kubetriage.cli import main
from kubetriage.sim import scenario as scenarios
from kubetriage.tui.app import KubetriageApp
from kubetriage.tui.widgets.chains_panel import ChainsPanel
from tests.tui.conftest import STILL, settled


def story(report: Report) -> list[tuple[str, list[tuple]]]:
    by_id = {f.id: f for f in report.findings}
    return [(chain.root, [(fid, by_id[fid].severity, by_id[fid].summary, by_id[fid].evidence,
                           [r.model_dump() for r in by_id[fid].remediations])
                          for fid in chain.links])
            for chain in report.chains]


def check_report(name: str, capsys) -> Report:
    capsys.readouterr()
    code = main(["check", "--from-dump", str(scenarios.resolve(name)), "-o", "json"])
    out = capsys.readouterr().out
    report = Report.model_validate_json(out)
    assert code == (1 if report.worst() in ("critical", "error") else 0)
    return report


# roots whose proof is a log line of a container that is not failing: both ways must read it
ROOT_FROM_A_LOG = {
    "registry-rebuild": ("KT-302", "New key written"),
    "homelab-drift": ("KT-601", "otel-collector"),
}


@pytest.mark.parametrize("name", scenarios.names())
async def test_the_dashboard_tells_the_story_check_tells(name, capsys):
    # loaded at the time it was recorded: its timestamps are the dump's, word for word
    recorded = scenarios.load_timeline(scenarios.resolve(name) / "timeline.yaml").recorded_at
    app = KubetriageApp(demo=scenarios.load(name, now=recorded),
                        source_options={"demo_options": {"speed": STILL}})
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot, app, timeout=60)
        drawn = app.report
        panel = app.screen_main.query_one(ChainsPanel)
        roots = [node.data.finding for node in panel.root.children if node.data is not None]
    told = check_report(name, capsys)
    assert story(drawn) == story(told)
    assert roots == [chain.root for chain in told.chains]
    assert {f.id for f in drawn.findings} == {f.id for f in told.findings}
    if name in ROOT_FROM_A_LOG:
        code, line = ROOT_FROM_A_LOG[name]
        by_id = {f.id: f for f in drawn.findings}
        assert any(by_id[r].check == code and any(line in e for e in by_id[r].evidence)
                   for r in roots), f"no {code} root quoting {line!r} on the dashboard"
