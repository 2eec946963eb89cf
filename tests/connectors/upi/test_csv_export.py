"""UpiCsvConnector over daily switch export files the sandbox writes."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pyarrow.csv as pacsv
import pytest

from connectors.configuration import UpiCsvSource
from connectors.exceptions import SourceFormatError
from connectors.sandbox.upi_switch_export import ARRIVAL_COLUMN, write_daily_csv_exports
from connectors.upi import csv_export
from connectors.upi.csv_export import UpiCsvConnector
from connectors.upi.switch_record import SWITCH_FIELDS


def _connector(folder, batch_size: int = 400, window_s: int = 3600) -> UpiCsvConnector:
    return UpiCsvConnector("upi_files", UpiCsvSource(
        type="upi_csv", directory=folder, batch_size=batch_size, late_arrival_window_s=window_s))


def _valid_ids(export: pd.DataFrame, arrived_by: pd.Timestamp | None = None) -> set[str]:
    rows = export if arrived_by is None else export[export[ARRIVAL_COLUMN] <= arrived_by]
    return set(rows.loc[~rows["Amount"].str.startswith("-"), "TransactionID"])


def _late_cutoff(export: pd.DataFrame) -> pd.Timestamp:
    """A time at which a late record has been created but has not reached the export yet."""
    created = pd.to_datetime(export["CreationTime"], utc=True)
    lag = export[ARRIVAL_COLUMN] - created
    late = lag[lag > timedelta(minutes=5)].index
    row = late[len(late) // 2]
    return created[row] + lag[row] / 2


def test_reads_every_file_once_and_reports_broken_rows(switch_export, tmp_path, store, sink,
                                                       run_pipeline):
    write_daily_csv_exports(switch_export, tmp_path)
    run_pipeline(_connector(tmp_path), store, sink)
    assert len(sink.ids()) == len(set(sink.ids()))
    assert set(sink.ids()) == _valid_ids(switch_export)
    negative = switch_export["Amount"].str.startswith("-").sum()
    assert len(sink.positions()) == negative > 0
    assert all(p.startswith("upi_txn_2026") and ".csv:" in p for p in sink.positions())


@pytest.mark.parametrize("ack", [True, False], ids=["after-ack", "before-ack"])
def test_crash_mid_run_then_rerun_gives_no_gap_and_no_duplicate(switch_export, tmp_path, store,
                                                                sink, run_pipeline, ack):
    write_daily_csv_exports(switch_export, tmp_path)
    connector = _connector(tmp_path, batch_size=250)
    with pytest.raises(RuntimeError, match="crash"):
        run_pipeline(connector, store, sink, crash_after=5, ack=ack)
    run_pipeline(connector, store, sink)
    assert run_pipeline(connector, store, sink) == 0
    assert len(sink.ids()) == len(set(sink.ids()))
    assert set(sink.ids()) == _valid_ids(switch_export)


def test_late_rows_in_rewritten_files_are_picked_up_exactly_once(switch_export, tmp_path, store,
                                                                 sink, run_pipeline):
    cutoff = _late_cutoff(switch_export)
    write_daily_csv_exports(switch_export, tmp_path, as_of=cutoff)
    connector = _connector(tmp_path)
    run_pipeline(connector, store, sink)
    first = set(sink.ids())
    assert first == _valid_ids(switch_export, cutoff)
    write_daily_csv_exports(switch_export, tmp_path, as_of=cutoff + timedelta(hours=1))
    run_pipeline(connector, store, sink)
    assert run_pipeline(connector, store, sink) == 0
    created = pd.to_datetime(switch_export["CreationTime"], utc=True)
    late = switch_export[(created <= cutoff) & (switch_export[ARRIVAL_COLUMN] > cutoff)
                         & (switch_export[ARRIVAL_COLUMN] <= cutoff + timedelta(hours=1))]
    assert len(late) > 0 and set(late["TransactionID"]) <= set(sink.ids()) - first
    assert len(sink.ids()) == len(set(sink.ids()))
    assert set(sink.ids()) == _valid_ids(switch_export, cutoff + timedelta(hours=1))


def test_without_a_window_a_late_row_is_missed(switch_export, tmp_path, store, sink,
                                               run_pipeline):
    """The window is what picks late rows up (this is the failure the window prevents)."""
    cutoff = _late_cutoff(switch_export)
    write_daily_csv_exports(switch_export, tmp_path, as_of=cutoff)
    connector = _connector(tmp_path, window_s=0)
    run_pipeline(connector, store, sink)
    write_daily_csv_exports(switch_export, tmp_path, as_of=cutoff + timedelta(hours=1))
    run_pipeline(connector, store, sink)
    assert set(sink.ids()) < _valid_ids(switch_export, cutoff + timedelta(hours=1))


def test_malformed_lines_name_file_line_and_reason_once(switch_export, tmp_path, store, sink,
                                                        run_pipeline):
    day = switch_export.iloc[:50]
    [path] = write_daily_csv_exports(day.assign(Amount=day["Amount"].str.lstrip("-")), tmp_path)
    lines = path.read_bytes().split(b"\n")
    good = lines[1]
    broken = [
        b",".join(good.split(b",")[:-3]),                      # too few fields
        b'"unterminated,' + good,                              # bad quoting
        good.replace(b"NIJ", b"NI-", 1),                       # id not 35 alphanumerics
        good.replace(b"2026-08-01T", b"01-08-2026 ", 1),        # not an RFC 3339 time
        b"\xff\xfe" + good,                                    # not UTF-8
    ]
    path.write_bytes(b"\n".join([lines[0], *broken, *lines[1:]]))
    run_pipeline(_connector(tmp_path), store, sink)
    batch_malformed = sink.positions()
    assert batch_malformed == [f"{path.name}:{n}" for n in range(2, 7)]
    assert len(sink.ids()) == 50
    # a re-read of the same file (still inside the window) reports none of them again
    path.write_bytes(path.read_bytes())
    assert run_pipeline(_connector(tmp_path), store, sink) == 0


def test_malformed_reasons(switch_export, tmp_path):
    [path] = write_daily_csv_exports(switch_export.iloc[:3], tmp_path)
    header, good, *_ = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join([header, b"a,b", good.replace(b".", b",", 1), b'x,"y', b""]))
    batch = next(_connector(tmp_path).read_batches(None))
    rules = [(m.position.rsplit(":", 1)[1], m.rule) for m in batch.malformed]
    assert rules == [("2", "upi_csv.field_count"), ("3", "upi_csv.field_count"),
                     ("4", "upi_csv.quoting")]
    assert str(path) in batch.malformed[0].reason and "2 fields, expected 34" in \
        batch.malformed[0].reason
    assert batch.malformed[0].payload == "a,b"


def test_wrong_header_rejects_the_file_naming_it(switch_export, tmp_path):
    [path] = write_daily_csv_exports(switch_export.iloc[:3], tmp_path)
    path.write_text(path.read_text().replace("TransactionID,", "TxnId,", 1))
    connector = _connector(tmp_path)
    with pytest.raises(SourceFormatError, match=rf"{path}: line 1: the header"):
        list(connector.read_batches(None))
    assert not connector.check().ok


def test_check(tmp_path, switch_export):
    assert not _connector(tmp_path / "missing").check().ok
    assert _connector(tmp_path).check().detail.endswith("no export files yet")
    write_daily_csv_exports(switch_export, tmp_path)
    (tmp_path / "notes.txt").write_text("not an export")
    report = _connector(tmp_path).check()
    assert report.ok and "5 export files" in report.detail


# The columnar reader (pyarrow for the plain lines, line by line for the rest) must give what
# reading every line on its own gives: the same batches, records, cursors and malformed reports.

def _line_by_line(monkeypatch) -> None:
    """Make the connector read every line on its own, as it did before pyarrow."""
    monkeypatch.setattr(csv_export, "_plain_lines", lambda run: np.zeros(len(run.ends), bool))


def _batches(connector: UpiCsvConnector) -> list[tuple]:
    return [(b.sequence, b.start, b.end, b.records.to_pylist(), b.malformed, dict(b.metadata))
            for b in connector.read_batches(None)]


def _rewrite(path, edits: dict[int, bytes], *, newline: bytes = b"\n", tail: bytes = b"\n"):
    """Replace lines (numbered from 1 at the header) and write the file back."""
    lines = path.read_bytes().split(b"\n")[:-1]
    for number, line in edits.items():
        lines[number - 1] = line
    path.write_bytes(newline.join(lines) + tail)


def _test_id(number: int) -> str:
    return f"TESTROW{number:028d}"


def _broken_lines(lines: list[bytes]) -> dict[str, bytes]:
    """One line of each kind the connector must tell apart, made from good ``lines`` under
    ids of their own (but the duplicate's)."""
    good = [_test_id(i).encode() + line[35:] for i, line in enumerate(lines)]
    fields = good[0].split(b",")
    amount_fields = good[10].split(b",")
    return {
        "not_utf8": good[1].replace(b",PAY,", b",P\xffY,", 1),
        "surrogate": good[2] + b"\xed\xa0\x80",
        "too_many_fields": good[3] + b",extra",
        "quoted_comma": b",".join([*good[4].split(b",")[:-1], b'"one field, not two"']),
        "escaped_quote": b",".join([*fields[:-1], b'"a ""quoted"" remark, with a comma"']),
        "quote_mid_value": good[5].replace(b",PAY,", b',P"AY,', 1),
        "unterminated": good[6].replace(b",PAY,", b',"PAY,', 1),
        "junk_after_quote": good[7].replace(b",PAY,", b',"PAY"x,', 1),
        "stray_cr": good[8].replace(b",PAY,", b",PA\rY,", 1),
        "empty": b"",
        "feb_30": good[9].replace(b"2026-08-0", b"2026-02-3", 1),
        "arabic_digits": b",".join([*amount_fields[:20], "١٢".encode(), *amount_fields[21:]]),
        "offset_time": good[11].replace(b"Z,", b"+05:30,", 1),
        "duplicate": lines[12],
    }


@pytest.mark.parametrize("read_size", [700, 1 << 24], ids=["lines-split-across-reads", "one-read"])
def test_columnar_reading_matches_line_by_line_at_every_boundary(switch_export, tmp_path,
                                                                 monkeypatch, read_size):
    """Broken and odd lines at the first line, on both sides of each batch boundary and at
    the end, with reads and pyarrow blocks that cut lines apart: same batches either way."""
    monkeypatch.setattr(csv_export, "_READ_SIZE", read_size)
    monkeypatch.setitem(csv_export._PYARROW_OPTIONS, "read_options", pacsv.ReadOptions(
        column_names=list(SWITCH_FIELDS), block_size=1 << 14))
    day = switch_export.iloc[:500]
    [path] = write_daily_csv_exports(day.assign(Amount=day["Amount"].str.lstrip("-")), tmp_path)
    lines = path.read_bytes().split(b"\n")[:-1]
    assert len(lines) == 501 and sum(map(len, lines)) > 8 * (1 << 14)  # several pyarrow blocks
    broken = _broken_lines(lines[20:40])
    at = [2, 3, 101, 102, 150, 201, 202, 250, 301, 302, 399, 350, 402, 501]
    _rewrite(path, dict(zip(at, broken.values(), strict=True)), tail=b"")  # no final newline
    connector = _connector(tmp_path, batch_size=100, window_s=7 * 86400)  # all ids are new
    columnar = _batches(connector)
    _line_by_line(monkeypatch)
    assert columnar == _batches(connector)
    position = {kind: f"{path.name}:{n}" for kind, n in zip(broken, at, strict=True)}
    malformed = {m.position: m.rule for batch in columnar for m in batch[4]}
    assert malformed == {
        position["not_utf8"]: "upi_csv.encoding", position["surrogate"]: "upi_csv.encoding",
        position["too_many_fields"]: "upi_csv.field_count", position["empty"]:
        "upi_csv.field_count", position["unterminated"]: "upi_csv.quoting",
        position["junk_after_quote"]: "upi_csv.quoting", position["stray_cr"]: "upi_csv.quoting",
        position["feb_30"]: "upi.creation_time",
    }
    records = {r["TransactionID"]: r for batch in columnar for r in batch[3]}
    assert len(records) == 500 - len(malformed) - 1  # the duplicate id is delivered once
    assert records[_test_id(0)]["Description"] == 'a "quoted" remark, with a comma'
    assert records[_test_id(5)]["TransactionSubType"] == 'P"AY'
    assert str(records[_test_id(10)]["Amount"]) == "12.00"  # Python's \d is Unicode


def test_line_numbers_stay_right_past_many_pyarrow_blocks(switch_export, tmp_path, monkeypatch):
    """A file of many pyarrow blocks in one batch: every record keeps its own line's values
    and every broken line its own number."""
    monkeypatch.setitem(csv_export._PYARROW_OPTIONS, "read_options", pacsv.ReadOptions(
        column_names=list(SWITCH_FIELDS), block_size=1 << 12))
    day = switch_export.iloc[:600]
    path, *later = write_daily_csv_exports(day.assign(Amount=day["Amount"].str.lstrip("-")),
                                           tmp_path)
    for other in later:
        other.unlink()
    lines = path.read_bytes().split(b"\n")[:-1]
    assert len(lines) > 500
    bad = {n: lines[n - 1] + b",x" for n in range(37, len(lines) + 1, 97)}
    _rewrite(path, bad, newline=b"\r\n")
    [batch] = list(_connector(tmp_path, batch_size=1000).read_batches(None))
    assert [m.position for m in batch.malformed] == [f"{path.name}:{n}" for n in bad]
    assert all(m.reason.endswith("35 fields, expected 34") for m in batch.malformed)
    expected = [line.split(b",")[0].decode() for n, line in enumerate(lines[1:], start=2)
                if n not in bad]
    assert batch.records.column("TransactionID").to_pylist() == expected
    assert batch.read == len(lines) - 1


def test_other_encodings_are_read_line_by_line(switch_export, tmp_path):
    day = switch_export.iloc[:5].assign(Amount="1.00", Description="café")
    [path] = write_daily_csv_exports(day, tmp_path)
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
    connector = UpiCsvConnector("upi_files", UpiCsvSource(
        type="upi_csv", directory=tmp_path, encoding="latin-1"))
    [batch] = list(connector.read_batches(None))
    assert batch.records.column("Description").to_pylist() == ["café"] * 5
    [utf8_batch] = list(_connector(tmp_path).read_batches(None))
    assert [m.rule for m in utf8_batch.malformed] == ["upi_csv.encoding"] * 5
