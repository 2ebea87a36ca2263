"""feedwatch.text: hostile feed text must come out safe to store and to print on a terminal."""

from __future__ import annotations

import time
import unicodedata
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings, strategies as st
from lxml import etree

from feedwatch import html_lxml
from feedwatch.html_text import html_to_text
from feedwatch.text import clean_body, clean_line, safe_url
from tests.servers.http import Reply

BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
ZERO_WIDTH = {"\u200b", "\ufeff"}

# Characters and snippets that feeds really contain when they are broken or malicious.
HOSTILE = [
    "\x00", "\x07", "\x08", "\x1b", "\x1b[31m", "\x1b[0m", "\x1b]8;;https://evil/\x1b\\", "\x1b]0;title\x07",
    "\x7f", "\x85", "\x9b", "\x9b2J", "\u202e", "\u2066", "\u2069", "\u200e", "\u061c", "\u200b",
    "\ufeff", "\u2028", "\u2029", "\ud800", "\udfff", "\r\n", "\r", "\n", "\t", "\x0b", "\x0c",
    "\x1c", "\x1f", "\xa0", "\u3000", " ", "  ", "[bold]", "[/]", "…", "\ue001", "\ue004", "é", "👩‍💻",
]
hostile_text = st.lists(
    st.one_of(
        st.sampled_from(HOSTILE),
        st.text(max_size=8),
        st.characters(categories=["Cc", "Cf", "Cs", "Zs", "Zl", "Zp"]),
    ),
    max_size=40,
).map("".join)

HTML_BITS = [
    "<p>", "</p>", "<div>", "</div>", "<br>", "<br/>", "<li>", "</li>", "<ul>", "</ul>", "<pre>",
    "</pre>", "<b>", "</b>", "<a href='/x'>", "</a>", "<table><tr><td>", "</td></tr></table>",
    "<h1>", "</h1>", "<span>", "<!-- c -->", "&amp;", "&lt;", "&gt;", "&nbsp;", "&#x1b;", "&#x202e;",
    "&#0;", "&bogus;", "<img src=x onerror=alert(1)>", "<", ">", "&", "\n", " ", "text", "<![CDATA[",
    "]]>", "<!DOCTYPE html>", "<?pi x?>",
]
html_like = st.lists(st.one_of(st.sampled_from(HTML_BITS), hostile_text), max_size=30).map("".join)
# Markup that cannot put a later <script> into a text-only context (<textarea>, comments...).
safe_html = st.lists(
    st.one_of(
        st.sampled_from(HTML_BITS[:20] + ["&amp;", "\n", " ", "words", "<em>", "</em>"]),
        st.text(alphabet=st.characters(exclude_characters="<&"), max_size=10),
    ),
    max_size=15,
).map("".join)


def assert_display_safe(s: str, *, keep: str = "") -> None:
    for ch in s:
        if ch in keep:
            continue
        cat = unicodedata.category(ch)
        assert cat != "Cc", f"control character {ch!r} in {s!r}"
        assert cat != "Cs", f"lone surrogate {ch!r} in {s!r}"
        assert ch not in BIDI, f"bidi control {ch!r} in {s!r}"
        assert ch not in ZERO_WIDTH, f"zero-width {ch!r} in {s!r}"
    s.encode("utf-8")  # storable and printable without errors


# --- clean_line -------------------------------------------------------------------------------


@given(hostile_text, st.integers(min_value=1, max_value=60))
def test_clean_line_properties(s, max_len):
    out = clean_line(s, max_len=max_len)
    assert_display_safe(out)
    assert len(out) <= max_len
    assert out == out.strip()
    assert "  " not in out
    assert clean_line(out, max_len=max_len) == out  # idempotent


@given(hostile_text)
def test_clean_line_idempotent_default_length(s):
    once = clean_line(s)
    assert clean_line(once) == once
    assert len(once) <= 300


def test_clean_line_examples():
    assert clean_line(None) == ""
    assert clean_line("") == ""
    # Rich/Textual markup stays literal text: the display layer must not interpret it.
    assert clean_line("[bold]x[/]") == "[bold]x[/]"
    # ANSI escapes go as a whole, not just the ESC byte.
    assert clean_line("\x1b[31mred\x1b[0m alert") == "red alert"
    assert clean_line("\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\") == "click"
    assert clean_line("\x1b]0;pwned\x07Title") == "Title"
    # "Trojan source" filename trick: the override is removed, the text is shown as stored.
    assert clean_line("\u202egnp.exe") == "gnp.exe"
    assert clean_line("a\u2066b\u2069c\u200fd\u061ce") == "abcde"
    assert clean_line("\ufeffzero\u200bwidth") == "zerowidth"
    assert clean_line("C1\x9b2Jcsi\x85next") == "C12Jcsi next"
    assert clean_line("  multi \n line\ttitle\r\n  ") == "multi line title"
    assert clean_line("nul\x00byte bell\x07") == "nulbyte bell"
    assert clean_line("surrogate \ud800here") == "surrogate here"
    assert clean_line("emoji 👩‍💻 keeps its ZWJ") == "emoji 👩\u200d💻 keeps its ZWJ"


def test_clean_line_caps_with_ellipsis():
    out = clean_line("a" * 400)
    assert len(out) == 300 and out.endswith("…") and out[:299] == "a" * 299
    assert clean_line("word " * 50, max_len=11) == "word word…"  # no space before the ellipsis
    assert clean_line("word " * 50, max_len=12) == "word word w…"
    assert clean_line("short", max_len=5) == "short"
    assert clean_line("longer", max_len=1) == "…"


# --- clean_body -------------------------------------------------------------------------------


@given(hostile_text, st.integers(min_value=1, max_value=80))
def test_clean_body_properties(s, max_len):
    out = clean_body(s, max_len=max_len)
    assert_display_safe(out, keep="\n\t")
    assert len(out) <= max_len
    assert "\r" not in out and "\n\n\n" not in out
    assert out == out.strip()
    assert all(line == line.rstrip() for line in out.split("\n"))
    assert clean_body(out, max_len=max_len) == out  # idempotent


words = st.text(alphabet="abcxyz", min_size=1, max_size=5)


@given(st.lists(st.tuples(words, st.sampled_from(["\n", "\t", " ", "\n\n", "\t\t"])), min_size=1))
def test_clean_body_keeps_newlines_and_tabs(parts):
    s = "".join(w + sep for w, sep in parts)
    assert clean_body(s) == s.rstrip()


def test_clean_body_examples():
    assert clean_body(None) == ""
    assert clean_body("a\r\nb\rc") == "a\nb\nc"
    assert clean_body("para 1   \n\n\n\n\npara 2\t \n") == "para 1\n\npara 2"
    assert clean_body("\tindented\n\tcode") == "indented\n\tcode"  # the whole is stripped
    assert clean_body("\x1b[2J\x1b[Hcleared?\x00") == "cleared?"
    assert clean_body("line\u2028sep\x0bvt") == "line\nsep\nvt"
    assert clean_body("x" * 50, max_len=10) == "x" * 9 + "…"


# --- html_to_text -----------------------------------------------------------------------------


@settings(max_examples=300)
@given(html_like)
def test_html_to_text_never_raises_and_is_safe(s):
    out = html_to_text(s)
    assert isinstance(out, str)
    assert_display_safe(out, keep="\n\t")
    assert clean_body(out) == out
    markers = "\ue001\ue002\ue003\ue004\ue005"
    if not any(m in s for m in markers):
        assert not any(m in out for m in markers)  # our layout markers never leak


@given(st.text())
def test_html_to_text_arbitrary_text(s):
    assert_display_safe(html_to_text(s), keep="\n\t")


@given(
    safe_html,
    safe_html,
    st.sampled_from(["<script>", "<SCRIPT type='text/javascript'>", "<script src=x>", "<style>",
                     "<noscript>", "<template>", "<iframe>"]),
)
def test_html_to_text_drops_script_content(before, after, opener):
    tag = opener[1:].split(">")[0].split()[0].lower()
    s = f"{before}{opener}alert('XSSMARKER')</{tag}>{after}"
    out = html_to_text(s)
    assert "XSSMARKER" not in out
    assert "alert(" not in out


@pytest.mark.parametrize("max_len", [1, 5, 50, 500])
def test_html_to_text_respects_max_len(max_len):
    out = html_to_text("<p>" + "lorem ipsum " * 200 + "</p>" * 3, max_len=max_len)
    assert len(out) <= max_len and out.endswith("…")


def test_html_to_text_structure():
    html = (
        "<p>We present <b>FooLM</b>, see <a href='/p'>the paper</a> &amp; code.</p>"
        "<ul><li>one</li><li> two <i>2</i></li></ul>"
        "<div>a</div><div>b</div>text<br>line2<br/><br/>line3"
        "<h2>Heading</h2><table><tr><td>c1</td><td>c2</td></tr><tr><td>r2</td></tr></table>"
    )
    assert html_to_text(html) == (
        "We present FooLM, see the paper & code.\n\n- one\n- two 2\n\na\nb\ntext\nline2\nline3"
        "\n\nHeading\n\nc1 c2\nr2"
    )


def test_html_to_text_pre_keeps_lines_and_indentation():
    out = html_to_text("<p>Code:</p><pre>def f():\n    return  1\n</pre><p>after   the\n  code</p>")
    assert out == "Code:\n\ndef f():\n    return  1\n\nafter the code"


def test_html_to_text_entities_and_whitespace():
    assert html_to_text("a&nbsp;&nbsp;b &mdash; c &#233; &#x1F600; &lt;tag&gt;") == "a  b — c é 😀 <tag>"
    assert html_to_text("<p>a&nbsp;&nbsp;b &nbsp; &mdash; c&#233;</p>") == "a b — cé"
    # Entities that decode to controls or bidi overrides are cleaned like raw ones.
    # (libxml2 versions differ on whether &#x1b; becomes U+FFFD, so check the properties.)
    out = html_to_text("<p>x&#x1b;[31my&#x202e;z&#0;&#x85;</p>")
    assert "\x1b" not in out and "\u202e" not in out and "\x00" not in out and "\x85" not in out
    assert out.startswith("x") and "[31my" in out and "yz" in out
    assert html_to_text("<p>  lots   of\n\n   space  </p>") == "lots of space"


def test_html_to_text_hostile_examples():
    assert html_to_text("<script>alert(1)</script>") == ""
    assert html_to_text("<p>a<script>alert(1)</script>b</p>") == "ab"  # the tail survives
    assert html_to_text("<style>p{color:red}</style><p>styled</p>") == "styled"
    assert html_to_text("[bold]x[/]") == "[bold]x[/]"
    assert html_to_text("<p>\x1b[31mred\x1b[0m</p>") == "red"
    assert html_to_text("<b>\u202egnp.exe</b>") == "gnp.exe"
    assert html_to_text("<p>lone \ud800surrogate</p>") == "lone surrogate"  # libxml2 would truncate
    assert html_to_text("<img src=x onerror=alert(1)>caption") == "caption"
    assert html_to_text("<p>x</p><!-- <script>bad()</script> --><p>y</p>") == "x\n\ny"
    # Raw private-use characters that the converter uses internally cannot forge layout.
    assert html_to_text("<p>a\ue001b\ue002c\ue004d\ue005e\ue003f</p>") == "abcdef"


def test_html_to_text_plain_text_and_odd_inputs():
    assert html_to_text(None) == ""
    assert html_to_text("") == ""
    assert html_to_text("plain text\nwith lines\r\n\r\n\r\nand more") == "plain text\nwith lines\n\nand more"
    assert html_to_text("R&D, AT&T & co") == "R&D, AT&T & co"
    assert html_to_text("a < b > c") == "a < b > c"
    assert html_to_text("<") == "<"
    assert html_to_text("<p>") == ""
    assert html_to_text("<!-- only a comment -->") == ""
    assert html_to_text("   \n ") == ""
    assert html_to_text("<html><head><title>T</title><meta charset='latin1'></head><body>Zoë</body></html>") == "Zoë"


def test_html_to_text_escaped_html_and_cdata():
    # Double-escaped HTML (seen in broken feeds) is unescaped and rendered ...
    assert html_to_text("&lt;p&gt;Hello &amp;amp; bye&lt;/p&gt;&lt;p&gt;two&lt;/p&gt;") == "Hello & bye\n\ntwo"
    assert html_to_text("&lt;p&gt;x&lt;script&gt;alert(1)&lt;/script&gt;&lt;/p&gt;") == "x"
    # ... but plain text that only mentions a tag keeps its words.
    assert html_to_text("Use &lt;b&gt; for bold") == "Use <b> for bold"
    assert html_to_text("<![CDATA[<p>inside <b>cdata</b></p>]]>") == "inside cdata"
    assert html_to_text("<![CDATA[unterminated <i>cdata</i>") == "unterminated cdata"


def test_html_to_text_billion_laughs_is_not_expanded():
    lol = (
        '<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10)
        )
        + "]><p>&lol9;</p>"
    )
    start = time.perf_counter()
    out = html_to_text(lol)
    assert time.perf_counter() - start < 1.0
    assert "lollol" not in out and len(out) < 100
    assert out == "&lol9;"  # the declaration is gone, the reference stays unexpanded text
    # Same with a doctype that is not at the start, where it is not pre-stripped.
    out = html_to_text("<p>x</p>" + lol)
    assert "lollol" not in out and len(out) < 300


def test_html_to_text_never_reads_files_or_network(tmp_path, http_server):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-FILE")
    http_server.route("/x.dtd", Reply(body='<!ENTITY net "TOPSECRET-NET">', content_type="text/plain"))
    http_server.route("/e.txt", Reply(body="TOPSECRET-NET", content_type="text/plain"))
    dtd_url, ent_url = http_server.url("/x.dtd"), http_server.url("/e.txt")
    docs = [
        f'<!DOCTYPE x [<!ENTITY f SYSTEM "{secret.as_uri()}"><!ENTITY n SYSTEM "{ent_url}">]><p>&f;&n;</p>',
        f'<!DOCTYPE html SYSTEM "{dtd_url}"><p>&net;</p>',
        f'<!DOCTYPE html PUBLIC "-//X//DTD X//EN" "{dtd_url}"><p>&net;</p>',
        f'<p>x</p><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{secret.as_uri()}" parse="text"/>',
        f'<iframe src="{secret.as_uri()}"></iframe><img src="{ent_url}"><link rel=stylesheet href="{ent_url}">',
    ]
    for doc in docs:
        out = html_to_text(doc)
        assert "TOPSECRET" not in out
        # The parser itself, without the doctype pre-stripping, must not resolve anything either.
        root = etree.fromstring(doc.encode(), html_lxml._parser())
        assert b"TOPSECRET" not in etree.tostring(root, method="text")
    assert http_server.requests == []


def test_html_to_text_deep_nesting_keeps_text():
    deep = "<div>" * 5000 + "deep" + "</div>" * 5000 + "<p>after</p><script>bad()</script>"
    start = time.perf_counter()
    out = html_to_text(deep)
    assert time.perf_counter() - start < 2.0
    assert "deep" in out and "after" in out and "bad" not in out
    assert html_to_text("<b>" * 10000 + "x") == "x"


@pytest.mark.parametrize(
    "evil",
    ["<p" * 50_000, "&lt;p" * 30_000, "<!doctype[" * 20_000, "<![CDATA[" * 30_000, "\x1b]" * 50_000,
     "<script" * 30_000, "<" * 100_000],
)
def test_html_to_text_linear_time_on_adversarial_input(evil):
    start = time.perf_counter()
    html_to_text(evil)
    html_lxml.fallback(evil, 20000)
    assert time.perf_counter() - start < 3.0


def test_html_to_text_falls_back_when_lxml_fails(monkeypatch):
    def boom(*args, **kwargs):
        raise ValueError("parser exploded")

    from lxml import etree  # feedwatch.html_lxml imports it where it parses (not at start-up)
    monkeypatch.setattr(etree, "fromstring", boom)
    out = html_to_text("<p>one &amp; <b>two</b></p><script>alert(1)</script><div>three\x1b[31m</div>")
    assert out == "one & two\n\nthree"  # cruder layout, same safety


# --- safe_url ---------------------------------------------------------------------------------

url_bits = st.sampled_from(
    ["http://", "https://", "HTTPS://", "javascript:", "data:", "file:", "//", "/", "../", "?", "#",
     "example.com", "user:pw@", ":8080", ":99999", "[::1]", "[", "%20", " ", "\t", "\n", "\x00",
     "\u202e", "\\", "@", "a", "ftp://", "mailto:x@y", "vbscript:"]
)
url_like = st.lists(st.one_of(url_bits, st.text(max_size=5)), max_size=10).map("".join)


@given(url_like, st.one_of(st.none(), url_like, st.just("https://example.com/a/b")))
def test_safe_url_properties(url, base):
    out = safe_url(url, base)
    if out is not None:
        assert out.startswith(("http://", "https://"))
        assert urlsplit(out).hostname
        assert_display_safe(out)
        assert not any(ch.isspace() for ch in out)
        assert safe_url(out) == out  # stable when stored and cleaned again


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)", "javascript://example.com/%0Aalert(1)", "JAVASCRIPT://x.org/%0a1",
        "file://localhost/etc/passwd", "data://example.com/x", " JavaScript:alert(1)",
        "java\tscript:alert(1)", "\x00javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=", "file:///etc/passwd", "vbscript:msgbox(1)",
        "ftp://example.com/x", "mailto:a@b.c", "http://", "http:///path", "https:example.com",
        "//example.com/x", "/relative/only", "", "   ", None, "http://ex.com:99999/", "http://[::1",
        "http://exa mple.com/", "x" * 10_000,
    ],
)
def test_safe_url_rejects(url):
    assert safe_url(url) is None


@pytest.mark.parametrize(
    "url,base,expected",
    [
        ("https://example.com/a?b=1#c", None, "https://example.com/a?b=1#c"),
        ("  http://example.com/x \n", None, "http://example.com/x"),
        ("HTTPS://Example.com/A", None, "https://Example.com/A"),
        ("https://exa\nmple.com/a\tb", None, "https://example.com/ab"),
        ("https://example.com/a b", None, "https://example.com/a%20b"),
        ("/x/y?z#f", "https://ex.com/a/b", "https://ex.com/x/y?z#f"),
        ("../c", "http://ex.com/a/b/", "http://ex.com/a/c"),
        ("//cdn.ex.com/x", "https://ex.com/", "https://cdn.ex.com/x"),
        ("?q=1", "https://ex.com/p", "https://ex.com/p?q=1"),
        ("https://other.org/", "https://ex.com/", "https://other.org/"),
        ("x", "javascript:alert(1)", None),
        ("javascript:alert(1)", "https://ex.com/", None),
        ("data:,x", "https://ex.com/", None),
        ("", "https://ex.com/", None),
    ],
)
def test_safe_url_resolves(url, base, expected):
    assert safe_url(url, base) == expected


@settings(max_examples=400, deadline=None)
@given(st.from_regex(r"https?://[A-Za-z0-9][A-Za-z0-9.-]{0,20}(/[!-~]{0,30})?", fullmatch=True),
       st.sampled_from([None, "https://base.example/dir/feed.xml"]))
def test_safe_url_fast_path_agrees_with_the_full_rules(url, base):
    """The shortcut for plain absolute URLs gives what the full parse-and-resolve path gives."""
    import re

    from feedwatch import text
    saved = text._PLAIN_URL_RE
    try:
        text._PLAIN_URL_RE = re.compile(r"(?!)")        # never matches: forces the full path
        full = text.safe_url(url, base)
    finally:
        text._PLAIN_URL_RE = saved
    assert text.safe_url(url, base) == full
