"""Choosing the intent head for phrasings it has never seen.

Why this is separate from the label head: the dev split's held-out buy/sell templates
turned out to be easy (every configuration scores 1.000 on dev positives), so dev alone
cannot tell a head that memorised the training templates' wording from one that reads the
lexicon's intent evidence. The selection therefore also uses *template-grouped*
cross-validation on the training rows: each fold's head is scored on positives written
by templates it never saw, which is exactly the test split's situation.

Two knobs are searched: ``C`` and ``lex_emphasis``, a factor on the lexicon columns
(intent cue sums, the leading cue, the lexicon's own intent decision). Scaling a column
by ``k`` before an L2-regularised fit makes it cheaper for the model to lean on; the
factor is folded back into the stored weights afterwards, so the shipped head runs on
the unscaled features and ``FeatureSpec`` is unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse

from classifiers.base import LABEL_WILDLIFE
from classifiers.text.heads import LinearHead
from classifiers.train.data import Row

log = logging.getLogger(__name__)
EMPHASIS_GRID = (1.0, 4.0)
FOLDS = 3


def _fit(x: Any, y: Sequence[str], c: float) -> LinearHead:
    from sklearn.linear_model import LogisticRegression

    return LinearHead.from_sklearn(LogisticRegression(C=c, max_iter=3000).fit(x, list(y)))


def _accuracy(head: LinearHead, x: Any, truth: Sequence[str]) -> float:
    if not truth:
        return 0.0
    pred = [head.classes[i] for i in np.argmax(head.logits(x), axis=1)]
    return float(np.mean([p == t for p, t in zip(pred, truth, strict=True)]))


def _scaler(dim: int, cols: slice, k: float) -> tuple[sparse.csr_matrix, np.ndarray]:
    scale = np.ones(dim, dtype=np.float32)
    scale[cols] = k
    return sparse.diags(scale, format="csr"), scale


def _grouped_cv(x: Any, rows: Sequence[Row], c: float) -> float:
    """Accuracy on training positives, each scored by a head that never saw its template."""
    from sklearn.model_selection import GroupKFold

    y = [r.get("intent") or "other" for r in rows]
    groups = [r.get("template") or r["id"] for r in rows]
    right = total = 0
    for fit_idx, score_idx in GroupKFold(n_splits=FOLDS).split(np.zeros(len(rows)), y, groups):
        pos = [i for i in score_idx if rows[i]["label"] == LABEL_WILDLIFE]
        if not pos:
            continue
        head = _fit(x[fit_idx], [y[i] for i in fit_idx], c)
        right += round(_accuracy(head, x[pos], [y[i] for i in pos]) * len(pos))
        total += len(pos)
    return right / total if total else 0.0


def best_intent_head(
    x_tr: Any,
    train: Sequence[Row],
    x_dev: Any,
    dev: Sequence[Row],
    lex_cols: slice,
    c_grid: Sequence[float],
    emphasis_grid: Sequence[float] = EMPHASIS_GRID,
) -> tuple[LinearHead, dict[str, float]]:
    """The intent head maximising grouped-CV accuracy + dev accuracy (positives only)."""
    # Rows marked ``intent_train: false`` teach the label head only (see corpus_round7).
    keep = [i for i, r in enumerate(train) if r.get("intent_train", True)]
    if len(keep) < len(train):
        x_tr, train = x_tr[keep], [train[i] for i in keep]
    dev_pos = [i for i, r in enumerate(dev) if r["label"] == LABEL_WILDLIFE]
    dev_truth = [dev[i].get("intent") or "other" for i in dev_pos]
    y_tr = [r.get("intent") or "other" for r in train]
    # With a single candidate there is nothing to choose: skip the (costly) grouped CV.
    single = len(emphasis_grid) * len(c_grid) == 1
    can_cv = not single and len({r.get("template") for r in train}) > FOLDS
    best: tuple[float, LinearHead, dict[str, float]] | None = None
    for k in emphasis_grid:
        diag, scale = _scaler(x_tr.shape[1], lex_cols, k)
        xs_tr, xs_dev = x_tr @ diag, x_dev @ diag
        for c in c_grid:
            cv = _grouped_cv(xs_tr, train, c) if can_cv else 0.0
            head = _fit(xs_tr, y_tr, c)
            dev_acc = _accuracy(head, xs_dev[dev_pos], dev_truth)
            head.weights = head.weights * scale[:, None]  # runs on unscaled features
            log.info("intent head C=%g emphasis=%g: grouped-CV %.4f, dev %.4f", c, k, cv, dev_acc)
            choice = {"C": c, "lex_emphasis": k, "dev_acc": dev_acc}
            if can_cv:
                choice["grouped_cv_acc"] = cv
            if best is None or cv + dev_acc > best[0]:
                best = (cv + dev_acc, head, choice)
    assert best is not None
    return best[1], best[2]
