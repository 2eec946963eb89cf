"""Bronze commits through delta-rs: idempotent per (app id, version) from version 0 on, the
facts readable from the history, several staged files in one commit."""

import pyarrow as pa
import pyarrow.parquet as pq
from deltalake import DeltaTable

from ingest.bronze import BATCH_KIND, commit_to_bronze, committed_commits


def _staged(folder, name, ids):
    path = folder / f"{name}.parquet"
    pq.write_table(pa.table({"txn_id": pa.array(ids, pa.string())}), path)
    return path


def _ids(table) -> list[str]:
    return sorted(DeltaTable(str(table)).to_pyarrow_table().column("txn_id").to_pylist())


def test_a_commit_is_skipped_once_its_version_is_in_even_version_zero(tmp_path):
    table = tmp_path / "bronze"
    first = _staged(tmp_path, "a", ["t1", "t2"])
    facts = {"kind": BATCH_KIND, "connector": "upi", "batches": [{"sequence": 0}]}

    assert commit_to_bronze([first], table, app_id="upi", version=0, metadata=facts)
    assert not commit_to_bronze([first], table, app_id="upi", version=0, metadata=facts)
    assert _ids(table) == ["t1", "t2"]
    # another app's version 0 is its own; a later version of this app goes in
    assert commit_to_bronze([_staged(tmp_path, "b", ["t3"])], table, app_id="cbs", version=0)
    assert commit_to_bronze([_staged(tmp_path, "c", ["t4"]), _staged(tmp_path, "d", ["t5"])],
                            table, app_id="upi", version=3)
    assert not commit_to_bronze([_staged(tmp_path, "e", ["t6"])], table, app_id="upi",
                                version=2)
    assert _ids(table) == ["t1", "t2", "t3", "t4", "t5"]
    assert DeltaTable(str(table)).version() == 2  # c and d went in as one commit


def test_the_commit_facts_come_back_from_the_history_oldest_first(tmp_path):
    table = tmp_path / "bronze"
    for version in (0, 1):
        commit_to_bronze([_staged(tmp_path, f"s{version}", [f"t{version}"])], table,
                         app_id="upi", version=version,
                         metadata={"kind": BATCH_KIND, "connector": "upi",
                                   "batches": [{"sequence": version}]})
    commit_to_bronze([_staged(tmp_path, "r", ["t9"])], table, app_id="upi", version=None,
                     metadata={"kind": "dlq_replay", "connector": "upi", "letters": []})

    found = committed_commits(table, "upi", kind=BATCH_KIND)
    assert [f["batches"][0]["sequence"] for f in found] == [0, 1]
    assert committed_commits(table, "other", kind=BATCH_KIND) == []
    assert committed_commits(tmp_path / "missing", "upi", kind=BATCH_KIND) == []
