CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
CREATE TABLE sources (
	name TEXT NOT NULL, 
	kind TEXT NOT NULL, 
	url TEXT DEFAULT '' NOT NULL, 
	title TEXT DEFAULT '' NOT NULL, 
	etag TEXT, 
	last_modified TEXT, 
	last_attempt TEXT, 
	last_success TEXT, 
	last_status INTEGER, 
	last_error TEXT, 
	consecutive_errors INTEGER DEFAULT '0' NOT NULL, 
	next_due TEXT, 
	PRIMARY KEY (name)
);
CREATE TABLE items (
	id INTEGER NOT NULL, 
	source TEXT NOT NULL, 
	guid TEXT NOT NULL, 
	url TEXT, 
	canonical_url TEXT, 
	arxiv_id TEXT, 
	arxiv_version INTEGER, 
	title TEXT NOT NULL, 
	summary TEXT DEFAULT '' NOT NULL, 
	content TEXT DEFAULT '' NOT NULL, 
	authors TEXT DEFAULT '[]' NOT NULL, 
	categories TEXT DEFAULT '[]' NOT NULL, 
	extra TEXT DEFAULT '{}' NOT NULL, 
	published TEXT, 
	updated TEXT, 
	first_seen TEXT NOT NULL, 
	changed_at TEXT, 
	change_note TEXT, 
	content_hash TEXT NOT NULL, 
	tags TEXT DEFAULT '[]' NOT NULL, 
	user_tags TEXT DEFAULT '[]' NOT NULL, 
	note TEXT DEFAULT '' NOT NULL, ai_summary TEXT, enrich_tags TEXT DEFAULT '[]' NOT NULL, relevance FLOAT, enrich_state TEXT DEFAULT 'pending' NOT NULL, enrich_error TEXT, enrich_attempts INTEGER DEFAULT '0' NOT NULL, enrich_after TEXT, enriched_key TEXT, story_id INTEGER, story_lead INTEGER DEFAULT '1' NOT NULL, story_pinned INTEGER DEFAULT '0' NOT NULL, story_sig TEXT, story_links INTEGER DEFAULT '0' NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE item_sources (
	source TEXT NOT NULL, 
	guid TEXT NOT NULL, 
	item_id INTEGER NOT NULL, 
	content_hash TEXT NOT NULL, 
	PRIMARY KEY (source, guid), 
	FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE CASCADE
);
CREATE TABLE enrichments (
	id INTEGER NOT NULL, 
	item_id INTEGER NOT NULL, 
	cache_key TEXT NOT NULL, 
	enricher TEXT NOT NULL, 
	model TEXT DEFAULT '' NOT NULL, 
	prompt_version TEXT DEFAULT '' NOT NULL, 
	content_hash TEXT NOT NULL, 
	summary TEXT DEFAULT '' NOT NULL, 
	tags TEXT DEFAULT '[]' NOT NULL, 
	links TEXT DEFAULT '[]' NOT NULL, 
	relevance FLOAT, 
	prompt_tokens INTEGER DEFAULT '0' NOT NULL, 
	completion_tokens INTEGER DEFAULT '0' NOT NULL, 
	cost_usd FLOAT DEFAULT '0' NOT NULL, 
	latency_ms INTEGER DEFAULT '0' NOT NULL, 
	dropped TEXT DEFAULT '{}' NOT NULL, 
	created_at TEXT NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE CASCADE
);
CREATE TABLE asset_links (
	item_id INTEGER NOT NULL, 
	asset TEXT NOT NULL, 
	reason TEXT DEFAULT '' NOT NULL, 
	score FLOAT DEFAULT '0' NOT NULL, 
	origin TEXT NOT NULL, 
	status TEXT DEFAULT 'suggested' NOT NULL, 
	created_at TEXT NOT NULL, 
	updated_at TEXT NOT NULL, 
	updated_by TEXT, 
	PRIMARY KEY (item_id, asset), 
	FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE CASCADE
);
CREATE TABLE llm_spend (
	day TEXT NOT NULL, 
	cost_usd FLOAT DEFAULT '0' NOT NULL, 
	calls INTEGER DEFAULT '0' NOT NULL, 
	prompt_tokens INTEGER DEFAULT '0' NOT NULL, 
	completion_tokens INTEGER DEFAULT '0' NOT NULL, 
	PRIMARY KEY (day)
);
CREATE VIRTUAL TABLE items_fts USING fts5(title, summary, ai_summary, content, authors, tags, tokenize='unicode61 remove_diacritics 2', prefix='2 3');
CREATE TABLE search_queue (item_id INTEGER PRIMARY KEY);
CREATE TABLE experiments (
	id INTEGER NOT NULL, 
	title TEXT NOT NULL, 
	hypothesis TEXT DEFAULT '' NOT NULL, 
	status TEXT DEFAULT 'proposed' NOT NULL, 
	outcome TEXT, 
	owner TEXT, 
	notes TEXT DEFAULT '' NOT NULL, 
	results TEXT DEFAULT '' NOT NULL, 
	created_at TEXT NOT NULL, 
	updated_at TEXT NOT NULL, 
	closed_at TEXT, 
	version INTEGER DEFAULT '1' NOT NULL, due TEXT, 
	PRIMARY KEY (id)
);
CREATE TABLE experiment_items (
	experiment_id INTEGER NOT NULL, 
	item_id INTEGER NOT NULL, 
	PRIMARY KEY (experiment_id, item_id), 
	FOREIGN KEY(experiment_id) REFERENCES experiments (id) ON DELETE CASCADE, 
	FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE CASCADE
);
CREATE TABLE experiment_assets (
	experiment_id INTEGER NOT NULL, 
	asset TEXT NOT NULL, 
	PRIMARY KEY (experiment_id, asset), 
	FOREIGN KEY(experiment_id) REFERENCES experiments (id) ON DELETE CASCADE
);
CREATE TABLE experiment_links (
	experiment_id INTEGER NOT NULL, 
	url TEXT NOT NULL, 
	label TEXT DEFAULT '' NOT NULL, 
	added_at TEXT NOT NULL, 
	PRIMARY KEY (experiment_id, url), 
	FOREIGN KEY(experiment_id) REFERENCES experiments (id) ON DELETE CASCADE
);
CREATE TABLE experiment_history (
	id INTEGER NOT NULL, 
	experiment_id INTEGER NOT NULL, 
	at TEXT NOT NULL, 
	who TEXT DEFAULT '' NOT NULL, 
	what TEXT NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(experiment_id) REFERENCES experiments (id) ON DELETE CASCADE
);
CREATE TABLE fetch_failures (
	id INTEGER NOT NULL, 
	source TEXT NOT NULL, 
	at TEXT NOT NULL, 
	status INTEGER, 
	error TEXT DEFAULT '' NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE item_triage (
	person TEXT NOT NULL, 
	item_id INTEGER NOT NULL, 
	read INTEGER DEFAULT '0' NOT NULL, 
	starred INTEGER DEFAULT '0' NOT NULL, 
	hidden INTEGER DEFAULT '0' NOT NULL, 
	updated_at TEXT NOT NULL, 
	PRIMARY KEY (person, item_id), 
	FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE CASCADE
);
CREATE TABLE db_changes (
	id INTEGER NOT NULL, 
	n BIGINT DEFAULT '0' NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE catalogs (
	name TEXT NOT NULL, 
	kind TEXT NOT NULL, 
	url TEXT DEFAULT '' NOT NULL, 
	etag TEXT, 
	last_modified TEXT, 
	last_attempt TEXT, 
	last_success TEXT, 
	last_status INTEGER, 
	last_error TEXT, 
	consecutive_errors INTEGER DEFAULT '0' NOT NULL, 
	next_due TEXT, 
	models INTEGER DEFAULT '0' NOT NULL, keys_of TEXT, 
	PRIMARY KEY (name)
);
CREATE TABLE catalog_models (
	catalog TEXT NOT NULL, 
	provider TEXT NOT NULL, 
	model_id TEXT NOT NULL, 
	model_key TEXT NOT NULL, 
	status TEXT, 
	deprecation_date TEXT, 
	shutdown_date TEXT, 
	earliest_shutdown TEXT, 
	replacement TEXT, 
	release_date TEXT, 
	source_url TEXT, 
	aliases TEXT DEFAULT '[]' NOT NULL, 
	alias_of TEXT, 
	family TEXT, 
	alias_keys TEXT DEFAULT '[]' NOT NULL, 
	alias_of_key TEXT, 
	PRIMARY KEY (catalog, provider, model_id), 
	FOREIGN KEY(catalog) REFERENCES catalogs (name) ON DELETE CASCADE
);
CREATE TABLE lifecycle_proposals (
	asset TEXT NOT NULL, 
	model TEXT NOT NULL, 
	experiment_id INTEGER, 
	shutdown_date TEXT, 
	created_at TEXT NOT NULL, 
	PRIMARY KEY (asset, model), 
	FOREIGN KEY(experiment_id) REFERENCES experiments (id) ON DELETE SET NULL
);
CREATE TABLE notify_targets (
	name TEXT NOT NULL, 
	since TEXT NOT NULL, 
	last_attempt TEXT, 
	last_sent TEXT, 
	last_error TEXT, 
	PRIMARY KEY (name)
);
CREATE TABLE notifications (
	target TEXT NOT NULL, 
	event TEXT NOT NULL, 
	kind TEXT NOT NULL, 
	state TEXT DEFAULT 'pending' NOT NULL, 
	attempts INTEGER DEFAULT '0' NOT NULL, 
	next_attempt TEXT, 
	claim_until TEXT, 
	last_error TEXT, 
	created_at TEXT NOT NULL, 
	sent_at TEXT, 
	PRIMARY KEY (target, event)
);
CREATE TABLE story_keys (
	"key" TEXT NOT NULL, 
	story_id INTEGER NOT NULL, 
	PRIMARY KEY ("key")
);
CREATE TABLE story_queue (
	item_id INTEGER NOT NULL, 
	published TEXT NOT NULL, 
	sig TEXT, 
	evidence TEXT, 
	PRIMARY KEY (item_id)
);
CREATE INDEX ix_items_canonical_url ON items (canonical_url);
CREATE INDEX ix_item_sources_item_id ON item_sources (item_id);
CREATE INDEX ix_enrichments_cache_key ON enrichments (cache_key);
CREATE INDEX ix_enrichments_item_id ON enrichments (item_id);
CREATE INDEX ix_asset_links_asset ON asset_links (asset);
CREATE INDEX ix_experiments_updated_at ON experiments (updated_at);
CREATE INDEX ix_experiment_items_item_id ON experiment_items (item_id);
CREATE INDEX ix_experiment_assets_asset ON experiment_assets (asset);
CREATE INDEX ix_experiment_history_experiment_id ON experiment_history (experiment_id);
CREATE INDEX ix_experiment_history_at ON experiment_history (at);
CREATE INDEX ix_fetch_failures_at ON fetch_failures (at);
CREATE INDEX ix_item_triage_item_id ON item_triage (item_id);
CREATE INDEX ix_items_recency ON items (COALESCE(published, first_seen), id, tags, enrich_tags, user_tags);
CREATE INDEX ix_catalog_models_key ON catalog_models (model_key);
CREATE INDEX ix_notifications_state ON notifications (target, state);
CREATE INDEX ix_items_story_follower ON items (id) WHERE story_lead = 0;
CREATE INDEX ix_story_keys_story_id ON story_keys (story_id);
CREATE INDEX ix_items_story_id ON items (story_id) WHERE story_id IS NOT NULL;
CREATE INDEX ix_items_story_sig ON items (story_sig) WHERE story_sig IS NOT NULL;
CREATE UNIQUE INDEX ix_items_arxiv_id ON items (arxiv_id) WHERE arxiv_id IS NOT NULL;
CREATE TRIGGER items_fts_ai AFTER INSERT ON items BEGIN INSERT OR IGNORE INTO search_queue (item_id) VALUES (new.id); END;
CREATE TRIGGER items_fts_ad AFTER DELETE ON items BEGIN INSERT OR IGNORE INTO search_queue (item_id) VALUES (old.id); END;
CREATE TRIGGER items_fts_au AFTER UPDATE OF title, summary, ai_summary, content, authors, tags, enrich_tags, user_tags ON items BEGIN INSERT OR IGNORE INTO search_queue (item_id) VALUES (new.id); END;
INSERT INTO alembic_version (version_num) VALUES ('0012');
