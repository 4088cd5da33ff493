"""Running a built encoder graph with onnxruntime on CPU: one thread per worker, batches of similar
length, and a bound on the tokens in one call so memory stays flat whatever the input.

The graph's input is word-embedding rows, read here from the wheel's memory-mapped 4-bit table
(`E5File.word_rows`): only the rows of the tokens at hand are dequantised, so the 96M-weight table costs
no resident memory beyond the pages touched.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from rasd.nlp.encoder.e5file import E5File
from rasd.nlp.encoder.onnx_graph import INPUT_EMBEDDINGS, INPUT_MASK

MAX_BATCH_TOKENS = 2048  # padded tokens per onnxruntime call: about 25 MB of activations at most


class EncoderRuntime:
    """`run(sequences)`: the graph's output for each sequence of token ids, [len(ids), width] each."""

    def __init__(self, model_file: Path, e5: E5File, threads: int = 1, max_batch_tokens: int = MAX_BATCH_TOKENS):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.enable_cpu_mem_arena = False  # an arena keeps the largest batch's memory for good
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # the tokenizer too: one thread per worker
        self.session = ort.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])
        self.e5 = e5
        self.max_batch_tokens = max_batch_tokens

    def run(self, sequences: list[list[int]]) -> list[np.ndarray]:
        outputs: list[np.ndarray | None] = [None] * len(sequences)
        order = sorted(range(len(sequences)), key=lambda i: len(sequences[i]))
        start = 0
        while start < len(order):
            end = start + 1
            while end < len(order) and (end - start + 1) * len(sequences[order[end]]) <= self.max_batch_tokens:
                end += 1
            batch = [sequences[i] for i in order[start:end]]
            length = len(batch[-1])
            ids = np.full((len(batch), length), self.e5.pad_id, dtype=np.int64)
            mask = np.zeros((len(batch), length), dtype=np.int64)
            for row, sequence in enumerate(batch):
                ids[row, :len(sequence)] = sequence
                mask[row, :len(sequence)] = 1
            result = self.session.run(None, {INPUT_EMBEDDINGS: self.e5.word_rows(ids), INPUT_MASK: mask})[0]
            for row, i in enumerate(order[start:end]):
                outputs[i] = result[row, :len(sequences[i])]
            start = end
        return outputs
