"""Leak check: nothing of the synthetic population appears in nijta's own storage."""

import pytest

pytestmark = pytest.mark.slow

_IDENTIFIERS = ("name", "mobile", "vpa", "aadhaar", "account_number")


def test_no_identifier_in_any_workspace_file(workspace, population):
    needles = {v.encode() for col in _IDENTIFIERS for v in population[col]}
    files = [p for p in workspace.root.rglob("*")
             if p.is_file() and workspace.sources not in p.parents]
    assert len(files) > 20  # the lake, the Feast repo, the model, the DLQ are all there
    leaks = []
    for path in files:
        data = path.read_bytes()
        leaks += [(str(path.relative_to(workspace.root)), "…") for n in needles if n in data]
    assert leaks == []


def test_sources_do_hold_them(workspace, population):
    """The check above is meaningful: the sandbox's own data is raw."""
    data = (workspace.sources / "upi_psp" / "transactions.parquet").read_bytes()
    assert any(v.encode() in data for v in population["vpa"])
