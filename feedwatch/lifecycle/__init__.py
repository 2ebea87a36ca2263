"""Model lifecycle: what the public catalogues say of each model (dates, status, replacement),
merged, and what that means for the models the team's assets run on.

Layers: `entries` (one catalogue's word, cleaned), `formats` (the four real formats), `catalog`
(the merged view and its matching), `snapshot` (the bundled copy), `update` (fetching), `schedule`
(the stack's rows) and `propose` (migration experiments).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import Config
    from ..storage.db import Database


def known_models(db: Database, config: Config) -> frozenset[str]:
    """Every canonical model id (`mentions.catalog_key`) the catalogues in use list, aliases included:
    the configured catalogues' stored data, or the bundled snapshot before the first update."""
    from .source import known_models as known
    return known(db, config)
