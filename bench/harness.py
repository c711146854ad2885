"""What the benchmarks share: the embedded server in a child process, the product run as a user
runs it (`kubetriage` in a pseudo-terminal), the references run the same way, peak memory of a
process, and the machine's load beside every figure.

Every timed process is a child started by the benchmark: its clock starts just before the
process is created and so counts the interpreter's start-up and the imports, as a user waits
for them. Peak memory is the process's own high-water mark (VmHWM: the most it held resident at
once), read before it exits.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PYTHON = sys.executable
RAW_LISTS = BENCH / "raw_lists.py"
# the product measured: this checkout, or another tree of it (KUBETRIAGE_BENCH_PRODUCT=DIR, e.g.
# an older commit's `git archive`, to measure before and after with the same benchmark)
PRODUCT = os.environ.get("KUBETRIAGE_BENCH_PRODUCT")
KUBETRIAGE = [PYTHON, "-m", "kubetriage"]


def product_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment the product runs in: its tree first on the path when one is given (the
    product then runs from a directory outside every checkout, so no other tree shadows it)."""
    env = dict(env or os.environ)
    if PRODUCT:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (PRODUCT, env.get("PYTHONPATH")) if p)
    return env
DEFAULT_SCALE = "pods=10000,events=30000,helmreleases=500"


def load() -> str:
    """The machine's load average (1, 5, 15 min): other work on a shared machine shows here."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for {pid}")


def peak_rss_mb_self() -> float:
    return peak_rss_mb(os.getpid())


def pod_count(scale: str) -> int:
    from kubetriage.sim.generate import parse_scale
    return parse_scale(scale)["pods"]


@contextlib.contextmanager
def server(scale: str, churn: str | None = None) -> Iterator[Path]:
    """`kubetriage sim --scale ...` in a child process (as a real API server is elsewhere);
    yields its kubeconfig once it listens."""
    with tempfile.TemporaryDirectory(prefix="kt-bench-") as tmp:
        kubeconfig, log = Path(tmp) / "kubeconfig", Path(tmp) / "server.log"
        cmd = [PYTHON, "-m", "kubetriage", "sim", "--scale", scale,
               "--kubeconfig-out", str(kubeconfig)]
        if churn:
            cmd += ["--churn", churn]
        with log.open("w") as out:
            proc = subprocess.Popen(cmd, stdout=out, stderr=out)
        try:
            while "kubeconfig:" not in log.read_text():  # printed once the server listens
                if proc.poll() is not None:
                    raise SystemExit(f"the embedded server did not start: {log.read_text()}")
                time.sleep(0.1)
            yield kubeconfig
        finally:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()


@dataclass
class Run:
    seconds: float
    rss_mb: float


def measured(cmd: list[str], env: dict[str, str] | None = None) -> Run:
    """A command from just before its process is created until it has exited, and its peak
    memory: run under a small Python parent that starts the clock, waits for it alone and
    reports its ru_maxrss (the high-water mark the kernel kept for it)."""
    wrapper = ("import os,sys,subprocess,time,resource\n"
               "t=time.monotonic();p=subprocess.Popen(sys.argv[1:],stdout=subprocess.DEVNULL)\n"
               "p.wait();e=time.monotonic()-t\n"
               "print(e, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024, p.returncode)")
    out = subprocess.run([PYTHON, "-c", wrapper, *cmd], capture_output=True, env=env, text=True,
                         cwd=tempfile.gettempdir())
    try:
        seconds, rss, code = out.stdout.split()
    except ValueError:
        raise SystemExit(f"{' '.join(cmd)}: {out.stderr[-2000:]}") from None
    if int(code) not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} exited {code}: {out.stderr[-2000:]}")
    return Run(float(seconds), float(rss))


def tree_rss_mb(cmd: list[str], env: dict[str, str] | None = None) -> float:
    """The peak of a command's resident memory summed over it and the processes it forks (a
    process's own peak, as `measured` gives it, leaves out a helper's pages beside it): VmRSS
    sampled every 5 ms, in a run of its own (the sampling costs a core's share, so untimed)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, env=env, cwd=tempfile.gettempdir())
    peak = 0
    while proc.poll() is None:
        peak = max(peak, sum(_rss_kb(pid) for pid in _tree(proc.pid)))
        time.sleep(0.005)
    return peak / 1024


def _tree(pid: int) -> list[int]:
    """pid and its descendants (a child forked by a thread is that thread's child)."""
    out, todo = [], [pid]
    while todo:
        pid = todo.pop()
        out.append(pid)
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{pid}/task"):
                with contextlib.suppress(OSError):
                    todo += map(int, Path(f"/proc/{pid}/task/{task}/children").read_text().split())
    return out


def _rss_kb(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def output(cmd: list[str]) -> bytes:
    """What a command prints (exit 0 or 1: `check` exits 1 when it finds errors)."""
    done = subprocess.run(cmd, capture_output=True, env=product_env(), cwd=tempfile.gettempdir())
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr[-2000:]!r}")
    return done.stdout


def raw_lists(kubeconfig: Path) -> Run:
    """The reference: the lists the dashboard reads, fetched the same way (every kind at once,
    pages of the same size, each page decoded) by a plain aiohttp client, as a process of its
    own."""
    from kubetriage.cluster.discovery import WATCHED
    from kubetriage.cluster.reflector import PAGE_SIZE
    return measured([PYTHON, str(RAW_LISTS), "--kubeconfig", str(kubeconfig),
                     "--kinds", ",".join(WATCHED), "--page-size", str(PAGE_SIZE)])


def kubectl_lists(kubeconfig: Path, kinds: str) -> Run:
    """`kubectl get KINDS -A -o json`: what a user would otherwise run (one kind after another,
    in kubectl's own pages of 500)."""
    return measured(["kubectl", "--kubeconfig", str(kubeconfig), "get", kinds, "-A", "-o", "json"])


def warm(kubeconfig: Path) -> None:
    """Every list fetched once: the embedded server's first large answers pay for its own
    warm-up (a real API server answers lists from its watch cache)."""
    raw_lists(kubeconfig)


# -- the dashboard in a pseudo-terminal ---------------------------------------------------------


@dataclass
class Dashboard:
    """`kubetriage --kubeconfig K` running in a pseudo-terminal of WIDTH x HEIGHT, with the probe
    driver noting its frames (probe.py)."""

    proc: subprocess.Popen
    started: float  # monotonic, just before the process was created
    master: int
    notes: list[tuple[str, float, str]] = field(default_factory=list)
    markers: int = -1  # the probe's marker pipe
    output_bytes: int = 0

    def send(self, data: bytes) -> float:
        """Keys as the terminal sends them; returns when they were sent."""
        sent = time.monotonic()
        os.write(self.master, data)
        return sent

    def mark(self, marker: str) -> None:
        os.write(self.markers, (marker + "\n").encode())

    def wait_for(self, kind: str, timeout: float, after: int = 0) -> tuple[float, str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, at, rest in self.notes[after:]:
                if name == kind:
                    return at, rest
            if self.proc.poll() is not None:
                raise SystemExit(f"kubetriage exited ({self.proc.returncode}) before {kind}")
            time.sleep(0.002)
        raise TimeoutError(f"no {kind} within {timeout} s")

    def peak_rss_mb(self) -> float:
        return peak_rss_mb(self.proc.pid)


@contextlib.contextmanager
def dashboard(kubeconfig: Path, pods: int, size: tuple[int, int] = (160, 48)) -> Iterator[Dashboard]:
    notes_r, notes_w = os.pipe()
    marks_r, marks_w = os.pipe()
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
    env = product_env()
    env.update({
        "TERM": "xterm-256color", "COLORTERM": "truecolor",
        "TEXTUAL_DRIVER": "probe:ProbeDriver",
        "PYTHONPATH": os.pathsep.join(p for p in (env.get("PYTHONPATH"), str(BENCH)) if p),
        "KUBETRIAGE_PROBE_FD": str(notes_w), "KUBETRIAGE_PROBE_IN": str(marks_r),
        "KUBETRIAGE_PROBE_PODS": str(pods),
        # a settings file of its own: the user's theme and bell are not the benchmark's
        "XDG_CONFIG_HOME": tempfile.mkdtemp(prefix="kt-bench-config-")})
    started = time.monotonic()
    proc = subprocess.Popen([*KUBETRIAGE, "--kubeconfig", str(kubeconfig)], stdin=slave,
                            stdout=slave, stderr=slave, env=env, pass_fds=(notes_w, marks_r),
                            start_new_session=True, cwd=tempfile.gettempdir())
    os.close(slave)
    os.close(notes_w)
    os.close(marks_r)
    run = Dashboard(proc, started, master, markers=marks_w)
    stop = threading.Event()

    def drain() -> None:  # the terminal: read what it is sent, or the writer would block
        while not stop.is_set():
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    run.output_bytes += len(os.read(master, 1 << 16))
                except OSError:
                    return

    def notes() -> None:
        with os.fdopen(notes_r) as lines:
            for line in lines:
                name, at, *rest = line.split(" ", 2)
                run.notes.append((name, float(at), rest[0].strip() if rest else ""))

    threads = [threading.Thread(target=drain, daemon=True),
               threading.Thread(target=notes, daemon=True)]
    for t in threads:
        t.start()
    try:
        yield run
    finally:
        if proc.poll() is None:
            os.write(master, b"q")
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.terminate()
                proc.wait(10)
        stop.set()
        os.close(marks_w)
        with contextlib.suppress(OSError):
            os.close(master)


@contextlib.contextmanager
def hogs(count: int) -> Iterator[None]:
    """`count` processes that only spin: other load on the machine, as a busy host has."""
    procs = [subprocess.Popen([PYTHON, "-c", "while True: pass"]) for _ in range(count)]
    try:
        yield
    finally:
        for p in procs:
            p.kill()
            p.wait()


def until_load(target: float, timeout: float) -> None:
    """Until the 1-minute load average reaches target (it follows a change over a minute: a few
    seconds of spinning processes hardly move it), or timeout seconds."""
    deadline = time.monotonic() + timeout
    while target > 1 and os.getloadavg()[0] < target and time.monotonic() < deadline:
        time.sleep(1)


def quantile(values: list[float], q: int) -> float:
    import statistics
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def print_figures(figures: dict[str, object]) -> None:
    for name, value in figures.items():
        print(f"{name}: {value:.3f}" if isinstance(value, float) else f"{name}: {value}")
