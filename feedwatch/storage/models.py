"""SQLModel tables: the schema as Python classes, for ORM use and for checking the migrations.

The migrations in `migrations/versions` are what create the schema; a test compares them with
these classes so the two cannot drift apart. Timestamps are ISO 8601 UTC strings and lists are
JSON strings (see the first migration for why).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, ForeignKey, Index, Integer, Text, text
from sqlmodel import Field, SQLModel


class SourceRow(SQLModel, table=True):
    """Fetch state and health of one configured source."""

    __tablename__ = "sources"
    name: str = Field(sa_column=Column(Text, primary_key=True))
    kind: str = Field(sa_column=Column(Text, nullable=False))
    url: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    title: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    etag: str | None = Field(default=None, sa_column=Column(Text))
    last_modified: str | None = Field(default=None, sa_column=Column(Text))
    last_attempt: str | None = Field(default=None, sa_column=Column(Text))
    last_success: str | None = Field(default=None, sa_column=Column(Text))
    last_status: int | None = Field(default=None, sa_column=Column(Integer))
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    consecutive_errors: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    next_due: str | None = Field(default=None, sa_column=Column(Text))


class ItemRow(SQLModel, table=True):
    """One paper, post, release or model, whatever sources delivered it."""

    __tablename__ = "items"
    __table_args__ = (
        Index("ix_items_arxiv_id", "arxiv_id", unique=True, sqlite_where=text("arxiv_id IS NOT NULL"),
              postgresql_where=text("arxiv_id IS NOT NULL")),
        Index("ix_items_canonical_url", "canonical_url"),
        Index("ix_items_story_id", "story_id", sqlite_where=text("story_id IS NOT NULL"),
              postgresql_where=text("story_id IS NOT NULL")),
        Index("ix_items_story_sig", "story_sig", sqlite_where=text("story_sig IS NOT NULL"),
              postgresql_where=text("story_sig IS NOT NULL")),
        Index("ix_items_story_follower", "id", sqlite_where=text("story_lead = 0"),
              postgresql_where=text("story_lead = 0")),
    )
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    source: str = Field(sa_column=Column(Text, nullable=False))
    guid: str = Field(sa_column=Column(Text, nullable=False))
    url: str | None = Field(default=None, sa_column=Column(Text))
    canonical_url: str | None = Field(default=None, sa_column=Column(Text))
    arxiv_id: str | None = Field(default=None, sa_column=Column(Text))
    arxiv_version: int | None = Field(default=None, sa_column=Column(Integer))
    title: str = Field(sa_column=Column(Text, nullable=False))
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    content: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    authors: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))
    categories: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))
    extra: str = Field(default="{}", sa_column=Column(Text, nullable=False, server_default="{}"))
    published: str | None = Field(default=None, sa_column=Column(Text))
    updated: str | None = Field(default=None, sa_column=Column(Text))
    first_seen: str = Field(sa_column=Column(Text, nullable=False))
    changed_at: str | None = Field(default=None, sa_column=Column(Text))
    change_note: str | None = Field(default=None, sa_column=Column(Text))
    content_hash: str = Field(sa_column=Column(Text, nullable=False))
    tags: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))
    user_tags: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))
    note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    ai_summary: str | None = Field(default=None, sa_column=Column(Text))
    enrich_tags: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))
    relevance: float | None = Field(default=None, sa_column=Column(Float))
    enrich_state: str = Field(default="pending", sa_column=Column(Text, nullable=False, server_default="pending"))
    enrich_error: str | None = Field(default=None, sa_column=Column(Text))
    enrich_attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    enrich_after: str | None = Field(default=None, sa_column=Column(Text))
    enriched_key: str | None = Field(default=None, sa_column=Column(Text))
    story_id: int | None = Field(default=None, sa_column=Column(Integer))
    story_lead: int = Field(default=1, sa_column=Column(Integer, nullable=False, server_default="1"))
    story_pinned: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    story_sig: str | None = Field(default=None, sa_column=Column(Text))
    story_links: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))


class ItemTriageRow(SQLModel, table=True):
    """One person's triage of one item; no row means unread, not starred, not hidden for them."""

    __tablename__ = "item_triage"
    __table_args__ = (Index("ix_item_triage_item_id", "item_id"),)
    person: str = Field(sa_column=Column(Text, primary_key=True))
    item_id: int = Field(sa_column=Column(Integer, ForeignKey("items.id", ondelete="CASCADE"), primary_key=True))
    read: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    starred: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    hidden: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    updated_at: str = Field(sa_column=Column(Text, nullable=False))


class ChangeCounterRow(SQLModel, table=True):
    """One row, bumped by every write transaction: an open app polls it to see others' changes."""

    __tablename__ = "db_changes"
    id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    n: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))


class ItemSourceRow(SQLModel, table=True):
    """Which (source, guid) delivered which item: the first dedupe key."""

    __tablename__ = "item_sources"
    __table_args__ = (Index("ix_item_sources_item_id", "item_id"),)
    source: str = Field(sa_column=Column(Text, primary_key=True))
    guid: str = Field(sa_column=Column(Text, primary_key=True))
    item_id: int = Field(sa_column=Column(Integer, ForeignKey("items.id", ondelete="CASCADE"), nullable=False))
    content_hash: str = Field(sa_column=Column(Text, nullable=False))


class EnrichmentRow(SQLModel, table=True):
    """One enrichment of one item: the record of what ran (and the LLM cache, by cache_key)."""

    __tablename__ = "enrichments"
    __table_args__ = (Index("ix_enrichments_cache_key", "cache_key"), Index("ix_enrichments_item_id", "item_id"))
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    item_id: int = Field(sa_column=Column(Integer, ForeignKey("items.id", ondelete="CASCADE"), nullable=False))
    cache_key: str = Field(sa_column=Column(Text, nullable=False))
    enricher: str = Field(sa_column=Column(Text, nullable=False))
    model: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    prompt_version: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    content_hash: str = Field(sa_column=Column(Text, nullable=False))
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    tags: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))
    links: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))
    relevance: float | None = Field(default=None, sa_column=Column(Float))
    prompt_tokens: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    completion_tokens: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    cost_usd: float = Field(default=0.0, sa_column=Column(Float, nullable=False, server_default="0"))
    latency_ms: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    dropped: str = Field(default="{}", sa_column=Column(Text, nullable=False, server_default="{}"))
    created_at: str = Field(sa_column=Column(Text, nullable=False))


class AssetLinkRow(SQLModel, table=True):
    """An item may affect one of our prompts or pipelines; a user's confirm/dismiss is final."""

    __tablename__ = "asset_links"
    __table_args__ = (Index("ix_asset_links_asset", "asset"),)
    item_id: int = Field(sa_column=Column(Integer, ForeignKey("items.id", ondelete="CASCADE"), primary_key=True))
    asset: str = Field(sa_column=Column(Text, primary_key=True))
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    score: float = Field(default=0.0, sa_column=Column(Float, nullable=False, server_default="0"))
    origin: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="suggested", sa_column=Column(Text, nullable=False, server_default="suggested"))
    created_at: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: str = Field(sa_column=Column(Text, nullable=False))
    updated_by: str | None = Field(default=None, sa_column=Column(Text))


class LLMSpendRow(SQLModel, table=True):
    """Money and tokens spent on the LLM per UTC day, for the daily budget."""

    __tablename__ = "llm_spend"
    day: str = Field(sa_column=Column(Text, primary_key=True))
    cost_usd: float = Field(default=0.0, sa_column=Column(Float, nullable=False, server_default="0"))
    calls: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    prompt_tokens: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    completion_tokens: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))


class ExperimentRow(SQLModel, table=True):
    """A team experiment: proposed -> running -> done | abandoned; `version` guards concurrent edits."""

    __tablename__ = "experiments"
    __table_args__ = (Index("ix_experiments_updated_at", "updated_at"),)
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    title: str = Field(sa_column=Column(Text, nullable=False))
    hypothesis: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    status: str = Field(default="proposed", sa_column=Column(Text, nullable=False, server_default="proposed"))
    outcome: str | None = Field(default=None, sa_column=Column(Text))
    owner: str | None = Field(default=None, sa_column=Column(Text))
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    results: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: str = Field(sa_column=Column(Text, nullable=False))
    closed_at: str | None = Field(default=None, sa_column=Column(Text))
    version: int = Field(default=1, sa_column=Column(Integer, nullable=False, server_default="1"))
    due: str | None = Field(default=None, sa_column=Column(Text))


class ExperimentItemRow(SQLModel, table=True):
    """An item an experiment is about (many per experiment)."""

    __tablename__ = "experiment_items"
    __table_args__ = (Index("ix_experiment_items_item_id", "item_id"),)
    experiment_id: int = Field(sa_column=Column(Integer, ForeignKey("experiments.id", ondelete="CASCADE"),
                                                primary_key=True))
    item_id: int = Field(sa_column=Column(Integer, ForeignKey("items.id", ondelete="CASCADE"), primary_key=True))


class ExperimentAssetRow(SQLModel, table=True):
    """One of our prompts or pipelines an experiment is about (many per experiment)."""

    __tablename__ = "experiment_assets"
    __table_args__ = (Index("ix_experiment_assets_asset", "asset"),)
    experiment_id: int = Field(sa_column=Column(Integer, ForeignKey("experiments.id", ondelete="CASCADE"),
                                                primary_key=True))
    asset: str = Field(sa_column=Column(Text, primary_key=True))


class ExperimentLinkRow(SQLModel, table=True):
    """An external run or report of an experiment (MLflow, W&B, promptfoo, ...)."""

    __tablename__ = "experiment_links"
    experiment_id: int = Field(sa_column=Column(Integer, ForeignKey("experiments.id", ondelete="CASCADE"),
                                                primary_key=True))
    url: str = Field(sa_column=Column(Text, primary_key=True))
    label: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    added_at: str = Field(sa_column=Column(Text, nullable=False))


class ExperimentHistoryRow(SQLModel, table=True):
    """Who changed what on an experiment, and when ("status proposed -> running")."""

    __tablename__ = "experiment_history"
    __table_args__ = (Index("ix_experiment_history_experiment_id", "experiment_id"),
                      Index("ix_experiment_history_at", "at"))
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    experiment_id: int = Field(sa_column=Column(Integer, ForeignKey("experiments.id", ondelete="CASCADE"),
                                                nullable=False))
    at: str = Field(sa_column=Column(Text, nullable=False))
    who: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    what: str = Field(sa_column=Column(Text, nullable=False))


class FetchFailureRow(SQLModel, table=True):
    """One failed fetch of one source (the weekly digest lists the sources that failed in the week)."""

    __tablename__ = "fetch_failures"
    __table_args__ = (Index("ix_fetch_failures_at", "at"),)
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    source: str = Field(sa_column=Column(Text, nullable=False))
    at: str = Field(sa_column=Column(Text, nullable=False))
    status: int | None = Field(default=None, sa_column=Column(Integer))
    error: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class CatalogRow(SQLModel, table=True):
    """One configured model catalogue and its fetch state (as a source has)."""

    __tablename__ = "catalogs"
    name: str = Field(sa_column=Column(Text, primary_key=True))
    kind: str = Field(sa_column=Column(Text, nullable=False))
    url: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    etag: str | None = Field(default=None, sa_column=Column(Text))
    last_modified: str | None = Field(default=None, sa_column=Column(Text))
    last_attempt: str | None = Field(default=None, sa_column=Column(Text))
    last_success: str | None = Field(default=None, sa_column=Column(Text))
    last_status: int | None = Field(default=None, sa_column=Column(Integer))
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    consecutive_errors: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    next_due: str | None = Field(default=None, sa_column=Column(Text))
    models: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    keys_of: str | None = Field(default=None, sa_column=Column(Text))   # see migration 0012


class CatalogModelRow(SQLModel, table=True):
    """What one catalogue says of one model id (its last good data)."""

    __tablename__ = "catalog_models"
    __table_args__ = (Index("ix_catalog_models_key", "model_key"),)
    catalog: str = Field(sa_column=Column(Text, ForeignKey("catalogs.name", ondelete="CASCADE"), primary_key=True))
    provider: str = Field(sa_column=Column(Text, primary_key=True))
    model_id: str = Field(sa_column=Column(Text, primary_key=True))
    model_key: str = Field(sa_column=Column(Text, nullable=False))
    status: str | None = Field(default=None, sa_column=Column(Text))
    deprecation_date: str | None = Field(default=None, sa_column=Column(Text))
    shutdown_date: str | None = Field(default=None, sa_column=Column(Text))
    earliest_shutdown: str | None = Field(default=None, sa_column=Column(Text))
    replacement: str | None = Field(default=None, sa_column=Column(Text))
    release_date: str | None = Field(default=None, sa_column=Column(Text))
    source_url: str | None = Field(default=None, sa_column=Column(Text))
    aliases: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))
    alias_of: str | None = Field(default=None, sa_column=Column(Text))
    family: str | None = Field(default=None, sa_column=Column(Text))
    alias_keys: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))
    alias_of_key: str | None = Field(default=None, sa_column=Column(Text))


class LifecycleProposalRow(SQLModel, table=True):
    """An (asset, model) that already got a migration experiment: never proposed twice."""

    __tablename__ = "lifecycle_proposals"
    asset: str = Field(sa_column=Column(Text, primary_key=True))
    model: str = Field(sa_column=Column(Text, primary_key=True))
    experiment_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("experiments.id",
                                                                                         ondelete="SET NULL")))
    shutdown_date: str | None = Field(default=None, sa_column=Column(Text))
    created_at: str = Field(sa_column=Column(Text, nullable=False))


class NotifyTargetRow(SQLModel, table=True):
    """A notification target, by name (never its URL): what is new for it, its last delivery and error."""

    __tablename__ = "notify_targets"
    name: str = Field(sa_column=Column(Text, primary_key=True))
    since: str = Field(sa_column=Column(Text, nullable=False))
    last_attempt: str | None = Field(default=None, sa_column=Column(Text))
    last_sent: str | None = Field(default=None, sa_column=Column(Text))
    last_error: str | None = Field(default=None, sa_column=Column(Text))


class NotificationRow(SQLModel, table=True):
    """One event for one target: its primary key makes delivery exactly-once (see migration 0009)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_state", "target", "state"),)
    target: str = Field(sa_column=Column(Text, primary_key=True))
    event: str = Field(sa_column=Column(Text, primary_key=True))
    kind: str = Field(sa_column=Column(Text, nullable=False))
    state: str = Field(default="pending", sa_column=Column(Text, nullable=False, server_default="pending"))
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    next_attempt: str | None = Field(default=None, sa_column=Column(Text))
    claim_until: str | None = Field(default=None, sa_column=Column(Text))
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    created_at: str = Field(sa_column=Column(Text, nullable=False))
    sent_at: str | None = Field(default=None, sa_column=Column(Text))


class StoryKeyRow(SQLModel, table=True):
    """One piece of strong evidence (arXiv id, canonical URL, release, model event) and its story."""

    __tablename__ = "story_keys"
    __table_args__ = (Index("ix_story_keys_story_id", "story_id"),)
    key: str = Field(sa_column=Column(Text, primary_key=True))
    story_id: int = Field(sa_column=Column(Integer, nullable=False))


class StoryQueueRow(SQLModel, table=True):
    """An item not grouped into a story yet, with its evidence and title signature (migration 0011)."""

    __tablename__ = "story_queue"
    item_id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    published: str = Field(sa_column=Column(Text, nullable=False))
    sig: str | None = Field(default=None, sa_column=Column(Text))
    evidence: str | None = Field(default=None, sa_column=Column(Text))
