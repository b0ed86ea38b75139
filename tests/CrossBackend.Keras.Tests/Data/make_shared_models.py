"""Functional models with shared layers (one layer called several times), in Keras's own layouts, with float64 goldens.

How Keras writes a shared layer (no Keras is installable here; read from its sources):
- Config. The layer appears once in `layers`, its `inbound_nodes` holding one entry per call, in call order; a tensor
  made by call k is referenced as `[layer, k, 0]` (tf.keras 2 keras/engine/functional.py get_network_config renumbers
  the nodes the model keeps from 0, `node_conversion_map`; Keras 3 keras/src/models/functional.py get_config the same,
  `node_reindexing_map`), in `inbound_nodes` and in `output_layers` alike. `model.layers` (the config's order) lists
  the layer once, at the depth of its deepest call (`_map_graph_network` / Keras 3 `map_graph`).
- Weights. The layer is one object with one set of variables: tf.keras 2 saves one group `model_weights/<layer>`,
  Keras 3 one group `layers/<class>[_k]` numbered once in `model.layers` order.

Models:
- siamese: inputs [ta, tb] (5 tokens each); emb = Embedding(9, 4, mask_zero=True), enc = Dense(3, tanh) and
  pool = GlobalAveragePooling1D, each called on both branches (each call with its own mask: the masked mean of its
  branch); diff = Subtract([pool@0, pool@1]); head = Dense(2)(diff); outputs [head, pool@1] (an output made by a
  shared layer's second call).
- cycle: x (3,); a = Dense(3, tanh), b = Dense(3, relu); y = a(b(a(x))): a's second call reads b, which reads a's first
  call, so `model.layers` lists a before b though a's second call comes after b; outputs [a@1].

Goldens: input_<i>, output_<j> in the config's order. Checked before writing against real PyTorch 1.13 in float64.

Run: /usr/bin/python3 make_shared_models.py
"""
import io
import json
import os

import h5py
import numpy as np
import torch
import torch.nn.functional as F

import keras_reference as kr
from make_models import HERE, dense_config, keras3_dtype, snake, write_keras3

RNG = np.random.default_rng(5403)


def f32(*shape, scale=0.5):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def f64(a):
    return np.asarray(a, np.float64)


class Shared:
    """A layer and its calls: each call a list of (layer, node) references."""

    def __init__(self, class_name, config, calls=(), weights=()):
        self.class_name, self.config, self.calls, self.weights = class_name, config, list(calls), list(weights)

    @property
    def name(self):
        return self.config["name"]


def input_layer(name, shape, dtype="float32"):
    return Shared("InputLayer", {"batch_input_shape": [None, *shape], "dtype": dtype, "sparse": False, "ragged": False,
                                 "name": name})


def k2_config(name, layers, inputs, outputs):
    entries = []
    for l in layers:
        entries.append({"class_name": l.class_name, "config": dict(l.config), "name": l.name,
                        "inbound_nodes": [[[n, k, 0, {}] for n, k in call] for call in l.calls]})
    return {"class_name": "Functional", "config": {
        "name": name, "layers": entries, "input_layers": [[n, 0, 0] for n in inputs],
        "output_layers": [[n, k, 0] for n, k in outputs]}}


def write_k2(path, layers, config):
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"2.11.0"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(config).encode()
        g = f.create_group("model_weights")
        g.attrs["layer_names"] = np.array([l.name.encode() for l in layers])
        g.attrs["backend"] = b"tensorflow"
        g.attrs["keras_version"] = b"2.11.0"
        for l in sorted(layers, key=lambda l: l.name):
            lg = g.create_group(l.name)
            names = [f"{l.name}/{short}:0" for short, _ in l.weights]
            lg.attrs["weight_names"] = np.array([s.encode() for s in names]) if names else np.array([])
            for n, (_, value) in zip(names, l.weights):
                lg.create_dataset(n, data=value)


def k3_config(name, layers, inputs, outputs, shapes):
    entries = []
    for l in layers:
        if l.class_name == "InputLayer":
            entries.append({"module": "keras.layers", "class_name": "InputLayer", "registered_name": None,
                            "config": {"batch_shape": l.config["batch_input_shape"], "dtype": l.config["dtype"],
                                       "sparse": False, "name": l.name}, "name": l.name, "inbound_nodes": []})
            continue
        config = keras3_dtype(l.config)
        config.pop("input_length", None)
        nodes = []
        for call in l.calls:
            tensors = [{"class_name": "__keras_tensor__", "config": {
                "shape": shapes[(n, k)], "dtype": "float32", "keras_history": [n, k, 0]}} for n, k in call]
            nodes.append({"args": [tensors[0] if len(tensors) == 1 else tensors], "kwargs": {}})
        first = [shapes[r] for r in l.calls[0]]
        entries.append({"module": "keras.layers", "class_name": l.class_name, "config": config, "registered_name": None,
                        "build_config": {"input_shape": first[0] if len(first) == 1 else first},
                        "name": l.name, "inbound_nodes": nodes})
    outs = [[n, k, 0] for n, k in outputs]
    return {"module": "keras", "class_name": "Functional", "config": {
        "name": name, "trainable": True, "layers": entries,
        "input_layers": [inputs[0], 0, 0] if len(inputs) == 1 else [[n, 0, 0] for n in inputs],
        "output_layers": outs[0] if len(outs) == 1 else outs},
        "registered_name": "Functional", "build_config": {"input_shape": None}, "compile_config": None}


def k3_weights(layers):
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        f.create_group("vars")
        used = {}
        for l in layers:
            name = snake(l.class_name)
            if name in used:
                used[name] += 1
                name = f"{name}_{used[name]}"
            else:
                used[name] = 0
            g = f.create_group(f"layers/{name}/vars")
            for i, (_, value) in enumerate(l.weights):
                g.create_dataset(str(i), data=value)
        f.create_group("optimizer/vars")
    return buffer.getvalue()


def save(stem, layers, inputs, outputs, shapes, golden):
    write_k2(os.path.join(HERE, f"{stem}_k2.h5"), layers, k2_config(stem, layers, inputs, outputs))
    write_keras3(os.path.join(HERE, f"{stem}.keras"), k3_config(stem, layers, inputs, outputs, shapes), k3_weights(layers))
    np.savez(os.path.join(HERE, f"{stem}_golden.npz"), **golden)
    print(stem, {k: v.shape for k, v in golden.items()})


def t(a):
    return torch.from_numpy(f64(a))


def siamese_model():
    table = f32(9, 4, scale=1.0)
    k1, b1 = f32(4, 3), f32(3, scale=0.1)
    k2, b2 = f32(3, 2), f32(2, scale=0.1)
    emb_cfg = {"name": "emb", "trainable": True, "dtype": "float32", "input_dim": 9, "output_dim": 4,
               "embeddings_initializer": {"class_name": "RandomUniform", "config": {"minval": -0.05, "maxval": 0.05, "seed": None}},
               "embeddings_regularizer": None, "activity_regularizer": None, "embeddings_constraint": None,
               "mask_zero": True, "input_length": 5}
    layers = [
        input_layer("ta", (5,), "int32"),
        input_layer("tb", (5,), "int32"),
        Shared("Embedding", emb_cfg, [[("ta", 0)], [("tb", 0)]], [("embeddings", table)]),
        Shared("Dense", dense_config("enc", 3, "tanh"), [[("emb", 0)], [("emb", 1)]], [("kernel", k1), ("bias", b1)]),
        Shared("GlobalAveragePooling1D", {"name": "pool", "trainable": True, "dtype": "float32",
                                          "data_format": "channels_last", "keepdims": False}, [[("enc", 0)], [("enc", 1)]]),
        Shared("Subtract", {"name": "diff", "trainable": True, "dtype": "float32"}, [[("pool", 0), ("pool", 1)]]),
        Shared("Dense", dense_config("head", 2), [[("diff", 0)]], [("kernel", k2), ("bias", b2)]),
    ]
    ta = np.array([[3, 5, 1, 0, 0], [0, 0, 2, 8, 4], [3, 0, 5, 0, 1], [1, 2, 3, 4, 5]], np.int32)
    tb = np.array([[7, 7, 0, 0, 0], [6, 2, 8, 1, 3], [0, 4, 0, 4, 0], [5, 4, 3, 0, 0]], np.int32)

    def branch(ids):
        m = ids != 0
        h = np.tanh(kr.dense(f64(table)[ids], k1, b1))
        return (h * m[..., None]).sum(1) / m.sum(1, keepdims=True)

    def torch_branch(ids):
        m = torch.from_numpy(ids != 0).double()[..., None]
        h = torch.tanh(F.linear(t(table)[torch.from_numpy(ids).long()], t(k1).T, t(b1)))
        return (h * m).sum(1) / m.sum(1)

    p0, p1 = branch(ta), branch(tb)
    head = kr.dense(p0 - p1, k2, b2)
    theirs = [F.linear(torch_branch(ta) - torch_branch(tb), t(k2).T, t(b2)).numpy(), torch_branch(tb).numpy()]
    for a, b in zip([head, p1], theirs):
        assert np.allclose(a, b, rtol=1e-12, atol=1e-12), np.abs(a - b).max()
    shapes = {("ta", 0): [None, 5], ("tb", 0): [None, 5], ("emb", 0): [None, 5, 4], ("emb", 1): [None, 5, 4],
              ("enc", 0): [None, 5, 3], ("enc", 1): [None, 5, 3], ("pool", 0): [None, 3], ("pool", 1): [None, 3],
              ("diff", 0): [None, 3]}
    save("siamese", layers, ["ta", "tb"], [("head", 0), ("pool", 1)], shapes,
         {"input_0": ta, "input_1": tb, "output_0": head, "output_1": p1})


def cycle_model():
    ka, ba = f32(3, 3), f32(3, scale=0.1)
    kb, bb = f32(3, 3), f32(3, scale=0.1)
    layers = [
        input_layer("x", (3,)),
        Shared("Dense", dense_config("a", 3, "tanh"), [[("x", 0)], [("b", 0)]], [("kernel", ka), ("bias", ba)]),
        Shared("Dense", dense_config("b", 3, "relu"), [[("a", 0)]], [("kernel", kb), ("bias", bb)]),
    ]
    x = f32(4, 3, scale=1.0)
    a = lambda v: np.tanh(kr.dense(v, ka, ba))
    y = a(kr.relu(kr.dense(a(f64(x)), kb, bb)))
    ta = lambda v: torch.tanh(F.linear(v, t(ka).T, t(ba)))
    ty = ta(torch.relu(F.linear(ta(t(x)), t(kb).T, t(bb))))
    assert np.allclose(y, ty.numpy(), rtol=1e-12, atol=1e-12)
    shapes = {("x", 0): [None, 3], ("a", 0): [None, 3], ("b", 0): [None, 3], ("a", 1): [None, 3]}
    save("cycle", layers, ["x"], [("a", 1)], shapes, {"input_0": x, "output_0": y})


if __name__ == "__main__":
    siamese_model()
    cycle_model()
