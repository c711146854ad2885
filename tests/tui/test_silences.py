"""The dashboard hides what `check` hides: the same silences file gives the same chains both ways,
and the status bar says how many findings it hid (a "no chains" that hides some is not an
all-clear). A bad file is one line, exit 2, before the screen is taken over."""

from __future__ import annotations

from kubetriage import silences
from kubetriage.cli import main
from kubetriage.diagnosis import diagnose
from kubetriage.sim import scenario as scenarios
from tests.tui.conftest import pinned_app, screen_text, settled

WRONG_TAG = "silences:\n  - {code: KT-202, namespace: midwestmtg, name: 'midwestmtg-frontend-*'}\n"


async def test_a_silenced_finding_leaves_the_dashboard_as_it_leaves_check(tmp_path):
    path = tmp_path / "silences.yaml"
    path.write_text(WRONG_TAG)
    hidden = silences.load(path)
    check = diagnose(scenarios.load("midwestmtg").dump.snapshot(), silences=hidden)
    app = pinned_app(silences=hidden)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot, app)
        screen = screen_text(app)
    roots = sorted(c.root for c in app.report.chains)
    assert roots == sorted(c.root for c in check.chains) and len(roots) == 1, roots
    assert not any(r.startswith("KT-202/") for r in roots)
    assert app.report.silenced == check.silenced == 1
    assert "1 silenced" in screen.splitlines()[0]


async def test_without_silences_the_wrong_tag_chain_is_shown():
    app = pinned_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot, app)
        screen = screen_text(app)
    assert any(c.root.startswith("KT-202/") for c in app.report.chains)
    assert "silenced" not in screen.splitlines()[0]


def test_a_bad_silences_file_is_one_line_and_exit_2(tmp_path, capsys):
    path = tmp_path / "silences.yaml"
    path.write_text("silences:\n  - {code: KT-999}\n")
    assert main(["--silences", str(path), "--demo", "midwestmtg"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(path) in err[0] and "KT-999" in err[0], err


def test_check_keeps_a_silences_file_given_before_the_subcommand(tmp_path, capsys):
    path = tmp_path / "silences.yaml"
    path.write_text(WRONG_TAG)
    assert main(["--silences", str(path), "check", "--demo", "midwestmtg"]) == 1
    assert "1 silenced" in capsys.readouterr().out
