"""How well does the multilingual encoder cover each language? Measured, not assumed.

``python -m classifiers.train.encoder_coverage [--out FILE]`` reports, per language tag
of the breadth corpus (``models/data/breadth_corpus.jsonl``):

* ``unk_share`` — the share of USE sentencepiece tokens that are ``<unk>``: a language
  whose script the encoder's vocabulary lacks shows up here directly (the normalised
  text is tokenised, as the detector sees it);
* ``embedding_only`` — precision, recall and F1 on the breadth *test* split of a logistic
  regression trained on the encoder's embeddings alone (no lexicon, no character
  n-grams), fitted on the breadth *train* split of all languages together; and the same
  for an equally simple hashed character n-gram model, as a reference that needs no
  encoder at all.

A language the encoder does not cover reads near-chance on ``embedding_only`` while the
character model still separates it: the learned detector then leans on the lexicon and
the n-grams for that language. Nothing here is tuned: one fixed ``C``, no selection.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from classifiers.normalize import normalize
from classifiers.text.encoders import TextEncoder, make_encoder
from classifiers.train.data import BREADTH_PATH, Row, lang_tag, load_corpus, select, to_docs
from classifiers.train.metrics import prf

C = 10.0


def unk_share(encoder: TextEncoder, texts: list[str]) -> float:
    """Share of ``<unk>`` pieces when the USE tokenizer reads ``texts`` (USE only)."""
    use = getattr(encoder, "_use", None)
    if use is None:
        encoder.encode(texts[:1])  # loads the package lazily
        use = getattr(encoder, "_use", None)
    if use is None:  # not a USE encoder: no sentencepiece vocabulary to inspect
        return float("nan")
    pieces = use._tokenizer.encode(texts, add_bos=False, add_eos=False)
    total = sum(len(p) for p in pieces)
    return sum(1 for p in pieces for i in p if i == 0) / total if total else 0.0


def _fit_predict(x_train: Any, y_train: list[bool], x_test: Any) -> list[bool]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=C, max_iter=3000).fit(x_train, y_train)
    return [bool(p) for p in model.predict(x_test)]


def _char_matrix(texts: list[str]) -> Any:
    from sklearn.feature_extraction.text import HashingVectorizer

    vec = HashingVectorizer(analyzer="char_wb", ngram_range=(1, 3), n_features=2**16)
    return vec.transform(texts)


def coverage(rows: list[Row], encoder: TextEncoder) -> dict[str, Any]:
    train, test = select(rows, "train"), select(rows, "test")
    texts = {
        split: [normalize(d.full_text, han=False).text for d in to_docs(part)]
        for split, part in (("train", train), ("test", test))
    }
    y_train = [r["label"] == "wildlife" for r in train]
    emb = {split: encoder.encode(t) for split, t in texts.items()}
    pred_emb = _fit_predict(emb["train"], y_train, emb["test"])
    pred_chr = _fit_predict(_char_matrix(texts["train"]), y_train, _char_matrix(texts["test"]))
    by_lang: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(test):
        by_lang[lang_tag(row)].append(i)
    report: dict[str, Any] = {"encoder": encoder.name, "C": C, "per_lang": {}}
    for lang, idx in sorted(by_lang.items()):
        truth = [test[i]["label"] == "wildlife" for i in idx]
        lang_texts = [texts["test"][i] for i in idx]
        report["per_lang"][lang] = {
            "n": len(idx),
            "unk_share": round(unk_share(encoder, lang_texts), 4),
            "embedding_only": prf(truth, [pred_emb[i] for i in idx]),
            "char_ngrams_only": prf(truth, [pred_chr[i] for i in idx]),
        }
    truth_all = [r["label"] == "wildlife" for r in test]
    report["overall"] = {
        "embedding_only": prf(truth_all, pred_emb),
        "char_ngrams_only": prf(truth_all, pred_chr),
    }
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--encoder", default="use")
    parser.add_argument("--corpus", type=Path, default=BREADTH_PATH)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    report = coverage(load_corpus(args.corpus), make_encoder(args.encoder))
    for lang, m in report["per_lang"].items():
        e, c = m["embedding_only"], m["char_ngrams_only"]
        print(f"{lang:8} n={m['n']:4} unk={m['unk_share']:.3f} "
              f"emb F1={e['f1']:.3f} char F1={c['f1']:.3f}")  # fmt: skip
    if args.out:
        args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
