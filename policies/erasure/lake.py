"""The lake's Delta tables that hold data principals: which, by which columns, delete, VACUUM.

A Delta ``DELETE`` removes rows from the table's current version, but the Parquet files that
held them stay on disk for time travel until a ``VACUUM`` past the table's retention removes
them; tables with deletion vectors first need ``REORG … APPLY (PURGE)`` to rewrite the files.
So erasure deletes now and returns a :class:`VacuumPlan` saying what must still run, and when.

Usage::

    columns = PrincipalColumns(join_keys=frozenset({"payer_token"}))
    for table in discover_tables(spark, workspace.lake, columns):
        deleted = delete_rows(spark, table.path, table.holds_any(["tok_5f…"]))
    plan = vacuum_plan(spark, [table.path], retention_hours=168, deleted_at=now)
    run_vacuum(spark, plan)      # only once plan.not_before has passed, to free the files
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from delta.tables import DeltaTable
from pyspark.errors import AnalysisException, IllegalArgumentException
from pyspark.sql import Column, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructType

from policies.erasure.exceptions import LakeTableError, VacuumRefused

__all__ = [
    "DEFAULT_VACUUM_RETENTION_HOURS",
    "LAKE_LAYERS",
    "LakeTable",
    "PrincipalColumns",
    "VacuumPlan",
    "check_vacuum_allowed",
    "delete_rows",
    "discover_tables",
    "run_vacuum",
    "vacuum_plan",
]

LAKE_LAYERS = ("bronze", "gold")
DEFAULT_VACUUM_RETENTION_HOURS = 168
"""Delta's default ``delta.deletedFileRetentionDuration`` (7 days); VACUUM refuses less unless
``spark.databricks.delta.retentionDurationCheck.enabled`` is false."""
_RETENTION_CHECK = "spark.databricks.delta.retentionDurationCheck.enabled"


@dataclass(frozen=True)
class PrincipalColumns:
    """Which columns of a lake table hold principal tokens.

    By default every string column named ``*<suffix>`` and every Feast entity join key;
    ``tables`` names a table's columns explicitly (``"bronze/upi_transactions"`` → columns),
    and then the default does not apply to that table.
    """

    join_keys: frozenset[str] = frozenset()
    """Feast entity join keys: their values are principal tokens."""
    tables: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Explicit columns per table, by ``layer/name``."""
    suffix: str = "_token"

    def with_join_keys(self, keys: Iterable[str]) -> PrincipalColumns:
        """The same rules, with more join keys counted as principal columns."""
        return replace(self, join_keys=self.join_keys | frozenset(keys))

    def holds_principal(self, column: str) -> bool:
        """Whether a column of this name holds principal tokens by default."""
        return column.endswith(self.suffix) or column in self.join_keys

    def of(self, table: str, schema: StructType) -> tuple[str, ...]:
        """The principal columns of ``table`` (``layer/name``) with this schema."""
        if table in self.tables:
            missing = sorted(set(self.tables[table]) - set(schema.fieldNames()))
            if missing:
                raise LakeTableError(f"lake table {table}: principal columns {missing} named in "
                                     "the principal-column map are not in the table; fix the map")
            return tuple(self.tables[table])
        return tuple(f.name for f in schema.fields
                     if isinstance(f.dataType, StringType) and self.holds_principal(f.name))


@dataclass(frozen=True)
class LakeTable:
    """A Delta table of the lake and the columns of it that hold principal tokens."""

    name: str
    """``layer/name``, e.g. ``bronze/upi_transactions``."""
    path: Path
    principal_columns: tuple[str, ...]

    def holds_any(self, tokens: Sequence[str]) -> Column:
        """The rows where any principal column holds one of ``tokens``."""
        return functools.reduce(
            lambda a, b: a | b,
            (F.col(c).isin(list(tokens)) for c in self.principal_columns),
            F.lit(False),
        )


def _schema(spark: SparkSession, path: Path) -> StructType:
    try:
        return spark.read.format("delta").load(str(path)).schema
    except AnalysisException as exc:
        raise LakeTableError(f"lake table {path}: cannot be read as Delta: "
                             f"{exc.getMessage().splitlines()[0]}") from exc


def discover_tables(spark: SparkSession, lake: Path,
                    columns: PrincipalColumns = PrincipalColumns()) -> list[LakeTable]:
    """Every Delta table under ``lake/bronze`` and ``lake/gold`` with a principal column."""
    found = []
    for layer in LAKE_LAYERS:
        folder = lake / layer
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.iterdir() if (p / "_delta_log").is_dir()):
            name = f"{layer}/{path.name}"
            held = columns.of(name, _schema(spark, path))
            if held:
                found.append(LakeTable(name, path, held))
    return found


def delete_rows(spark: SparkSession, path: Path, condition: Column, *,
                dry_run: bool = False) -> int:
    """Delete the rows matching ``condition``; return how many (that would be) deleted.

    A delete that matches nothing commits nothing, so repeating an erasure leaves the table's
    history unchanged.
    """
    if dry_run:
        return spark.read.format("delta").load(str(path)).where(condition).count()
    table = DeltaTable.forPath(spark, str(path))
    before = table.history(1).first()["version"]
    table.delete(condition)
    # The count comes from the DELETE commit itself, not a second scan: exact even when
    # another writer appends meanwhile.
    commits = (table.history().where((F.col("version") > before)
                                     & (F.col("operation") == "DELETE")).collect())
    return sum(int(c["operationMetrics"].get("numDeletedRows", 0)) for c in commits)


@dataclass(frozen=True)
class VacuumPlan:
    """What must still run for deleted rows to leave the disk, and from when it works."""

    tables: tuple[Path, ...]
    retention_hours: int
    not_before: datetime
    """A VACUUM at this retention frees the files of the deleted rows only from this time on."""
    purge_first: tuple[Path, ...] = ()
    """Tables with deletion vectors: their deleted rows are still in live files until a
    ``REORG TABLE … APPLY (PURGE)`` rewrites them."""

    @property
    def commands(self) -> list[str]:
        """The Spark SQL statements, in order."""
        return ([f"REORG TABLE delta.`{p}` APPLY (PURGE)" for p in self.purge_first]
                + [f"VACUUM delta.`{p}` RETAIN {self.retention_hours} HOURS" for p in self.tables])

    def as_dict(self) -> dict[str, object]:
        return {"tables": [str(p) for p in self.tables], "retention_hours": self.retention_hours,
                "not_before": self.not_before.isoformat(), "commands": self.commands}


def vacuum_plan(spark: SparkSession, paths: Sequence[Path], *, retention_hours: int,
                deleted_at: datetime) -> VacuumPlan:
    """The VACUUM plan for tables whose rows were deleted at ``deleted_at``."""
    with_vectors = tuple(
        p for p in paths
        if DeltaTable.forPath(spark, str(p)).detail().first()["properties"]
        .get("delta.enableDeletionVectors") == "true")
    return VacuumPlan(tables=tuple(paths), retention_hours=retention_hours,
                      not_before=deleted_at + timedelta(hours=retention_hours),
                      purge_first=with_vectors)


def check_vacuum_allowed(spark: SparkSession, retention_hours: int) -> None:
    """Refuse, before any change, a retention that Delta's safety check would refuse."""
    checked = spark.conf.get(_RETENTION_CHECK, "true").lower() == "true"
    if checked and retention_hours < DEFAULT_VACUUM_RETENTION_HOURS:
        raise VacuumRefused(_refusal(f"RETAIN {retention_hours} HOURS"))


def _refusal(what: str) -> str:
    return (f"Delta refuses VACUUM {what}: below the tables' retention it needs "
            f"{_RETENTION_CHECK}=false, which breaks time travel and concurrent readers; "
            f"use --retain-hours {DEFAULT_VACUUM_RETENTION_HOURS} or more, or run the VACUUM "
            "plan once its not_before time has passed")


def run_vacuum(spark: SparkSession, plan: VacuumPlan) -> None:
    """Run the plan's REORG and VACUUM statements with its explicit retention."""
    check_vacuum_allowed(spark, plan.retention_hours)
    for path in plan.purge_first:
        spark.sql(f"REORG TABLE delta.`{path}` APPLY (PURGE)")
    for path in plan.tables:
        try:
            DeltaTable.forPath(spark, str(path)).vacuum(float(plan.retention_hours))
        except IllegalArgumentException as exc:  # a table whose own retention is longer
            raise VacuumRefused(f"lake table {path}: "
                                + _refusal(f"RETAIN {plan.retention_hours} HOURS")) from exc
