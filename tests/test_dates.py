"""feedwatch.dates: every feed date becomes "YYYY-MM-DDTHH:MM:SSZ" in UTC, or None."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from hypothesis import given, strategies as st

from feedwatch.dates import format_iso, parse_date, utc_now_iso

ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


@pytest.mark.parametrize(
    "value,expected",
    [
        # RFC 822 / 2822 (RSS), numeric and named zones
        ("Tue, 02 Jan 2024 03:04:05 +0000", "2024-01-02T03:04:05Z"),
        ("Tue, 02 Jan 2024 03:04:05 GMT", "2024-01-02T03:04:05Z"),
        ("2 Jan 2024 03:04 UT", "2024-01-02T03:04:00Z"),
        ("Tue, 02 Jan 2024 03:04:05 EST", "2024-01-02T08:04:05Z"),
        ("Mon, 1 Jan 2024 00:00:00 PST", "2024-01-01T08:00:00Z"),
        ("Sun, 31 Dec 2023 23:00:00 -0500", "2024-01-01T04:00:00Z"),  # crosses the year
        ("Tue, 02 Jan 2024 03:04:05 +0530", "2024-01-01T21:34:05Z"),
        ("Tue, 02 Jan 2024 03:04:05 -0000", "2024-01-02T03:04:05Z"),
        ("Tue, 02 Jan 24 03:04:05 GMT", "2024-01-02T03:04:05Z"),  # two-digit year
        ("Tue, 02 Jan 2024 03:04:05 CEST", "2024-01-02T03:04:05Z"),  # unknown zone -> UTC
        # ISO 8601 / RFC 3339 (Atom, JSON Feed, APIs)
        ("2024-01-02", "2024-01-02T00:00:00Z"),
        ("2024-01-02T03:04:05Z", "2024-01-02T03:04:05Z"),
        ("2024-01-02t03:04:05z", "2024-01-02T03:04:05Z"),
        ("2024-01-02T03:04:05.123456789Z", "2024-01-02T03:04:05Z"),
        ("2024-01-02T03:04:05,5Z", "2024-01-02T03:04:05Z"),
        ("2025-08-20T00:00:00.000000-04:00", "2025-08-20T04:00:00Z"),
        ("2024-01-02T03:04:05+05:30", "2024-01-01T21:34:05Z"),
        ("2024-01-02T03:04:05+0530", "2024-01-01T21:34:05Z"),
        ("2024-01-02T03:04:05-08", "2024-01-02T11:04:05Z"),
        ("2024-01-02T03:04", "2024-01-02T03:04:00Z"),
        ("2024-01-02 03:04:05", "2024-01-02T03:04:05Z"),  # naive -> UTC
        ("2024-01-02 03:04:05 +01:00", "2024-01-02T02:04:05Z"),
        ("20240102T030405Z", "2024-01-02T03:04:05Z"),
        ("2024/01/02", "2024-01-02T00:00:00Z"),
        ("2024-12-31T24:00:00Z", "2025-01-01T00:00:00Z"),
        ("2016-12-31T23:59:60Z", "2016-12-31T23:59:59Z"),  # leap second
        ("  2024-01-02T03:04:05Z\n", "2024-01-02T03:04:05Z"),
        ("\u202e2024-01-02T03:04:05Z\x00", "2024-01-02T03:04:05Z"),
        # Other shapes, via feedparser or the month-name parser
        ("Tue, 02 Jan 2024", "2024-01-02T00:00:00Z"),
        ("2 January 2024", "2024-01-02T00:00:00Z"),
        ("January 2, 2024", "2024-01-02T00:00:00Z"),
        ("Tuesday, January 2nd, 2024", "2024-01-02T00:00:00Z"),
        ("Sept. 30, 2024", "2024-09-30T00:00:00Z"),
        # Range limits
        ("1900-01-01T00:00:00Z", "1900-01-01T00:00:00Z"),
        ("2200-12-31T23:59:59Z", "2200-12-31T23:59:59Z"),
    ],
)
def test_parse_date_examples(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        None, "", "   ", "garbage", "1 2 3", "Foo 2, 2024", "Tue, 02 Jan 2024 25:04:05 GMT",
        "Wed, 31 Feb 2024 10:00:00 GMT", "2024-13-01", "2024-02-30", "2024-01-02T03:04:05+99:00",
        "1899-12-31T23:59:59Z", "2201-01-01T00:00:00Z", "0001-01-01T00:00:00+05:00",
        "9999-12-31T23:59:59-05:00", "Mon, 01 Jan 1800 00:00:00 GMT", "x" * 10_000, "\x00\x1b[31m",
        12345, b"2024-01-02",
    ],
)
def test_parse_date_rejects(value):
    assert parse_date(value) is None


def test_parse_date_accepts_datetime_and_struct_time():
    aware = datetime(2024, 1, 2, 3, 4, 5, 999_999, tzinfo=timezone(timedelta(hours=-2)))
    assert parse_date(aware) == "2024-01-02T05:04:05Z"
    assert parse_date(datetime(2024, 1, 2, 3, 4, 5)) == "2024-01-02T03:04:05Z"
    assert parse_date(time.gmtime(0)) == "1970-01-01T00:00:00Z"
    assert parse_date(time.struct_time((2024, 1, 2, 3, 4, 61, 0, 2, 0))) == "2024-01-02T03:04:59Z"


aware_datetimes = st.datetimes(
    min_value=datetime(1901, 1, 2), max_value=datetime(2199, 12, 30),
    timezones=st.builds(
        timezone, st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59).map(lambda m: timedelta(minutes=m))
    ),
)


def _expected(dt: datetime) -> str:
    return dt.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


@given(aware_datetimes)
def test_roundtrip_rfc3339(dt):
    assert parse_date(dt.isoformat()) == _expected(dt)
    assert parse_date(dt.isoformat(sep=" ", timespec="seconds")) == _expected(dt)


@given(aware_datetimes)
def test_roundtrip_rfc2822(dt):
    dt = dt.replace(microsecond=0)
    assert parse_date(format_datetime(dt)) == _expected(dt)


@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 12, 31, 23, 59, 59)))
def test_naive_is_utc(dt):
    assert parse_date(dt.isoformat()) == dt.strftime("%Y-%m-%dT%H:%M:%SZ")


@given(
    st.one_of(
        st.text(max_size=60),
        st.text(alphabet="0123456789-:TZ+. /,aJnFebMrADcSpOtuyWdhs", max_size=40),
    )
)
def test_parse_date_never_raises_and_is_canonical(value):
    out = parse_date(value)
    if out is not None:
        assert ISO_Z.match(out)
        parsed = datetime.strptime(out, "%Y-%m-%dT%H:%M:%SZ")  # a real calendar date
        assert 1900 <= parsed.year <= 2200
        assert parse_date(out) == out  # canonical form is a fixed point


def test_format_iso():
    assert format_iso(datetime(2024, 1, 2, 3, 4, 5, 678)) == "2024-01-02T03:04:05Z"
    assert format_iso(datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=9)))) == "2024-01-01T18:04:05Z"
    assert format_iso(datetime(999, 1, 2)) == "0999-01-02T00:00:00Z"  # zero-padded, unlike strftime


def test_utc_now_iso():
    before = datetime.now(UTC).replace(microsecond=0)
    now = utc_now_iso()
    after = datetime.now(UTC)
    assert ISO_Z.match(now)
    parsed = datetime.strptime(now, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before <= parsed <= after


def test_canonical_fast_path_agrees_with_the_general_path():
    # parse_date(v + " ") is the same string once whitespace is collapsed, but 21 characters long,
    # so it never takes the fast path for already-canonical "YYYY-MM-DDTHH:MM:SSZ" values
    years = ["1899", "1900", "2024", "2200", "2201", "0999", "9999", "\uff12\uff10\uff12\uff14", "202a", "\u0662024"]
    values = [f"{y}-{mo}-{d}T{h}:{mi}:{s}Z" for y in years for mo in ("00", "01", "02", "12", "13")
              for d in ("00", "01", "28", "29", "30", "31", "32") for h in ("00", "23", "24")
              for mi in ("00", "59", "60") for s in ("00", "59", "60", "61")]
    values += ["2024-01-02T03:04:05Z", "2024/01/02T03:04:05Z", "2024-01-02T03:04:0\uff15Z", "2024-01-02t03:04:05Z",
               "2024-01-02 03:04:05Z", "2024-01-02T03.04:05Z", "2024-01-02T03:04:05z", "+024-01-02T03:04:05Z",
               "2024-01-02T-3:04:05Z", "2024-01-02T 3:04:05Z"]
    for v in values:
        assert parse_date(v) == parse_date(v + " "), v
    assert parse_date("2024-02-29T23:59:59Z") == "2024-02-29T23:59:59Z"
    assert parse_date("2024-01-02T03:04:60Z") == "2024-01-02T03:04:59Z"   # leap second, as before
    assert parse_date("2024-01-02T24:00:00Z") == "2024-01-03T00:00:00Z"


@given(st.text(alphabet="0123456789-:TZ \u0660\uff10", min_size=20, max_size=20))
def test_canonical_fast_path_agrees_on_any_twenty_characters(v):
    assert parse_date(v) == parse_date(v + " ")


# The RFC 822 fast path (_rfc822_fast) must give what the general path (email.utils, then
# feedparser) gives for every string it accepts, out-of-range fields included.
_DAYS = st.sampled_from(["", "Mon, ", "Tue, ", "Xyz, ", "mon, "])
_MONS = st.sampled_from(["Jan", "Feb", "May", "Sep", "Dec", "jan", "DEC", "Foo", "Sept"])
_ZONES = st.sampled_from(["GMT", "UT", "UTC", "Z", "+0000", "-0000", "+0530", "-0400", "+2359", "-9999", "+0099",
                          "EST", "gmt"])


@given(_DAYS, st.integers(0, 40), _MONS, st.integers(1890, 2210), st.integers(0, 25), st.integers(0, 61),
       st.one_of(st.none(), st.integers(0, 61)), _ZONES, st.sampled_from(["", " ", "\n  "]))
def test_rfc822_fast_path_agrees_with_the_general_path(dow, day, mon, year, hh, mi, ss, zone, pad):
    from feedwatch.dates import _parse_general, _rfc822_fast
    value = f"{pad}{dow}{day:02d} {mon} {year} {hh:02d}:{mi:02d}{'' if ss is None else f':{ss:02d}'} {zone}{pad}"
    assert parse_date(value) == _parse_general(value), value
    fast = _rfc822_fast(value)
    assert fast is None or fast == _parse_general(value)


def test_rfc822_fast_path_takes_the_common_shapes():
    from feedwatch.dates import _rfc822_fast
    assert _rfc822_fast("Mon, 06 May 2024 00:00:00 -0400") == "2024-05-06T04:00:00Z"
    assert _rfc822_fast("6 May 2024 23:30 +0130") == "2024-05-06T22:00:00Z"
    assert _rfc822_fast("Tue, 31 Dec 2024 23:59:60 GMT") == "2024-12-31T23:59:59Z"
    assert _rfc822_fast("Tue, 02 Jan 2024 03:04:05 EST") is None     # named US zones: email.utils decides
    assert _rfc822_fast("Tue, 30 Feb 2024 03:04:05 GMT") is None     # not a date: the general path decides
