"""Retrain the built-in sentiment classifier from the labelled corpora.

    .venv/bin/python -m metrics.sentiment.train [--corpora DIR] [--out FILE]

Reads every source of :data:`metrics.sentiment.corpora.SOURCES` (refusing to run when a file is
missing or its SHA-256 differs from ``corpora/SOURCES.md``), fits on those whose role is ``train``, leaves out a
fixed fifth of each (by a hash of the text) and every text that also appears in a test or other
source, weights each (source, class) pair so that every source and every class count alike, fits
:func:`metrics.sentiment.linear.fit` and writes the weights (default: the shipped file). The same
files give the same weights.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

import numpy as np
import polars as pl

from metrics.sentiment import corpora, linear

L2 = 5e-6
MAX_ITER = 400


def expected_hashes() -> dict[str, str]:
    """File name -> SHA-256, from the table in corpora/SOURCES.md."""
    text = (corpora.DEFAULT_DIR / "SOURCES.md").read_text(encoding="utf-8")
    return dict(re.findall(r"`([^`]+\.(?:xml|txt|csv))`\s*\|\s*`([0-9a-f]{64})`", text))


def training_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """The rows fitted on, with a ``weight`` column: train split, not seen in any evaluation split."""
    evaluation = set(frame.filter(pl.col("split") != "train")["text"].to_list())
    rows = frame.filter((pl.col("split") == "train") & ~pl.col("text").is_in(list(evaluation)))
    sizes = rows.group_by("source", "label").len()
    per_source = rows.group_by("source").agg(pl.col("label").n_unique().alias("classes"))
    return (rows.join(sizes, on=["source", "label"]).join(per_source, on="source")
            .with_columns(weight=1.0 / (pl.col("len") * pl.col("classes"))).drop("len", "classes"))


def train(frame: pl.DataFrame, *, l2: float = L2, max_iter: int = MAX_ITER) -> linear.Weights:
    rows = training_rows(frame)
    return linear.fit(rows["text"].to_list(), rows["label"].to_list(), weight=rows["weight"].to_numpy(),
                      l2=l2, max_iter=max_iter)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", help="folder with the corpus files (default: metrics/sentiment/corpora)")
    parser.add_argument("--out", type=Path, default=linear.MODEL_DIR / f"{linear.NAME}.npz")
    args = parser.parse_args(argv)
    folder = corpora.corpora_dir(args.corpora)
    for name, digest in expected_hashes().items():  # every source, so the texts left out are the same too
        path = folder / name
        if not path.exists():
            parser.error(f"{path} is missing; corpora/SOURCES.md says where to get it")
        if corpora.sha256(path) != digest:
            parser.error(f"{path} differs from the file the model was trained on (SHA-256)")
    frame, _ = corpora.load_all(folder)
    started = time.perf_counter()
    weights = train(frame)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(weights.to_bytes())
    rows = training_rows(frame)
    print(f"{rows.height:,} texts fitted in {time.perf_counter() - started:.0f} s; "
          f"{args.out} ({args.out.stat().st_size / 1e6:.1f} MB), nonzero weights "
          f"{np.count_nonzero(weights.coef):,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
