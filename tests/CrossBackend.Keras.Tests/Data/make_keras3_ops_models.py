"""Keras 3 functional models with ops on Keras tensors (x * 0.3, 0.3 - x, ops.mean(...), x[:, 1:5:2] ...), float64 goldens.

Keras 3 saves such an op as a node of the functional config with the op's own class and module (keras/src/models/
functional.py get_config serializes every operation; serialize_node writes {"args", "kwargs"} through
saving/serialization_lib.py serialize_keras_object):
  {"module": "keras.src.ops.numpy", "class_name": "Multiply", "config": {"name": "multiply"},
   "registered_name": "Multiply", "name": "multiply",
   "inbound_nodes": [{"args": [<__keras_tensor__ of d>, 0.3], "kwargs": {}}]}
- the operator methods of keras/src/backend/common/keras_tensor.py pass the tensor where Python put it: `0.3 - d` is
  Subtract()(0.3, d) (args [0.3, d]), `1 / t` TrueDivide()(1, t), `-d` Negative()(d), `d[key]` GetItem()(d, key);
- an op's constructor arguments are its config (keras/src/ops/operation.py Operation.__new__ _auto_config): ops.mean(d,
  axis=1, keepdims=True) is Mean(axis=1, keepdims=True)(d), saved {"axis": 1, "keepdims": true, "name": "mean"};
  ops.clip {"x_min", "x_max"}, ops.reshape {"newshape"}, ops.transpose {"axes"}, ops.expand_dims {"axis"},
  ops.concatenate {"axis"} with args [[t1, t2, ...]], ops.softmax {"axis"}, ops.cast {"dtype": "float32"};
- a NumPy array argument is {"class_name": "__numpy__", "config": {"value": tolist(), "dtype": "float32"}}; a tuple key
  a list of {"class_name": "__slice__", "config": {"start", "stop", "step"}}, {"class_name": "__ellipsis__",
  "config": {}} and ints. Ops are not layers: model.weights.h5 has no group for them (saving_lib walks model.layers).

Models (inputs batch 3, Keras 3.6.0 archives):
- k3ops_mixed: x (4, 6, 5) in [-2, 2] -> d = Dense 5; m = d * 0.3; e = Dense 5 (x); s = m + e; Dense 3 -> (4, 6, 3).
- k3ops_math: x (4, 6, 5) -> d = Dense 5; 0.3 - d; 1 / (abs(d) + 0.5) (an int 1 first); d / 0.7 (TrueDivide);
  ops.divide(d, 0.3); -d; exp(0.1 * d) (number first); log(square(d) + 0.1); sqrt(abs(d)); maximum(d, 0.1);
  minimum(0.3, d); maximum(exp, sqrt) (two tensors); clip(d, -0.3, 0.7); relu(0.3 - d); sigmoid(d); tanh(d);
  softmax(d, axis=1); relu6(d * 4); d - mean(d, axis=1, keepdims=True) (two tensors broadcasting (4, 6, 5) by
  (1, 6, 5)); d * c5 (a float32 (5,) array); c61 - d (a float32 (6, 1) array first); sum(d, axis=(1, -1));
  mean(d, axis=2); each ops.reshape(t, (-1, n)), then ops.concatenate(axis=1) -> (20 · 120 + 6 + 20 = 2426,).
- k3ops_shape: x (6, 5) -> d = Dense 4 (6, 4); transpose(d, (0, 2, 1)) (4, 6); expand_dims(., -1) (4, 6, 1) -> Conv2D
  3 filters 2x2 valid (3, 5, 3); expand_dims(d, 1) (1, 6, 4); d[:, 1:5:2]; d[..., ::-1]; d[:, -1]; conv[:, ::-1, 1];
  reshape(d, (-1, 3, 8)); each reshape(t, (-1, n)), concatenate(axis=-1) -> (45 + 24 + 8 + 24 + 4 + 9 + 24 = 138,).
- k3ops_cast: x int32 (7,) in [-300, 300] -> ops.cast(x, "float32") -> Dense 3 -> (3,).

NumPy float64 with the constants as written (float32 arrays as their float32 values), each model checked against the
same graph in PyTorch 1.13 float64 before writing.

Run: /usr/bin/python3 make_keras3_ops_models.py
"""
import io
import json
import os
import zipfile

import h5py
import numpy as np
import torch

from make_models import HERE, conv_config, dense_config, keras3_dtype, snake
from make_tfop_preprocess_models import conv_np, conv_torch

RNG = np.random.default_rng(3303)
F32 = np.float32


class Graph:
    """A Keras 3 functional config being written: layers, ops, the shapes of their outputs and the layers' weights."""

    def __init__(self, name):
        self.name, self.entries, self.shapes, self.weights = name, [], {}, []

    def tensor(self, name):
        return {"class_name": "__keras_tensor__",
                "config": {"shape": [None, *self.shapes[name]], "dtype": "float32", "keras_history": [name, 0, 0]}}

    def input(self, name, shape, dtype="float32"):
        self.shapes[name] = list(shape)
        self.entries.append({"module": "keras.layers", "class_name": "InputLayer",
                             "config": {"batch_shape": [None, *shape], "dtype": dtype, "sparse": False, "name": name},
                             "registered_name": None, "name": name, "inbound_nodes": []})
        self.weights.append(("InputLayer", []))

    def layer(self, class_name, config, source, shape, weights=()):
        name = config["name"]
        self.entries.append({"module": "keras.layers", "class_name": class_name, "config": keras3_dtype(config),
                             "registered_name": None, "build_config": {"input_shape": [None, *self.shapes[source]]},
                             "name": name, "inbound_nodes": [{"args": [self.tensor(source)], "kwargs": {}}]})
        self.shapes[name] = list(shape)
        self.weights.append((class_name, list(weights)))

    def op(self, module, class_name, name, args, shape, **config):
        """An op node; args hold layer names (str) for tensors, lists of names, or constants as Keras serializes them."""
        def arg(a):
            if isinstance(a, str):
                return self.tensor(a)
            if isinstance(a, list) and a and all(isinstance(v, str) for v in a):
                return [self.tensor(v) for v in a]
            return a
        self.entries.append({"module": f"keras.src.ops.{module}", "class_name": class_name,
                             "config": {**config, "name": name}, "registered_name": class_name, "name": name,
                             "inbound_nodes": [{"args": [arg(a) for a in args], "kwargs": {}}]})
        self.shapes[name] = list(shape)

    def save(self, outputs, x, y):
        config = {"module": "keras", "class_name": "Functional", "registered_name": "Functional",
                  "config": {"name": self.name, "trainable": True, "layers": self.entries,
                             "input_layers": [self.entries[0]["name"], 0, 0], "output_layers": [outputs, 0, 0]},
                  "build_config": {"input_shape": None}, "compile_config": None}
        buffer = io.BytesIO()
        with h5py.File(buffer, "w") as f:
            f.create_group("vars")
            used = {}
            for class_name, weights in self.weights:   # model.layers order; ops are not layers
                group = snake(class_name)
                if group in used:
                    used[group] += 1
                    group = f"{group}_{used[group]}"
                else:
                    used[group] = 0
                vars_group = f.create_group(f"layers/{group}/vars")
                for i, value in enumerate(weights):
                    vars_group.create_dataset(str(i), data=value)
            f.create_group("optimizer/vars")
        with zipfile.ZipFile(os.path.join(HERE, f"{self.name}.keras"), "w") as z:
            z.writestr("metadata.json", json.dumps({"keras_version": "3.6.0", "date_saved": "2026-12-06@23:50:00"}))
            z.writestr("config.json", json.dumps(config))
            z.writestr("model.weights.h5", buffer.getvalue())
        np.savez(os.path.join(HERE, f"{self.name}_golden.npz"), inputs=x, outputs=y)
        print(self.name, "inputs", x.shape, x.dtype, "outputs", y.shape, "range", y.min(), y.max())


def numpy(value):
    return {"class_name": "__numpy__", "config": {"value": value.tolist(), "dtype": str(value.dtype)}}


def sl(start=None, stop=None, step=None):
    return {"class_name": "__slice__", "config": {"start": start, "stop": stop, "step": step}}


ELLIPSIS = {"class_name": "__ellipsis__", "config": {}}


def dense_weights(n_in, n_out, scale=0.8):
    return (RNG.standard_normal((n_in, n_out)) * scale).astype(F32), (RNG.standard_normal(n_out) * 0.3).astype(F32)


def check(name, forward, args):
    y = forward(np, *[a.astype(np.float64) for a in args])
    yt = forward(torch, *[torch.tensor(a.astype(np.float64)) for a in args]).numpy()
    diff = np.abs(yt - y).max()
    assert diff < 1e-12, diff
    print(name, "torch float64 vs numpy:", diff)
    return y


def mixed_model():
    x = RNG.uniform(-2, 2, (3, 4, 6, 5)).astype(F32)
    (k1, b1), (k2, b2), (k3, b3) = dense_weights(5, 5), dense_weights(5, 5), dense_weights(5, 3)
    g = Graph("k3ops_mixed")
    g.input("x", [4, 6, 5])
    g.layer("Dense", dense_config("dense", 5), "x", [4, 6, 5], [k1, b1])
    g.op("numpy", "Multiply", "multiply", ["dense", 0.3], [4, 6, 5])
    g.layer("Dense", dense_config("dense_1", 5), "x", [4, 6, 5], [k2, b2])
    g.op("numpy", "Add", "add", ["multiply", "dense_1"], [4, 6, 5])
    g.layer("Dense", dense_config("dense_2", 3), "add", [4, 6, 3], [k3, b3])

    def forward(xp, x, k1, b1, k2, b2, k3, b3):
        return ((x @ k1 + b1) * 0.3 + (x @ k2 + b2)) @ k3 + b3

    y = check("mixed", forward, (x, k1, b1, k2, b2, k3, b3))
    g.save("dense_2", x, y)


C5 = np.array([0.1, -0.3, 0.7, 0.2, -0.1], dtype=F32)
C61 = np.array([[0.3], [-0.7], [1.1], [0.1], [-0.3], [0.5]], dtype=F32)


def math_forward(xp, x, k, b, c5, c61):
    t = (lambda v: v) if xp is np else (lambda v: torch.tensor(v, dtype=torch.float64))
    maximum, minimum = (np.maximum, np.minimum) if xp is np else (torch.maximum, torch.minimum)
    d = x @ k + b
    a = xp.abs(d)
    e = xp.exp(0.1 * d)
    s = xp.sqrt(a)
    sub = 0.3 - d
    mean1 = d.mean(axis=1, keepdims=True) if xp is np else d.mean(dim=1, keepdim=True)
    parts = [
        sub, 1 / (a + 0.5), d / 0.7, d / 0.3, -d, e, xp.log(xp.square(d) + 0.1), s,
        maximum(d, t(0.1)), minimum(t(0.3), d), maximum(e, s), minimum(maximum(d, t(-0.3)), t(0.7)),
        maximum(sub, t(0.0)), 1 / (1 + xp.exp(-d)), xp.tanh(d),
        xp.exp(d - (d.max(axis=1, keepdims=True) if xp is np else d.max(dim=1, keepdim=True).values)),
        minimum(maximum(d * 4, t(0.0)), t(6.0)), d - mean1, d * c5, c61 - d,
        d.sum(axis=(1, 3)) if xp is np else d.sum(dim=(1, 3)),
        d.mean(axis=2) if xp is np else d.mean(dim=2),
    ]
    sm = parts[15]
    parts[15] = sm / (sm.sum(axis=1, keepdims=True) if xp is np else sm.sum(dim=1, keepdim=True))
    flat = [p.reshape(p.shape[0], -1) for p in parts]
    return np.concatenate(flat, axis=1) if xp is np else torch.cat(flat, dim=1)


def math_model():
    x = RNG.uniform(-2, 2, (3, 4, 6, 5)).astype(F32)
    k, b = dense_weights(5, 5)
    g = Graph("k3ops_math")
    s = [4, 6, 5]
    g.input("x", s)
    g.layer("Dense", dense_config("dense", 5), "x", s, [k, b])
    parts = []

    def op(module, cls, name, args, shape=s, keep=True, **config):
        g.op(module, cls, name, args, shape, **config)
        if keep:
            parts.append(name)

    op("numpy", "Subtract", "subtract", [0.3, "dense"])
    op("numpy", "Absolute", "absolute", ["dense"], keep=False)
    op("numpy", "Add", "add", ["absolute", 0.5], keep=False)
    op("numpy", "TrueDivide", "true_divide", [1, "add"])
    op("numpy", "TrueDivide", "true_divide_1", ["dense", 0.7])
    op("numpy", "Divide", "divide", ["dense", 0.3])
    op("numpy", "Negative", "negative", ["dense"])
    op("numpy", "Multiply", "multiply", [0.1, "dense"], keep=False)
    op("numpy", "Exp", "exp", ["multiply"])
    op("numpy", "Square", "square", ["dense"], keep=False)
    op("numpy", "Add", "add_1", ["square", 0.1], keep=False)
    op("numpy", "Log", "log", ["add_1"])
    op("numpy", "Sqrt", "sqrt", ["absolute"])
    op("numpy", "Maximum", "maximum", ["dense", 0.1])
    op("numpy", "Minimum", "minimum", [0.3, "dense"])
    op("numpy", "Maximum", "maximum_1", ["exp", "sqrt"])
    op("numpy", "Clip", "clip", ["dense"], x_min=-0.3, x_max=0.7)
    op("nn", "Relu", "relu", ["subtract"])
    op("nn", "Sigmoid", "sigmoid", ["dense"])
    op("numpy", "Tanh", "tanh", ["dense"])
    op("nn", "Softmax", "softmax", ["dense"], axis=1)
    op("numpy", "Multiply", "multiply_1", ["dense", 4], keep=False)
    op("nn", "Relu6", "relu6", ["multiply_1"])
    op("numpy", "Mean", "mean", ["dense"], shape=[1, 6, 5], keep=False, axis=1, keepdims=True)
    op("numpy", "Subtract", "subtract_1", ["dense", "mean"])
    op("numpy", "Multiply", "multiply_2", ["dense", numpy(C5)])
    op("numpy", "Subtract", "subtract_2", [numpy(C61), "dense"])
    op("numpy", "Sum", "sum", ["dense"], shape=[6], axis=[1, -1], keepdims=False)
    op("numpy", "Mean", "mean_1", ["dense"], shape=[4, 5], axis=2, keepdims=False)
    flat = []
    for i, p in enumerate(parts):
        n = int(np.prod(g.shapes[p]))
        g.op("numpy", "Reshape", f"reshape_{i}", [p], [n], newshape=[-1, n])
        flat.append(f"reshape_{i}")
    total = sum(g.shapes[f][0] for f in flat)
    g.op("numpy", "Concatenate", "concatenate", [flat], [total], axis=1)
    y = check("math", math_forward, (x, k, b, C5, C61))
    assert y.shape == (3, total), (y.shape, total)
    g.save("concatenate", x, y)


def shape_forward(xp, x, k, b, kc, bc):
    d = x @ k + b                                   # (n, 6, 4)
    t = d.transpose(0, 2, 1) if xp is np else d.permute(0, 2, 1)
    e = t[..., None]                                # (n, 4, 6, 1)
    conv = conv_np(e, kc, bc) if xp is np else torch.tensor(conv_torch(e.numpy(), kc.numpy(), bc.numpy()))
    e1 = d[:, None]                                 # (n, 1, 6, 4)
    flip = d[..., ::-1] if xp is np else d.flip(-1)
    cflip = conv[:, ::-1, 1] if xp is np else conv.flip(1)[:, :, 1]
    parts = [conv, e1, d[:, 1:5:2], flip, d[:, -1], cflip, d.reshape(d.shape[0], 3, 8)]
    flat = [p.reshape(p.shape[0], -1) for p in parts]
    return np.concatenate(flat, axis=1) if xp is np else torch.cat(flat, dim=1)


def shape_model():
    x = RNG.uniform(-2, 2, (3, 6, 5)).astype(F32)
    k, b = dense_weights(5, 4)
    kc = (RNG.standard_normal((2, 2, 1, 3)) * 0.6).astype(F32)
    bc = (RNG.standard_normal(3) * 0.2).astype(F32)
    g = Graph("k3ops_shape")
    g.input("x", [6, 5])
    g.layer("Dense", dense_config("dense", 4), "x", [6, 4], [k, b])
    g.op("numpy", "Transpose", "transpose", ["dense"], [4, 6], axes=[0, 2, 1])
    g.op("numpy", "ExpandDims", "expand_dims", ["transpose"], [4, 6, 1], axis=-1)
    g.layer("Conv2D", conv_config("conv2d", 3, (2, 2)), "expand_dims", [3, 5, 3], [kc, bc])
    g.op("numpy", "ExpandDims", "expand_dims_1", ["dense"], [1, 6, 4], axis=1)
    g.op("numpy", "GetItem", "get_item", ["dense", [sl(), sl(1, 5, 2)]], [2, 4])
    g.op("numpy", "GetItem", "get_item_1", ["dense", [ELLIPSIS, sl(None, None, -1)]], [6, 4])
    g.op("numpy", "GetItem", "get_item_2", ["dense", [sl(), -1]], [4])
    g.op("numpy", "GetItem", "get_item_3", ["conv2d", [sl(), sl(None, None, -1), 1]], [3, 3])
    g.op("numpy", "Reshape", "reshape", ["dense"], [3, 8], newshape=[-1, 3, 8])
    parts = ["conv2d", "expand_dims_1", "get_item", "get_item_1", "get_item_2", "get_item_3", "reshape"]
    flat = []
    for i, p in enumerate(parts):
        n = int(np.prod(g.shapes[p]))
        g.op("numpy", "Reshape", f"reshape_{i + 1}", [p], [n], newshape=[-1, n])
        flat.append(f"reshape_{i + 1}")
    total = sum(g.shapes[f][0] for f in flat)
    g.op("numpy", "Concatenate", "concatenate", [flat], [total], axis=-1)
    y = check("shape", shape_forward, (x, k, b, kc, bc))
    assert y.shape == (3, total), (y.shape, total)
    g.save("concatenate", x, y)


def cast_model():
    x = RNG.integers(-300, 301, (4, 7)).astype(np.int32)
    k, b = dense_weights(7, 3, scale=0.05)
    g = Graph("k3ops_cast")
    g.input("x", [7], dtype="int32")
    g.op("core", "Cast", "cast", ["x"], [7], dtype="float32")
    g.layer("Dense", dense_config("dense", 3), "cast", [3], [k, b])
    y = check("cast", lambda xp, x, k, b: x @ k + b, (x, k, b))
    g.save("dense", x, y)


if __name__ == "__main__":
    mixed_model()
    math_model()
    shape_model()
    cast_model()
