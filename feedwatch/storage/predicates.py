"""The conditions several queries share, each written once: what "recent", "affects our stack",
"linked", "hidden" and "a story's other report" mean in SQL.

A list, a count, a search, the digest and the notifier must agree on these; when one of them
wrote its own copy, the copies drifted (an item counted in the sidebar but missing from its list).
Each helper takes the table alias it applies to, so joins can use it too.
"""

from __future__ import annotations

# -- recency: the date every list sorts by ------------------------------------------------------------


def recency(alias: str = "items") -> str:
    """An item's date: published, else first seen (the expression of index ix_items_recency)."""
    return f"COALESCE({alias}.published, {alias}.first_seen)"


def newest_first(alias: str = "items") -> str:
    """The order of every item list (ties by id, so paging is stable); walks ix_items_recency backwards."""
    return f"{recency(alias)} DESC, {alias}.id DESC"


def oldest_first(alias: str = "items") -> str:
    return f"{recency(alias)}, {alias}.id"


NEWEST_FIRST = " ORDER BY " + newest_first()


# -- asset links ----------------------------------------------------------------------------------------

AFFECTS_MIN_SCORE = 0.5   # topic-only links (0.4) show under their asset, not in "Affects our stack"


def affects(alias: str = "l", min_score: str = ":min_score") -> str:
    """The link puts its item in "Affects our stack" (the view, the digest, the notifier): confirmed,
    or suggested with a score of at least `min_score` (a bound parameter; AFFECTS_MIN_SCORE by default)."""
    return f"({alias}.status = 'confirmed' OR ({alias}.status = 'suggested' AND {alias}.score >= {min_score}))"


def linked(alias: str = "l") -> str:
    """The link counts at all (an asset's view, asset:x, its sidebar count): anything not dismissed."""
    return f"{alias}.status <> 'dismissed'"


# -- visibility: one person's hidden items, and a story's other reports --------------------------------

HIDDEN = "t.hidden = 1"


def triaged(condition: str, person: str = ":person") -> str:
    """Ids of the items whose triage row of `person` (a bound parameter) satisfies `condition` (on
    alias t). No row means untouched: unread, not starred, not hidden."""
    return f"SELECT t.item_id FROM item_triage t WHERE t.person = {person} AND {condition}"


def triaged_probe(condition: str, person: str = ":person") -> str:
    """`triaged` as a correlated test of the row's own item (for PostgreSQL's planner: see search)."""
    return f"EXISTS (SELECT 1 FROM item_triage t WHERE t.item_id = items.id AND t.person = {person} AND {condition})"


def hidden(person: str = ":person") -> str:
    """Ids of the items the person hid: every list but "hidden", and every search but is:hidden, leaves them out."""
    return triaged(HIDDEN, person)


# a story's other reports: lists show a story once, by its lead; a NOT IN over the few followers
# (partial index ix_items_story_follower, migration 0010) can be tested without reading each row
FOLLOWERS = "SELECT f.id FROM items f WHERE f.story_lead = 0"
LEAD = f"items.id NOT IN ({FOLLOWERS})"
