"""Launch DDP training with torchrun and return the model card it wrote.

Usage::

    card = train_with_torchrun(data, workspace.models / "upi_fraud", nproc=2,
                               feature_service=FEATURE_SERVICE)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from training.exceptions import TrainingRunFailed
from training.model_card import ModelCard

__all__ = ["train_with_torchrun"]


def train_with_torchrun(data: Path, out: Path, *, feature_service: str, name: str = "upi_fraud",
                        nproc: int = 2, epochs: int = 6) -> ModelCard:
    """Run ``torchrun --nproc_per_node=nproc -m training.ddp`` on loopback (gloo)."""
    torchrun = Path(sys.executable).with_name("torchrun")
    cmd = [str(torchrun), "--standalone", f"--nproc_per_node={nproc}", "-m", "training.ddp",
           "--data", str(data), "--out", str(out), "--name", name,
           "--feature-service", feature_service, "--epochs", str(epochs)]
    env = {**os.environ, "MASTER_ADDR": "127.0.0.1", "OMP_NUM_THREADS": "1",
           "GLOO_SOCKET_IFNAME": "lo"}
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise TrainingRunFailed(f"torchrun exited {done.returncode}:\n{done.stderr[-4000:]}")
    return ModelCard.load(out)
