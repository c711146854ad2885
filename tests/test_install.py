"""`pip install .` (not editable) gives a working command with its data: scenarios, themes, CSS."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

# setuptools builds in the repository's own build/ folder: one worker builds, or two collide
pytestmark = pytest.mark.xdist_group("install")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv holding only the built wheel; its dependencies come from the test venv through
    a .pth line, so the test needs no network and the repo's source is not on its path."""
    work = tmp_path_factory.mktemp("install")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "--no-build-isolation", "-w", str(work / "dist"), str(REPO)],
                   check=True, timeout=120, capture_output=True)
    wheel = next((work / "dist").glob("kubetriage-*.whl"))
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=60)
    site = next(venv.glob("lib/python*/site-packages"))
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    with zipfile.ZipFile(wheel) as zf:  # installing a pure wheel is unpacking it into site
        zf.extractall(site)
    bindir = venv / "bin"
    (bindir / "kubetriage").write_text(
        f"#!{bindir / 'python'}\nfrom kubetriage.cli import main\nraise SystemExit(main())\n")
    (bindir / "kubetriage").chmod(0o755)
    return venv


def run(venv: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(venv / "bin" / "kubetriage"), *args], capture_output=True,
                          text=True, timeout=60, cwd=venv)


def test_version_from_the_installed_wheel(installed):
    out = run(installed, "--version")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().startswith("kubetriage ")


def test_sim_help_from_the_installed_wheel(installed):
    out = run(installed, "sim", "--help")
    assert out.returncode == 0, out.stderr
    assert "--scenario" in out.stdout and "--kubeconfig-out" in out.stdout


def test_package_data_is_installed(installed):
    """Every scenario, theme and stylesheet in the repo is in the installed package."""
    code = ("import kubetriage, pathlib, sys; root = pathlib.Path(kubetriage.__file__).parent; "
            "assert 'site-packages' in str(root), root; "
            "print('\\n'.join(str(p.relative_to(root)) for p in root.rglob('*') if p.is_file()))")
    out = subprocess.run([str(installed / "bin" / "python"), "-c", code], capture_output=True,
                         text=True, timeout=60, cwd=installed)
    assert out.returncode == 0, out.stderr
    shipped = set(out.stdout.split())
    source = REPO / "kubetriage"
    wanted = {str(p.relative_to(source)) for p in source.rglob("*")
              if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}
    assert wanted - shipped == set()
