import json
from datetime import date
from decimal import Decimal

import pyarrow as pa
import pytest

from connectors.core_banking import ControlTotalMismatch, ExtractChanged, ExtractLayoutError
from connectors.sandbox.core_banking import (
    FIXED_WIDTH_MALFORMATIONS,
    write_fixed_width_extracts,
)


def _read(connector, cursor=None):
    batches = list(connector.read_batches(cursor))
    return batches, pa.concat_tables([b.records for b in batches]) if batches else None


def _detail_lines(path):
    return len(path.read_text().splitlines()) - 2


def test_bad_trailer_rejects_the_whole_file_after_the_good_ones(tmp_path, htd, fixed_width):
    paths = write_fixed_width_extracts(htd, tmp_path, corrupt_trailer=[date(2026, 1, 13)])
    connector = fixed_width(tmp_path, batch_size=25)
    seen = []
    with pytest.raises(ControlTotalMismatch) as err:
        seen.extend(connector.read_batches(None))
    # Day 1 arrived whole; nothing at all from day 2.
    assert {b.metadata["file"] for b in seen} == {paths[0].name}
    assert sum(b.read for b in seen) == _detail_lines(paths[0])
    message = str(err.value)
    assert paths[1].name in message and "rejected whole" in message
    assert str(err.value.expected) in message and str(err.value.found) in message
    assert err.value.expected.credit_total - err.value.found.credit_total == Decimal("0.01")
    # A re-run from the last acknowledged cursor fails again, still before any day-2 record.
    with pytest.raises(ControlTotalMismatch):
        next(connector.read_batches(seen[-1].end))


def test_a_lost_line_and_an_altered_amount_are_caught(tmp_path, htd, fixed_width):
    path = write_fixed_width_extracts(htd, tmp_path)[0]
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:5] + lines[6:]) + "\n")
    with pytest.raises(ControlTotalMismatch) as err:
        next(fixed_width(tmp_path, glob=path.name).read_batches(None))
    assert err.value.expected.record_count == err.value.found.record_count + 1

    debit = next(i for i, line in enumerate(lines) if i and line[27] == "D")
    amount = lines[debit][61:78]
    changed = f"{int(amount[:14]) + 1:014d}{amount[14:]}"
    lines[debit] = lines[debit][:61] + changed + lines[debit][78:]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ControlTotalMismatch) as err:
        next(fixed_width(tmp_path, glob=path.name).read_batches(None))
    assert err.value.expected.credit_total == err.value.found.credit_total
    assert err.value.found.debit_total - err.value.expected.debit_total == 1


def test_malformed_lines_are_reported_with_file_line_and_rule(tmp_path, htd, fixed_width):
    paths = write_fixed_width_extracts(htd, tmp_path, malformed_per_file=5)
    batches, records = _read(fixed_width(tmp_path, batch_size=40))
    malformed = [m for b in batches for m in b.malformed]
    assert records.num_rows + len(malformed) == sum(map(_detail_lines, paths))
    assert len(malformed) == 5 * len(paths)
    assert {m.rule for m in malformed} == {
        "tran_date.calendar", "part_tran_type.indicator", "fixed_width.line_length",
        "reversal.incomplete_reference"}
    assert len(FIXED_WIDTH_MALFORMATIONS) == 5   # short and long lines share one rule
    for record in malformed:
        name, line = record.position.rsplit(":", 1)
        assert record.payload == (tmp_path / name).read_text().splitlines()[int(line) - 1]
    short = next(m for m in malformed if m.rule == "fixed_width.line_length")
    assert "characters" in short.reason


def test_header_and_trailer_must_frame_the_file(tmp_path, htd, fixed_width):
    path = write_fixed_width_extracts(htd, tmp_path)[0]
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n")
    with pytest.raises(ExtractLayoutError, match="trailer"):
        next(fixed_width(tmp_path, glob=path.name).read_batches(None))
    path.write_text("\n".join([lines[0].replace("12-01-2026", "2026-01-12"), *lines[1:]]))
    with pytest.raises(ExtractLayoutError, match="business_date"):
        next(fixed_width(tmp_path, glob=path.name).read_batches(None))


def test_committed_files_are_skipped_and_a_changed_one_is_flagged(tmp_path, htd, fixed_width):
    paths = write_fixed_width_extracts(htd, tmp_path)
    connector = fixed_width(tmp_path)
    batches, _ = _read(connector)
    final = json.loads(json.dumps(batches[-1].end))
    assert set(final["done"]) == {p.name for p in paths}
    assert list(connector.read_batches(final)) == []

    paths[0].write_text(paths[0].read_text().replace("INR", "INR", 1) + "\n")
    with pytest.raises(ExtractChanged) as err:
        list(connector.read_batches(final))
    assert paths[0].name in str(err.value) and "new name" in str(err.value)


def test_check_reports_a_missing_folder(tmp_path, fixed_width):
    report = fixed_width(tmp_path / "nowhere").check()
    assert not report.ok and "nowhere" in report.detail and "does not exist" in report.detail
    (tmp_path / "HTD_EOD_20260112.dat").write_text("")
    report = fixed_width(tmp_path).check()
    assert report.ok and "1 extract file" in report.detail
