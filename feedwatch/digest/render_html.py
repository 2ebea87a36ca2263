"""The digest as one self-contained HTML page: inline CSS, no JavaScript, nothing loaded from anywhere.

Every field goes through `html.escape` (text and attributes alike); links are http(s) only (checked
with `safe_url` when the digest was built) and carry rel="noopener noreferrer"; a Content-Security-
Policy meta tag forbids scripts, images, frames and any fetch, allowing only the inline style sheet.
"""

from __future__ import annotations

from html import escape

from .build import Digest, Item
from .retirements import retirement_meta
from .words import (
    SECTIONS,
    TITLE,
    asset_meta,
    change_line,
    experiment_meta,
    failure_meta,
    item_meta,
    link_label,
    more,
    overview,
    tag_meta,
)

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'"
SEP = " · "

_CSS = """\
:root { color-scheme: light dark; --muted: #57606a; --line: #d0d7de; --accent: #0969da; }
@media (prefers-color-scheme: dark) { :root { --muted: #8b949e; --line: #30363d; --accent: #4493f8; } }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; }
main { max-width: 56rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin: 1.25rem 0 .25rem; }
ul { padding-left: 1.25rem; margin: .25rem 0; }
li { margin: .35rem 0; overflow-wrap: anywhere; }
a { color: var(--accent); }
.meta, .more { color: var(--muted); font-size: .9em; }
.note { margin: .1rem 0 0; }
.star { color: #bf8700; }
.confirmed { font-weight: 600; }"""


def _e(text) -> str:
    return escape(str(text), quote=True)


def _meta(parts: list[str]) -> str:
    return f'<span class="meta">{_e(SEP.join(parts))}</span>'


def _link(item: Item) -> str:
    if item.url:
        return f'<a href="{_e(item.url)}" rel="noopener noreferrer">{_e(item.title)}</a>'
    return _e(item.title)


def _more(text: str) -> str:
    return f'<li class="more">{_e(text)}</li>'


def render_html(d: Digest) -> str:
    title = f"{TITLE}: {d.period.label}"
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',   # a constant: no quote to escape
           '<meta name="referrer" content="no-referrer">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{_e(title)}</title>", f"<style>\n{_CSS}\n</style>", "</head>", "<body>", "<main>",
           f"<h1>{_e(title)}</h1>", f'<p class="meta">{_e(SEP.join(overview(d)))}</p>']

    if d.highlights.items:
        out += ['<section id="highlights">', f"<h2>{SECTIONS['highlights']}</h2>", "<ul>"]
        for item in d.highlights.items:
            star = '<span class="star" title="starred">★</span> ' if item.starred else ""
            summary = f'<p class="note">{_e(item.summary)}</p>' if item.summary else ""
            out.append(f"<li>{star}{_link(item)} {_meta(item_meta(item))}{summary}</li>")
        if d.highlights.more:
            out.append(_more(more(d.highlights.more, "starred item")))
        out += ["</ul>", "</section>"]

    if d.stack:
        out += ['<section id="stack">', f"<h2>{SECTIONS['stack']}</h2>"]
        for section in d.stack:
            out += [f"<h3>{_e(section.asset)}</h3>", f'<p class="meta">{_e(SEP.join(asset_meta(section)))}</p>', "<ul>"]
            for link in section.links:
                reason = f'<p class="note">{_e(link.reason)}</p>' if link.reason else ""
                out.append(f'<li><span class="{_e(link.status)}">{_e(link_label(link))}</span>{SEP}{_link(link.item)} '
                           f"{_meta([link.item.date])}{reason}</li>")
            if section.more:
                out.append(_more(more(section.more)))
            out.append("</ul>")
        out.append("</section>")

    if d.retirements:
        out += ['<section id="retirements">', f"<h2>{SECTIONS['retirements']}</h2>", "<ul>"]
        for r in d.retirements:
            note = f'<p class="note">{_e(r.experiment.title)}</p>' if r.experiment else ""
            out.append(f"<li><strong>{_e(r.asset)}</strong> {_meta(retirement_meta(r))}{note}</li>")
        out += ["</ul>", "</section>"]

    if d.tags:
        out += ['<section id="tags">', f"<h2>{SECTIONS['tags']}</h2>"]
        for tag_section in d.tags:
            out += [f"<h3>{_e(tag_section.tag)} {_meta([tag_meta(tag_section)])}</h3>", "<ul>"]
            out += [f"<li>{_link(item)} {_meta(item_meta(item, relevance=False))}</li>" for item in tag_section.items]
            if tag_section.more:
                out.append(_more(more(tag_section.more)))
            out.append("</ul>")
        if d.tags_more:
            out.append(f'<p class="more">{_e(more(d.tags_more, "tag"))}</p>')
        out.append("</section>")

    ex = d.experiments
    if ex.opened or ex.closed or ex.updated:
        out += ['<section id="experiments">', f"<h2>{SECTIONS['experiments']}</h2>"]
        for kind, events in (("opened", ex.opened), ("closed", ex.closed), ("updated", ex.updated)):
            if not events:
                continue
            out += [f"<h3>{kind.capitalize()} ({len(events)})</h3>", "<ul>"]
            for e in events:
                note = f'<p class="note">{_e(e.hypothesis)}</p>' if kind == "opened" and e.hypothesis else ""
                changes = [f"<li>{_e(change_line(c))}</li>" for c in e.changes]
                if e.changes_more:
                    changes.append(_more(more(e.changes_more, "change")))
                history = f'<ul class="meta">{"".join(changes)}</ul>' if changes else ""
                out.append(f"<li><strong>{_e(e.title)}</strong> {_meta(experiment_meta(e, kind))}{note}{history}</li>")
            out.append("</ul>")
        out.append("</section>")

    if d.failed_sources:
        out += ['<section id="failed-sources">', f"<h2>{SECTIONS['failed_sources']}</h2>", "<ul>"]
        for f in d.failed_sources:
            error = f'<p class="note">{_e(f.last_error)}</p>' if f.last_error else ""
            out.append(f"<li><strong>{_e(f.source)}</strong> {_meta(failure_meta(f))}{error}</li>")
        out += ["</ul>", "</section>"]

    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
