"""feeds.toml: load and validate the user's configuration.

The file is a contract that other tools and tests rely on, so validation is strict (unknown keys
are errors, because a typo silently ignored is a source silently never fetched) and every error
is one line naming the file, the source and the key.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .config_catalogs import CATALOG_KINDS, Catalog, LifecycleSettings, parse_catalog, parse_lifecycle  # noqa: F401
from .config_checks import (
    ConfigError,
    Where,
    check_keys,
    http_url,
    interval_seconds,
    positive,
    str_list,
    typed,
)
from .config_notify import parse_notify
from .config_repos import Repo, parse_repo

SOURCE_KINDS = ("feed", "arxiv", "github", "huggingface")
ASSET_KINDS = ("prompt", "pipeline")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")

DEFAULT_ENDPOINTS = {
    "arxiv_api": "https://export.arxiv.org/api/query",
    "github": "https://github.com",
    "huggingface": "https://huggingface.co",
}


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    kind: str
    url: str | None = None          # feed
    query: str | None = None        # arxiv
    max_results: int = 100          # arxiv
    repo: str | None = None         # github
    author: str | None = None       # huggingface
    limit: int = 30                 # huggingface
    title: str | None = None
    enabled: bool = True
    interval: int | None = None     # seconds; None = the [fetch] default
    tags: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def fetch_url(self, endpoints: Endpoints) -> str:
        """The URL fetched over HTTP for this source (the arXiv API query URL for arxiv)."""
        if self.kind == "feed":
            return self.url or ""
        if self.kind == "github":
            return f"{endpoints.github.rstrip('/')}/{self.repo}/releases.atom"
        if self.kind == "huggingface":
            from urllib.parse import quote
            base = endpoints.huggingface.rstrip("/")
            return f"{base}/api/models?author={quote(self.author or '')}&sort=createdAt&limit={self.limit}"
        from urllib.parse import urlencode
        params = urlencode({"search_query": self.query or "", "sortBy": "submittedDate",
                            "sortOrder": "descending", "start": 0, "max_results": self.max_results})
        return f"{endpoints.arxiv_api}?{params}"

    def title_filter(self) -> Callable[[str], bool] | None:
        """A predicate on item titles built from include/exclude, or None when there are none."""
        if not self.include and not self.exclude:
            return None
        inc = [re.compile(p, re.IGNORECASE) for p in self.include]
        exc = [re.compile(p, re.IGNORECASE) for p in self.exclude]

        def keep(title: str) -> bool:
            if inc and not any(p.search(title) for p in inc):
                return False
            return not any(p.search(title) for p in exc)
        return keep


@dataclass(frozen=True, slots=True)
class Endpoints:
    arxiv_api: str = DEFAULT_ENDPOINTS["arxiv_api"]
    github: str = DEFAULT_ENDPOINTS["github"]
    huggingface: str = DEFAULT_ENDPOINTS["huggingface"]


@dataclass(frozen=True, slots=True)
class FetchSettings:
    concurrency: int = 8
    per_host: int = 2
    timeout: float = 30.0
    max_body_mb: float = 16.0
    interval: int = 3600


@dataclass(frozen=True, slots=True)
class Tag:
    name: str
    description: str = ""
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Asset:
    name: str
    kind: str
    description: str = ""
    models: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    owner: str = ""
    path: str | None = None
    prompts: tuple[str, ...] = ()            # names of the prompt assets a pipeline loads
    discovered_from: tuple[str, ...] = ()    # "repo:path:line" evidence of `feedwatch assets scan`


@dataclass(frozen=True, slots=True)
class LLMSettings:
    enabled: bool = False
    base_url: str = "https://api.openai.com/v1"
    model: str = "gpt-4o-mini"
    api_key_env: str = "OPENAI_API_KEY"
    max_concurrency: int = 4
    daily_budget_usd: float = 1.0
    timeout: float = 60.0
    batch_size: int = 8
    input_price: float | None = None    # USD per million tokens; None = the built-in table
    output_price: float | None = None


@dataclass(frozen=True, slots=True)
class Config:
    path: Path | None
    sources: tuple[Source, ...] = ()
    endpoints: Endpoints = field(default_factory=Endpoints)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    tags: tuple[Tag, ...] = ()
    assets: tuple[Asset, ...] = ()
    llm: LLMSettings = field(default_factory=LLMSettings)
    user: str | None = None
    repos: tuple[Repo, ...] = ()
    catalogs: tuple[Catalog, ...] = ()
    lifecycle: LifecycleSettings = field(default_factory=LifecycleSettings)
    notify: tuple = ()                 # config_notify.NotifyTarget ([[notify]])

    def source(self, name: str) -> Source | None:
        return next((s for s in self.sources if s.name == name), None)


# --- sections -----------------------------------------------------------------------------

_SOURCE_COMMON = {"name", "kind", "title", "enabled", "interval", "tags", "include", "exclude"}
_SOURCE_KIND_KEYS = {
    "feed": ({"url"}, {"url"}),
    "arxiv": ({"query", "max_results"}, {"query"}),
    "github": ({"repo"}, {"repo"}),
    "huggingface": ({"author", "limit"}, {"author"}),
}
_REPO_RE = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


def _source(w: Where, index: int, table) -> Source:
    if not isinstance(table, dict):
        raise w.error(f"sources[{index}]", "each [[sources]] entry must be a table")
    name = table.get("name")
    where = f"source '{name}'" if isinstance(name, str) and name else f"sources[{index}]"
    if not isinstance(name, str) or not name:
        raise w.error(where, "missing required key 'name'")
    if not NAME_RE.match(name):
        raise w.error(where, "key 'name' must use lowercase letters, digits and '-' only")
    kind = table.get("kind")
    if kind is None:
        raise w.error(where, "missing required key 'kind'")
    if kind not in SOURCE_KINDS:
        raise w.error(where, f"key 'kind' must be one of {', '.join(SOURCE_KINDS)}, got {kind!r}")
    extra, required = _SOURCE_KIND_KEYS[kind]
    check_keys(w, where, table, _SOURCE_COMMON | extra, required | {"name", "kind"})
    values: dict = {"name": name, "kind": kind}
    if kind == "feed":
        values["url"] = http_url(w, where, "url", typed(w, where, table, "url", str))
    elif kind == "arxiv":
        values["query"] = typed(w, where, table, "query", str).strip()
        if not values["query"]:
            raise w.error(where, "key 'query' must not be empty")
        values["max_results"] = positive(w, where, table, "max_results", int, 100)
        if values["max_results"] > 2000:
            raise w.error(where, "key 'max_results' must be at most 2000 (the arXiv API's page limit)")
    elif kind == "github":
        repo = typed(w, where, table, "repo", str).strip().strip("/")
        if not _REPO_RE.match(repo):
            raise w.error(where, f"key 'repo' must look like \"owner/name\", got {repo!r}")
        values["repo"] = repo
    else:
        author = typed(w, where, table, "author", str).strip()
        if not author or "/" in author:
            raise w.error(where, f"key 'author' must be a Hugging Face user or organisation, got {author!r}")
        values["author"] = author
        values["limit"] = positive(w, where, table, "limit", int, 30)
    values["title"] = typed(w, where, table, "title", str)
    values["enabled"] = typed(w, where, table, "enabled", bool, True)
    values["interval"] = interval_seconds(w, where, table)
    values["tags"] = str_list(w, where, table, "tags")
    for key in ("include", "exclude"):
        patterns = str_list(w, where, table, key)
        for p in patterns:
            try:
                re.compile(p)
            except re.error as exc:
                raise w.error(where, f"key '{key}': invalid pattern {p!r}: {exc}") from None
        values[key] = patterns
    return Source(**values)


def _tag(w: Where, index: int, table) -> Tag:
    where = f"tag '{table.get('name')}'" if isinstance(table, dict) and table.get("name") else f"tags[{index}]"
    if not isinstance(table, dict):
        raise w.error(where, "each [[tags]] entry must be a table")
    check_keys(w, where, table, {"name", "description", "keywords"}, {"name"})
    name = typed(w, where, table, "name", str)
    if not NAME_RE.match(name):
        raise w.error(where, "key 'name' must use lowercase letters, digits and '-' only")
    return Tag(name=name, description=typed(w, where, table, "description", str, ""),
               keywords=str_list(w, where, table, "keywords"))


def _asset(w: Where, index: int, table) -> Asset:
    where = f"asset '{table.get('name')}'" if isinstance(table, dict) and table.get("name") else f"assets[{index}]"
    if not isinstance(table, dict):
        raise w.error(where, "each [[assets]] entry must be a table")
    check_keys(w, where, table, {"name", "kind", "description", "models", "topics", "owner", "path", "prompts",
                                 "discovered_from"}, {"name", "kind"})
    name = typed(w, where, table, "name", str)
    if not NAME_RE.match(name):
        raise w.error(where, "key 'name' must use lowercase letters, digits and '-' only")
    kind = table["kind"]
    if kind not in ASSET_KINDS:
        raise w.error(where, f"key 'kind' must be one of {', '.join(ASSET_KINDS)}, got {kind!r}")
    return Asset(name=name, kind=kind, description=typed(w, where, table, "description", str, ""),
                 models=str_list(w, where, table, "models"), topics=str_list(w, where, table, "topics"),
                 owner=typed(w, where, table, "owner", str, ""), path=typed(w, where, table, "path", str),
                 prompts=str_list(w, where, table, "prompts"),
                 discovered_from=str_list(w, where, table, "discovered_from"))


def _llm(w: Where, table) -> LLMSettings:
    where = "[llm]"
    if not isinstance(table, dict):
        raise w.error(where, "must be a table")
    keys = {"enabled", "base_url", "model", "api_key_env", "max_concurrency", "daily_budget_usd",
            "timeout", "batch_size", "input_price", "output_price"}
    check_keys(w, where, table, keys)
    d = LLMSettings()
    base_url = typed(w, where, table, "base_url", str)
    return LLMSettings(
        enabled=typed(w, where, table, "enabled", bool, d.enabled),
        base_url=http_url(w, where, "base_url", base_url) if base_url else d.base_url,
        model=typed(w, where, table, "model", str, d.model),
        api_key_env=typed(w, where, table, "api_key_env", str, d.api_key_env),
        max_concurrency=positive(w, where, table, "max_concurrency", int, d.max_concurrency),
        daily_budget_usd=float(typed(w, where, table, "daily_budget_usd", (int, float), d.daily_budget_usd)),
        timeout=float(positive(w, where, table, "timeout", (int, float), d.timeout)),
        batch_size=positive(w, where, table, "batch_size", int, d.batch_size),
        input_price=_price(w, where, table, "input_price"),
        output_price=_price(w, where, table, "output_price"),
    )


def _price(w: Where, where: str, table: dict, key: str) -> float | None:
    value = typed(w, where, table, key, (int, float))
    if value is not None and value < 0:
        raise w.error(where, f"key '{key}' must be 0 or more (USD per million tokens)")
    return None if value is None else float(value)


def _fetch(w: Where, table) -> FetchSettings:
    where = "[fetch]"
    if not isinstance(table, dict):
        raise w.error(where, "must be a table")
    check_keys(w, where, table, {"concurrency", "per_host", "timeout", "max_body_mb", "interval"})
    d = FetchSettings()
    return FetchSettings(
        concurrency=positive(w, where, table, "concurrency", int, d.concurrency),
        per_host=positive(w, where, table, "per_host", int, d.per_host),
        timeout=float(positive(w, where, table, "timeout", (int, float), d.timeout)),
        max_body_mb=float(positive(w, where, table, "max_body_mb", (int, float), d.max_body_mb)),
        interval=interval_seconds(w, where, table) or d.interval,
    )


def _endpoints(w: Where, table) -> Endpoints:
    where = "[endpoints]"
    if not isinstance(table, dict):
        raise w.error(where, "must be a table")
    check_keys(w, where, table, set(DEFAULT_ENDPOINTS))
    values = {k: http_url(w, where, k, typed(w, where, table, k, str)).rstrip("/")
              for k in DEFAULT_ENDPOINTS if k in table}
    return Endpoints(**values)


def _named_list(w: Where, data: dict, key: str, build) -> tuple:
    raw = data.get(key, [])
    if not isinstance(raw, list):
        raise w.error("", f"'{key}' must be an array of tables ([[{key}]])")
    items = tuple(build(w, i, t) for i, t in enumerate(raw))
    seen: set[str] = set()
    for item in items:
        if item.name in seen:
            raise w.error(f"{key[:-1]} '{item.name}'", f"duplicate name '{item.name}'")
        seen.add(item.name)
    return items


def parse_config(data: dict, path: Path | None = None) -> Config:
    """Validate already-parsed TOML data."""
    w = Where(path)
    check_keys(w, "", data, {"user", "fetch", "endpoints", "sources", "tags", "assets", "llm", "catalogs",
                             "lifecycle", "repos", "notify"})
    return Config(
        path=path,
        sources=_named_list(w, data, "sources", _source),
        endpoints=_endpoints(w, data["endpoints"]) if "endpoints" in data else Endpoints(),
        fetch=_fetch(w, data["fetch"]) if "fetch" in data else FetchSettings(),
        tags=_named_list(w, data, "tags", _tag),
        assets=_named_list(w, data, "assets", _asset),
        llm=_llm(w, data["llm"]) if "llm" in data else LLMSettings(),
        user=typed(w, "", data, "user", str),
        repos=_named_list(w, data, "repos", parse_repo),
        catalogs=_named_list(w, data, "catalogs", parse_catalog),
        lifecycle=parse_lifecycle(w, data["lifecycle"]) if "lifecycle" in data else LifecycleSettings(),
        notify=parse_notify(w, data),
    )


def load_config(path: Path) -> Config:
    """Read and validate feeds.toml; raises ConfigError with a one-line message."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file (create it, or pass --config)") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: TOML syntax error: {exc}") from None
    return parse_config(data, path)


def default_config_path() -> Path:
    """--config default: $FEEDWATCH_CONFIG, ./feeds.toml, the user config dir, then the bundled one."""
    env = os.environ.get("FEEDWATCH_CONFIG")
    if env:
        return Path(env)
    local = Path("feeds.toml")
    if local.exists():
        return local
    from platformdirs import user_config_path
    user = user_config_path("feedwatch") / "feeds.toml"
    if user.exists():
        return user
    return bundled_config_path()


def bundled_config_path() -> Path:
    """The default feeds.toml shipped inside the package (a copy of the repository's)."""
    return Path(__file__).parent / "data" / "feeds.toml"
