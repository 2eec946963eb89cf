"""One run at a time per connector: an exclusive ``flock`` on ``state/<connector>.run.lock``.

The bronze commit checks the connector's transaction version and then writes; two runs of one
connector at once could both pass the check before either writes. The cursor store would catch
the second acknowledgement, but only after its rows were in bronze, so a second run is refused
before it reads anything. The lock dies with its process: a crashed run leaves nothing to clean.
Safe as the file system's ``flock`` (local disks; on shared storage, run one driver).

Usage::

    with connector_run_lock(workspace, "upi"):
        ...   # reconcile, read, commit, acknowledge
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager

from ingest.exceptions import RunInProgress
from nijta.configuration import Workspace

__all__ = ["connector_run_lock"]


@contextmanager
def connector_run_lock(workspace: Workspace, connector: str) -> Iterator[None]:
    """Hold the connector's run lock; :class:`RunInProgress` when another run holds it."""
    path = workspace.state / f"{connector}.run.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunInProgress(f"connector {connector!r}: another run holds {path}; wait for "
                                "it to finish (runs of one connector commit one after the "
                                "other)") from None
        yield
    finally:
        os.close(fd)  # closing releases the flock
