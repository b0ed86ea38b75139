"""Models that use a model as a layer (nested models), in Keras's own file layouts, with float64 goldens.

How Keras writes a nested model (read from Keras's sources; no Keras is installable here):
- Config. The outer functional model lists the nested model as one layer entry whose `config` is the nested model's
  own config (`class_name` "Sequential" or "Functional"), with the outer `name` and `inbound_nodes`
  (tf.keras 2 keras/engine/functional.py get_network_config; Keras 3 keras/src/models/functional.py get_config).
  A Sequential inside a Sequential is one entry of its `layers`. Node indices: tf.keras 2 numbers the call of a model
  built on an Input 1 (`_should_skip_first_node`: its own node 0 links its inputs to its outputs; Sequential is a
  Functional there), so the outer config reads `["base", 1, 0, {}]`; Keras 3 does so for Functional only (its
  Sequential is not a Functional subclass): `["tower", 1, k]`, `["base", 0, 0]`. A call's keyword `training=False`
  rides on the reference (tf.keras 2 `[..., {"training": false}]`, Keras 3 `"kwargs": {"training": false}`).
- tf.keras 2 `.h5` (keras/saving/legacy/hdf5_format.py save_weights_to_hdf5_group): `model_weights` lists the
  outer model's layers; the nested model is one group named after it whose `weight_names` list every inner variable
  in `_legacy_weights(model)` order — `trainable_weights + non_trainable_weights` — with datasets at
  `model_weights/<nested>/<inner layer>/<var>:0`. A trainable nested model lists every kernel and bias (and BN's
  gamma/beta) first and the BatchNormalization moving statistics last; a frozen one (`base.trainable = False`, which
  sets every inner layer's `trainable` false in the config) lists them layer by layer.
- Keras 3 `.keras` (keras/src/saving/saving_lib.py `_save_state` / `_walk_saveable` / `_save_container_state`): the
  nested model's group is numbered by its class among the outer layers (`layers/sequential`, `layers/functional`),
  with an empty `vars`, and its own layers below it, numbered per class among its layers:
  `layers/sequential/layers/conv2d/vars/0`, `layers/functional/layers/sequential/layers/dense/vars/0`.

Models (inner layer names repeat outer ones on purpose: each model names its own layers):
- nested: the transfer-learning shape — input (8, 8, 3) -> base = Sequential[Conv2D 4 3x3 "same" relu (`conv2d`),
  BatchNormalization (`batch_normalization`), Conv2D 6 3x3 stride 2 "valid" (`conv2d_1`), Dense 5 relu (`dense`)]
  called with training=False -> GlobalAveragePooling2D -> Dropout -> Dense 3 softmax (`dense`).
  `nested_k2.h5` has base frozen (variables layer by layer), `nested_trainable_k2.h5` trainable (moving statistics
  last); `nested.keras` as Keras 3.6.0 writes it.
- nested_multi: inputs [feat (6,), seq (4, 3)]; pre = Dense 6 tanh (feat); tower = Functional(inputs [x (6,), s (4, 3)],
  mlp = Sequential[Dense 5 relu (`dense`), Dense 4 tanh (`dense_1`)] (x), ds = Dense 3 (s) -> GlobalAveragePooling1D,
  Concatenate -> out_a = Dense 3, out_b = Dense 2; outputs [out_a, out_b]) called on [pre, seq]; head = Dense 2
  (`dense`) on tower output 1; outputs [head, tower output 0]. A model nested two deep, two inputs and two outputs.
- nested_seq: Sequential[InputLayer (5,), block = Sequential[BatchNormalization, Dense 4 relu (`dense`)],
  Dense 2 (`dense`)]: a Sequential inside a Sequential (trainable: BN's moving statistics last in the tf.keras 2
  group).
- nested_mask: tokens (6,) -> Embedding(9, 4, mask_zero=True) -> enc = Sequential[Dense 3 tanh] ->
  GlobalAveragePooling1D (mean over the unmasked steps: the mask enters the nested model and leaves it through its
  Dense, as Keras's Functional.call sets it on the inner inputs) -> Dense 2.

Goldens: input_<i>, output_<j> in the config's order. Checked before writing against real PyTorch 1.13 in float64
(F.conv2d on the "same"-padded input, F.batch_norm, F.linear, adaptive pooling, masked mean).

Run: /usr/bin/python3 make_nested_models.py
"""
import io
import json
import os

import h5py
import numpy as np
import torch
import torch.nn.functional as F

import keras_reference as kr
from make_models import (HERE, Layer, bn_config, conv_config, dense_config, keras3_dtype, snake, write_keras3)

RNG = np.random.default_rng(5402)
POLICY = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": None}


def f32(*shape, scale=0.5):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def f64(a):
    return np.asarray(a, np.float64)


class Model:
    """A Sequential or Functional model; used as a layer when it has `inbound` (tensors: name or (name, k))."""

    def __init__(self, kind, name, layers, inputs=None, outputs=None, inbound=(), trainable=True, training=None, calls=None):
        self.class_name, self.layers, self.inputs, self.outputs = kind, layers, inputs, outputs
        self.config = {"name": name}
        self.inbound, self.trainable, self.training = list(inbound), trainable, training
        self.calls = calls or ([self.inbound] if self.inbound else [])

    @property
    def name(self):
        return self.config["name"]

    @property
    def weights(self):
        return []


def input_layer(name, shape, dtype="float32"):
    return Layer("InputLayer", {"batch_input_shape": [None, *shape], "dtype": dtype, "sparse": False, "ragged": False,
                                "name": name})


def ref(r):
    """A reference: a name, (name, tensor) or (name, tensor, call) of a model called several times."""
    r = (r,) if isinstance(r, str) else tuple(r)
    return r + (0,) * (3 - len(r))


def calls_of(layer):
    return getattr(layer, "calls", None) or ([layer.inbound] if layer.inbound else [])


def frozen(layer, trainable):
    if isinstance(layer, Model):
        layer.trainable = trainable
        for inner in layer.layers:
            frozen(inner, trainable)
    else:
        layer.config = dict(layer.config, trainable=trainable)


# ---- tf.keras 2 --------------------------------------------------------------------------------------------------

def k2_node_index(layer):
    # A model built on an Input keeps its own node 0: its call in another model is node 1.
    return 1 if isinstance(layer, Model) else 0


def k2_model_config(model):
    by_name = {l.name: l for l in model.layers}
    functional = model.class_name == "Functional"
    entries = []
    for l in model.layers:
        entry = {"class_name": l.class_name, "config": k2_model_config(l) if isinstance(l, Model) else dict(l.config)}
        if functional:
            entry["name"] = l.name
            kwargs = {"training": l.training} if isinstance(l, Model) and l.training is not None else {}
            entry["inbound_nodes"] = [[[n, k2_node_index(by_name[n]) + c, k, kwargs] for n, k, c in map(ref, call)]
                                      for call in calls_of(l)]
        entries.append(entry)
    config = {"name": model.name, "layers": entries}
    if functional:
        config["input_layers"] = [[n, 0, 0] for n in model.inputs]
        config["output_layers"] = [[n, k2_node_index(by_name[n]) + c, k] for n, k, c in map(ref, model.outputs)]
    return config


def k2_variables(layer):
    """(trainable, non-trainable) [(weight name, value)] as tf.keras 2's trainable_weights / non_trainable_weights."""
    if isinstance(layer, Model):
        t, n = [], []
        for inner in layer.layers:
            ti, ni = k2_variables(inner)
            if layer.trainable:
                t += ti
                n += ni
            else:
                n += ti + ni
        return t, n
    # Created with trainable=False: BatchNormalization's moving statistics, Normalization's adapted mean/variance/count.
    named = [(f"{layer.name}/{short}:0", v, short in ("moving_mean", "moving_variance", "mean", "variance", "count"))
             for short, v in layer.weights]
    if not layer.config.get("trainable", True):
        return [], [(n, v) for n, v, _ in named]
    return [(n, v) for n, v, frozen_var in named if not frozen_var], [(n, v) for n, v, frozen_var in named if frozen_var]


def write_k2(path, model):
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"2.11.0"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps({"class_name": model.class_name, "config": k2_model_config(model)}).encode()
        g = f.create_group("model_weights")
        # model.layers: a Sequential's leaves its InputLayer out.
        layers = [l for l in model.layers if not (model.class_name == "Sequential" and l.class_name == "InputLayer")]
        g.attrs["layer_names"] = np.array([l.name.encode() for l in layers])
        g.attrs["backend"] = b"tensorflow"
        g.attrs["keras_version"] = b"2.11.0"
        for l in sorted(layers, key=lambda l: l.name):
            lg = g.create_group(l.name)
            t, n = k2_variables(l)
            names = [name for name, _ in t + n]
            lg.attrs["weight_names"] = np.array([s.encode() for s in names]) if names else np.array([])
            for name, value in t + n:
                lg.create_dataset(name, data=value)


# ---- Keras 3 -----------------------------------------------------------------------------------------------------

def k3_node_index(layer):
    return 1 if isinstance(layer, Model) and layer.class_name == "Functional" else 0


def k3_input_entry(l):
    return {"module": "keras.layers", "class_name": "InputLayer", "registered_name": None,
            "config": {"batch_shape": l.config["batch_input_shape"], "dtype": l.config["dtype"], "sparse": False,
                       "name": l.name}}


def shape_of(shapes, prefix, n, k=0):
    s = shapes.get(prefix + n, shapes.get(n))
    return s[k] if isinstance(s[0], list) else s


def k3_entry(l, shapes, prefix, previous=None):
    """A layer as Keras 3 serializes it; `previous`: the layer before it in a Sequential (its input)."""
    if l.class_name == "InputLayer":
        return k3_input_entry(l)
    sources = [ref(previous)] if previous else list(map(ref, calls_of(l)[0]))
    in_shape = [shape_of(shapes, prefix, n, k) for n, k, _ in sources]
    build = {"input_shape": in_shape[0] if len(in_shape) == 1 else in_shape}
    if isinstance(l, Model):
        functional = l.class_name == "Functional"
        return {"module": "keras.src.models.functional" if functional else "keras", "class_name": l.class_name,
                "config": k3_model_config(l, shapes, f"{prefix}{l.name}/"), "registered_name": "Functional" if functional else None,
                "build_config": build}
    config = keras3_dtype(l.config)
    config.pop("input_length", None)   # tf.keras 2's Embedding argument; Keras 3's config has none
    return {"module": "keras.layers", "class_name": l.class_name, "config": config, "registered_name": None,
            "build_config": build}


def k3_model_config(model, shapes, prefix=""):
    by_name = {l.name: l for l in model.layers}
    functional = model.class_name == "Functional"
    entries = []
    for i, l in enumerate(model.layers):
        entry = k3_entry(l, shapes, prefix, None if functional or i == 0 else model.layers[i - 1].name)
        if functional:
            entry["name"] = l.name
            kwargs = {"training": l.training} if isinstance(l, Model) and l.training is not None else {}
            entry["inbound_nodes"] = []
            for call in calls_of(l):
                tensors = [{"class_name": "__keras_tensor__", "config": {
                    "shape": shape_of(shapes, prefix, n, k), "dtype": "float32",
                    "keras_history": [n, k3_node_index(by_name[n]) + c, k]}} for n, k, c in map(ref, call)]
                entry["inbound_nodes"].append({"args": [tensors[0] if len(tensors) == 1 else tensors], "kwargs": kwargs})
        entries.append(entry)
    config = {"name": model.name, "trainable": model.trainable, "layers": entries}
    if functional:
        config["input_layers"] = [model.inputs[0], 0, 0] if len(model.inputs) == 1 else [[n, 0, 0] for n in model.inputs]
        outs = [[n, k3_node_index(by_name[n]) + c, k] for n, k, c in map(ref, model.outputs)]
        config["output_layers"] = outs[0] if len(outs) == 1 else outs
    else:
        config["dtype"] = POLICY
        config["build_input_shape"] = model.layers[0].config["batch_input_shape"]
    return config


def k3_save_layers(f, path, model):
    """saving_lib: each layer of the model's `layers` (a Sequential's without its InputLayer) numbered per class."""
    used = {}
    for l in model.layers:
        if model.class_name == "Sequential" and l.class_name == "InputLayer":
            continue
        name = snake(l.class_name)
        if name in used:
            used[name] += 1
            name = f"{name}_{used[name]}"
        else:
            used[name] = 0
        vars_group = f.create_group(f"{path}/{name}/vars")
        for i, (_, value) in enumerate(l.weights):
            vars_group.create_dataset(str(i), data=value)
        if isinstance(l, Model):
            k3_save_layers(f, f"{path}/{name}/layers", l)


def write_k3(path, model, shapes):
    config = {"module": "keras", "class_name": model.class_name, "config": k3_model_config(model, shapes),
              "registered_name": "Functional" if model.class_name == "Functional" else None,
              "build_config": {"input_shape": None}, "compile_config": None}
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        f.create_group("vars")
        k3_save_layers(f, "layers", model)
        f.create_group("optimizer/vars")
    write_keras3(path, config, buffer.getvalue())


def save(stem, model, shapes, golden, k2_variants=None):
    for suffix, trainable in (k2_variants or {"_k2": None}).items():
        if trainable is not None:
            for l in model.layers:
                if isinstance(l, Model):
                    frozen(l, trainable)
        write_k2(os.path.join(HERE, f"{stem}{suffix}.h5"), model)
    write_k3(os.path.join(HERE, f"{stem}.keras"), model, shapes)
    np.savez(os.path.join(HERE, f"{stem}_golden.npz"), **golden)
    print(stem, {k: v.shape for k, v in golden.items()})


def check(ours, theirs, tol=1e-12):
    for a, b in zip(ours, theirs):
        assert np.allclose(a, b, rtol=tol, atol=tol), np.abs(a - b).max()


def t(a):
    return torch.from_numpy(f64(a))


# ---- models ------------------------------------------------------------------------------------------------------

def nested_model():
    k1, b1 = f32(3, 3, 3, 4), f32(4, scale=0.1)
    g, be, m = 1 + f32(4, scale=0.2), f32(4, scale=0.2), f32(4, scale=0.3)
    v = RNG.uniform(0.05, 0.8, 4).astype(np.float32)
    k2, b2 = f32(3, 3, 4, 6, scale=0.3), f32(6, scale=0.1)
    k3, b3 = f32(6, 5), f32(5, scale=0.1)
    k4, b4 = f32(5, 3), f32(3, scale=0.1)
    base = Model("Sequential", "base", [
        input_layer("input_2", (8, 8, 3)),
        Layer("Conv2D", conv_config("conv2d", 4, (3, 3), padding="same", activation="relu"), weights=[("kernel", k1), ("bias", b1)]),
        Layer("BatchNormalization", bn_config("batch_normalization", axis=(3,)), weights=[
            ("gamma", g), ("beta", be), ("moving_mean", m), ("moving_variance", v)]),
        Layer("Conv2D", conv_config("conv2d_1", 6, (3, 3), (2, 2)), weights=[("kernel", k2), ("bias", b2)]),
        Layer("Dense", dense_config("dense", 5, "relu"), weights=[("kernel", k3), ("bias", b3)]),
    ], inbound=["input_1"], training=False)
    model = Model("Functional", "nested", [
        input_layer("input_1", (8, 8, 3)),
        base,
        Layer("GlobalAveragePooling2D", {"name": "global_average_pooling2d", "trainable": True, "dtype": "float32",
                                         "data_format": "channels_last", "keepdims": False}, ["base"]),
        Layer("Dropout", {"name": "dropout", "trainable": True, "dtype": "float32", "rate": 0.2, "noise_shape": None,
                          "seed": None}, ["global_average_pooling2d"]),
        Layer("Dense", dense_config("dense", 3, "softmax"), ["dropout"], [("kernel", k4), ("bias", b4)]),
    ], inputs=["input_1"], outputs=["dense"])
    x = f32(3, 8, 8, 3, scale=1.0)
    h = kr.batch_norm(kr.relu(kr.conv2d(x, k1, b1, (1, 1), "same")), g, be, m, v, 0.001)
    h = kr.relu(kr.dense(kr.conv2d(h, k2, b2, (2, 2), "valid"), k3, b3))
    y = kr.softmax(kr.dense(h.mean(axis=(1, 2)), k4, b4))
    # PyTorch: NCHW, symmetric padding 1 is TF "same" for a 3x3 kernel at stride 1.
    th = F.relu(F.conv2d(t(x).permute(0, 3, 1, 2), t(k1).permute(3, 2, 0, 1), t(b1), padding=1))
    th = F.batch_norm(th, t(m), t(v), t(g), t(be), False, 0.0, 0.001)
    th = F.conv2d(th, t(k2).permute(3, 2, 0, 1), t(b2), stride=2).permute(0, 2, 3, 1)
    th = F.relu(F.linear(th, t(k3).T, t(b3))).permute(0, 3, 1, 2)
    ty = torch.softmax(F.linear(F.adaptive_avg_pool2d(th, 1).flatten(1), t(k4).T, t(b4)), dim=-1)
    check([y], [ty.numpy()])
    shapes = {"input_1": [None, 8, 8, 3], "base": [None, 3, 3, 5], "global_average_pooling2d": [None, 5],
              "dropout": [None, 5], "base/input_2": [None, 8, 8, 3], "base/conv2d": [None, 8, 8, 4],
              "base/batch_normalization": [None, 8, 8, 4], "base/conv2d_1": [None, 3, 3, 6]}
    save("nested", model, shapes, {"input_0": x, "output_0": y},
         k2_variants={"_k2": False, "_trainable_k2": True})


def nested_multi_model():
    kp, bp = f32(6, 6), f32(6, scale=0.1)
    k5, b5 = f32(6, 5), f32(5, scale=0.1)
    k4, b4 = f32(5, 4), f32(4, scale=0.1)
    ks, bs = f32(3, 3), f32(3, scale=0.1)
    ka, ba = f32(7, 3), f32(3, scale=0.1)
    kb, bb = f32(7, 2), f32(2, scale=0.1)
    kh, bh = f32(2, 2), f32(2, scale=0.1)
    mlp = Model("Sequential", "mlp", [
        input_layer("input_3", (6,)),
        Layer("Dense", dense_config("dense", 5, "relu"), weights=[("kernel", k5), ("bias", b5)]),
        Layer("Dense", dense_config("dense_1", 4, "tanh"), weights=[("kernel", k4), ("bias", b4)]),
    ], inbound=["x"])
    tower = Model("Functional", "tower", [
        input_layer("x", (6,)),
        input_layer("s", (4, 3)),
        mlp,
        Layer("Dense", dense_config("ds", 3), ["s"], [("kernel", ks), ("bias", bs)]),
        Layer("GlobalAveragePooling1D", {"name": "gap", "trainable": True, "dtype": "float32",
                                         "data_format": "channels_last", "keepdims": False}, ["ds"]),
        Layer("Concatenate", {"name": "cat", "trainable": True, "dtype": "float32", "axis": -1}, ["mlp", "gap"]),
        Layer("Dense", dense_config("out_a", 3), ["cat"], [("kernel", ka), ("bias", ba)]),
        Layer("Dense", dense_config("out_b", 2), ["cat"], [("kernel", kb), ("bias", bb)]),
    ], inputs=["x", "s"], outputs=["out_a", "out_b"], inbound=["pre", "seq"])
    model = Model("Functional", "nested_multi", [
        input_layer("feat", (6,)),
        input_layer("seq", (4, 3)),
        Layer("Dense", dense_config("pre", 6, "tanh"), ["feat"], [("kernel", kp), ("bias", bp)]),
        tower,
        Layer("Dense", dense_config("dense", 2), [("tower", 1)], [("kernel", kh), ("bias", bh)]),
    ], inputs=["feat", "seq"], outputs=["dense", ("tower", 0)])
    feat, seq = f32(3, 6, scale=1.0), f32(3, 4, 3, scale=1.0)

    def forward(feat, seq, dense, tanh, relu, cat):
        pre = tanh(dense(feat, kp, bp))
        c = cat([tanh(dense(relu(dense(pre, k5, b5)), k4, b4)), dense(seq, ks, bs).mean(1)])
        return [dense(dense(c, kb, bb), kh, bh), dense(c, ka, ba)]

    ours = forward(f64(feat), f64(seq), kr.dense, np.tanh, kr.relu, lambda xs: np.concatenate(xs, -1))
    theirs = forward(t(feat), t(seq), lambda x, k, b: F.linear(x, t(k).T, t(b)), torch.tanh, torch.relu,
                     lambda xs: torch.cat(xs, -1))
    check(ours, [a.numpy() for a in theirs])
    shapes = {"feat": [None, 6], "seq": [None, 4, 3], "pre": [None, 6], "x": [None, 6], "s": [None, 4, 3],
              "mlp": [None, 4], "ds": [None, 4, 3], "gap": [None, 3], "cat": [None, 7], "out_a": [None, 3],
              "out_b": [None, 2], "tower": [[None, 3], [None, 2]], "tower/mlp/input_3": [None, 6],
              "tower/mlp/dense": [None, 5]}
    golden = {"input_0": feat, "input_1": seq, "output_0": ours[0], "output_1": ours[1]}
    save("nested_multi", model, shapes, golden)


def nested_seq_model():
    g, be, m = 1 + f32(5, scale=0.2), f32(5, scale=0.2), f32(5, scale=0.3)
    v = RNG.uniform(0.05, 0.8, 5).astype(np.float32)
    k1, b1 = f32(5, 4), f32(4, scale=0.1)
    k2, b2 = f32(4, 2), f32(2, scale=0.1)
    block = Model("Sequential", "block", [
        input_layer("input_2", (5,)),
        Layer("BatchNormalization", bn_config("batch_normalization", epsilon=0.3), weights=[
            ("gamma", g), ("beta", be), ("moving_mean", m), ("moving_variance", v)]),
        Layer("Dense", dense_config("dense", 4, "relu"), weights=[("kernel", k1), ("bias", b1)]),
    ])
    model = Model("Sequential", "nested_seq", [
        input_layer("input_1", (5,)),
        block,
        Layer("Dense", dense_config("dense", 2), weights=[("kernel", k2), ("bias", b2)]),
    ])
    x = f32(4, 5, scale=1.0)
    y = kr.dense(kr.relu(kr.dense(kr.batch_norm(x, g, be, m, v, 0.3), k1, b1)), k2, b2)
    ty = F.linear(F.relu(F.linear(F.batch_norm(t(x), t(m), t(v), t(g), t(be), False, 0.0, 0.3), t(k1).T, t(b1))), t(k2).T, t(b2))
    check([y], [ty.numpy()])
    shapes = {"input_1": [None, 5], "block": [None, 4], "block/input_2": [None, 5],
              "block/batch_normalization": [None, 5]}
    save("nested_seq", model, shapes, {"input_0": x, "output_0": y})


def nested_mask_model():
    table = f32(9, 4, scale=1.0)
    k1, b1 = f32(4, 3), f32(3, scale=0.1)
    k2, b2 = f32(3, 2), f32(2, scale=0.1)
    enc = Model("Sequential", "enc", [
        input_layer("input_2", (6, 4)),
        Layer("Dense", dense_config("dense", 3, "tanh"), weights=[("kernel", k1), ("bias", b1)]),
    ], inbound=["embedding"])
    embed_cfg = {"name": "embedding", "trainable": True, "dtype": "float32", "input_dim": 9, "output_dim": 4,
                 "embeddings_initializer": {"class_name": "RandomUniform", "config": {"minval": -0.05, "maxval": 0.05, "seed": None}},
                 "embeddings_regularizer": None, "activity_regularizer": None, "embeddings_constraint": None,
                 "mask_zero": True, "input_length": 6}
    model = Model("Functional", "nested_mask", [
        input_layer("tokens", (6,), "int32"),
        Layer("Embedding", embed_cfg, ["tokens"], [("embeddings", table)]),
        enc,
        Layer("GlobalAveragePooling1D", {"name": "gap", "trainable": True, "dtype": "float32",
                                         "data_format": "channels_last", "keepdims": False}, ["enc"]),
        Layer("Dense", dense_config("dense", 2), ["gap"], [("kernel", k2), ("bias", b2)]),
    ], inputs=["tokens"], outputs=["dense"])
    ids = np.array([[3, 5, 1, 7, 0, 0], [0, 0, 2, 8, 4, 6], [3, 0, 5, 0, 1, 7], [1, 2, 3, 4, 5, 6]], np.int32)
    mask = ids != 0
    h = np.tanh(kr.dense(f64(table)[ids], k1, b1))
    pooled = (h * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
    y = kr.dense(pooled, k2, b2)
    th = torch.tanh(F.linear(t(table)[torch.from_numpy(ids).long()], t(k1).T, t(b1)))
    tm = torch.from_numpy(mask).double()[..., None]
    ty = F.linear((th * tm).sum(1) / tm.sum(1), t(k2).T, t(b2))
    check([y], [ty.numpy()])
    unmasked = kr.dense(h.mean(1), k2, b2)
    assert np.abs(unmasked - y).max() > 0.05, "the mask must matter"
    shapes = {"tokens": [None, 6], "embedding": [None, 6, 4], "enc": [None, 6, 3], "gap": [None, 3],
              "enc/input_2": [None, 6, 4]}
    save("nested_mask", model, shapes, {"input_0": ids, "output_0": y})


def nested_shared_model():
    k1, b1 = f32(4, 5), f32(5, scale=0.1)
    g, be, m = 1 + f32(5, scale=0.2), f32(5, scale=0.2), f32(5, scale=0.3)
    v = RNG.uniform(0.05, 0.8, 5).astype(np.float32)
    k2, b2 = f32(5, 3), f32(3, scale=0.1)
    k3, b3 = f32(3, 1), f32(1, scale=0.1)
    tower = Model("Sequential", "tower", [
        input_layer("input_3", (4,)),
        Layer("Dense", dense_config("dense", 5, "relu"), weights=[("kernel", k1), ("bias", b1)]),
        Layer("BatchNormalization", bn_config("batch_normalization", epsilon=0.1), weights=[
            ("gamma", g), ("beta", be), ("moving_mean", m), ("moving_variance", v)]),
        Layer("Dense", dense_config("dense_1", 3, "tanh"), weights=[("kernel", k2), ("bias", b2)]),
    ], calls=[["a"], ["b"]])
    model = Model("Functional", "nested_shared", [
        input_layer("a", (4,)),
        input_layer("b", (4,)),
        tower,
        Layer("Subtract", {"name": "diff", "trainable": True, "dtype": "float32"}, [("tower", 0, 0), ("tower", 0, 1)]),
        Layer("Dense", dense_config("dense", 1, "sigmoid"), ["diff"], [("kernel", k3), ("bias", b3)]),
    ], inputs=["a", "b"], outputs=["dense", ("tower", 0, 1)])
    a, b = f32(4, 4, scale=1.0), f32(4, 4, scale=1.0)

    def tower_fn(x):
        return np.tanh(kr.dense(kr.batch_norm(kr.relu(kr.dense(x, k1, b1)), g, be, m, v, 0.1), k2, b2))

    def torch_tower(x):
        h = F.batch_norm(torch.relu(F.linear(t(x), t(k1).T, t(b1))), t(m), t(v), t(g), t(be), False, 0.0, 0.1)
        return torch.tanh(F.linear(h, t(k2).T, t(b2)))

    ta, tb = tower_fn(f64(a)), tower_fn(f64(b))
    y = kr.sigmoid(kr.dense(ta - tb, k3, b3))
    ty = torch.sigmoid(F.linear(torch_tower(a) - torch_tower(b), t(k3).T, t(b3)))
    check([y, tb], [ty.numpy(), torch_tower(b).numpy()])
    shapes = {"a": [None, 4], "b": [None, 4], "tower": [None, 3], "diff": [None, 3], "tower/input_3": [None, 4],
              "tower/dense": [None, 5], "tower/batch_normalization": [None, 5]}
    save("nested_shared", model, shapes, {"input_0": a, "input_1": b, "output_0": y, "output_1": tb})


if __name__ == "__main__":
    nested_model()
    nested_multi_model()
    nested_seq_model()
    nested_mask_model()
    nested_shared_model()
