"""nijta: the CLI and the small shared runtime (config loading, workspace layout)."""

import os

# pandera sets PYARROW_IGNORE_TIMEZONE=1 at import unless it is set (for pyspark.pandas, which
# nijta does not use). pyarrow then reads every zone-aware datetime as if its wall time were
# UTC: 07:02 IST becomes 12:32 IST. pyarrow treats any non-empty value as "ignore", pandera
# only fills an unset variable: so it is set, empty. Every stage imports nijta before pandera.
os.environ.setdefault("PYARROW_IGNORE_TIMEZONE", "")
