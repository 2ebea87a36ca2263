"""Turn a fetched document into entries, whatever its format.

Runs in a worker process or thread (CPU-bound), so it takes and returns plain data.
"""

from __future__ import annotations

from ..entry import ParsedFeed
from ..errors import FeedwatchError


class ParseError(FeedwatchError, ValueError):
    """The body could not be understood; str() is a one-line reason."""


def parse_document(kind: str, body: bytes, url: str, headers: dict[str, str], site: str = "") -> ParsedFeed:
    try:
        if kind == "huggingface":
            from .huggingface import parse_hf_models
            return parse_hf_models(body, site)
        content_type = headers.get("content-type", "")
        from .jsonfeed import looks_like_json_feed, parse_json_feed
        if looks_like_json_feed(body, content_type):
            return parse_json_feed(body, url)
        from .xmlfeed import parse_xml_feed
        parsed = parse_xml_feed(body, url)
        if parsed is not None:
            return parsed
        from .fallback import parse_with_feedparser
        return parse_with_feedparser(body, headers, url)
    except ParseError:
        raise
    except ValueError as exc:
        raise ParseError(str(exc).splitlines()[0] if str(exc) else "unreadable document") from None
    except RecursionError:
        raise ParseError("document nested too deeply") from None
