"""Exactly once for every connector type: a crash at each boundary, then a clean re-run, leaves
bronze + dead-letter queue holding each source record once — none lost, none twice — and the
records a rule forbids keeping (children's telemetry) in neither, counted."""

import shutil
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest

from anonymize.keys import LocalKeyStore
from connectors.cursors import CursorStore
from connectors.registry import open_connector
from ingest.crash import CrashPoint
from ingest.dead_letter_queue import DeadLetterQueue
from ingest.dead_letters import PENDING, RECORD_FORMAT, LetterSeal, open_record
from ingest.exceptions import InjectedCrash, StagingLost
from ingest.pipeline import run_ingest
from ingest.telemetry.reader import TelemetryConnector

pytestmark = pytest.mark.slow

SOURCE_KINDS = ("upi_api", "demo_feed", "upi_csv", "aa_fiu", "cbs_fixed_width", "cbs_delimited",
                "cbs_sql", "kafka_telemetry")
"""Methods of the ``sources`` fixture: one per registered connector type."""


def _letter_keys(spark, ws, source) -> tuple[Counter, int]:
    """Keys of the parsed records in the DLQ (decrypted), and how many letters it holds."""
    letters = DeadLetterQueue(spark, ws.dead_letters(source.config.name)).letters()
    seal = LetterSeal(LocalKeyStore(ws.key_file))
    keys = Counter()
    for letter in letters.to_pylist():
        assert letter["status"] == PENDING
        if letter["payload_format"] == RECORD_FORMAT:
            record = open_record(seal, letter).to_pylist()[0]
            keys[tuple(record[c] for c in source.key_columns)] += 1
    return keys, letters.num_rows


def _uncommitted_files(spark, table: Path) -> set[str]:
    referenced = {Path(f.removeprefix("file:")).name
                  for f in spark.read.format("delta").load(str(table)).inputFiles()}
    return {p.name for p in table.glob("*.parquet")} - referenced


@pytest.mark.parametrize("kind", SOURCE_KINDS)
def test_crash_at_every_boundary_then_rerun_gives_each_record_once(kind, sources, workspace,
                                                                   spark, bronze_keys):
    source = getattr(sources, kind)()
    config, reported = source.config, []
    for point in CrashPoint:
        with pytest.raises(InjectedCrash, match=point.value):
            run_ingest(config, workspace, spark=spark, crash_at=point,
                       progress=reported.append)
    final = run_ingest(config, workspace, spark=spark, progress=reported.append)

    # the batch committed before the last crash was acknowledged from bronze, not re-read
    assert final.batches[0].recovered
    assert [b.sequence for b in reported] == list(range(len(reported)))
    assert len(reported) >= 3
    cursor = CursorStore(workspace.state / "cursors.db").position(config.name)
    assert cursor.next_sequence == len(reported)
    with closing(open_connector(config)) as connector:
        if isinstance(connector, TelemetryConnector):  # Kafka's offsets mirror the cursor
            assert connector.committed_cursor() == cursor.cursor  # (recovered batch included)

    in_bronze = bronze_keys(workspace, source)
    letters, pending = _letter_keys(spark, workspace, source)
    assert in_bronze <= source.keys and letters <= source.keys   # no duplicate, nothing invented
    assert not set(in_bronze) & set(letters)
    # no loss: every record the source holds is in bronze or in the DLQ, once, or withheld
    assert in_bronze.total() + pending + source.withheld == source.keys.total()
    assert sum(b.read for b in reported) == source.keys.total()
    assert sum(b.written for b in reported) == in_bronze.total()
    assert sum(b.dead_letters for b in reported) == pending
    assert sum(b.withheld for b in reported) == source.withheld
    # the mid_write crash left a data file in the table folder that Delta never reads
    bronze = workspace.bronze_table(config.sink.bronze_table)
    assert len(_uncommitted_files(spark, bronze)) == 1
    assert not list((workspace.lake / "_staging").glob("*/*"))


def test_a_committed_batch_whose_staging_folder_is_gone_is_named_not_guessed(
        sources, workspace, spark):
    config = sources.demo_feed().config
    with pytest.raises(InjectedCrash):
        run_ingest(config, workspace, spark=spark,
                   crash_at=CrashPoint.AFTER_COMMIT_BEFORE_ACK)
    store = CursorStore(workspace.state / "cursors.db")
    before = store.position(config.name)
    shutil.rmtree(workspace.lake / "_staging" / config.name)

    with pytest.raises(StagingLost, match=rf"{config.name}-000001-.*not acknowledged"):
        run_ingest(config, workspace, spark=spark)
    assert store.position(config.name) == before  # nothing acknowledged on a guess
    store.close()
