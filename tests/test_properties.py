"""Round-trip properties: parse(write(r)) == r, and write(parse(line)) == line."""

from __future__ import annotations

import io

import attrs
from hypothesis import assume, given
from hypothesis import strategies as st

import tratool
from tests import strategies as s
from tests.conftest import read_all


def ambiguous(payload: bytes) -> bool:
    """Windows-1252 text such as 'Ã©' is also valid UTF-8; the reader rightly reports such a
    line as UTF-8 and reads it as such, so those inputs do not round-trip by design."""
    for line in payload.split(b"\r\n"):
        if not line.isascii():
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                continue
            return True
    return False


def roundtrip(records: list[tratool.Record]) -> list[tratool.Record]:
    buffer = io.BytesIO()
    tratool.write(records, buffer)
    assume(not ambiguous(buffer.getvalue()))
    reader, items = read_all(buffer.getvalue())
    assert not reader.has_errors, reader.errors
    return [record for _, record in items]


@given(s.headers)
def test_header_roundtrip(header: tratool.Header) -> None:
    assert roundtrip([header]) == [header]


@given(st.data())
def test_std_entries_roundtrip(data: st.DataObject) -> None:
    header = tratool.Header(format="STD")
    entries = data.draw(st.lists(s.entries(extended=False), min_size=1, max_size=5))
    assert roundtrip([header, *entries]) == [header, *entries]


@given(st.data())
def test_ete_entries_roundtrip(data: st.DataObject) -> None:
    header = tratool.Header(format="ETE")
    entries = data.draw(st.lists(s.entries(extended=True), min_size=1, max_size=3))
    assert roundtrip([header, *entries]) == [header, *entries]


@given(st.lists(s.parameter_records, min_size=1, max_size=4))
def test_parameter_records_roundtrip(params: list[tratool.Record]) -> None:
    header = tratool.Header()
    assert roundtrip([header, *params]) == [header, *params]


@given(st.data())
def test_canonical_lines_roundtrip_byte_exact(data: st.DataObject) -> None:
    """A canonical line (one the writer produced) survives parse + write unchanged."""
    extended = data.draw(st.booleans())
    header = data.draw(
        s.headers.map(lambda h: attrs.evolve(h, format="ETE" if extended else "STD"))
    )
    records: list[tratool.Record] = [
        header,
        *data.draw(st.lists(s.entries(extended), min_size=1, max_size=3)),
    ]
    lines = list(tratool.render_lines(records))
    payload = ("\r\n".join(lines) + "\r\n").encode("cp1252")
    assume(not ambiguous(payload))
    _, items = read_all(payload)
    assert list(tratool.render_lines([r for _, r in items])) == lines


@given(s.full_width_entries(analytic=False), s.full_width_entries(analytic=True))
def test_version_011_lines_of_both_ete_tables_roundtrip_byte_exact(
    general: tratool.Entry, analytic: tratool.Entry
) -> None:
    header = tratool.Header(format="ETE", version="011", new_analytics="-", guid_ready="X")
    lines = list(tratool.render_lines([header, general, analytic]))
    # tra-format.md §12: a 149-column header, 1407-column general and 1231-column analytic lines
    assert [len(line) for line in lines] == [149, 1407, 1231]
    payload = ("\r\n".join(lines) + "\r\n").encode("cp1252")
    assume(not ambiguous(payload))
    reader, items = read_all(payload)
    assert not reader.has_errors, reader.errors
    assert [r for _, r in items] == [header, general, analytic]
    assert list(tratool.render_lines([r for _, r in items])) == lines


@given(st.text(s.cp1252_text_chars | st.characters(), max_size=40))
def test_transliterate_output_is_encodable_or_reported(text: str) -> None:
    from tratool.tra.charset import transliterate

    result = transliterate(text)
    for char in result:
        if char not in text:
            char.encode("cp1252")  # every replacement character is encodable
