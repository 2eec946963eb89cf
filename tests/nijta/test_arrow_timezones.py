"""Zone-aware times keep their instant in Arrow even after pandera is imported."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
from datetime import datetime
from zoneinfo import ZoneInfo
import pyarrow as pa
import {module}
import pandera
moment = datetime(2026, 1, 5, 7, 2, 57, tzinfo=ZoneInfo("Asia/Kolkata"))
print(pa.array([moment])[0].as_py() == moment)
"""


def test_pandera_does_not_shift_zone_aware_times() -> None:
    for module in ("connectors.upi.schema", "ingest.validation"):
        probe = subprocess.run([sys.executable, "-c", PROBE.format(module=module)],
                               capture_output=True, text=True, check=True)
        assert probe.stdout.strip().endswith("True"), (module, probe.stdout, probe.stderr)
