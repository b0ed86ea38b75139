"""Float64 NumPy forward passes with Keras semantics (channels-last), written independently of the C# code.

Every op follows the TensorFlow/Keras definition, including the traps a port meets:
- "same" padding: pad_total = max((ceil(n / stride) - 1) * stride + (k - 1) * dilation + 1 - n, 0),
  pad_before = pad_total // 2, the extra one at the end (PyTorch pads symmetrically);
- average pooling with "same" padding divides by the number of real (unpadded) elements;
- BatchNormalization: (x - mean) / sqrt(var + epsilon) * gamma + beta, epsilon from the layer (Keras 1e-3);
- Flatten reads (h, w, c) order;
- LSTM / GRU: zero initial states, Keras's gate orders, go_backwards returning the steps in processing order.
"""
import numpy as np


def same_padding(n, k, stride, dilation=1):
    k_eff = (k - 1) * dilation + 1
    out = -(-n // stride)
    total = max((out - 1) * stride + k_eff - n, 0)
    return total // 2, total - total // 2


def conv2d(x, kernel, bias=None, strides=(1, 1), padding="valid", dilation=(1, 1)):
    """x (N, H, W, C), kernel (kh, kw, cin, cout) -> (N, OH, OW, cout). Loops over kernel taps, not im2col."""
    x = np.asarray(x, np.float64)
    kernel = np.asarray(kernel, np.float64)
    kh, kw, cin, cout = kernel.shape
    if padding == "same":
        t, b = same_padding(x.shape[1], kh, strides[0], dilation[0])
        l, r = same_padding(x.shape[2], kw, strides[1], dilation[1])
        x = np.pad(x, ((0, 0), (t, b), (l, r), (0, 0)))
    elif padding != "valid":
        raise ValueError(padding)
    n, h, w, c = x.shape
    assert c == cin
    oh = (h - ((kh - 1) * dilation[0] + 1)) // strides[0] + 1
    ow = (w - ((kw - 1) * dilation[1] + 1)) // strides[1] + 1
    out = np.zeros((n, oh, ow, cout))
    for i in range(kh):
        for j in range(kw):
            r0, c0 = i * dilation[0], j * dilation[1]
            patch = x[:, r0:r0 + (oh - 1) * strides[0] + 1:strides[0], c0:c0 + (ow - 1) * strides[1] + 1:strides[1], :]
            out += patch @ kernel[i, j]
    if bias is not None:
        out += np.asarray(bias, np.float64)
    return out


def conv1d(x, kernel, bias=None, stride=1, padding="valid", dilation=1):
    """x (N, L, C), kernel (k, cin, cout); padding valid, same or causal."""
    x = np.asarray(x, np.float64)
    if padding == "causal":
        x = np.pad(x, ((0, 0), ((kernel.shape[0] - 1) * dilation, 0), (0, 0)))
        padding = "valid"
    y = conv2d(x[:, None], np.asarray(kernel)[None], bias, (1, stride), padding, (1, dilation))
    return y[:, 0]


def pool2d(x, pool, strides, padding, kind):
    x = np.asarray(x, np.float64)
    ph, pw = pool
    if padding == "same":
        t, b = same_padding(x.shape[1], ph, strides[0])
        l, r = same_padding(x.shape[2], pw, strides[1])
    else:
        t = b = l = r = 0
    fill = -np.inf if kind == "max" else 0.0
    xp = np.pad(x, ((0, 0), (t, b), (l, r), (0, 0)), constant_values=fill)
    ones = np.pad(np.ones_like(x), ((0, 0), (t, b), (l, r), (0, 0)))
    n, h, w, c = xp.shape
    oh = (h - ph) // strides[0] + 1
    ow = (w - pw) // strides[1] + 1
    out = np.zeros((n, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            win = xp[:, i * strides[0]:i * strides[0] + ph, j * strides[1]:j * strides[1] + pw, :]
            if kind == "max":
                out[:, i, j, :] = win.max(axis=(1, 2))
            else:
                count = ones[:, i * strides[0]:i * strides[0] + ph, j * strides[1]:j * strides[1] + pw, :].sum(axis=(1, 2))
                out[:, i, j, :] = win.sum(axis=(1, 2)) / count
    return out


def batch_norm(x, gamma, beta, mean, var, epsilon):
    return (np.asarray(x, np.float64) - mean) / np.sqrt(np.asarray(var, np.float64) + epsilon) * gamma + beta


def dense(x, kernel, bias=None):
    y = np.asarray(x, np.float64) @ np.asarray(kernel, np.float64)
    return y if bias is None else y + np.asarray(bias, np.float64)


def relu(x):
    return np.maximum(x, 0.0)


def leaky_relu(x, slope):
    return np.where(x >= 0, x, slope * x)


def elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * (np.exp(np.minimum(x, 0)) - 1))


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def lstm(x, kernel, recurrent, bias, activation=np.tanh, recurrent_activation=None, go_backwards=False):
    """Keras LSTM (gates i, f, c, o; zero initial states), returns every step's h (N, T, units) in processing order:
    with go_backwards the last input step comes first, as Keras returns it. bias None: use_bias=False."""
    recurrent_activation = recurrent_activation or sigmoid
    n, steps, _ = x.shape
    units = recurrent.shape[0]
    bias = np.zeros(4 * units) if bias is None else bias
    h = np.zeros((n, units))
    c = np.zeros((n, units))
    out = []
    for t in (reversed(range(steps)) if go_backwards else range(steps)):
        z = x[:, t] @ kernel + h @ recurrent + bias
        i, f, g, o = (z[:, k * units:(k + 1) * units] for k in range(4))
        c = recurrent_activation(f) * c + recurrent_activation(i) * activation(g)
        h = recurrent_activation(o) * activation(c)
        out.append(h)
    return np.stack(out, axis=1)


def gru(x, kernel, recurrent, bias, reset_after=True, activation=np.tanh, recurrent_activation=None, go_backwards=False):
    """Keras GRU (gates z, r, h in that order; zero initial state), returns every step's h (N, T, units) in processing
    order (reversed with go_backwards). bias (2, 3u) with reset_after, (3u,) without, None for use_bias=False."""
    recurrent_activation = recurrent_activation or sigmoid
    n, steps, _ = x.shape
    units = recurrent.shape[0]
    if bias is None:
        bias = np.zeros((2, 3 * units)) if reset_after else np.zeros(3 * units)
    h = np.zeros((n, units))
    if reset_after:
        b_in, b_rec = bias[0], bias[1]
    else:
        b_in, b_rec = bias, np.zeros_like(bias)
    out = []
    for t in (reversed(range(steps)) if go_backwards else range(steps)):
        xs = x[:, t] @ kernel + b_in
        if reset_after:
            rec = h @ recurrent + b_rec
            z = recurrent_activation(xs[:, :units] + rec[:, :units])
            r = recurrent_activation(xs[:, units:2 * units] + rec[:, units:2 * units])
            hh = activation(xs[:, 2 * units:] + r * rec[:, 2 * units:])
        else:
            z = recurrent_activation(xs[:, :units] + h @ recurrent[:, :units])
            r = recurrent_activation(xs[:, units:2 * units] + h @ recurrent[:, units:2 * units])
            hh = activation(xs[:, 2 * units:] + (r * h) @ recurrent[:, 2 * units:])
        h = z * h + (1 - z) * hh
        out.append(h)
    return np.stack(out, axis=1)


def depthwise_conv2d(x, kernel, strides=(1, 1)):
    """x (N, H, W, C), kernel (kh, kw, C, multiplier), valid padding; output channel c * multiplier + m."""
    kh, kw, c, mult = kernel.shape
    n, h, w, _ = x.shape
    oh = (h - kh) // strides[0] + 1
    ow = (w - kw) // strides[1] + 1
    out = np.zeros((n, oh, ow, c, mult))
    for i in range(kh):
        for j in range(kw):
            patch = x[:, i:i + (oh - 1) * strides[0] + 1:strides[0], j:j + (ow - 1) * strides[1] + 1:strides[1], :]
            out += patch[..., None] * kernel[i, j]
    return out.reshape(n, oh, ow, c * mult)


def conv2d_transpose(x, kernel, strides=(1, 1)):
    """Keras Conv2DTranspose, valid padding: x (N, H, W, in), kernel (kh, kw, out, in)."""
    kh, kw, cout, cin = kernel.shape
    n, h, w, _ = x.shape
    oh = (h - 1) * strides[0] + kh
    ow = (w - 1) * strides[1] + kw
    out = np.zeros((n, oh, ow, cout))
    for i in range(h):
        for j in range(w):
            # every input pixel scatters kernel[:, :, o, c] * x[c] into its window
            out[:, i * strides[0]:i * strides[0] + kh, j * strides[1]:j * strides[1] + kw, :] += \
                np.einsum("nc,aboc->nabo", x[:, i, j, :], kernel)
    return out
