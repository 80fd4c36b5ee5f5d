"""Review sentiment: accuracy of the built-in classifier on labelled real text, and its speed.

    .venv/bin/python -m benchmarks.sentiment [--corpora DIR] [--classifier lexicon|linear] [--repeat 3]

For every source of ``metrics.sentiment.corpora.SOURCES`` whose files are present, the texts the
model was not fitted on (``held_out``: a fixed fifth of a trained source; ``test``: a trained
source's own published test split; ``other``: a source never trained on) are classified and the
accuracy, the recall of each class and the macro recall are printed by source and by language and
split, with the confusion matrix of each language's not-trained-on sources. Then the throughput:
texts per second over every evaluated text (distinct, in one call, median of ``--repeat`` runs, one
process). The features of each word are hashed once and remembered, so the first run, started with
nothing remembered, is shown as well. The team's own labelled sets in tests/labelled are always there;
the other files come from the sources listed in metrics/sentiment/corpora/SOURCES.md.
"""

from __future__ import annotations

import argparse
import statistics
import time

import polars as pl

from metrics.sentiment import LABELS, corpora, evaluation


def _classifier(name: str):
    if name == "lexicon":
        from metrics.sentiment.lexicon import LexiconClassifier

        return LexiconClassifier()
    from metrics.sentiment.linear import LinearClassifier

    return LinearClassifier()


def _pct(frame: pl.DataFrame) -> pl.DataFrame:
    cols = ["accuracy", *evaluation.RECALL.values(), "macro_recall"]
    return frame.with_columns(pl.col(c).mul(100).round(1) for c in cols)


def evaluate(frame: pl.DataFrame, classifier) -> pl.DataFrame:
    """The evaluation rows of ``frame`` with the classifier's ``pred``."""
    rows = frame.filter(pl.col("split") != "train")
    preds = classifier.classify(rows["text"].to_list(), rows["language"].to_list())
    return rows.with_columns(pred=pl.Series(preds, dtype=pl.String))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", help="folder with the corpus files (default: metrics/sentiment/corpora)")
    parser.add_argument("--classifier", choices=("linear", "lexicon"), default="linear")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    frame, missing = corpora.load_all(args.corpora)
    classifier = _classifier(args.classifier)
    scored = evaluate(frame, classifier)
    print(f"classifier: {classifier.name}" + (f"; sources missing here: {', '.join(missing)}" if missing else ""))
    with pl.Config(tbl_rows=50, tbl_cols=-1, tbl_width_chars=250, tbl_hide_column_data_types=True,
                   tbl_hide_dataframe_shape=True):
        print("\nBy source (%):")
        print(_pct(evaluation.accuracy_by(scored, ["language", "source", "split"])))
        print("\nBy language and split (%):")
        print(_pct(evaluation.accuracy_by(scored, ["language", "split"])))
        for lang in ("en", "ru"):
            other = scored.filter((pl.col("language") == lang) & (pl.col("split") == "other"))
            if other.height:
                print(f"\nConfusion, {lang}, sources not trained on (rows: known label, columns: predicted):")
                print(evaluation.confusion(other))
    texts = scored["text"].unique(maintain_order=True).to_list()
    from metrics.sentiment import features

    features._WORD_CACHE.clear()
    times = []
    for _ in range(max(args.repeat, 1)):
        started = time.perf_counter()
        classifier.classify(texts, [None] * len(texts))
        times.append(time.perf_counter() - started)
    seconds = statistics.median(times)
    print(f"\nThroughput: {len(texts) / seconds:,.0f} texts/s ({len(texts):,} texts, median of {len(times)} runs, "
          f"mean length {sum(map(len, texts)) / len(texts):.0f} characters; the first run, before any word was "
          f"seen: {len(texts) / times[0]:,.0f} texts/s); labels: {', '.join(LABELS)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
