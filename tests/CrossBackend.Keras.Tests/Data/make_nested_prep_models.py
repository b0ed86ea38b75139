"""Preprocessing layers inside a nested model called twice, in Keras's own file layouts, with float64 goldens.

The interaction of three features: a nested model (make_nested_models.py's writers: tf.keras 2 `.h5` groups in
`_legacy_weights` order, Keras 3 `layers/<class>[_k]/layers/...`), Keras's preprocessing layers (Rescaling, an adapted
Normalization whose mean/variance/count are created with trainable=False, keras/src/layers/preprocessing/normalization.py
build and tf.keras 2's alike), and a shared call (the nested model on two inputs, one set of weights).

nested_prep: inputs x, x2 (5, 4, 3) -> prep = Sequential[Rescaling(0.3, -0.1) (`rescaling`), Normalization(axis=-1,
adapted) (`normalization`), Dense 4 relu (`dense`), BatchNormalization eps 0.1 (`batch_normalization`)] called on x and
on x2 -> Subtract(prep(x), prep(x2)) -> GlobalAveragePooling2D -> Dense 2 (`dense`); outputs [dense, prep(x2)].
The tf.keras 2 group `prep` of a trainable nested model lists dense kernel/bias, BN gamma/beta, then Normalization's
mean, variance, count and BN's moving statistics (trainable first); `nested_prep_frozen_k2.h5` (prep.trainable = False)
lists them layer by layer: mean, variance, count, kernel, bias, gamma, beta, moving mean, moving variance. Mean and
variance have one shape, so a swap would only show in the numbers.

Goldens: input_0, input_1, output_0, output_1; checked before writing against real PyTorch 1.13 in float64.
Run: /usr/bin/python3 make_nested_prep_models.py
"""
import numpy as np
import torch
import torch.nn.functional as F

import keras_reference as kr
import make_nested_models as nm
from make_models import Layer, bn_config, dense_config

RNG = np.random.default_rng(5490)


def f32(*shape, scale=0.5):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def cfg(name, **kw):
    return {"name": name, "trainable": True, "dtype": "float32", **kw}


def nested_prep_model():
    mean, var = f32(3, scale=0.4), RNG.uniform(0.05, 0.9, 3).astype(np.float32)
    count = np.int64(600)
    k1, b1 = f32(3, 4), f32(4, scale=0.1)
    g, be, m = 1 + f32(4, scale=0.2), f32(4, scale=0.2), f32(4, scale=0.3)
    v = RNG.uniform(0.05, 0.8, 4).astype(np.float32)
    k2, b2 = f32(4, 2), f32(2, scale=0.1)
    prep = nm.Model("Sequential", "prep", [
        nm.input_layer("input_2", (5, 4, 3)),
        Layer("Rescaling", cfg("rescaling", scale=0.3, offset=-0.1)),
        Layer("Normalization", cfg("normalization", axis=[-1], invert=False, mean=None, variance=None),
              weights=[("mean", mean), ("variance", var), ("count", count)]),
        Layer("Dense", dense_config("dense", 4, "relu"), weights=[("kernel", k1), ("bias", b1)]),
        Layer("BatchNormalization", bn_config("batch_normalization", epsilon=0.1), weights=[
            ("gamma", g), ("beta", be), ("moving_mean", m), ("moving_variance", v)]),
    ], calls=[["x"], ["x2"]])
    model = nm.Model("Functional", "nested_prep", [
        nm.input_layer("x", (5, 4, 3)),
        nm.input_layer("x2", (5, 4, 3)),
        prep,
        Layer("Subtract", {"name": "diff", "trainable": True, "dtype": "float32"}, [("prep", 0, 0), ("prep", 0, 1)]),
        Layer("GlobalAveragePooling2D", cfg("gap", data_format="channels_last", keepdims=False), ["diff"]),
        Layer("Dense", dense_config("dense", 2), ["gap"], [("kernel", k2), ("bias", b2)]),
    ], inputs=["x", "x2"], outputs=["dense", ("prep", 0, 1)])
    x, x2 = f32(3, 5, 4, 3, scale=4.0), f32(3, 5, 4, 3, scale=4.0)

    def prep_fn(a):
        h = nm.f64(a) * 0.3 + (-0.1)
        h = (h - nm.f64(mean)) / np.maximum(np.sqrt(nm.f64(var)), 1e-7)
        return kr.batch_norm(kr.relu(kr.dense(h, k1, b1)), g, be, m, v, 0.1)

    def torch_prep(a):
        h = (nm.t(a) * 0.3 - 0.1 - nm.t(mean)) / torch.sqrt(nm.t(var))
        h = torch.relu(F.linear(h, nm.t(k1).T, nm.t(b1)))
        return F.batch_norm(h.reshape(-1, 4), nm.t(m), nm.t(v), nm.t(g), nm.t(be), False, 0.0, 0.1).reshape(h.shape)

    pa, pb = prep_fn(x), prep_fn(x2)
    y = kr.dense((pa - pb).mean(axis=(1, 2)), k2, b2)
    ty = F.linear((torch_prep(x) - torch_prep(x2)).mean(dim=(1, 2)), nm.t(k2).T, nm.t(b2))
    nm.check([y, pb], [ty.numpy(), torch_prep(x2).numpy()])
    shapes = {"x": [None, 5, 4, 3], "x2": [None, 5, 4, 3], "prep": [None, 5, 4, 4], "diff": [None, 5, 4, 4], "gap": [None, 4],
              "prep/input_2": [None, 5, 4, 3], "prep/rescaling": [None, 5, 4, 3], "prep/normalization": [None, 5, 4, 3],
              "prep/dense": [None, 5, 4, 4], "prep/batch_normalization": [None, 5, 4, 4]}
    nm.save("nested_prep", model, shapes, {"input_0": x, "input_1": x2, "output_0": y, "output_1": pb},
            k2_variants={"_k2": True, "_frozen_k2": False})


if __name__ == "__main__":
    nested_prep_model()
