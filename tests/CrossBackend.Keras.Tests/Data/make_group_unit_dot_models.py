"""GroupNormalization, UnitNormalization and the Dot merge layer, with float64 NumPy goldens.

Written with make_models.py's writers (Keras's exact layouts, see its docstring); this script only adds files. Each
model is saved as a tf.keras 2 full-model .h5 (keras_version 2.11.0) and a Keras 3 .keras (3.6.0). The goldens are
float64 NumPy of Keras's formulas (TensorFlow backend), checked here against real PyTorch 1.13 before writing.

- group_unit_norm (Sequential): Input (4, 6, 6) -> UnitNormalization(axis=-1) -> GroupNormalization(groups=3, axis=-1,
  epsilon=0.1) -> Dense 6 -> GroupNormalization(groups=2, axis=1, epsilon=0.3, center=False) ->
  GroupNormalization(groups=3, axis=-2, scale=False) (default epsilon 1e-3) -> UnitNormalization(axis=[1, 2]).
  Input item 1's row (h 2, w 3) holds values near 1e-7, whose squared sum (~6e-14) is below UnitNormalization's 1e-12:
  that row comes out as x * 1e6 (rsqrt(max(sum, 1e-12))), not as a unit vector.
  GroupNormalization (keras/src/layers/normalization/group_normalization.py; tf.keras 2.11
  keras/layers/normalization/group_normalization.py): the axis of length C is split into `groups` contiguous blocks of
  C / groups (reshape (..., C) -> (..., groups, C / groups) at the axis); mean and biased variance per item and group
  over every other non-batch axis (tf.nn.moments: mean, then the mean of squared differences); inv = rsqrt(var + eps)
  * gamma, out = x * inv + (beta - mean * inv) (Keras 3 writes it so; tf.keras 2 calls tf.nn.batch_normalization, the
  same arrangement). gamma and beta have C values. Both Kerases save `axis` as the int given.
  UnitNormalization (keras/src/layers/normalization/unit_normalization.py: x * rsqrt(max(sum(x^2, axis), 1e-12));
  tf.keras 2: tf.linalg.l2_normalize, the same). tf.keras 2 saves `axis` as a list of positive axes (build runs
  tf_utils.validate_axis), Keras 3 as given.
- dot (functional): Input x (4, 6); a = Dense 5 (x); b = Dense 5 tanh (x); p = Permute (2, 1) (b) (5, 4);
  g = GlobalAveragePooling1D (a) (5,); h = GlobalMaxPooling1D (b) (5,);
  d1 = Dot(axes=(2, 2))([a, b]) (4, 4); d2 = Dot(axes=1, normalize=True)([a, b]) (5, 5);
  d3 = Dot(axes=-1)([g, h]) (1,) (two rank-2 inputs give (batch, 1)); d4 = Dot(axes=(1, -1), normalize=True)([g, a])
  (4,); d5 = Dot(axes=[-1, 1])([a, p]) (4, 4); each flattened, then Concatenate -> (62,).
  keras/src/layers/merging/dot.py (tf.keras 2 keras/layers/merging/dot.py and keras/backend.py batch_dot, the same):
  negative axes are taken modulo each input's rank (batch counted); normalize L2-normalizes each input along its dot
  axis first (tf.keras 2: tf.linalg.l2_normalize, rsqrt(max(sum, 1e-12)); Keras 3.6+: x * min(rsqrt(sum), 1 / 1e-7) -
  the same numbers here, no vector is that small); batch_dot's output is x's other axes, then y's other axes
  (batch excluded), (batch, 1) when none is left.

Checked against PyTorch 1.13 (float64): GroupNormalization against F.group_norm with Keras's axis moved to dimension 1
(channels-first; PyTorch forms the same contiguous groups, uses the biased variance and (x - mean) / sqrt(var + eps);
its default eps is 1e-5, Keras's 1e-3, so eps is passed); UnitNormalization against x / max(norm, eps) on rows well
above the epsilon (F.normalize clamps the norm at eps, Keras the squared sum at 1e-12: they differ only below that);
Dot against torch.einsum.

Run: /usr/bin/python3 make_group_unit_dot_models.py
"""
import os

import numpy as np
import torch
import torch.nn.functional as F

import keras_reference as kr
from make_axis_models import layer_cfg, save
from make_models import HERE, Layer, dense_config, save_all

RNG = np.random.default_rng(54)


def f32(*shape, scale=0.7):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def f64(a):
    return np.asarray(a, np.float64)


# ---- Keras semantics in float64 ----------------------------------------------------------------------------------

def group_norm(x, groups, axis, gamma, beta, epsilon):
    """GroupNormalization.call: split the axis into contiguous groups, moments over all non-batch axes but the group
    axis, inv = rsqrt(var + eps) * gamma, x * inv + (beta - mean * inv)."""
    x = f64(x)
    axis = axis % x.ndim
    c = x.shape[axis]
    shape = list(x.shape)
    shape[axis:axis + 1] = [groups, c // groups]
    g = x.reshape(shape)
    reduce = tuple(d for d in range(1, g.ndim) if d != axis)
    mean = g.mean(axis=reduce, keepdims=True)
    var = ((g - mean) ** 2).mean(axis=reduce, keepdims=True)
    bshape = [1] * g.ndim
    bshape[axis:axis + 2] = [groups, c // groups]
    inv = 1.0 / np.sqrt(var + epsilon)
    if gamma is not None:
        inv = inv * f64(gamma).reshape(bshape)
    res = -mean * inv
    if beta is not None:
        res = res + f64(beta).reshape(bshape)
    return (g * inv + res).reshape(x.shape)


def unit_norm(x, axes):
    """UnitNormalization.call / tf.linalg.l2_normalize: x * rsqrt(max(sum(x^2, axes), 1e-12))."""
    x = f64(x)
    s = (x * x).sum(axis=tuple(axes), keepdims=True)
    return x / np.sqrt(np.maximum(s, 1e-12))


def batch_dot(x, y, axes, normalize=False):
    """Dot._merge_function + batch_dot: axes (batch counted), negative modulo each rank; output x's other axes then
    y's other axes, (batch, 1) when none is left."""
    x, y = f64(x), f64(y)
    a0, a1 = axes[0] % x.ndim, axes[1] % y.ndim
    assert a0 != 0 and a1 != 0
    if normalize:
        x, y = unit_norm(x, [a0]), unit_norm(y, [a1])
    xm = np.moveaxis(x, a0, -1)
    ym = np.moveaxis(y, a1, 1)
    xs = xm.reshape(len(x), -1, xm.shape[-1])
    ys = ym.reshape(len(y), ym.shape[1], -1)
    out = np.matmul(xs, ys).reshape((len(x),) + xm.shape[1:-1] + ym.shape[2:])
    return out if out.ndim > 1 else out.reshape(len(x), 1)


def check_against_torch():
    x = RNG.standard_normal((3, 4, 6, 6)) * 2 + 1
    g, b = RNG.standard_normal(6), RNG.standard_normal(6)
    for axis, groups in [(-1, 3), (1, 2), (-2, 3), (2, 2)]:
        length = x.shape[axis]
        gg, bb = g[:length], b[:length]
        ours = group_norm(x, groups, axis, gg, bb, 0.1)
        t = torch.from_numpy(x).movedim(axis % 4, 1)
        theirs = F.group_norm(t, groups, torch.from_numpy(gg.copy()), torch.from_numpy(bb.copy()), 0.1).movedim(1, axis % 4).numpy()
        assert np.allclose(ours, theirs, rtol=1e-12, atol=1e-12), (axis, np.abs(ours - theirs).max())
    # UnitNormalization against F.normalize away from the epsilon.
    for axes in [[3], [1, 2]]:
        ours = unit_norm(x, axes)
        flat = torch.from_numpy(np.moveaxis(x, axes, list(range(4 - len(axes), 4))).copy())
        theirs = F.normalize(flat.reshape(*flat.shape[:4 - len(axes)], -1), dim=-1, eps=1e-6).reshape(flat.shape).numpy()
        theirs = np.moveaxis(theirs, list(range(4 - len(axes), 4)), axes)
        assert np.allclose(ours, theirs, rtol=1e-12, atol=1e-13), np.abs(ours - theirs).max()
    # Dot against einsum.
    a, bb, p = RNG.standard_normal((2, 4, 5)), RNG.standard_normal((2, 4, 5)), RNG.standard_normal((2, 5, 4))
    ta, tb, tp = (torch.from_numpy(v) for v in (a, bb, p))
    assert np.allclose(batch_dot(a, bb, (2, 2)), torch.einsum("bik,bjk->bij", ta, tb).numpy(), rtol=1e-12, atol=1e-12)
    assert np.allclose(batch_dot(a, bb, (1, 1)), torch.einsum("bki,bkj->bij", ta, tb).numpy(), rtol=1e-12, atol=1e-12)
    assert np.allclose(batch_dot(a, p, (-1, 1)), torch.einsum("bik,bkj->bij", ta, tp).numpy(), rtol=1e-12, atol=1e-12)
    v, w = RNG.standard_normal((2, 5)), RNG.standard_normal((2, 5))
    assert batch_dot(v, w, (-1, -1)).shape == (2, 1)
    assert np.allclose(batch_dot(v, w, (-1, -1))[:, 0], (v * w).sum(1), rtol=1e-12)
    assert np.allclose(batch_dot(v, a, (1, -1)), torch.einsum("bk,bjk->bj", torch.from_numpy(v), ta).numpy(), rtol=1e-12)
    n = batch_dot(a, bb, (1, 1), normalize=True)
    cos = F.cosine_similarity(ta[:, :, :, None], tb[:, :, None, :], dim=1).numpy()
    assert np.allclose(n, cos, rtol=1e-12, atol=1e-12), np.abs(n - cos).max()


# ---- files ---------------------------------------------------------------------------------------------------

def initializer(name):
    return {"class_name": name, "config": {}}


def gn_config(name, groups, axis, epsilon, center=True, scale=True):
    return {**layer_cfg(name), "groups": groups, "axis": axis, "epsilon": epsilon, "center": center, "scale": scale,
            "beta_initializer": initializer("Zeros"), "gamma_initializer": initializer("Ones"),
            "beta_regularizer": None, "gamma_regularizer": None, "beta_constraint": None, "gamma_constraint": None}


def un_config(name, axis):
    return {**layer_cfg(name), "axis": axis}


def group_unit_norm_model():
    g1, b1 = 1 + f32(6, scale=0.3), f32(6, scale=0.3)
    kd, bd = f32(6, 6), f32(6, scale=0.2)
    g2 = 1 + f32(4, scale=0.3)
    b3 = f32(6, scale=0.3)
    # tf.keras 2's configs (UnitNormalization's axis as the positive list its build writes back); Keras 3's below.
    layers = [
        Layer("InputLayer", {"batch_input_shape": [None, 4, 6, 6], "dtype": "float32", "sparse": False, "ragged": False,
                             "name": "x"}),
        Layer("UnitNormalization", un_config("un_last", [3]), ["x"]),
        Layer("GroupNormalization", gn_config("gn_last", 3, -1, 0.1), ["un_last"], [("gamma", g1), ("beta", b1)]),
        Layer("Dense", dense_config("dense", 6), ["gn_last"], [("kernel", kd), ("bias", bd)]),
        Layer("GroupNormalization", gn_config("gn_h", 2, 1, 0.3, center=False), ["dense"], [("gamma", g2)]),
        Layer("GroupNormalization", gn_config("gn_w", 3, -2, 0.001, scale=False), ["gn_h"], [("beta", b3)]),
        Layer("UnitNormalization", un_config("un_hw", [1, 2]), ["gn_w"]),
    ]
    x = f32(3, 4, 6, 6, scale=1.5) + 0.5
    x[1, 2, 3, :] = np.array([1.0, -2.0, 1.5, 0.5, -1.0, 2.0], np.float32) * np.float32(1e-7)
    h = unit_norm(x, [3])
    tiny = h[1, 2, 3]
    assert np.allclose(tiny, f64(x[1, 2, 3]) * 1e6), tiny
    print("tiny row after UnitNormalization", tiny)
    h = group_norm(h, 3, -1, g1, b1, 0.1)
    h = kr.dense(h, kd, bd)
    h = group_norm(h, 2, 1, g2, None, 0.3)
    h = group_norm(h, 3, -2, None, b3, 0.001)
    y = unit_norm(h, [1, 2])
    shapes = {n: [None, 4, 6, 6] for n in ["x", "un_last", "gn_last", "dense", "gn_h", "gn_w"]}
    save_all("group_unit_norm", layers, False, shapes, ["x"], ["un_hw"], x, y)
    # Keras 3 saves UnitNormalization's axis as given: rewrite the archive's config with -1 and [1, 2].
    import json
    import zipfile
    path = os.path.join(HERE, "group_unit_norm.keras")
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    config = json.loads(parts["config.json"])
    for entry in config["config"]["layers"]:
        if entry["config"].get("name") == "un_last":
            entry["config"]["axis"] = -1
        if entry["config"].get("name") == "un_hw":
            entry["config"]["axis"] = [1, 2]
    parts["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(path, "w") as z:
        for name in ["metadata.json", "config.json", "model.weights.h5"]:
            z.writestr(name, parts[name])


def dot_config(name, axes, normalize=False):
    return {**layer_cfg(name), "axes": axes, "normalize": normalize}


def dot_model():
    ka, ba = f32(6, 5), f32(5, scale=0.2)
    kb, bb = f32(6, 5), f32(5, scale=0.2)
    layers = [
        Layer("InputLayer", {"batch_input_shape": [None, 4, 6], "dtype": "float32", "sparse": False, "ragged": False,
                             "name": "x"}),
        Layer("Dense", dense_config("a", 5), ["x"], [("kernel", ka), ("bias", ba)]),
        Layer("Dense", dense_config("b", 5, "tanh"), ["x"], [("kernel", kb), ("bias", bb)]),
        Layer("Permute", layer_cfg("p", dims=[2, 1]), ["b"]),
        Layer("GlobalAveragePooling1D", layer_cfg("g", data_format="channels_last", keepdims=False), ["a"]),
        Layer("GlobalMaxPooling1D", layer_cfg("h", data_format="channels_last", keepdims=False), ["b"]),
        Layer("Dot", dot_config("d1", [2, 2]), ["a", "b"]),
        Layer("Dot", dot_config("d2", 1, True), ["a", "b"]),
        Layer("Dot", dot_config("d3", -1), ["g", "h"]),
        Layer("Dot", dot_config("d4", [1, -1], True), ["g", "a"]),
        Layer("Dot", dot_config("d5", [-1, 1]), ["a", "p"]),
    ]
    for d in ["d1", "d2", "d3", "d4", "d5"]:
        layers.append(Layer("Flatten", layer_cfg(f"f{d}", data_format="channels_last"), [d]))
    layers.append(Layer("Concatenate", layer_cfg("cat", axis=-1), [f"f{d}" for d in ["d1", "d2", "d3", "d4", "d5"]]))
    x = f32(3, 4, 6, scale=1.0)
    a = kr.dense(f64(x), ka, ba)
    b = np.tanh(kr.dense(f64(x), kb, bb))
    p = b.transpose(0, 2, 1)
    g, h = a.mean(axis=1), b.max(axis=1)
    outs = [batch_dot(a, b, (2, 2)), batch_dot(a, b, (1, 1), True), batch_dot(g, h, (-1, -1)),
            batch_dot(g, a, (1, -1), True), batch_dot(a, p, (-1, 1))]
    assert [o.shape[1:] for o in outs] == [(4, 4), (5, 5), (1,), (4,), (4, 4)], [o.shape for o in outs]
    y = np.concatenate([o.reshape(3, -1) for o in outs], axis=1)
    shapes = {"x": [None, 4, 6], "a": [None, 4, 5], "b": [None, 4, 5], "p": [None, 5, 4], "g": [None, 5],
              "h": [None, 5], "d1": [None, 4, 4], "d2": [None, 5, 5], "d3": [None, 1], "d4": [None, 4],
              "d5": [None, 4, 4], "fd1": [None, 16], "fd2": [None, 25], "fd3": [None, 1], "fd4": [None, 4],
              "fd5": [None, 16]}
    save("dot", layers, shapes, ["x"], ["cat"], x, y)


if __name__ == "__main__":
    check_against_torch()
    group_unit_norm_model()
    dot_model()
