"""The clusters pane: the selected story's event, or every cluster of the query.

In story mode it lists the members (origin and copies marked, outlet and age) and
the quotes and passages they share; ``a`` cycles to a list of the current query's
clusters over every day (not only the loaded stories'), by size then by recency.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from triage.core.clusters import Cluster, ClusterMember
from triage.ui.messages import (
    ClusterModeChanged,
    MarkAllRead,
    SplitStory,
    StoryOpened,
    StorySelected,
    TagStories,
)
from triage.ui.text import plain, relative_time

MODES = ("story", "size", "recent")
MODE_TITLES = {"story": "this story", "size": "all by size", "recent": "all by recency"}
MARKS = {"origin": ("◆ ", "bold green"), "copy": ("⧉ ", "yellow"), "related": ("· ", "dim")}


def _newest(cluster: Cluster) -> datetime:
    return max(m.published for m in cluster.members)


class ClusterPane(OptionList):
    """Members and shared text of one cluster, or the list of clusters.

    Keys: ``j``/``k`` move, ``g``/``G`` first/last, ``enter`` reads the member (or
    opens the cluster from the list), ``t``/``T`` tag or untag every story of the
    cluster, ``A`` marks every story of the cluster read, ``x`` splits the member
    out, ``a`` cycles story cluster / all by size / all by recency.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="down"),
        Binding("k", "cursor_up", "Up", show=False, id="up"),
        Binding("g", "first", "First", show=False, id="first"),
        Binding("G", "last", "Last", show=False, id="last"),
        Binding("enter", "choose", "Read", id="open"),
        Binding("t", "tag", "Tag cluster", id="tag"),
        Binding("T", "untag", "Untag cluster", id="untag"),
        Binding("a", "cycle_mode", "All clusters", id="cluster_mode"),
        Binding(
            "A", "mark_all_read", "Mark cluster read (z undoes)", show=False, id="mark_all_read"
        ),
        Binding("x", "split", "Split the member out", show=False, id="split"),
    ]

    def __init__(self, clock: Callable[[], datetime], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.clock = clock
        self.mode = "story"
        self.cluster: Cluster | None = None
        self.current: str | None = None
        self.all_clusters: list[Cluster] = []

    def on_mount(self) -> None:
        self._titles()

    def _titles(self) -> None:
        self.border_title = "2 Clusters"
        self.border_subtitle = MODE_TITLES[self.mode]

    def _member(self, member: ClusterMember, now: datetime) -> Option:
        mark, style = MARKS[member.relation]
        line = Text(end="")
        if member.story_id == self.current:
            line.append("▶ ", style="bold")
        line.append(mark, style=style)
        line.append_text(plain(member.source, "bold", one_line=True))
        line.append(f" {relative_time(member.published, now)} ", style="dim")
        if member.relation == "copy":
            line.append("copy ", style="yellow")
        elif member.relation == "origin":
            line.append("origin ", style="green")
        line.append_text(plain(member.title, one_line=True))
        return Option(line, id=f"m:{member.story_id}")

    def show_cluster(self, cluster: Cluster | None, current: str | None = None) -> None:
        """Show the selected story's cluster (story mode), the cursor on ``current``."""
        self.cluster = cluster
        self.current = current
        if self.mode == "story":
            self._render_story()

    def show_all(self, clusters: list[Cluster]) -> None:
        """Show the list of clusters of the current query (list modes)."""
        self.all_clusters = clusters
        if self.mode != "story":
            self._render_list()

    def _render_story(self) -> None:
        self.clear_options()
        cluster = self.cluster
        if cluster is None:
            self.add_option(Option(Text("No cluster", style="dim"), disabled=True))
            return
        now = self.clock()
        heading = Text(end="")
        heading.append(
            f"{cluster.size} {'story' if cluster.size == 1 else 'stories'}: ", style="bold"
        )
        heading.append_text(plain(cluster.title, one_line=True))
        options = [Option(heading, disabled=True)]
        options.extend(self._member(m, now) for m in cluster.members)
        if cluster.shared:
            options.append(Option(Text("Shared", style="bold underline"), disabled=True))
        for index, passage in enumerate(cluster.shared):
            line = Text(end="")
            line.append("❝ " if passage.kind == "quote" else "¶ ", style="cyan")
            line.append_text(plain(passage.text, one_line=True))
            line.append(f"  ({len(passage.story_ids)} stories)", style="dim")
            options.append(Option(line, id=f"p:{index}"))
        self.add_options(options)
        mine = next((i for i, o in enumerate(options) if o.id == f"m:{self.current}"), None)
        first = next((i for i, o in enumerate(options) if not o.disabled), None)
        self.highlighted = mine if mine is not None else first
        self.call_after_refresh(self.keep_heading)

    def keep_heading(self) -> None:
        """Scroll as high as the cursor allows: the heading and origin stay in view.

        Unfocused (a glance while moving through the stories), the pane shows its
        heading and origin even when the selected member lies below them; focused,
        it scrolls just far enough to show the member under the cursor.
        """
        if self.mode == "story":
            self.scroll_home(animate=False, immediate=True)
            if self.has_focus:
                self.scroll_to_highlight()

    def on_focus(self) -> None:
        self.call_after_refresh(self.keep_heading)

    def on_resize(self) -> None:
        self.call_after_refresh(self.keep_heading)

    def _render_list(self) -> None:
        self.clear_options()
        now = self.clock()
        ordered = sorted(
            self.all_clusters,
            key=(lambda c: (-c.size, c.id)) if self.mode == "size" else (lambda c: _newest(c)),
            reverse=self.mode == "recent",
        )
        options = []
        for cluster in ordered:
            line = Text(end="")
            line.append(f"×{cluster.size:<3}", style="reverse" if cluster.size > 1 else "dim")
            line.append(f" {relative_time(_newest(cluster), now):>4} ", style="dim")
            line.append_text(plain(cluster.title, one_line=True))
            options.append(Option(line, id=f"c:{cluster.origin}"))
        if not options:
            options.append(Option(Text("No clusters", style="dim"), disabled=True))
        self.add_options(options)
        self.highlighted = 0 if ordered else None

    def _highlighted_id(self) -> str:
        if self.highlighted is None:
            return ""
        return self.get_option_at_index(self.highlighted).id or ""

    def _target_story_ids(self) -> list[str]:
        option_id = self._highlighted_id()
        if self.mode == "story" and self.cluster is not None:
            return [m.story_id for m in self.cluster.members]
        if option_id.startswith("c:"):
            origin = option_id[2:]
            for cluster in self.all_clusters:
                if cluster.origin == origin:
                    return [m.story_id for m in cluster.members]
        return []

    def action_first(self) -> None:
        """Go to the first entry."""
        self.highlighted = next(
            (i for i in range(self.option_count) if not self.get_option_at_index(i).disabled),
            None,
        )

    def action_last(self) -> None:
        """Go to the last entry."""
        self.highlighted = self.option_count - 1 if self.option_count else None

    def action_choose(self) -> None:
        """Read the highlighted member, or open the highlighted cluster."""
        option_id = self._highlighted_id()
        if option_id.startswith("m:"):
            self.post_message(StoryOpened(option_id[2:]))
        elif option_id.startswith("c:"):
            self.mode = "story"
            self._titles()
            self.post_message(ClusterModeChanged(self.mode))
            self.post_message(StorySelected(option_id[2:]))

    def action_tag(self) -> None:
        """Tag every story of the cluster."""
        ids = self._target_story_ids()
        if ids:
            self.post_message(TagStories(ids))

    def action_untag(self) -> None:
        """Remove a tag from every story of the cluster."""
        ids = self._target_story_ids()
        if ids:
            self.post_message(TagStories(ids, remove=True))

    def action_split(self) -> None:
        """Take the highlighted member out of the cluster (a correction that survives rebuilds)."""
        option_id = self._highlighted_id()
        if self.mode == "story" and option_id.startswith("m:"):
            self.post_message(SplitStory(option_id[2:]))

    def action_mark_all_read(self) -> None:
        """Mark every story of the cluster read (undo with ``z``)."""
        ids = self._target_story_ids()
        if ids:
            self.post_message(MarkAllRead(ids, "cluster"))

    def action_cycle_mode(self) -> None:
        """Cycle: this story's cluster, all clusters by size, all by recency."""
        self.mode = MODES[(MODES.index(self.mode) + 1) % len(MODES)]
        self._titles()
        if self.mode == "story":
            self._render_story()
        else:
            self._render_list()
        self.post_message(ClusterModeChanged(self.mode))
