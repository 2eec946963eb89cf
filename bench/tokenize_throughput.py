"""Tokenize throughput: nijta's ``Tokenizer.tokenize_column`` against a plain ``hmac`` loop.

The target is 500,000 already-canonical UPI VPAs per second on one core. The baseline is what
anyone would write first: ``hmac.digest`` per value over a Python list, then a pyarrow array.
Both use the same domain key and must produce the same tokens. Prints one JSON line.

Usage::

    .venv/bin/python bench/tokenize_throughput.py --values 1000000 --repeat 5
"""

from __future__ import annotations

import argparse
import hmac
import json
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa

from anonymize.kek import KEK_ENV
from anonymize.keys import LocalKeyStore
from anonymize.tokens import Tokenizer


def _best_rate(run: Callable[[], pa.Array], values: int, repeat: int) -> tuple[float, pa.Array]:
    best, out = 0.0, None
    for _ in range(repeat):
        start = time.perf_counter()
        out = run()
        best = max(best, values / (time.perf_counter() - start))
    assert out is not None
    return best, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    vpas = pa.array([f"payer{i:07d}.acct@oksbi" for i in range(args.values)], pa.string())
    os.environ[KEK_ENV] = secrets.token_hex(32)  # a throwaway KEK: no key file, no warning
    with tempfile.TemporaryDirectory() as folder:
        keys = LocalKeyStore(Path(folder) / "bench.key")
        tokenizer = Tokenizer(keys)
        key = keys.current("tokenize:upi_vpa").secret
        tokenizer.tokenize("upi_vpa", "warm@up")
        print(f"tokenizing {args.values:,} VPAs, best of {args.repeat}", file=sys.stderr)
        nijta, ours = _best_rate(lambda: tokenizer.tokenize_column("upi_vpa", vpas),
                                 args.values, args.repeat)
        baseline, theirs = _best_rate(lambda: pa.array(
            ["tok_" + hmac.digest(key, v.encode(), "sha256")[:16].hex()
             for v in vpas.to_pylist()], pa.string()), args.values, args.repeat)
    assert ours.equals(theirs), "nijta and the baseline disagree"
    print(json.dumps({
        "bench": "tokenize_throughput", "values": args.values, "repeat": args.repeat,
        "nijta_values_per_s": round(nijta), "hmac_loop_values_per_s": round(baseline),
        "speedup": round(nijta / baseline, 2), "target_values_per_s": 500_000,
        "meets_target": nijta >= 500_000,
    }))


if __name__ == "__main__":
    main()
