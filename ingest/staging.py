"""Staged batches: the protected rows and sealed letters of a batch, waiting for their commit.

The Beam workers write each batch to ``<workspace>/lake/_staging/<connector>/<batch_id>/``:
``bronze.parquet`` (lake rows, tokens only), ``dead_letters.parquet`` (encrypted letters) and,
last, ``manifest.json`` — sequence, cursor range, source metadata (withheld counts included)
and counts. A folder without its manifest is an unfinished write and is never committed. The
driver commits sealed batches in sequence order and removes each folder once its cursor is
acknowledged; so after a crash the folder of a committed but unacknowledged batch is still
there, and any other folder is stale.

On a cluster runner the workspace must be on storage the workers and the driver share.

Usage::

    staging = BatchStaging(workspace.lake / "_staging" / "upi")
    staging.write(manifest, protected.table, letters)
    for manifest, folder in staging.sealed(): ...
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from connectors.base import WITHHELD, Cursor, MalformedRecord, SourceBatch

__all__ = ["BRONZE_FILE", "DEAD_LETTERS_FILE", "BatchManifest", "BatchStaging"]

BRONZE_FILE, DEAD_LETTERS_FILE, _MANIFEST = "bronze.parquet", "dead_letters.parquet", \
    "manifest.json"


@dataclass(frozen=True)
class BatchManifest:
    """What the driver needs to commit and acknowledge a batch, without its records."""

    connector: str
    sequence: int
    batch_id: str
    start: Cursor | None
    end: Cursor
    records: int
    """Records the connector parsed (valid or not)."""
    malformed: int
    """Records the connector reported broken."""
    written: int
    """Rows staged for bronze."""
    by_rule: dict[str, int] = field(default_factory=dict)
    """Dead letters per rule."""
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def withheld(self) -> dict[str, int]:
        """Records the connector left out by a rule, per rule (``metadata[WITHHELD]``)."""
        return dict(self.metadata.get(WITHHELD, {}))

    @property
    def read(self) -> int:
        """Every record the connector read: parsed, broken or withheld."""
        return self.records + self.malformed + sum(self.withheld.values())

    @property
    def dead_letters(self) -> int:
        return sum(self.by_rule.values())

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, default=str)

    @classmethod
    def from_json(cls, text: str) -> BatchManifest:
        return cls(**json.loads(text))

    def as_source_batch(self) -> SourceBatch:
        """A records-free stand-in of the batch for ``CursorStore.acknowledge`` (which keeps
        its cursor range and counts)."""
        stub = MalformedRecord(position="", rule="", reason="", payload="")
        return SourceBatch(connector=self.connector, sequence=self.sequence, start=self.start,
                           end=self.end, records=pa.table({"_": pa.nulls(self.records)}),
                           malformed=(stub,) * self.malformed, metadata=self.metadata)


class BatchStaging:
    """The staging folder of one connector."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, batch_id: str) -> Path:
        return self.root / batch_id

    def write(self, manifest: BatchManifest, rows: pa.Table, letters: pa.Table) -> Path:
        """Stage one batch; the manifest goes last, renamed into place."""
        folder = self.folder(manifest.batch_id)
        shutil.rmtree(folder, ignore_errors=True)  # an unfinished write of an earlier try
        folder.mkdir(parents=True)
        pq.write_table(rows, folder / BRONZE_FILE)
        pq.write_table(letters, folder / DEAD_LETTERS_FILE)
        partial = folder / f"{_MANIFEST}.partial"
        partial.write_text(manifest.to_json())
        partial.rename(folder / _MANIFEST)
        return folder

    def sealed(self) -> list[tuple[BatchManifest, Path]]:
        """Every completely staged batch, in sequence order."""
        found = [(BatchManifest.from_json(path.read_text()), path.parent)
                 for path in self.root.glob(f"*/{_MANIFEST}")] if self.root.is_dir() else []
        return sorted(found, key=lambda entry: entry[0].sequence)

    def find(self, sequence: int) -> tuple[BatchManifest, Path] | None:
        return next((entry for entry in self.sealed() if entry[0].sequence == sequence), None)

    def remove(self, batch_id: str) -> None:
        shutil.rmtree(self.folder(batch_id), ignore_errors=True)

    def clear(self) -> None:
        """Drop every staged batch (they are re-read from the source)."""
        shutil.rmtree(self.root, ignore_errors=True)
