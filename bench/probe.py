"""The terminal driver the dashboard benchmarks run `kubetriage` with (TEXTUAL_DRIVER=probe:
ProbeDriver, this folder on PYTHONPATH): Textual's own Linux driver, so every frame is rendered
and written to the pseudo-terminal the benchmark holds, exactly as in a user's terminal. After
each frame is flushed it notes, on the file descriptor KUBETRIAGE_PROBE_FD, what that frame
showed, one line each, times on the machine's monotonic clock (the benchmark's clock too):

  first_screen T PODS EVENTS CHAINS
                   the first frame with rows in the pods and the events panels and chains drawn
                   (a report "so far", of the kinds listed whole, counts; the first pages of a
                   large cluster are drawn while the rest arrives); the rows and chains shown
  first_chains T CHAINS
                   the first frame with a chain drawn (of a report so far or the whole one)
  complete T PODS EVENTS FRAMES
                   the first frame after every pod is in the pods panel (at least
                   KUBETRIAGE_PROBE_PODS, less 1 % for churn), every folded event in the events
                   panel, and the first whole diagnosis drawn; the rows shown, and the frames
                   drawn until then (their drawing is the loop's time too)
  frame T CURSOR   every frame after that one, with the key of the pods panel's cursor row
  change T MARKER  the first frame whose events panel holds the row of an event the benchmark
                   created (named on KUBETRIAGE_PROBE_IN, one marker a line)
  synced T         when every list the dashboard started has been read into its store (a
                   thread looks every 2 ms); then, looked for the same way, the launch's steps:
  rows_in T        every row is in its table
  report T         the first diagnosis is ready to be drawn
  helpers_rss T MB then, the largest peak resident memory among the processes it forked and
                   has waited for (the first diagnosis: its pages are shared with this one
                   until written, but count in each process's RSS)

It reads the app's state only; it changes nothing and costs a few attribute reads a frame.
"""

from __future__ import annotations

import os
import resource
import threading
import time
from typing import Any

from textual.drivers.linux_driver import LinuxDriver

SYNC_POLL_S = 0.002
DONE_PHASES = {"live", "forbidden", "unavailable"}


class ProbeDriver(LinuxDriver):
    def __init__(self, app: Any, **options: Any) -> None:
        super().__init__(app, **options)
        self._out = os.fdopen(int(os.environ["KUBETRIAGE_PROBE_FD"]), "w", buffering=1)
        self._pods = int(os.environ.get("KUBETRIAGE_PROBE_PODS", "0"))
        self._first = self._chains = self._complete = False
        self._frames_before = 0  # frames drawn before the complete screen (each costs the loop)
        self._markers: list[str] = []
        self._lock = threading.Lock()
        if "KUBETRIAGE_PROBE_IN" in os.environ:
            threading.Thread(target=self._read_markers, daemon=True, name="probe-in").start()
        threading.Thread(target=self._watch_sync, daemon=True, name="probe-sync").start()

    def _note(self, line: str) -> None:
        with self._lock:
            self._out.write(line + "\n")

    def flush(self) -> None:
        super().flush()
        now = time.monotonic()
        app = self._app
        try:
            screen = app.screen_main
            pods = screen.query_one("#pods-table")
            events = screen.query_one("#events-table")
        except Exception:  # not composed yet
            return
        if not self._complete:
            self._frames_before += 1
            so_far = getattr(app, "so_far", ())  # a tree before reports so far has none
            if not self._first and pods.row_count and events.row_count \
                    and (app.diagnoses or so_far):
                self._first = True
                self._note(f"first_screen {now:.6f} {pods.row_count} {events.row_count} "
                           f"{len(app.report.chains)}")
            if not self._chains and app.report.chains and (app.diagnoses or so_far):
                self._chains = True
                self._note(f"first_chains {now:.6f} {len(app.report.chains)}")
            folds = len(app.model.folded)
            if pods.row_count >= self._pods * 0.99 and app.diagnoses > 0 \
                    and events.row_count >= folds > 0:
                self._complete = True
                self._note(f"complete {now:.6f} {pods.row_count} {events.row_count} "
                           f"{self._frames_before}")
            return
        self._note(f"frame {now:.6f} {pods.cursor_key!r}")
        if self._markers:
            for marker in list(self._markers):
                ns = marker.split("/", 1)[0]
                name = marker.split("/", 1)[1]
                # the fold's key, and as a tree before 5faec25 made it (turn-about runs)
                if events.has_row(("Event", ns, ("Pod", name), "Bench", name)) \
                        or events.has_row(("Event", ns, f"Pod/{name} Bench {name}")):
                    self._markers.remove(marker)
                    self._note(f"change {now:.6f} {marker}")

    def _read_markers(self) -> None:
        with os.fdopen(int(os.environ["KUBETRIAGE_PROBE_IN"])) as lines:
            for line in lines:
                self._markers.append(line.strip())

    def _watch_sync(self) -> None:
        while True:
            time.sleep(SYNC_POLL_S)
            source = getattr(self._app, "source", None)
            if source is None or not getattr(source, "reflectors", None):
                continue
            try:
                states = source.store.states()
            except RuntimeError:  # changed while read: look again
                continue
            kinds = {r.kind for r in list(source.reflectors)}
            if len(states) >= len(kinds) and all(s.phase in DONE_PHASES for s in states.values()):
                self._note(f"synced {time.monotonic():.6f}")
                break
        steps = {"rows_in": lambda: self._app._rows_in.is_set(),
                 "report": lambda: self._app._first_report.is_set() or self._app.diagnoses}
        while steps:
            time.sleep(SYNC_POLL_S)
            for name, done in list(steps.items()):
                if done():
                    self._note(f"{name} {time.monotonic():.6f}")
                    del steps[name]
        helpers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        self._note(f"helpers_rss {time.monotonic():.6f} {helpers:.1f}")
