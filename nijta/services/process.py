"""Stopping a local server's child process: the one shutdown every service here shares.

Usage::

    stop_process(process, stop_signal=signal.SIGTERM, timeout_s=30)
"""

from __future__ import annotations

import subprocess

__all__ = ["stop_process"]


def stop_process(process: subprocess.Popen[bytes] | None, *, stop_signal: int,
                 timeout_s: float) -> None:
    """Ask ``process`` to stop with ``stop_signal`` (the server's own clean shutdown), then
    SIGKILL it if it has not ended within ``timeout_s``; nothing to do if it already ended."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(stop_signal)
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
