"""A ScrollView whose scrolling redraws itself only.

Textual's ScrollView moves its vertical scrollbar on every scroll, even when the scrollbar is 0
cells wide (as the app's are: app.tcss); a widget refreshed off the compositor's map makes the
next frame lay out the whole screen again. The tables scroll to keep their anchor row under
churn (136 layouts in 7 s of keys at 10k pods) and a followed log scrolls with every batch.
"""

from __future__ import annotations

from textual.scroll_view import ScrollView


class QuietScrollView(ScrollView):
    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        if self.show_vertical_scrollbar and self.styles.scrollbar_size_vertical:
            self.vertical_scrollbar.position = new_value
        if round(old_value) != round(new_value):
            self.refresh(self.size.region)
