import pyarrow as pa
import pytest

from connectors.core_banking import ExtractLayoutError
from connectors.sandbox.core_banking import write_delimited_extracts


def _rows(path):
    return path.read_text().count("\n") - 1


def test_csv_quoting_round_trips_commas_and_quotes(tmp_path, htd, delimited):
    write_delimited_extracts(htd, tmp_path, delimiter=",")
    text = "".join(p.read_text() for p in tmp_path.iterdir())
    assert '"CASH DEP ""SELF""' in text and ' SAL Jan, 2026"' in text  # the cases that need it
    batches = list(delimited(tmp_path, glob="*.csv", delimiter=",").read_batches(None))
    assert pa.concat_tables([b.records for b in batches]).equals(htd)


def test_malformed_rows_are_reported_with_file_line_and_rule(tmp_path, htd, delimited):
    paths = write_delimited_extracts(htd, tmp_path, malformed_per_file=5)
    batches = list(delimited(tmp_path, batch_size=30).read_batches(None))
    malformed = [m for b in batches for m in b.malformed]
    good = sum(b.records.num_rows for b in batches)
    assert good + len(malformed) == sum(map(_rows, paths))
    assert {m.rule for m in malformed} == {
        "tran_date.calendar", "part_tran_type.indicator", "delimited.field_count",
        "reversal.incomplete_reference"}
    assert len(malformed) == 5 * len(paths)
    for record in malformed:
        name, line = record.position.rsplit(":", 1)
        assert record.payload == (tmp_path / name).read_text().splitlines()[int(line) - 1]


def test_a_quoted_line_break_keeps_the_rows_first_line(tmp_path, htd, delimited):
    path = write_delimited_extracts(htd.slice(0, 3), tmp_path)[0]
    lines = path.read_text().splitlines()
    lines[1] = lines[1].replace("|INR|", '|"IN\nR"|')  # a row spanning lines 2-3, bad currency
    lines[3] = lines[3] + '|"unterminated'                 # then broken quoting on line 5
    path.write_text("\n".join(lines) + "\n")
    batch = next(delimited(tmp_path).read_batches(None))
    assert [(m.position, m.rule) for m in batch.malformed] == [
        (f"{path.name}:2", "crncy_code.format"), (f"{path.name}:5", "delimited.quoting")]
    assert batch.malformed[0].payload == lines[1]
    assert batch.records.num_rows == 1


def test_undecodable_bytes_spoil_one_row_only(tmp_path, htd, delimited):
    path = write_delimited_extracts(htd.slice(0, 3), tmp_path)[0]
    raw = path.read_bytes().split(b"\n")
    raw[2] = raw[2].replace(b"INR", b"IN\xff")
    path.write_bytes(b"\n".join(raw))
    batch = next(delimited(tmp_path).read_batches(None))
    assert batch.records.num_rows == 2
    assert [(m.position, m.rule) for m in batch.malformed] == [
        (f"{path.name}:3", "delimited.encoding")]
    assert "\ufffd" in batch.malformed[0].payload


@pytest.mark.parametrize(("header", "message"), [
    ("TRAN_DATE|TRAN_ID", "missing required columns: part_tran_srl_num"),
    ("TRAN_DATE|TRAN_ID|NICKNAME", "unknown columns: nickname"),
    ("TRAN_DATE|tran_date", "repeated columns: tran_date"),
])
def test_a_bad_header_rejects_the_file(tmp_path, delimited, header, message):
    (tmp_path / "HTD_EOD_20260112.txt").write_text(header + "\n")
    with pytest.raises(ExtractLayoutError, match=message):
        next(delimited(tmp_path).read_batches(None))


def test_a_file_without_header_is_refused_without_quoting_its_values(tmp_path, htd,
                                                                     delimited):
    path = write_delimited_extracts(htd.slice(0, 2), tmp_path)[0]
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[1:]) + "\n")
    with pytest.raises(ExtractLayoutError) as err:
        next(delimited(tmp_path).read_batches(None))
    assert htd.column("foracid")[0].as_py() not in str(err.value)
    assert "header row" in str(err.value)
