"""The dashboard (Textual): everything here may import Textual; nothing outside tui/ does."""

import os

# Textual paces frames at most 1/TEXTUAL_FPS apart and, after a frame, may sleep up to two such
# periods before the next: at its default 60, a key pressed just after a live update's frame
# waited up to 33 ms to be drawn (key p95 40 -> 28 ms at 10k pods under churn). Live updates
# stay batched at ~10 a second whatever this is. Read when Textual is first imported.
os.environ.setdefault("TEXTUAL_FPS", "120")
