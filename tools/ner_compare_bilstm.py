"""Compare the shipped CRF with a BiLSTM-CRF tagger, alone and added to the CRF, on the NER dev block.

The BiLSTM-CRF reads, per token, frozen word2vec vectors of the word and of its clitic-stripped stem
(skip-gram trained here on ../shared/data/arabic-news-text) and the sum of learned embeddings of the
CRF's own per-word features and gazetteer matches; a linear-chain CRF layer sits on top.  The
combination adds the shipped CRF's label scores (x0.5) to the BiLSTM's and decodes once.  All three
are scored on the same dev block as `rasd train-ner` (20-sentence documents, document step on).

    nice -n 10 python tools/ner_compare_bilstm.py [--data ../shared/data] [--vectors /tmp/w2v.npz]

Needs gensim and torch (the `train` and `hf` extras).  About 3 minutes for the vectors (skipped when
--vectors names an existing file; a missing one is written there), 2 for training, under 1 for
scoring, all on one core.  Nothing is written to the repository and nothing of this is shipped:
the combination is more accurate but halves the speed of the entity stage.
"""
from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one core, also for numpy
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import torch
from torch import nn

from rasd.text.arabic import clitic_variants, normalize
from rasd.nlp.ner import MODEL_DIR, corpora
from rasd.nlp.ner.crf import CrfRecognizer, CrfScorer, propagate_names
from rasd.nlp.ner.tags import entities_from_tags, sentence_tokens
from rasd.nlp.ner.evaluate import evaluate_sentences
from rasd.nlp.ner.features import FeatureExtractor

REPO = Path(__file__).resolve().parent.parent
TAGS = ["O"] + [f"{prefix}-{label}" for label in corpora.MODEL_LABELS for prefix in "BI"]
# Settled in the experiment on a tuning slice (the last 15% of the training part): hidden 64 reached its
# best tuning score after 10 epochs; 0.5 was the best weight of the CRF's scores in the combination.
HIDDEN, FEATURE_DIM, DROPOUT, FEATURE_DROP = 64, 100, 0.5, 0.25
EPOCHS, BATCH, LEARNING_RATE, LR_DECAY = 10, 16, 2e-3, 0.85
MIN_FEATURE_COUNT, CRF_WEIGHT = 2, 0.5


def word_vectors(data: Path, cache: Path | None) -> tuple[list[str], np.ndarray]:
    """Words and unit-length vectors, row 0 zero for unknown words (the words' ids start at 1)."""
    if cache and cache.exists():
        stored = np.load(cache)
        words, vectors = stored["words"].tolist(), stored["vectors"]
    else:
        from gensim.models import Word2Vec

        from rasd.nlp.ner.clusters import NewsSentences

        started = time.time()
        model = Word2Vec(NewsSentences(data / "arabic-news-text"), vector_size=100, window=3, min_count=3, sg=1,
                         negative=5, sample=1e-4, workers=1, epochs=6, seed=1)
        words, vectors = model.wv.index_to_key, model.wv.vectors.astype(np.float32)
        print(f"word2vec: {len(words)} words in {time.time() - started:.0f}s", file=sys.stderr)
        if cache:
            np.savez(cache, words=np.array(words), vectors=vectors)
    vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True).clip(1e-9)
    return words, np.vstack([np.zeros((1, vectors.shape[1])), vectors]).astype(np.float32)


def feature_vocabulary(features: FeatureExtractor, sentences: list[corpora.Sentence]) -> dict[str, int]:
    """Ids of the CRF's per-word feature strings and gazetteer matches seen often enough in training
    (from 1: 0 is EmbeddingBag's padding row)."""
    counts = Counter()
    for sentence in sentences:
        norms = [normalize(t) for t, _ in sentence]
        for word, matches in zip(norms, features.gazetteer.match(norms)):
            counts.update((*features.type_features(word)[0], *matches))
    return {s: i + 1 for i, s in enumerate(sorted(s for s, n in counts.items() if n >= MIN_FEATURE_COUNT))}


class Encoder:
    """A sentence of normalised words -> word ids, stem ids and per-word bags of feature ids."""

    def __init__(self, features: FeatureExtractor, word_ids: dict[str, int], feature_ids: dict[str, int]):
        self.features, self.word_ids, self.feature_ids = features, word_ids, feature_ids
        self._types: dict[str, tuple[int, int, tuple[int, ...]]] = {}

    def encode(self, norms: list[str]) -> tuple[list[int], list[int], list[tuple[int, ...]]]:
        ids = self.feature_ids
        words, stems, bags = [], [], []
        for word, matches in zip(norms, self.features.gazetteer.match(norms)):
            known = self._types.get(word)
            if known is None:
                stem = next((self.word_ids[v] for v in reversed(clitic_variants(word)) if v in self.word_ids), 0)
                own = tuple(ids[s] for s in self.features.type_features(word)[0] if s in ids)
                known = self._types[word] = (self.word_ids.get(word, 0), stem, own)
            words.append(known[0])
            stems.append(known[1])
            # sorted: the gazetteer lists a word's kinds in set order, which changes with Python's hash seed
            bags.append(tuple(sorted(known[2] + tuple(ids[s] for s in matches if s in ids))))
        return words, stems, bags


def batch(encoded: list) -> tuple[torch.Tensor, ...]:
    """Padded word and stem ids, the bags flattened for EmbeddingBag (padding gets empty bags), lengths."""
    lengths = torch.tensor([len(e[0]) for e in encoded])
    words, stems = (nn.utils.rnn.pad_sequence([torch.tensor(e[k]) for e in encoded], batch_first=True) for k in (0, 1))
    flat, offsets = [], []
    for _, _, bags in encoded:
        for t in range(words.shape[1]):
            offsets.append(len(flat))
            flat += bags[t] if t < len(bags) else ()
    return words, stems, torch.tensor(flat, dtype=torch.long), torch.tensor(offsets), lengths


class BiLstmCrf(nn.Module):
    def __init__(self, vectors: np.ndarray, n_features: int):
        super().__init__()
        self.vectors = nn.Embedding.from_pretrained(torch.from_numpy(vectors), freeze=True)
        self.bag = nn.EmbeddingBag(n_features + 1, FEATURE_DIM, mode="sum", padding_idx=0)
        nn.init.normal_(self.bag.weight, std=0.1)
        self.drop = nn.Dropout(DROPOUT)
        self.lstm = nn.LSTM(2 * vectors.shape[1] + FEATURE_DIM, HIDDEN, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * HIDDEN, len(TAGS))
        self.transitions = nn.Parameter(torch.zeros(len(TAGS), len(TAGS)))
        self.start = nn.Parameter(torch.zeros(len(TAGS)))
        self.end = nn.Parameter(torch.zeros(len(TAGS)))
        inside = torch.tensor([t.startswith("I-") for t in TAGS])
        same_label = torch.tensor([[s[2:] == t[2:] for t in TAGS] for s in TAGS])
        self.register_buffer("forbidden", (inside[None, :] & ~same_label) * -1e4)  # BIO: I-X only after B-X or I-X
        self.register_buffer("forbidden_start", inside * -1e4)

    def emissions(self, words, stems, flat, offsets, lengths, feature_weights=None) -> torch.Tensor:
        bags = self.bag(flat, offsets, per_sample_weights=feature_weights).view(*words.shape, -1)
        x = self.drop(torch.cat([self.vectors(words), self.vectors(stems), bags], -1))
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        hidden, _ = nn.utils.rnn.pad_packed_sequence(self.lstm(packed)[0], batch_first=True,
                                                     total_length=words.shape[1])
        return self.out(self.drop(hidden))

    def constrained(self) -> tuple[torch.Tensor, torch.Tensor]:
        return self.transitions + self.forbidden, self.start + self.forbidden_start

    def negative_log_likelihood(self, emissions, tags, lengths) -> torch.Tensor:
        transitions, start = self.constrained()
        running = torch.arange(tags.shape[1])[None, :] < lengths[:, None]
        gold = start[tags[:, 0]] + emissions[:, 0].gather(1, tags[:, :1])[:, 0]
        alpha = start + emissions[:, 0]  # log-sum of all paths ending in each tag
        for t in range(1, tags.shape[1]):
            step = transitions[tags[:, t - 1], tags[:, t]] + emissions[:, t].gather(1, tags[:, t:t + 1])[:, 0]
            gold = gold + running[:, t] * step
            forward = torch.logsumexp(alpha[:, :, None] + transitions + emissions[:, t, None, :], 1)
            alpha = torch.where(running[:, t, None], forward, alpha)
        gold = gold + self.end[tags.gather(1, (lengths - 1)[:, None])[:, 0]]
        return (torch.logsumexp(alpha + self.end, 1) - gold).sum()


def training_tags(sentence: corpora.Sentence) -> list[int]:
    """An I- tag that follows no chunk of its label becomes B- (as the scorer reads it anyway)."""
    out, previous = [], "O"
    for _, tag in sentence:
        tag = "B-" + tag[2:] if tag.startswith("I-") and previous[2:] != tag[2:] else tag
        out.append(TAGS.index(tag))
        previous = tag
    return out


def train(sentences: list[corpora.Sentence], encoder: Encoder, vectors: np.ndarray, seed: int) -> BiLstmCrf:
    torch.manual_seed(seed)  # here, not earlier: gensim draws from these generators too
    random.seed(seed)
    started = time.time()
    encoded = [encoder.encode([normalize(t) for t, _ in s]) for s in sentences]
    tags = [torch.tensor(training_tags(s)) for s in sentences]
    model = BiLstmCrf(vectors, len(encoder.feature_ids))
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=LEARNING_RATE)
    schedule = torch.optim.lr_scheduler.ExponentialLR(optimizer, LR_DECAY)
    order = list(range(len(encoded)))
    model.train()
    for epoch in range(1, EPOCHS + 1):
        random.shuffle(order)
        total = 0.0
        for lo in range(0, len(order), BATCH):
            chosen = order[lo:lo + BATCH]
            inputs = batch([encoded[i] for i in chosen])  # the flat feature ids are inputs[2], lengths last
            keep = (torch.rand(inputs[2].shape) >= FEATURE_DROP) / (1 - FEATURE_DROP)  # drop whole sparse features
            padded_tags = nn.utils.rnn.pad_sequence([tags[i] for i in chosen], batch_first=True)
            loss = model.negative_log_likelihood(model.emissions(*inputs, keep), padded_tags, inputs[-1])
            optimizer.zero_grad()
            (loss / len(chosen)).backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimizer.step()
            total += loss.item()
        schedule.step()
        print(f"epoch {epoch}: loss {total / len(encoded):.3f} ({time.time() - started:.0f}s)", file=sys.stderr)
    return model.eval()


class BiLstmRecognizer:
    """The trained tagger as a rasd recognizer; with a `crf_weight`, the shipped CRF's label scores times it
    are added to the BiLSTM's (emissions and transitions) before one Viterbi.  Then the document step."""

    def __init__(self, model: BiLstmCrf, word_ids: dict[str, int], feature_ids: dict[str, int], crf_weight: float):
        self.model, self.crf_weight = model, crf_weight
        self.crf = crf = CrfRecognizer(MODEL_DIR) if crf_weight else None
        self.encoder = Encoder(crf.features if crf else FeatureExtractor(MODEL_DIR), word_ids, feature_ids)
        with torch.no_grad():
            transitions, start = (x.numpy() for x in model.constrained())
        self.start, self.end = start, model.end.detach().numpy()
        if crf:
            self.crf_order = [crf.scorer.labels.index(t) for t in TAGS]
            transitions = transitions + crf_weight * crf.scorer.transitions[np.ix_(self.crf_order, self.crf_order)]
        self.decoder = SimpleNamespace(labels=TAGS, transitions=transitions)  # what CrfScorer.decode reads

    def tag(self, norms: list[list[str]]) -> list[list[str]]:
        lengths = [len(s) for s in norms]
        with torch.no_grad():
            padded = self.model.emissions(*batch([self.encoder.encode(s) for s in norms])).numpy()
        scores = np.concatenate([row[:n] for row, n in zip(padded, lengths)])
        ends = np.cumsum(lengths)
        scores[ends - lengths] += self.start  # start and end scores folded into the first and last words
        scores[ends - 1] += self.end
        if self.crf:
            scores += self.crf_weight * self.crf.scorer.emissions(norms)[:, self.crf_order]
        return CrfScorer.decode(self.decoder, scores, lengths)

    def entities(self, doc):
        sentences = sentence_tokens(doc)
        if not sentences:
            return []
        norms = [[t.norm for t in tokens] for tokens in sentences]
        tagged = self.tag(norms)
        propagate_names(norms, tagged)
        return [entity for tokens, tags in zip(sentences, tagged)
                for entity in entities_from_tags(doc.text, tokens, tags, source="model")]


class Timed:
    """Adds up the CPU time of entities() (features, model, decoding, document step): the part the systems
    differ in; CPU time, so that other processes on the machine do not count."""

    def __init__(self, recognizer):
        self.recognizer, self.seconds = recognizer, 0.0

    def entities(self, doc):
        clock = time.process_time()
        found = self.recognizer.entities(doc)
        self.seconds += time.process_time() - clock
        return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--vectors", type=Path, help="word-vector cache: read if it exists, else written")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    started = time.time()
    train_part, dev = corpora.split_dev(corpora.anercorp(args.data))
    words, vectors = word_vectors(args.data, args.vectors)
    word_ids = {w: i + 1 for i, w in enumerate(words)}
    features = FeatureExtractor(MODEL_DIR)
    feature_ids = feature_vocabulary(features, train_part)
    print(f"{len(feature_ids)} features, {len(train_part)} training sentences", file=sys.stderr)
    model = train(train_part, Encoder(features, word_ids, feature_ids), vectors, args.seed)
    systems = {"shipped CRF": lambda: CrfRecognizer(MODEL_DIR),  # built when scored: cold caches for each
               "BiLSTM-CRF": lambda: BiLstmRecognizer(model, word_ids, feature_ids, 0.0),
               f"BiLSTM + {CRF_WEIGHT} x CRF": lambda: BiLstmRecognizer(model, word_ids, feature_ids, CRF_WEIGHT)}
    print(f"\nANERcorp dev block ({len(dev)} sentences as {corpora.DEV_DOCUMENT_SENTENCES}-sentence documents, "
          f"document step on), one core")
    print(f"{'system':<22}{'P':>7}{'R':>7}{'F1':>7}" + "".join(f"{label:>7}" for label in corpora.MODEL_LABELS)
          + f"{'words/s':>10}")
    for name, build in systems.items():
        seconds = []
        for _ in range(3):  # the fastest of three cold runs, as the machine may be busy with other work
            recognizer = Timed(build())
            scores = evaluate_sentences(corpora.mark_documents(dev), recognizer)
            seconds.append(recognizer.seconds)
        speed = scores["tokens"] / min(seconds)
        micro = scores["micro"]
        print(f"{name:<22}{micro['precision']:>7.3f}{micro['recall']:>7.3f}{micro['f1']:>7.3f}"
              + "".join(f"{scores['labels'][label]['f1']:>7.3f}" for label in corpora.MODEL_LABELS)
              + f"{speed:>10,.0f}")
    print(f"(per-label columns: F1; words/s: entities() per CPU-second, one thread, cold caches, best of 3; "
          f"total run {time.time() - started:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
