"""tf.keras 2 functional models with TensorFlow ops on Keras tensors (TFOpLambda / SlicingOpLambda), float64 goldens.

Written with make_models.py's .h5 writer; only the TF-op layers' inbound nodes differ from an ordinary layer's. tf.keras 2
(keras/layers/core/tf_op_layer.py, keras/engine/node.py Node.serialize) saves `x / 127.5` as a layer of class
TFOpLambda, config {"name": "tf.math.truediv", "function": "math.truediv"}, whose one inbound node is the first argument's
reference itself (the layer preserves its input structure) carrying every other argument as a keyword:
["x", 0, 0, {"y": 127.5, "name": null}]; a tensor keyword is [layer, 0, 0]; a number first argument (`1 - t`, run as
subtract(1.0, t)) is ["_CONSTANT_VALUE", -1, 1.0, {"y": ["t", 0, 0], "name": null}]; tf.concat's list of values is a
list of references, each with the kwargs; x[:, 1:, ::2] is a SlicingOpLambda with {"slice_spec": [{"start": null,
"stop": null, "step": null}, {"start": 1, ...}, ...]} and the Ellipsis {"class_name": "__ellipsis__"}. There is no
Keras 3 file: Keras 3 has no TFOpLambda.

- tfops (functional, input x (4, 6, 5), values 0..255): p = x / 127.5 - 1 (truediv, subtract with numbers);
  d = Dense 5 (p); a = d * 0.3 + 0.1 (multiply, __operators__.add); n = -(1 - a) (subtract with the number first,
  negative); r6 = relu6(d * 7.0); s = sigmoid(d) * tanh(d) (multiply of two tensors); den = reduce_mean(s, axis=1,
  keepdims=True) + 2.0 (1, 6, 5); q = d / den (truediv broadcasting (4, 6, 5) by (1, 6, 5)); u = relu(n) + r6
  (math.add of tensors); v = q - r6 (subtract of tensors); rs = reduce_sum(q, axis=[1, -1]) (6,); sm = softmax(q,
  axis=1); g1 = reshape(q[:, 1:, ::2], (-1, 9, 5)); g2 = q[..., 0] (4, 6); g3 = q[:, -1, 1:5:2, :] (2, 5);
  c = concat([q, s], axis=1) (8, 6, 5); each flattened (Keras Flatten) and joined by concat(axis=-1) -> (805,).
  TensorFlow converts a Python number to the tensor's dtype (float32(0.3)) before the op; the golden is float64.

Checked against PyTorch 1.13 (float64): the same graph with torch ops (division, relu6 as hardtanh(0, 6), softmax,
mean/sum, slicing, cat) agrees with the NumPy golden within 1e-12.

Run: /usr/bin/python3 make_tfop_models.py
"""
import json
import os

import h5py
import numpy as np
import torch
import torch.nn.functional as F

from make_axis_models import layer_cfg
from make_models import HERE, Layer, dense_config, keras2_config, write_keras2_h5

RNG = np.random.default_rng(2024)


def op_layer(name, function, node, slicing=False):
    layer = Layer("SlicingOpLambda" if slicing else "TFOpLambda", {"name": name, "trainable": True, "dtype": "float32", "function": function})
    layer.node = node
    return layer


def ref(name):
    return [name, 0, 0]


def call(first, **kwargs):
    """The node of a call whose first argument is the tensor `first` (a layer name) or a number."""
    if isinstance(first, str):
        return [first, 0, 0, kwargs]
    return ["_CONSTANT_VALUE", -1, first, kwargs]


def full():
    return {"start": None, "stop": None, "step": None}


def sl(start=None, stop=None, step=None):
    return {"start": start, "stop": stop, "step": step}


def forward(xp, x, k, b):
    """The model's formulas with array module helpers `xp` (numpy or torch in float64)."""
    is_np = xp is np
    p = x / 127.5 - 1.0
    d = p @ k + b
    a = d * 0.3 + 0.1
    n = -(1.0 - a)
    relu = (lambda t: np.maximum(t, 0)) if is_np else torch.relu
    relu6 = (lambda t: np.minimum(np.maximum(t, 0), 6)) if is_np else (lambda t: F.hardtanh(t, 0.0, 6.0))
    sigmoid = (lambda t: 1 / (1 + np.exp(-t))) if is_np else torch.sigmoid
    tanh = np.tanh if is_np else torch.tanh
    r6 = relu6(d * 7.0)
    s = sigmoid(d) * tanh(d)
    if is_np:
        den = s.mean(axis=1, keepdims=True) + 2.0
        rs_axes = (1, 3)
    else:
        den = s.mean(dim=1, keepdim=True) + 2.0
        rs_axes = (1, 3)
    q = d / den
    u = relu(n) + r6
    v = q - r6
    rs = q.sum(axis=rs_axes) if is_np else q.sum(dim=rs_axes)
    if is_np:
        e = np.exp(q - q.max(axis=1, keepdims=True))
        sm = e / e.sum(axis=1, keepdims=True)
    else:
        sm = torch.softmax(q, dim=1)
    g1 = q[:, 1:, ::2].reshape(q.shape[0], 9, 5)
    g2 = q[..., 0]
    g3 = q[:, -1, 1:5:2, :]
    c = np.concatenate([q, s], axis=1) if is_np else torch.cat([q, s], dim=1)
    parts = [n, u, v, rs, sm, g1, g2, g3, c]
    flat = [t.reshape(t.shape[0], -1) for t in parts]
    return np.concatenate(flat, axis=1) if is_np else torch.cat(flat, dim=1)


def tfops_model():
    k = (RNG.standard_normal((5, 5)) * 0.8).astype(np.float32)
    b = (RNG.standard_normal(5) * 0.3).astype(np.float32)
    x = RNG.uniform(0, 255, (3, 4, 6, 5)).astype(np.float32)
    layers = [
        Layer("InputLayer", {"batch_input_shape": [None, 4, 6, 5], "dtype": "float32", "sparse": False, "ragged": False, "name": "x"}),
        op_layer("tf.math.truediv", "math.truediv", call("x", y=127.5, name=None)),
        op_layer("tf.math.subtract", "math.subtract", call("tf.math.truediv", y=1.0, name=None)),
        Layer("Dense", dense_config("dense", 5), ["tf.math.subtract"], [("kernel", k), ("bias", b)]),
        op_layer("tf.math.multiply", "math.multiply", call("dense", y=0.3, name=None)),
        op_layer("tf.__operators__.add", "__operators__.add", call("tf.math.multiply", y=0.1, name=None)),
        op_layer("tf.math.subtract_1", "math.subtract", call(1.0, y=ref("tf.__operators__.add"), name=None)),
        op_layer("tf.math.negative", "math.negative", call("tf.math.subtract_1", name=None)),
        op_layer("tf.math.multiply_1", "math.multiply", call("dense", y=7.0, name=None)),
        op_layer("tf.nn.relu6", "nn.relu6", call("tf.math.multiply_1", name=None)),
        op_layer("tf.math.sigmoid", "math.sigmoid", call("dense", name=None)),
        op_layer("tf.math.tanh", "math.tanh", call("dense", name=None)),
        op_layer("tf.math.multiply_2", "math.multiply", call("tf.math.sigmoid", y=ref("tf.math.tanh"), name=None)),
        op_layer("tf.math.reduce_mean", "math.reduce_mean", call("tf.math.multiply_2", axis=1, keepdims=True)),
        op_layer("tf.__operators__.add_1", "__operators__.add", call("tf.math.reduce_mean", y=2.0, name=None)),
        op_layer("tf.math.truediv_1", "math.truediv", call("dense", y=ref("tf.__operators__.add_1"), name=None)),
        op_layer("tf.nn.relu", "nn.relu", call("tf.math.negative", name=None)),
        op_layer("tf.math.add", "math.add", call("tf.nn.relu", y=ref("tf.nn.relu6"), name=None)),
        op_layer("tf.math.subtract_2", "math.subtract", call("tf.math.truediv_1", y=ref("tf.nn.relu6"), name=None)),
        op_layer("tf.math.reduce_sum", "math.reduce_sum", call("tf.math.truediv_1", axis=[1, -1])),
        op_layer("tf.nn.softmax", "nn.softmax", call("tf.math.truediv_1", axis=1, name=None)),
        op_layer("tf.__operators__.getitem", "__operators__.getitem",
                 call("tf.math.truediv_1", slice_spec=[full(), sl(1), sl(step=2)]), slicing=True),
        op_layer("tf.reshape", "reshape", call("tf.__operators__.getitem", shape=[-1, 9, 5], name=None)),
        op_layer("tf.__operators__.getitem_1", "__operators__.getitem",
                 call("tf.math.truediv_1", slice_spec=[{"class_name": "__ellipsis__"}, 0]), slicing=True),
        op_layer("tf.__operators__.getitem_2", "__operators__.getitem",
                 call("tf.math.truediv_1", slice_spec=[full(), -1, sl(1, 5, 2), full()]), slicing=True),
    ]
    cat = op_layer("tf.concat", "concat", None)
    cat.node = [["tf.math.truediv_1", 0, 0, {"axis": 1, "name": "concat"}], ["tf.math.multiply_2", 0, 0, {"axis": 1, "name": "concat"}]]
    layers.append(cat)
    parts = ["tf.math.negative", "tf.math.add", "tf.math.subtract_2", "tf.math.reduce_sum", "tf.nn.softmax", "tf.reshape",
             "tf.__operators__.getitem_1", "tf.__operators__.getitem_2", "tf.concat"]
    for i, part in enumerate(parts):
        layers.append(Layer("Flatten", layer_cfg(f"flatten_{i}", data_format="channels_last"), [part]))
    out = op_layer("tf.concat_1", "concat", None)
    out.node = [[f"flatten_{i}", 0, 0, {"axis": -1, "name": "concat"}] for i in range(len(parts))]
    layers.append(out)

    y = forward(np, x.astype(np.float64), k.astype(np.float64), b.astype(np.float64))
    yt = forward(torch, torch.tensor(x, dtype=torch.float64), torch.tensor(k, dtype=torch.float64), torch.tensor(b, dtype=torch.float64))
    diff = np.abs(yt.numpy() - y).max()
    assert diff < 1e-12, diff
    print("torch float64 vs numpy:", diff)

    config = keras2_config(layers, True, "tfops", ["x"], ["tf.concat_1"])
    for entry, layer in zip(config["config"]["layers"], layers):
        if hasattr(layer, "node"):
            entry["inbound_nodes"] = [layer.node]
    write_keras2_h5(os.path.join(HERE, "tfops_k2.h5"), layers, config)
    np.savez(os.path.join(HERE, "tfops_golden.npz"), inputs=x, outputs=y)
    print("tfops inputs", x.shape, "outputs", y.shape, "range", y.min(), y.max())


if __name__ == "__main__":
    tfops_model()
