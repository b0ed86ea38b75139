"""Writes function_gradients.json: PyTorch 1.13's gradients of every public Backend function (FastEstimator's torch
composition, float64), for FunctionGradientCoverageTests. Run with Debian's PyTorch 1.13: /usr/bin/python3 make_function_gradients.py

Each case: inputs (row-major, channels-first), the gradient of sum(w * f(inputs)) with respect to every input, where
w[k] = 0.1 + ((37 k) mod 17) * 0.05 over f's output in row-major channels-first order. A function whose result does
not require grad (argmax, ones_like, random, casts to integers) has zero gradients (the library's policy: a source the
target does not use gets zeros)."""
import json, math
import numpy as np, torch
import torch.nn.functional as F
torch.set_default_dtype(torch.float64)
nan, inf = float('nan'), float('inf')
X = [0.7, -0.3, 1.1, 0.2, -1.3, 0.5]
Y = [0.4, 0.9, -0.6, 0.2, 0.8, -0.1]          # Y[3] == X[3]: a tie for maximum/minimum
P = [0.7, 0.3, 1.1, 0.2, 1.3, 0.5]
TIES = [0.7, 0.7, 0.2, -0.1, 0.5, -0.1]
X0 = [0.0, -0.3, 1.1, 0.2, -1.3, -0.0]
S = [2, 3]
COND = torch.tensor([True, False, True, False, False, True]).reshape(2, 3)
seq = lambda n, f: [f(i) for i in range(n)]

def pct(x, ps, axes=None, keepdims=True, single=False):   # the torch engine's composition, stable sort
    rank = x.dim(); axes = list(range(rank)) if axes is None else sorted(a % rank for a in axes)
    kept = [k for k in range(rank) if k not in axes]; n = int(np.prod([x.shape[k] for k in axes]))
    s = torch.sort(x.permute(*(kept + axes)).reshape(*[x.shape[k] for k in kept], n), dim=-1, stable=True).values
    picked = s.index_select(-1, torch.tensor([math.floor(p / 100.0 * (n - 1)) for p in ps]))
    first = picked if not kept else picked.movedim(len(kept), 0)
    shape = [1 if k in axes else x.shape[k] for k in range(rank)] if keepdims else [x.shape[k] for k in kept]
    return first.reshape(*(shape if single else [len(ps)] + shape))

def iwd(t, power=1.0, max_prob=0.95, pairwise_distance=1.0):   # FastEstimator's iwd
    eps = torch.tensor(pairwise_distance * math.pow((1.0 - max_prob) / (max_prob * (t.shape[-1] - 1)), 1 / power))
    t = torch.pow(1.0 / torch.maximum(t, eps), power)
    return t / torch.reshape(torch.sum(t, dim=-1), [-1, 1])

def lambertw(z, steps=4):   # FastEstimator's _torch_lambertw, a fixed 4 Halley steps (the library's count)
    p2 = 2 * (1. + math.e * z); p = torch.sqrt(p2)
    l = torch.log1p(z)
    z0 = torch.where(z < -0.2649, -1. + p - p2 / 3. + 0.1527777777 * p2 * p, l * (1. - torch.log1p(l) / (2. + l)))
    for _ in range(steps):
        f = z0 - z * torch.exp(-z0); z01 = z0 + 1.0000001
        z0 = z0 - f / (z01 - (z0 + 2.) * f / (2. * z01))
    return z0

def zscore(x, eps=1e-7):   # FastEstimator's zscore
    return (x - torch.mean(x)) / torch.max(torch.std(x, unbiased=False), torch.tensor(eps))

RESIZE = seq(24, lambda i: 0.1 * i - 1)
RESIZE_ODD = seq(54, lambda i: 0.05 * i - 1)
CASES = [
    ('abs', [X0], [S], lambda a: torch.abs(a[0])),
    ('abs_nan', [[nan, -0.3, 0.0, 0.2, -1.3, -inf]], [S], lambda a: torch.abs(a[0])),
    ('add', [X, Y], [S, S], lambda a: a[0] + a[1]),
    ('add_broadcast', [X, [0.3, 0.1, 0.7]], [S, [3]], lambda a: a[0] + a[1]),
    ('add_number', [X], [S], lambda a: a[0] + 0.3),
    ('subtract', [X, Y], [S, S], lambda a: a[0] - a[1]),
    ('subtract_number', [X], [S], lambda a: a[0] - 0.3),
    ('multiply', [X, Y], [S, S], lambda a: a[0] * a[1]),
    ('multiply_number', [X], [S], lambda a: a[0] * 0.3),
    ('divide', [X, P], [S, S], lambda a: a[0] / a[1]),
    ('divide_number', [X], [S], lambda a: a[0] / 0.3),
    ('divide_by_zero', [[0.7, 0.0, -1.1, 0.2, 0.0, 0.5], [0.0, 0.0, 0.0, 0.4, 0.3, -0.0]], [S, S], lambda a: a[0] / a[1]),
    ('cast_float32', [X], [S], lambda a: a[0].float()),
    ('cast_int32', [X], [S], lambda a: a[0].int()),
    ('convert_tensor_precision', [X], [S], lambda a: a[0].float()),
    ('clip_by_value', [[0.1, 0.5, 0.3, -0.2, 0.7, 0.5]], [S], lambda a: torch.clamp(a[0], 0.1, 0.5)),
    ('clip_by_value_min_only', [X], [S], lambda a: torch.clamp(a[0], min=0.2)),
    ('clip_nan', [[nan, 0.5, 0.3, -0.2, 0.7, 0.1]], [S], lambda a: torch.clamp(a[0], 0.1, 0.5)),
    ('concat', [X, Y], [S, S], lambda a: torch.cat([a[0], a[1]], 1)),
    ('exp', [X], [S], lambda a: torch.exp(a[0])),
    ('exp_overflow', [[1000.0, -1000.0, 0.3, 709.0, 710.0, nan]], [S], lambda a: torch.exp(a[0])),
    ('expand_dims', [X], [S], lambda a: a[0].unsqueeze(1)),
    ('flip', [X], [S], lambda a: torch.flip(a[0], [0, 1])),
    ('gather', [X], [[3, 2]], lambda a: a[0][torch.tensor([2, 0, 2])]),
    ('gather_from_batch', [X], [S], lambda a: a[0][torch.arange(2), torch.tensor([1, 0])]),
    ('iwd', [[0.7, 0.01, 1.1, 0.2, 1.3, 0.5]], [S], lambda a: iwd(a[0])),
    ('iwd_at_eps', [[0.02631578947368421, 0.0, 1.1, 0.2, 1.3, 0.5]], [S], lambda a: iwd(a[0])),
    ('lambertw', [[-0.3, -0.1, 0.2, 1.0, 2.5, 10.0]], [S], lambda a: lambertw(a[0])),
    ('lambertw_edges', [[-0.36787944117144233, -0.2649, -0.26, 0.0, 1e10, 1e300]], [S], lambda a: lambertw(a[0])),
    ('matmul', [X, Y], [S, [3, 2]], lambda a: torch.matmul(a[0], a[1])),
    ('matmul_batched', [seq(12, lambda i: 0.1 * i - 0.5), Y], [[2, 2, 3], [3, 2]], lambda a: torch.matmul(a[0], a[1])),
    ('maximum', [X, Y], [S, S], lambda a: torch.maximum(a[0], a[1])),
    ('minimum', [X, Y], [S, S], lambda a: torch.minimum(a[0], a[1])),
    ('maximum_nan', [[nan, -0.3, 1.1, 0.2, nan, 0.5], [0.4, nan, -0.6, 0.2, nan, -0.1]], [S, S], lambda a: torch.maximum(a[0], a[1])),
    ('minimum_nan', [[nan, -0.3, 1.1, 0.2, nan, 0.5], [0.4, nan, -0.6, 0.2, nan, -0.1]], [S, S], lambda a: torch.minimum(a[0], a[1])),
    ('percentile', [X], [S], lambda a: pct(a[0], [30, 90], [1])),
    ('percentile_ties', [seq(40, lambda i: 0.1 * (i * 7 % 3))], [[40]], lambda a: pct(a[0], [50, 97])),
    ('percentile_neg_zero', [[0.0, -0.0, 0.0, -0.0, 0.3, -0.3]], [S], lambda a: pct(a[0], [40, 60])),
    ('percentile_axis0', [TIES], [S], lambda a: pct(a[0], [50], [0], keepdims=False, single=True)),
    ('permute', [seq(12, lambda i: 0.1 * i - 0.5)], [[2, 3, 2]], lambda a: a[0].permute(2, 0, 1)),
    ('pow_number', [P], [S], lambda a: torch.pow(a[0], 0.3)),
    ('pow_tensor', [P, Y], [S, S], lambda a: torch.pow(a[0], a[1])),
    ('pow_zero_base', [[0.0, -0.0, 0.3, -0.5, 4.0, 0.0]], [S], lambda a: torch.pow(a[0], 0.3)),
    ('pow_tensor_zero', [[0.0, 0.0, 0.3, 0.0, 4.0, -2.0], [0.0, 2.0, 0.0, -1.0, 0.3, 3.0]], [S, S], lambda a: torch.pow(a[0], a[1])),
    ('tensor_pow', [P], [S], lambda a: torch.pow(a[0], 2.5)),
    ('reduce_max', [TIES], [S], lambda a: torch.amax(a[0], 1)),
    ('reduce_max_all', [TIES], [S], lambda a: torch.amax(a[0])),
    ('reduce_max_nan', [[0.7, nan, 0.2, -0.1, 0.5, 0.3]], [S], lambda a: torch.amax(a[0], 1)),
    ('reduce_min', [TIES], [S], lambda a: torch.amin(a[0], 1, keepdim=True)),
    ('reduce_min_inf', [[0.7, -inf, 0.2, -0.1, -inf, 0.3]], [S], lambda a: torch.amin(a[0], 1)),
    ('reduce_sum', [X], [S], lambda a: torch.sum(a[0], 0)),
    ('reduce_mean', [X], [S], lambda a: torch.mean(a[0], 1, keepdim=True)),
    ('reduce_std', [X], [S], lambda a: torch.std(a[0], 1, unbiased=False)),
    ('reduce_std_all', [X], [S], lambda a: torch.std(a[0], unbiased=False)),
    ('reduce_std_single', [X], [[6, 1]], lambda a: torch.std(a[0], 1, unbiased=False)),
    ('reshape', [X], [S], lambda a: a[0].reshape(3, 2)),
    ('resize3d_nearest', [RESIZE], [[1, 2, 2, 2, 3]], lambda a: F.interpolate(a[0], [3, 3, 4], mode='nearest')),
    ('resize3d_nearest_down', [RESIZE_ODD], [[1, 2, 3, 3, 3]], lambda a: F.interpolate(a[0], [2, 2, 2], mode='nearest')),
    ('resize3d_area', [RESIZE], [[1, 2, 2, 2, 3]], lambda a: F.interpolate(a[0], [1, 2, 2], mode='area')),
    ('resize3d_area_overlap', [RESIZE_ODD], [[1, 2, 3, 3, 3]], lambda a: F.interpolate(a[0], [2, 2, 2], mode='area')),
    ('roll', [X], [S], lambda a: torch.roll(a[0], 1, 1)),
    ('roll2', [X], [S], lambda a: torch.roll(a[0], [1, -1], [0, 1])),
    ('sign', [X], [S], lambda a: torch.sign(a[0])),
    ('sign_nan', [[nan, -0.3, 0.0, 0.2, -1.3, -0.0]], [S], lambda a: torch.sign(a[0])),
    ('squeeze', [X], [[2, 1, 3]], lambda a: torch.squeeze(a[0], 1)),
    ('normalize_scalar', [X], [S], lambda a: (a[0] - 0.3) / (0.2 + 1e-7)),
    ('normalize_channels', [seq(12, lambda i: 0.1 * i - 0.5)], [[2, 2, 3]],
     lambda a: (a[0] - torch.tensor([0.3, 0.6]).reshape(2, 1, 1)) / (torch.tensor([0.2, 0.4]).reshape(2, 1, 1) + 1e-7)),
    ('tensor_round', [[0.5, 1.5, -0.5, 2.5, 0.3, -1.7]], [S], lambda a: torch.round(a[0])),
    ('tensor_sqrt', [P], [S], lambda a: torch.sqrt(a[0])),
    ('tensor_sqrt_zero', [[0.0, -0.0, 0.3, 1e-300, 4.0, -1.0]], [S], lambda a: torch.sqrt(a[0])),
    ('transpose', [X], [S], lambda a: a[0].T),
    ('where', [X, Y], [S, S], lambda a: torch.where(COND, a[0], a[1])),
    ('where_number', [X], [S], lambda a: torch.where(COND, a[0], torch.tensor(0.3))),
    ('where_nan_unselected', [[0.7, nan, 1.1, inf, -1.3, 0.5], Y], [S, S], lambda a: torch.where(COND, a[0], a[1])),
    ('zscore', [X], [S], lambda a: zscore(a[0])),
    ('zscore_constant', [[0.3] * 6], [S], lambda a: zscore(a[0])),
    ('relu', [[-0.7, 0.0, 0.3, nan, 1.1, -0.0]], [S], lambda a: F.relu(a[0])),
    ('softmax', [X], [S], lambda a: F.softmax(a[0], -1)),
    ('softmax_axis0', [X], [S], lambda a: F.softmax(a[0], 0)),
    ('softmax_neg_inf', [[-inf, 0.3, 1.1, 1000.0, -inf, 999.0]], [S], lambda a: F.softmax(a[0], -1)),
    ('argmax', [X], [S], lambda a: torch.argmax(a[0], 1)),
    ('ones_like', [X], [S], lambda a: torch.ones_like(a[0])),
    ('zeros_like', [X], [S], lambda a: torch.zeros_like(a[0])),
    ('random_uniform_like', [X], [S], lambda a: torch.rand_like(a[0])),
    ('random_normal_like', [X], [S], lambda a: torch.randn_like(a[0])),
]

def encode(v):   # JSON numbers, with the non-finite values as the strings System.Text.Json reads
    return [('NaN' if math.isnan(u) else 'Infinity' if u > 0 else '-Infinity') if not math.isfinite(u) else u for u in v]

out = []
for name, inputs, shapes, f in CASES:
    xs = [torch.tensor(v).reshape(*s).requires_grad_(True) for v, s in zip(inputs, shapes)]
    y = f(xs)
    if y.requires_grad:
        w = torch.tensor([0.1 + (k * 37 % 17) * 0.05 for k in range(y.numel())]).reshape(y.shape).to(y.dtype)
        gs = torch.autograd.grad((y * w).sum(), xs, allow_unused=True)
        grads = [(g if g is not None else torch.zeros_like(x)).flatten().tolist() for g, x in zip(gs, xs)]
    else:
        grads = [torch.zeros_like(x).flatten().tolist() for x in xs]
    out.append({'name': name, 'inputs': [encode(v) for v in inputs], 'shapes': shapes, 'gradients': [encode(g) for g in grads]})
with open(__file__.replace('make_function_gradients.py', 'function_gradients.json'), 'w') as fh:
    json.dump(out, fh, indent=None)
print(len(out), 'cases, torch', torch.__version__)
