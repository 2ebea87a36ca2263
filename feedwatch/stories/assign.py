"""Incremental story assignment: each new item joins the story of an item with the same strong
evidence, else of a near-identical title from another source within a few days, else starts its
own. Nothing already assigned is re-clustered.

Precision guards: a story holds at most one arXiv paper, one version per project release and one
event per model (a new item whose keys would add a second never joins; two stories never merge
into one that would hold two); title matches only join items of different sources published within
`window_days`; and a story stops growing at `max_size` items (a hostile feed repeating a title is
bounded, and the UI never has to show a thousand-source story).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..enrich.evidence import StoryItem, keys
from ..story_titles import near_identical, signature

MAX_CANDIDATES = 200


def _family(key: str) -> str | None:
    """The exclusive family of a key: a story holds one value per family."""
    kind, _, rest = key.partition(":")
    if kind == "arxiv":
        return "arxiv"
    if kind == "release":
        return "release:" + rest.split(":", 1)[0]
    if kind == "model":
        return "model:" + rest.rsplit(":", 1)[-1]       # one model per event kind
    return None


@dataclass(slots=True)
class _Story:
    id: int
    items: list[int] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)
    exclusive: dict[str, str] = field(default_factory=dict)   # family -> key
    keys: set[str] = field(default_factory=set)
    pinned: bool = False                                       # holds an item a person placed by hand


def _time(stamp: str) -> float:
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() if stamp else 0.0
    except ValueError:
        return 0.0


class StoryIndex:
    """The stories of the items added so far; `add` returns the new item's story id."""

    def __init__(self, window_days: float = 3.0, max_size: int = 50):
        self.window = window_days * 86400
        self.max_size = max_size
        self.stories: dict[int, _Story] = {}
        self.story_of: dict[int, int] = {}
        self.by_key: dict[str, int] = {}            # key -> story id
        self.by_sig: dict[str, list[int]] = {}      # title signature -> item ids (title candidates)
        self.meta: dict[int, tuple[str, str, float]] = {}   # item id -> (source, title, time)
        self.touched: set[int] = set()             # stories that gained items (or absorbed another story)

    def seed(self, item_id: int, story_id: int, source: str, title: str, published: str,
             keys: tuple[str, ...] = (), pinned: bool = False, sig: str | None = None) -> None:
        """An item already grouped (its story as stored), so that new items can join it."""
        story = self.stories.get(story_id)
        if story is None:
            story = self.stories[story_id] = _Story(story_id)
        story.items.append(item_id)
        story.sources.add(source)
        story.pinned = story.pinned or pinned
        self._keys_to(story, keys)
        self.story_of[item_id] = story_id
        self.meta[item_id] = (source, title, _time(published))
        self._index_title(item_id, sig if sig is not None else signature(title))

    def _index_title(self, item_id: int, sig: str | None) -> None:
        if sig is not None:
            self.by_sig.setdefault(sig, []).append(item_id)

    def _keys_to(self, story: _Story, keys: tuple[str, ...]) -> None:
        for k in keys:
            fam = _family(k)
            if fam:
                story.exclusive.setdefault(fam, k)
            if self.by_key.setdefault(k, story.id) == story.id:
                story.keys.add(k)

    def _fits(self, story: _Story, new_keys: tuple[str, ...]) -> bool:
        if len(story.items) >= self.max_size:
            return False
        for k in new_keys:
            fam = _family(k)
            if fam and story.exclusive.get(fam, k) != k:
                return False
        return True

    def _title_match(self, item: StoryItem, when: float, new_keys: tuple[str, ...]) -> int | None:
        sig = item.sig if item.sig is not None else signature(item.title)
        if sig is None:
            return None
        for other in self.by_sig.get(sig, ())[-MAX_CANDIDATES:]:    # a near-identical title has the same
            source, title, other_when = self.meta[other]
            if source == item.source or abs(other_when - when) > self.window:
                continue
            story = self.stories[self.story_of[other]]
            if item.source in story.sources or not self._fits(story, new_keys):
                continue
            if near_identical(item.title, title):
                return story.id
        return None

    def add(self, item: StoryItem, new_keys: tuple[str, ...] | None = None) -> int:
        """Put a new item into a story; `new_keys` are its `evidence.keys` when the caller has them."""
        when = _time(item.published)
        new_keys = keys(item) if new_keys is None else new_keys
        joined: _Story | None = None
        for k in new_keys:
            sid = self.by_key.get(k)
            if sid is None:
                continue
            story = self.stories[sid]
            if joined is None:
                if self._fits(story, new_keys):
                    joined = story
            elif story is not joined and self._mergeable(joined, story):
                self._merge(joined, story)
        if joined is None:
            sid = self._title_match(item, when, new_keys)
            joined = self.stories[sid] if sid is not None else None
        if joined is None:
            joined = self.stories[item.id] = _Story(item.id)
        joined.items.append(item.id)
        joined.sources.add(item.source)
        self._keys_to(joined, new_keys)
        self.touched.add(joined.id)
        self.story_of[item.id] = joined.id
        self.meta[item.id] = (item.source, item.title, when)
        self._index_title(item.id, item.sig if item.sig is not None else signature(item.title))
        return joined.id

    def _mergeable(self, a: _Story, b: _Story) -> bool:
        if len(a.items) + len(b.items) > self.max_size or a.pinned or b.pinned:
            return False
        return all(a.exclusive.get(f, k) == k for f, k in b.exclusive.items())

    def _merge(self, into: _Story, other: _Story) -> None:
        for i in other.items:
            self.story_of[i] = into.id
        into.items += other.items
        into.sources |= other.sources
        for f, k in other.exclusive.items():
            into.exclusive.setdefault(f, k)
        for k in other.keys:
            self.by_key[k] = into.id
        into.keys |= other.keys
        del self.stories[other.id]
        self.touched.discard(other.id)
        self.touched.add(into.id)
