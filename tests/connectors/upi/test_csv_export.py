"""UpiCsvConnector over daily switch export files the sandbox writes."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from connectors.configuration import UpiCsvSource
from connectors.exceptions import SourceFormatError
from connectors.sandbox.upi_switch_export import ARRIVAL_COLUMN, write_daily_csv_exports
from connectors.upi.csv_export import UpiCsvConnector


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
