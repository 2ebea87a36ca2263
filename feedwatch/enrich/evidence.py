"""The strong evidence that two items report the same thing: keys that are equal only when they do.

- `arxiv:ID`: the item's paper, or the one paper its link or body points to (an HF papers page, a
  blog post about one paper). A post linking several papers is a roundup: it keys none of them.
- `url:URL`: its canonical URL.
- `release:PROJECT:VERSION`: a release of a project, from a GitHub release ("v0.14.0" of
  vllm-project/vllm) or a title ("vLLM v0.14.0: ..."); the version must be exact.
- `model:ID:EVENT`: one model's release or deprecation, when the title names exactly one model and
  announces that
  (the canonical id keeps sizes and dates apart: the 8B is not the 70B); a hosting platform's
  retirement (Azure, Bedrock, Vertex, Groq) is its own (`model:ID:deprecation@azure`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..entry import Entry
from ..sources.arxiv_ids import split_arxiv_id
from ..storage.ingest import canonical_url
from .mention_grammar import may_name_model

_ARXIV_LINK = re.compile(r"(?:arxiv\.org/(?:abs|pdf|html)/|huggingface\.co/papers/)"
                         r"(\d{4}\.\d{4,5}(?:v\d+)?|[a-z-]+(?:\.[A-Z]{2})?/\d{7})", re.IGNORECASE)
_VERSION = r"v?(\d+\.\d+(?:\.\d+)?(?:[-.]?(?:rc|post|beta|alpha|a|b)\d*)?)"
_TITLE_RELEASE = re.compile(rf"^\s*(?:release\s+)?([A-Za-z][\w.+-]{{1,40}}?)[\s:-]+{_VERSION}(?![\w.])", re.IGNORECASE)
_TAG_RELEASE = re.compile(rf"^\s*(?:release\s+|version\s+)?{_VERSION}(?![\w.])", re.IGNORECASE)
_PROJECT_NOISE = re.compile(r"[^a-z0-9]")
# A title names a release only when it says so at the version: "vLLM v0.14.0: ...", "vLLM 0.14.0
# released", "Release llama.cpp 1.2". "TLS 1.3 in practice" or "Python 3.12 tips" name a version, not a
# release of it, even if "patch" or "changelog" appears further on.
_RELEASE_AFTER = re.compile(r"\s*[:,\-\u2013\u2014]?\s*(?:is\s+)?(?:now\s+)?(?:out|released|release|available|ships|"
                            r"shipped|patch\s+release|hotfix)\b", re.IGNORECASE)
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True, slots=True)
class StoryItem:
    """What grouping reads of an item (all of it already cleaned at ingest)."""
    id: int
    source: str
    title: str
    url: str | None = None
    text: str = ""                      # summary and content, for links to papers
    arxiv_id: str | None = None
    published: str = ""                 # ISO 8601 UTC
    repo: str | None = None             # "owner/name" for a GitHub releases source
    model_events: tuple[str, ...] = field(default=())   # "model:ID:EVENT" keys, worked out by the caller
    sig: str | None = None              # story_titles.signature(title), as stored with the item


def project_key(name: str) -> str:
    """"vLLM", "vllm-project/vllm", "llama.cpp" -> "vllm", "vllm", "llamacpp"."""
    return _PROJECT_NOISE.sub("", name.rsplit("/", 1)[-1].lower())


def release_key(item: StoryItem) -> str | None:
    return _release_key(item.title, item.repo)


def _release_key(title: str, repo: str | None) -> str | None:
    if repo:
        m = _TAG_RELEASE.match(title) or _TITLE_RELEASE.match(title)
        if m:
            return f"release:{project_key(repo)}:{m.groups()[-1].lower()}"
        return None
    m = _TITLE_RELEASE.match(title)
    if m is None:
        return None
    said = (m.group(0).rstrip().rsplit(None, 1)[-1][:1] in "vV"          # "v0.14.0"
            or m.group(0).lstrip().lower().startswith("release")           # "Release llama.cpp 1.2"
            or _RELEASE_AFTER.match(title, m.end()) is not None)           # "0.14.0 released", "0.14.1 patch release"
    return f"release:{project_key(m.group(1))}:{m.group(2).lower()}" if said else None


def arxiv_key(item: StoryItem) -> str | None:
    return _arxiv_key(item.arxiv_id, item.url, item.text)


def _arxiv_key(arxiv_id: str | None, url: str | None, text: str) -> str | None:
    if arxiv_id:
        return f"arxiv:{arxiv_id}"
    where = (url or "") + " " + text[:20000]
    if "arxiv.org/" not in where and "huggingface.co/papers/" not in where:     # most items: no regex pass
        return None
    found = set()
    for m in _ARXIV_LINK.finditer(where):
        parsed = split_arxiv_id(m.group(1))
        if parsed:
            found.add(parsed[0])
        if len(found) > 1:
            return None                  # a roundup of several papers keys none of them
    return f"arxiv:{found.pop()}" if found else None


def keys(item: StoryItem) -> tuple[str, ...]:
    return _keys(_arxiv_key(item.arxiv_id, item.url, item.text), _release_key(item.title, item.repo),
                 canonical_url(item.url), item.model_events)


def _keys(arxiv: str | None, release: str | None, canon: str | None, events: tuple[str, ...]) -> tuple[str, ...]:
    out = [k for k in (arxiv, release) if k]
    if canon:
        out.append(f"url:{canon}")
    if events:
        out.extend(events)
        return tuple(dict.fromkeys(out))
    return tuple(out)      # an arXiv key, a release key and a URL key never equal each other


def entry_evidence(source: str, kind: str | None, repo: str | None, entry: Entry, canon: str | None,
                   links: bool) -> str:
    """An entry's evidence keys, one per line, worked out as it is stored (in a fetch's parse
    workers), so that the grouping pass after the fetch reads them instead of every new item's text.
    (A key with a line break in it, from a broken URL, is left out.)

    `canon` (its canonical URL) and `links` (whether it may link a paper) come from the row being
    stored (`storage.ingest.write_entries`), which has worked them out already."""
    text = entry.summary[:3000] + " " + entry.content[:6000] if links else ""   # as storage.stories.pending reads it
    events = model_event_keys(source, entry.title, text, entry.extra, kind)
    found = _keys(_arxiv_key(entry.arxiv_id, entry.url, text), _release_key(entry.title, repo),
                  canon, events)
    return "\n".join(k for k in found if "\n" not in k)


def stored_evidence(value: str) -> tuple[str, ...]:
    """The keys `entry_evidence` stored."""
    return tuple(value.split("\n")) if value else ()


def model_event_keys(source: str, title: str, text: str, extra: dict[str, Any] | None = None,
                     kind: str | None = None) -> tuple[str, ...]:
    """`model:ID:EVENT` when the title names exactly one model and announces its release or its
    deprecation (a deprecations.info record names its model exactly)."""
    dep = extra.get("_deprecation") if extra else None
    named = isinstance(dep, dict) and isinstance(dep.get("model_id"), str)
    if not named and not (_DIGIT.search(title) and may_name_model(title.lower())):
        return ()            # a model name has a version number, and one of the grammar's leading words
    from .base import ItemText  # here: most titles never get this far
    from .events import detect_event
    extra = extra or {}
    # what the title (or the record) announces; a new Hugging Face model or a GitHub release is a release
    if kind in ("huggingface", "github"):
        event = "release"
    else:
        event = detect_event(ItemText(0, source, title, extra=extra), "")
    if event not in ("release", "deprecation"):
        return ()
    from .mentions import find_mentions  # the grammar: only for items that announce something
    found = {(m.version or m.model) for m in find_mentions(title)}
    if named:
        assert isinstance(dep, dict)
        found = {(m.version or m.model) for m in find_mentions(dep["model_id"])} or found
    if len(found) != 1:
        return ()
    provider = str(dep.get("provider") or "") if isinstance(dep, dict) else title.split(":", 1)[0]
    platform = _HOSTS.get(provider.strip().lower(), "")      # Azure retires its copy on its own day
    return (f"model:{found.pop()}:{event}{'@' + platform if platform else ''}",)


# Platforms that host other vendors' models and retire them on their own schedule: a retirement
# there is another story than the vendor's own.
_HOSTS = {"azure": "azure", "aws bedrock": "bedrock", "bedrock": "bedrock", "google vertex": "vertex",
          "vertex": "vertex", "groq": "groq"}
