"""The dashboard (Textual): everything here may import Textual; nothing outside tui/ does."""

import os

# Textual paces frames at most 1/TEXTUAL_FPS apart and, after a frame, may sleep up to two such
# periods before the next: at its default 60, a key pressed just after a live update's frame
# waited up to 33 ms to be drawn (key p95 40 -> 28 ms at 10k pods under churn, at 120). On a
# loaded machine the timer's wakeup comes late as well: at load 4, a key's dispatch to its frame
# p90 21-23 ms at 120, 12-16 ms at 240. Live updates stay batched at ~10 a second whatever this
# is. Read when Textual is first imported.
os.environ.setdefault("TEXTUAL_FPS", "240")
