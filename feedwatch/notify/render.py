"""Messages for a channel: item text is data, so it is cleaned, capped, stripped of pings and
escaped for the format (Markdown or HTML); only http(s) links are kept.

Pings: `@channel`, `@here`, `@everyone` (Slack, Discord, Teams, Matrix...) get a zero-width space
after the `@`, and angle brackets in item text become ‹ › so no `<!here>` / `<@U123>` / `<url|x>`
survives a conversion by the service.
"""

from __future__ import annotations

import html as _html
import re
from dataclasses import dataclass
from typing import Any

from ..digest.render_md import md_escape, md_url
from ..text import clean_line, safe_url

TITLE_MAX = 200          # characters of an item title
REASON_MAX = 200
ITEMS_MAX = 50           # items listed in one message (the rest are counted)
BODY_MAX = 60_000        # a whole message body (services cut further themselves)
_MENTION = re.compile(r"@(?=\w)")
_ANGLES = str.maketrans({"<": "‹", ">": "›"})


@dataclass(frozen=True, slots=True)
class Message:
    kind: str                     # affects | retirement | digest
    title: str                    # plain text
    markdown: str
    html: str
    events: tuple[str, ...]       # the ledger keys this message delivers
    summary: str                  # for the `notify` output line


def plain(text, cap: int = TITLE_MAX) -> str:
    """One line of item text with no controls, pings or angle brackets, at most `cap` characters."""
    return _MENTION.sub("@\u200b", clean_line(text, cap)).translate(_ANGLES)


def md(text, cap: int = TITLE_MAX) -> str:
    return md_escape(plain(text, cap))


def h(text, cap: int = TITLE_MAX) -> str:
    return _html.escape(plain(text, cap), quote=True)


def md_link(text, url) -> str:
    u = safe_url(url)
    return f"[{md(text)}]({md_url(u)})" if u else md(text)


def html_link(text, url) -> str:
    u = safe_url(url)
    return f'<a href="{_html.escape(u, quote=True)}">{h(text)}</a>' if u else h(text)


def defang(rendered: str) -> str:
    """A whole rendered document (the digest): pings broken; Markdown's escaped angles made ‹ ›."""
    text = _MENTION.sub("@\u200b", rendered).replace("\\<", "‹").replace("\\>", "›")
    return text if len(text) <= BODY_MAX else text[:BODY_MAX - 1] + "…"


def names(values: list[str], shown: int = 3) -> str:
    values = list(dict.fromkeys(values))
    head = ", ".join(plain(v, 60) for v in values[:shown])
    return head + (f" and {len(values) - shown} more" if len(values) > shown else "")


def affects_message(links: list[dict]) -> Message:
    """One message for the links of a run, grouped by asset, each item with its reason and link."""
    by_asset: dict[str, list[dict]] = {}
    for link in links:
        by_asset.setdefault(link["asset"], []).append(link)
    items = {link["item_id"] for link in links}
    title = f"feedwatch: {len(items)} new item{'s' * (len(items) != 1)} affect{'s' * (len(items) == 1)} " \
            f"{names(list(by_asset))}"
    md_lines, html_parts, shown = [], [], 0
    for asset, group in by_asset.items():
        md_lines.append(f"**{md(asset, 60)}**")
        html_parts.append(f"<p><b>{h(asset, 60)}</b></p><ul>")
        for link in group:
            if shown >= ITEMS_MAX:
                break
            shown += 1
            how = "confirmed" if link["status"] == "confirmed" else f"suggested, score {link['score']:.2f}"
            md_lines.append(f"- {md_link(link['title'], link['url'])} · {md(link['reason'], REASON_MAX)} ({how})")
            html_parts.append(f"<li>{html_link(link['title'], link['url'])} · {h(link['reason'], REASON_MAX)} "
                              f"({how})</li>")
        html_parts.append("</ul>")
        md_lines.append("")
    if len(links) > shown:
        more = f"… and {len(links) - shown} more links in feedwatch (view “Affects our stack”)"
        md_lines.append(md_escape(more))
        html_parts.append(f"<p>{_html.escape(more)}</p>")
    events = tuple(f"affects:{link['item_id']}:{link['asset']}" for link in links)
    return Message("affects", title, "\n".join(md_lines).strip() + "\n", "".join(html_parts), events,
                   f"affects ({len(items)} item{'s' * (len(items) != 1)}, {len(by_asset)} "
                   f"asset{'s' * (len(by_asset) != 1)})")


def retirement_message(rows: list[tuple[str, Any]]) -> Message:
    """One message for the (event key, stack row) pairs due: a model an asset uses shuts down soon."""
    models = [r.model for _, r in rows]
    if len(rows) == 1:
        r = rows[0][1]
        title = f"feedwatch: {plain(r.model, 80)} {_when(r.days_left)} ({plain(r.asset, 60)})"
    else:
        title = f"feedwatch: {len(rows)} model shutdowns ahead ({names([r.asset for _, r in rows])})"
    md_lines, html_parts = [], ["<ul>"]
    for _, r in rows:
        tail = f"; replacement {plain(r.replacement, 80)}" if r.replacement else ""
        text = f"{plain(r.asset, 60)} runs on {plain(r.model, 80)}, which {_when(r.days_left)} " \
               f"({r.shutdown_date}){tail}"
        md_lines.append(f"- {md_escape(text)}")
        html_parts.append(f"<li>{_html.escape(text)}</li>")
    html_parts.append("</ul>")
    return Message("retirement", title, "\n".join(md_lines) + "\n", "".join(html_parts),
                   tuple(k for k, _ in rows), f"retirement ({names(models)})")


def _when(days: int | None) -> str:
    if days is None:
        return "shuts down"
    if days > 0:
        return f"shuts down in {days} day{'s' * (days != 1)}"
    return "shuts down today" if days == 0 else f"shut down {-days} day{'s' * (days != -1)} ago"
