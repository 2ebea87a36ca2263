"""SQLModel tables: the schema as Python classes, for ORM use and for checking the migrations.

The migrations in `migrations/versions` are what create the schema; a test compares them with
these classes so the two cannot drift apart. Timestamps are ISO 8601 UTC strings and lists are
JSON strings (see the first migration for why).
"""

from __future__ import annotations

from typing import Optional

from sqlalchemy import Column, ForeignKey, Index, Integer, Text
from sqlmodel import Field, SQLModel


class SourceRow(SQLModel, table=True):
    """Fetch state and health of one configured source."""

    __tablename__ = "sources"
    name: str = Field(sa_column=Column(Text, primary_key=True))
    kind: str = Field(sa_column=Column(Text, nullable=False))
    url: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    title: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    etag: Optional[str] = Field(default=None, sa_column=Column(Text))
    last_modified: Optional[str] = Field(default=None, sa_column=Column(Text))
    last_attempt: Optional[str] = Field(default=None, sa_column=Column(Text))
    last_success: Optional[str] = Field(default=None, sa_column=Column(Text))
    last_status: Optional[int] = Field(default=None, sa_column=Column(Integer))
    last_error: Optional[str] = Field(default=None, sa_column=Column(Text))
    consecutive_errors: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    next_due: Optional[str] = Field(default=None, sa_column=Column(Text))


class ItemRow(SQLModel, table=True):
    """One paper, post, release or model, whatever sources delivered it."""

    __tablename__ = "items"
    __table_args__ = (
        Index("ix_items_arxiv_id", "arxiv_id", unique=True),
        Index("ix_items_canonical_url", "canonical_url"),
        Index("ix_items_published", "published"),
        Index("ix_items_first_seen", "first_seen"),
        Index("ix_items_source", "source"),
    )
    id: Optional[int] = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    source: str = Field(sa_column=Column(Text, nullable=False))
    guid: str = Field(sa_column=Column(Text, nullable=False))
    url: Optional[str] = Field(default=None, sa_column=Column(Text))
    canonical_url: Optional[str] = Field(default=None, sa_column=Column(Text))
    arxiv_id: Optional[str] = Field(default=None, sa_column=Column(Text))
    arxiv_version: Optional[int] = Field(default=None, sa_column=Column(Integer))
    title: str = Field(sa_column=Column(Text, nullable=False))
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    content: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    authors: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))
    categories: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))
    extra: str = Field(default="{}", sa_column=Column(Text, nullable=False, server_default="{}"))
    published: Optional[str] = Field(default=None, sa_column=Column(Text))
    updated: Optional[str] = Field(default=None, sa_column=Column(Text))
    first_seen: str = Field(sa_column=Column(Text, nullable=False))
    changed_at: Optional[str] = Field(default=None, sa_column=Column(Text))
    change_note: Optional[str] = Field(default=None, sa_column=Column(Text))
    content_hash: str = Field(sa_column=Column(Text, nullable=False))
    tags: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))
    user_tags: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))
    state: str = Field(default="unread", sa_column=Column(Text, nullable=False, server_default="unread"))
    starred: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class ItemSourceRow(SQLModel, table=True):
    """Which (source, guid) delivered which item: the first dedupe key."""

    __tablename__ = "item_sources"
    __table_args__ = (Index("ix_item_sources_item_id", "item_id"),)
    source: str = Field(sa_column=Column(Text, primary_key=True))
    guid: str = Field(sa_column=Column(Text, primary_key=True))
    item_id: int = Field(sa_column=Column(Integer, ForeignKey("items.id", ondelete="CASCADE"), nullable=False))
    content_hash: str = Field(sa_column=Column(Text, nullable=False))
