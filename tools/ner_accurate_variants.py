"""Re-run the decoding comparison of the accurate NER backend on the ANERcorp dev block (model card,
"Accurate engine"): float32 against int8 graphs, with and without the shipped CRF's label scores and
the document step.  Scores come from `rasd eval-ner`'s own scorer (`evaluate_sentences`).

    rasd train-ner --write-dev /tmp/anercorp_dev.conll
    rasd build-encoder
    python tools/ner_accurate_variants.py /tmp/anercorp_dev.conll

Needs the encoder extra; about two minutes on one core.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from rasd.nlp.encoder.e5file import E5File
from rasd.nlp.encoder.onnx_graph import build_graph, save
from rasd.nlp.encoder.runtime import EncoderRuntime
from rasd.nlp.ner import load_recognizer
from rasd.nlp.encoder.compact import ACCURATE_DIR, read_compact
from rasd.nlp.ner.accurate import MAX_BATCH_TOKENS, AccurateRecognizer
from rasd.nlp.ner.corpora import read_conll
from rasd.nlp.ner.evaluate import evaluate_sentences


def main(dev_file: Path) -> None:
    sentences = read_conll(dev_file)
    recognizer = AccurateRecognizer()
    int8_runtime = recognizer.runtime
    with tempfile.TemporaryDirectory() as scratch:
        e5 = E5File()
        tuned, _ = read_compact(ACCURATE_DIR)
        float_file = Path(scratch) / "float.onnx"
        layers = sum(1 for name in tuned if name.endswith(".q.w"))
        save(build_graph(e5.config, {**e5.weights(), **tuned}, head=(tuned["head.w"], tuned["head.b"]), layers=layers),
             float_file)
        float_runtime = EncoderRuntime(float_file, e5, max_batch_tokens=MAX_BATCH_TOKENS)
        crf = load_recognizer("crf")
        print(f"{'graph':<8}{'CRF weight':>11}{'document step':>15}{'micro F1':>10}   PER / ORG / LOC / MISC")
        for graph, runtime in (("float32", float_runtime), ("int8", int8_runtime)):
            for weight in (0.0, 0.25, 0.5, 1.0):
                for propagate in (False, True):
                    recognizer.runtime, recognizer.crf_weight, recognizer.propagate = runtime, weight, propagate
                    recognizer._crf = crf if weight else None
                    scores = evaluate_sentences(sentences, recognizer)
                    labels = " / ".join(f"{scores['labels'][k]['f1']:.3f}" for k in ("PER", "ORG", "LOC", "MISC"))
                    print(f"{graph:<8}{weight:>11}{str(propagate):>15}{scores['micro']['f1']:>10.3f}   {labels}", flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
