"""html_to_text's fast path (no lxml, for simple fragments) must give exactly what the lxml path gives.

Generated fragments mix the tags the fast path takes with ones it must refuse (tables, <pre>,
<script>, a block inside a paragraph, unclosed and stray tags), attributes with quotes and '>',
references of every kind and odd whitespace. Whenever the fast path takes a fragment, its text
must equal the lxml path's. The real captured feeds' fragments are compared too (skipped when
../shared is absent), and the fast path must take most of them, or it would be worth nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from feedwatch import html_lxml, html_text
from feedwatch.html_text import html_to_text

TAGS = ["p", "ul", "ol", "li", "a", "em", "strong", "b", "i", "code", "span", "div", "blockquote", "h2",
        "h3", "sub", "pre", "table", "tr", "td", "script", "style", "font", "section", "dl", "dt", "q"]
VOID = ["br", "br/", "br /", "img src='x.png' alt=\"a\"", "img/", "hr", "wbr", "BR"]
ATTRS = ["", " href=\"https://e.example/a?b=1&amp;c=2\"", " title='it\"s'", " title=\"a>b\"", " class=x",
         " data-x", " title=\"<p>\"", "  id = \"i\" ", " style=\"color:red\""]
WORDS = ["alpha", "beta", " ", "  ", "\n", "\t", " \n ", "&amp;", "&lt;", "&gt;", "&nbsp;", "&#8217;",
         "&#x41;", "&#0;", "&#1;", "&#128;", "&#xE001;", "&bigstar;", "&notit;", "&foo;", "&amp", "R&D",
         "a & b", ">", "\"q\"", "'", "é", "—", "“x”", "日本", "\u00a0", "\u200b", "\r\n", "x<y", "<3",
         "&#55296;", "&#x10FFFF;", "&#1114112;", "&apos;", "&NewLine;"]


def _element(children: list[str], name: str, attrs: str, close: bool, upper: bool) -> str:
    tag = name.upper() if upper else name
    return f"<{tag}{attrs}>" + "".join(children) + (f"</{tag}>" if close else "")


leaf = st.one_of(st.sampled_from(WORDS), st.sampled_from(VOID).map(lambda v: f"<{v}>"),
                 st.sampled_from(["</p>", "</li>", "<li>", "<p>", "</a>", "<!-- c -->", "<![CDATA[x]]>", "<?pi?>",
                                  "</ul>", "<>", "< p>"]))
fragment = st.recursive(
    leaf,
    lambda inner: st.builds(
        _element, st.lists(inner, max_size=4), st.sampled_from(TAGS), st.sampled_from(ATTRS),
        st.sampled_from([True, True, True, False]), st.sampled_from([False, False, True])),
    max_leaves=25,
)
fragments = st.lists(fragment, min_size=1, max_size=6).map("".join)


def _both(html: str, max_len: int = 20000) -> tuple[str | None, str]:
    fast = html_text._fast_text(html, max_len) if html_text._printable(html) else None
    return fast, _slow(html, max_len)


def _slow(html: str, max_len: int = 20000) -> str:
    """html_to_text without its fast path."""
    try:
        return html_lxml.via_lxml(html, max_len)
    except Exception:
        return html_lxml.fallback(html, max_len)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fragments)
def test_the_fast_path_agrees_with_lxml_wherever_it_is_taken(html):
    fast, slow = _both(html)
    if fast is not None:
        assert fast == slow, html


INLINE = ["a", "em", "strong", "b", "i", "code", "span", "sub", "q", "font", "EM"]
SAFE_ATTRS = ["", " href=\"https://e.example/a?b=1&amp;c=2\"", " class=x", " data-x", "  id = \"i\" ",
              " title='a b'"]


def _tag(name: str, attrs: str, children: list[str]) -> str:
    return f"<{name}{attrs}>" + "".join(children) + f"</{name}>"


inline = st.recursive(
    st.one_of(st.sampled_from(WORDS), st.sampled_from(["<br>", "<br/>", "<img src=x>", "<wbr>"])),
    lambda inner: st.builds(_tag, st.sampled_from(INLINE), st.sampled_from(SAFE_ATTRS), st.lists(inner, max_size=3)),
    max_leaves=6,
)
inlines = st.lists(inline, max_size=4)
block = st.recursive(
    st.one_of(st.builds(_tag, st.sampled_from(["p", "h2", "h3", "li", "P"]), st.sampled_from(SAFE_ATTRS), inlines),
              inline),
    lambda inner: st.builds(_tag, st.sampled_from(["ul", "ol", "blockquote", "div", "li", "p", "em"]),
                            st.sampled_from(SAFE_ATTRS), st.lists(inner, max_size=4)),
    max_leaves=12,
)
nested = st.lists(st.one_of(block, st.sampled_from(["\n", " ", "\n\n"])), min_size=1, max_size=6).map("".join)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nested)
def test_nested_fragments_agree_wherever_the_fast_path_takes_them(html):
    """Mostly well-formed trees (some with a block where it does not belong): most take the fast path."""
    fast, slow = _both(html)
    if fast is not None:
        assert fast == slow, html


SAFE = ["alpha", "beta", " ", "  ", "\n", "\t", "&amp;", "&lt;", "&gt;", "&nbsp;", "&#8217;", "&#x41;", "&bigstar;",
        "a & b", ">", "\"q\"", "'", "é", "—", "“x”", "日本"]
BLOCKS = ["<ul><li>a</li><li>b <em>c</em></li></ul>", "<blockquote><p>q</p><ul><li>x</li></ul></blockquote>",
          "x<br>y", "<h2>T</h2>", "\n", "<ol><li><p>p</p><ul><li>n</li></ul></li></ol>", "<div>d<br/></div>",
          "<p><a href=\"https://e.example/?a=1&amp;b=2\">link</a> <img src='i.png'/></p>"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(SAFE).map(lambda w: f"<p>{w} one <strong>two</strong></p>"),
                          st.sampled_from(BLOCKS)), min_size=1, max_size=8).map("".join))
def test_simple_fragments_take_the_fast_path_and_agree(html):
    fast, slow = _both(html)
    assert fast is not None, html
    assert fast == slow, html


@pytest.mark.parametrize("html, expected", [
    ("<p>One <em>two</em> three.</p><p>Four.</p>", "One two three.\n\nFour."),
    ("<ul><li>a</li><li>b</li></ul>", "- a\n- b"),
    ("<p>A &amp; B&nbsp;&#8217;s</p>", "A & B ’s"),
    ("x<br>y<br/>z", "x\ny\nz"),
])
def test_what_the_fast_path_takes(html, expected):
    assert html_text._fast_text(html, 20000) is not None
    assert html_to_text(html) == expected == _slow(html)


@pytest.mark.parametrize("html", [
    "<p>a<div>b</div>c</p>",          # a block inside a paragraph: libxml2 closes the paragraph
    "<p>open", "a</p>", "<li>x</li>",  # unclosed, stray, out of place
    "<ul>text<li>x</li></ul>",
    "<a title=\"x>y\">t</a>", "<a title='it\"s'>t</a>",
    "<p>a<!-- c -->b</p>", "<pre>  kept  </pre>", "<table><tr><td>1</td></tr></table>",
    "<p>R&D</p>", "<p>&amp</p>", "<p>&#1;</p>", "<p>&#xE001;</p>", "<script>x</script>",
    "<p>a\rb</p>", "<p>\u200bx</p>", "<p>a\u00a0b</p>", "<p/>", "<br></br>",
    "<div>" * 70 + "x" + "</div>" * 70,
])
def test_what_the_fast_path_leaves_to_lxml(html):
    assert html_text._fast_text(html, 20000) is None or not html_text._printable(html)
    assert html_to_text(html) == _slow(html)


FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "real"


@pytest.mark.skipif(not FIXTURES.is_dir(), reason=f"real fixtures not found at {FIXTURES} (they live in ../shared)")
def test_real_feed_fragments_agree_and_mostly_take_the_fast_path():
    """Every description, summary and content of the captured feeds, through both paths."""
    from lxml import etree
    fragments = []
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    for path in sorted(FIXTURES.rglob("*")):
        if path.suffix not in (".xml", ".atom", ".rss") or path.stat().st_size > 5_000_000:
            continue
        try:
            root = etree.fromstring(path.read_bytes(), parser)
        except etree.XMLSyntaxError:
            continue
        if root is None:
            continue
        for el in root.iter():
            if isinstance(el.tag, str) and el.tag.rsplit("}", 1)[-1] in ("description", "summary", "content",
                                                                           "encoded", "title"):
                value = "".join(el.itertext())
                if "<" in value:
                    fragments.append(value)
    assert len(fragments) > 100
    taken = 0
    for html in fragments:
        fast, slow = _both(html)
        if fast is not None:
            taken += 1
            assert fast == slow, html[:500]
    assert taken > len(fragments) // 4, (taken, len(fragments))
