"""DDP training of the fraud scorer; the entry point torchrun starts on every rank.

    torchrun --standalone --nproc_per_node=2 -m training.ddp --data train.parquet --out DIR \
        --name upi_fraud --feature-service upi_fraud_v1

gloo on CPU here; the same script runs multi-node with NCCL (``--backend nccl``) on GPUs.
Each rank trains on its shard of the events before the holdout cut (time-based: the last
``--holdout-fraction`` of the time range); rank 0 evaluates on the holdout and exports.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import torch
import torch.distributed as dist
from sklearn.metrics import roc_auc_score
from torch import nn
from torch.nn.parallel import DistributedDataParallel

from featurestore.definitions import FEATURE_NAMES, PAYER_KEY
from training.dataset import LABEL
from training.exceptions import EmptyTrainingSet
from training.model import FraudProbability, FraudScorer
from training.model_card import MODEL_PROGRAM, ModelCard


def _parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="DDP training of the UPI fraud scorer")
    p.add_argument("--data", type=Path, required=True, help="Parquet training set from Feast")
    p.add_argument("--out", type=Path, required=True, help="folder for model.pt2 + model.json")
    p.add_argument("--name", default="upi_fraud")
    p.add_argument("--feature-service", required=True)
    p.add_argument("--epochs", type=int, default=6)
    p.add_argument("--batch-size", type=int, default=512, help="per rank")
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--holdout-fraction", type=float, default=0.2)
    p.add_argument("--backend", default="gloo")
    p.add_argument("--seed", type=int, default=7)
    return p.parse_args(argv)


def _split(frame: pd.DataFrame, fraction: float) -> tuple[pd.DataFrame, pd.DataFrame, pd.Timestamp]:
    ts = frame["event_timestamp"]
    cut = ts.min() + (ts.max() - ts.min()) * (1 - fraction)
    return frame[ts < cut], frame[ts >= cut], cut


def _tensors(frame: pd.DataFrame) -> tuple[torch.Tensor, torch.Tensor]:
    x = frame[list(FEATURE_NAMES)].astype("float64").fillna(0.0).to_numpy(np.float32)
    return torch.from_numpy(x), torch.from_numpy(frame[LABEL].to_numpy(np.float32))


def _train(ddp: nn.Module, x: torch.Tensor, y: torch.Tensor, args: argparse.Namespace) -> float:
    rank, world = dist.get_rank(), dist.get_world_size()
    positives = float(y.sum())
    # sqrt of the class ratio: enough weight for the rare class without drowning the rest
    pos_weight = torch.tensor(((len(y) - positives) / max(positives, 1.0)) ** 0.5)
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    optimizer = torch.optim.Adam(ddp.parameters(), lr=args.lr)
    # equal step counts on every rank, so no rank waits on an all-reduce that never comes
    per_rank = len(y) // world
    loss = torch.tensor(0.0)
    for epoch in range(args.epochs):
        order = torch.randperm(len(y), generator=torch.Generator().manual_seed(args.seed + epoch))
        shard = order[rank * per_rank:(rank + 1) * per_rank]
        for start in range(0, per_rank, args.batch_size):
            batch = shard[start:start + args.batch_size]
            optimizer.zero_grad()
            loss = loss_fn(ddp(x[batch]), y[batch])
            loss.backward()
            optimizer.step()
    loss = loss.detach()
    dist.all_reduce(loss, op=dist.ReduceOp.SUM)  # gloo has no AVG
    return float(loss) / world


def _export(scorer: FraudScorer, x: torch.Tensor, out: Path) -> None:
    batch = torch.export.Dim("batch", min=1)
    program = torch.export.export(FraudProbability(scorer).eval(), (x[:2],),
                                  dynamic_shapes=({0: batch},))
    out.mkdir(parents=True, exist_ok=True)
    torch.export.save(program, out / MODEL_PROGRAM)


def main(argv: list[str] | None = None) -> None:
    args = _parse(argv)
    torch.set_num_threads(1)  # one core per rank; more oversubscribes a 2-core machine
    dist.init_process_group(args.backend)
    torch.manual_seed(args.seed)  # identical initial weights on every rank
    frame = pd.read_parquet(args.data).sort_values("event_timestamp")
    train, holdout, cut = _split(frame, args.holdout_fraction)
    x, y = _tensors(train)
    scorer = FraudScorer(len(FEATURE_NAMES))
    scorer.fit_scaler(x)
    final_loss = _train(DistributedDataParallel(scorer), x, y, args)
    if dist.get_rank() == 0:
        hx, hy = _tensors(holdout)
        if len(hy.unique()) < 2:
            raise EmptyTrainingSet(f"the holdout from {cut} has one class only; cannot score")
        with torch.no_grad():
            auc = float(roc_auc_score(hy.numpy(), scorer(hx).numpy()))
        _export(scorer, hx, args.out)
        ModelCard(
            name=args.name, feature_service=args.feature_service, entity_key=PAYER_KEY,
            features=list(FEATURE_NAMES), trained_at=datetime.now(UTC).isoformat(),
            train_rows=len(train), holdout_rows=len(holdout), holdout_start=cut.isoformat(),
            holdout_auc=auc, world_size=dist.get_world_size(),
            neutral_values=dict(zip(FEATURE_NAMES, scorer.neutral_values(), strict=True)),
        ).save(args.out)
        print(f"rank 0: final loss {final_loss:.4f}, holdout AUC {auc:.4f}", flush=True)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
