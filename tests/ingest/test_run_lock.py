"""One run per connector at a time: a second holder of the run lock is refused by name, other
connectors are not held up, and the lock is free again once its run ends (or its process dies)."""

import subprocess
import sys

import pytest

from ingest.exceptions import RunInProgress
from ingest.run_lock import connector_run_lock
from nijta.configuration import Workspace


def test_a_second_run_of_the_same_connector_is_refused(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    with connector_run_lock(workspace, "upi"):
        with pytest.raises(RunInProgress, match="connector 'upi': another run holds"), \
                connector_run_lock(workspace, "upi"):
            pass
        with connector_run_lock(workspace, "aa_deposits"):  # another connector runs freely
            pass
    with connector_run_lock(workspace, "upi"):  # released when the first run ended
        pass


def test_a_lock_held_by_another_process_refuses_and_dies_with_it(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\n"
         "from ingest.run_lock import connector_run_lock\n"
         "from nijta.configuration import Workspace\n"
         f"with connector_run_lock(Workspace(__import__('pathlib').Path({str(tmp_path / 'ws')!r})),"
         " 'upi'):\n    print('held', flush=True)\n    time.sleep(60)\n"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(RunInProgress), connector_run_lock(workspace, "upi"):
            pass
    finally:
        holder.kill()
        holder.wait()
    with connector_run_lock(workspace, "upi"):  # a killed run leaves nothing to clean up
        pass


@pytest.mark.slow
def test_run_ingest_reads_nothing_while_another_run_of_its_connector_is_under_way(
        sources, workspace, spark):
    from connectors.cursors import CursorStore
    from ingest.pipeline import run_ingest

    config = sources.demo_feed().config
    with connector_run_lock(workspace, config.name), pytest.raises(RunInProgress):
        run_ingest(config, workspace, spark=spark)
    assert not workspace.bronze_table(config.sink.bronze_table).exists()
    store = CursorStore(workspace.state / "cursors.db")
    assert store.position(config.name).next_sequence == 0
    store.close()
    assert run_ingest(config, workspace, spark=spark).read > 0  # free again afterwards
