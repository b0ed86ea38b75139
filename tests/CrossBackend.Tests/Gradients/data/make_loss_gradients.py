"""Writes loss_gradients.json: PyTorch 1.13's gradients of every registered loss, written here as Keras 3 defines it
(keras/src/losses/losses.py and loss.py's reductions; FastEstimator's for its own losses) in torch float64 ops, for
LossGradientCoverageTests. Run with Debian's PyTorch 1.13: /usr/bin/python3 make_loss_gradients.py

Each case: y_pred (row-major, channels-last), y_true, the keyword arguments the library takes, and the gradient of the
sum of the loss's result with respect to y_pred (for reduction none, what loss.sum().backward() gives), channels-last;
where the case gives floating tensor options (sample_weights, circle's ref_embeddings), their gradients too
(option_gradients: the library's GradientTape watching them around the loss).
Inputs stay off the points where no derivative exists (a hinge's kink, a clip bound, |e| = delta, a max tie); points
just inside and just outside the clip bounds ε = 1e-7 and 1 − 1e-7 are included (outside, the clip's gradient is 0).

Formula choices, all Keras 3's own:
* binary crossentropy from logits is TensorFlow's max(x, 0) − x·y + log1p(exp(−|x|)) (tf.nn.sigmoid_cross_entropy_with
  _logits, which Keras on TensorFlow calls; the library computes it on every engine): its gradient σ(x) − y, written
  without the cancellation of PyTorch's (1 − y)·x − log σ(x) backward;
* softplus is log1p(exp(x)) taken stably (Keras on TensorFlow/JAX; PyTorch's F.softplus returns x above 20);
* reductions are keras/src/losses/loss.py's reduce_weighted_values: sum_over_batch_size divides by the element count
  (by the number of unmasked elements where the loss carries a mask: sparse crossentropy's ignore_class, circle's
  loss > 0), weighted_mean by Σ sample_weight.
"""
import json, math
import numpy as np, torch
import torch.nn.functional as F
torch.set_default_dtype(torch.float64)
EPS = 1e-7
rng = np.random.RandomState(20261206)


def uniform(n, lo, hi):
    return [float(v) for v in rng.uniform(lo, hi, n)]


def bits(n):
    return [float(v) for v in rng.randint(0, 2, n)]


def one_hot_rows(rows, classes):
    out = [0.0] * (rows * classes)
    for r in range(rows):
        out[r * classes + int(rng.randint(0, classes))] = 1.0
    return out


def softplus(x):   # exact softplus, stable for both signs
    return torch.where(x > 0, x + torch.log1p(torch.exp(-x.abs())), torch.log1p(torch.exp(-x.abs())))


def mean_last(x, axis=-1):
    return torch.mean(x, dim=axis)


# ---- Keras 3's loss functions (torch backend ops, float64) ----

def categorical_crossentropy(y, p, a):
    axis = a.get('axis', -1)
    ls = a.get('label_smoothing', 0.0)
    if ls:
        y = y * (1 - ls) + ls / p.shape[axis]
    if a.get('from_logits', False):
        log_prob = F.log_softmax(p, dim=axis)
    else:
        p = p / torch.sum(p, dim=axis, keepdim=True)
        log_prob = torch.log(torch.clamp(p, EPS, 1 - EPS))
    loss = -torch.sum(y * log_prob, dim=axis)
    if 'class_weights' in a:   # FastEstimator: the weight of argmax(y_true), unlisted classes 1
        idx = torch.argmax(y, dim=axis)
        table = torch.tensor([a['class_weights'].get(str(k), 1.0) for k in range(p.shape[axis])])
        loss = loss * table[idx]
    return loss


def sparse_categorical_crossentropy(y, p, a):
    classes = p.shape[-1]
    labels = y.long()
    valid = None
    if 'ignore_class' in a:
        valid = labels != a['ignore_class']
        labels = labels * valid
        p = p * valid.unsqueeze(-1).to(p.dtype)
    target = F.one_hot(labels, classes).to(p.dtype)
    ls = a.get('label_smoothing', 0.0)
    if ls:
        target = target * (1 - ls) + ls / classes
    if a.get('from_logits', False):
        log_prob = F.log_softmax(p, dim=-1)
    else:
        p = p / torch.sum(p, dim=-1, keepdim=True)
        log_prob = torch.log(torch.clamp(p, EPS, 1 - EPS))
    loss = -torch.sum(target * log_prob, dim=-1)
    if 'class_weights' in a:
        table = torch.tensor([a['class_weights'].get(str(k), 1.0) for k in range(classes)])
        loss = loss * table[labels]
    if valid is not None:
        loss = torch.where(valid, loss, torch.zeros_like(loss))
        return loss, valid.to(p.dtype)
    return loss


def binary_elements(y, p, from_logits):
    if from_logits:   # TensorFlow's sigmoid_cross_entropy_with_logits
        return torch.clamp(p, min=0) - p * y + torch.log1p(torch.exp(-p.abs()))
    p = torch.clamp(p, EPS, 1 - EPS)
    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p))


def binary_crossentropy(y, p, a):
    ls = a.get('label_smoothing', 0.0)
    if 'class_weights' in a:
        weights = torch.tensor([a['class_weights'].get(str(k), 1.0) for k in range(2)])[y.long()]
    if ls:
        y = y * (1 - ls) + 0.5 * ls
    e = binary_elements(y, p, a.get('from_logits', False))
    if 'class_weights' in a:
        e = e * weights
    return mean_last(e, a.get('axis', -1))


def binary_focal_crossentropy(y, p, a):
    ls = a.get('label_smoothing', 0.0)
    if ls:
        y = y * (1 - ls) + 0.5 * ls
    if a.get('from_logits', False):
        p = torch.sigmoid(p)
    bce = binary_elements(y, p, False)
    p_t = y * p + (1 - y) * (1 - p)
    focal = torch.pow(1 - p_t, a.get('gamma', 2.0)) * bce
    if a.get('apply_class_balancing', False):
        alpha = a.get('alpha', 0.25)
        focal = (y * alpha + (1 - y) * (1 - alpha)) * focal
    return mean_last(focal)


def categorical_focal_crossentropy(y, p, a):
    classes = p.shape[-1]
    ls = a.get('label_smoothing', 0.0)
    if ls:
        y = y * (1 - ls) + ls / classes
    if a.get('from_logits', False):
        p = F.softmax(p, dim=-1)
    p = p / torch.sum(p, dim=-1, keepdim=True)
    p = torch.clamp(p, EPS, 1 - EPS)
    alpha = torch.tensor(a.get('alpha', 0.25))
    return torch.sum(alpha * torch.pow(1 - p, a.get('gamma', 2.0)) * -y * torch.log(p), dim=-1)


def categorical_generalized_cross_entropy(y, p, a):
    q = a.get('q', 0.5)
    pt = torch.sum(p * F.one_hot(y.long(), p.shape[-1]).to(p.dtype), dim=-1)
    return (1 - torch.pow(pt, q)) / q


ZERO = torch.tensor(0.0)


def hinge_labels(y):
    return 2 * y - 1 if bool(((y == 0) | (y == 1)).all()) else y


def hinge(y, p, a):
    return mean_last(torch.maximum(1 - hinge_labels(y) * p, ZERO))   # Keras: ops.maximum (a tie halves the gradient)


def squared_hinge(y, p, a):
    return mean_last(torch.square(torch.maximum(1 - hinge_labels(y) * p, ZERO)))


def categorical_hinge(y, p, a):
    pos = torch.sum(y * p, dim=-1)
    neg = torch.amax((1 - y) * p, dim=-1)
    return torch.maximum(neg - pos + 1, ZERO)


def mean_squared_error(y, p, a):
    return mean_last(torch.square(y - p), a.get('axis', -1))


def mean_absolute_error(y, p, a):
    return mean_last(torch.abs(y - p))


def mean_absolute_percentage_error(y, p, a):
    return 100 * mean_last(torch.abs((y - p) / torch.clamp(torch.abs(y), min=EPS)))


def mean_squared_logarithmic_error(y, p, a):
    return mean_last(torch.square(torch.log(torch.maximum(p, torch.tensor(EPS)) + 1) - torch.log(torch.maximum(y, torch.tensor(EPS)) + 1)))


def l2_normalize(x, axis):   # Keras 3: x · min(rsqrt(Σx²), 1e7)
    return x * torch.clamp(torch.rsqrt(torch.sum(x * x, dim=axis, keepdim=True)), max=1e7)


def cosine_similarity(y, p, a):
    axis = a.get('axis', -1)
    return -torch.sum(l2_normalize(y, axis) * l2_normalize(p, axis), dim=axis)


def huber(y, p, a, delta=None):
    delta = a.get('delta', 1.0) if delta is None else delta
    e = p - y
    return mean_last(torch.where(torch.abs(e) <= delta, 0.5 * e * e, delta * torch.abs(e) - 0.5 * delta * delta))


def log_cosh(y, p, a):
    e = p - y
    return mean_last(e + softplus(-2 * e) - math.log(2.0))


def poisson(y, p, a):
    return mean_last(p - y * torch.log(p + EPS))


def kl_divergence(y, p, a):
    y = torch.clamp(y, EPS, 1)
    p = torch.clamp(p, EPS, 1)
    return torch.sum(y * torch.log(y / p), dim=-1)


def l1_loss(y, p, a):   # FastEstimator 1.6: mean |e| over the last axis
    return mean_last(torch.abs(y - p), a.get('axis', -1))


def smooth_l1_loss(y, p, a):   # FastEstimator: torch's SmoothL1Loss(beta) per element, mean over the last axis
    beta = a.get('beta', 1.0)
    e = torch.abs(p - y)
    return mean_last(torch.where(e < beta, 0.5 * e * e / beta, e - 0.5 * beta))


def fe_huber(y, p, a):   # FastEstimator: HuberLoss(delta=beta)
    return huber(y, p, a, a.get('beta', 1.0))


def l2_regularization(y, p, a):   # FastEstimator: beta · Σ x² / 2
    return a.get('beta', 0.01) * torch.sum(p * p) / 2


def dice(y, p, a):
    axis = tuple(a['axis']) if 'axis' in a else None
    s = (lambda t: torch.sum(t, dim=axis)) if axis else torch.sum
    return 1 - 2 * s(y * p) / (s(y) + s(p) + EPS)


def tversky(y, p, a):
    axis = tuple(a['axis']) if 'axis' in a else None
    s = (lambda t: torch.sum(t, dim=axis)) if axis else torch.sum
    tp = s(y * p)
    return 1 - tp / (tp + s((1 - p) * y) * a.get('alpha', 0.5) + s(p * (1 - y)) * a.get('beta', 0.5) + EPS)


def circle(y, p, a):
    labels = y.long()
    refs = p if 'ref_embeddings' not in a else a['ref_embeddings']
    ref_labels = labels if 'ref_labels' not in a else torch.tensor(a['ref_labels']).long()
    gamma, margin = a.get('gamma', 80.0), a.get('margin', 0.4)
    d = torch.clamp(1 - p @ refs.T, min=0)
    same = labels.reshape(-1, 1) == ref_labels.reshape(1, -1)
    positive = same.clone()
    if a.get('remove_diagonal', True):
        positive &= ~torch.eye(*same.shape, dtype=torch.bool)
    negative = ~same
    pw = torch.clamp((margin + d) * positive, min=0)
    nw = torch.clamp((1 + margin - d) * negative, min=0)
    pos = -gamma * pw * (margin - d)
    neg = gamma * nw * (1 - margin - d)
    ninf = torch.tensor(-math.inf)
    loss = softplus(torch.logsumexp(torch.where(positive, pos, ninf), 1) + torch.logsumexp(torch.where(negative, neg, ninf), 1))
    return loss, (loss > 0).to(p.dtype)


def ctc(y, p, a):   # Keras's torch backend: log_softmax over classes, F.ctc_loss, blank 0, every step counts
    labels = y.long()
    lengths = (labels != 0).sum(-1)
    steps = torch.full((p.shape[0],), p.shape[1], dtype=torch.long)
    return F.ctc_loss(F.log_softmax(p.transpose(0, 1), -1), labels, steps, lengths, blank=0, reduction='none')


def focal_loss(y, p, a):   # FastEstimator's TF path with Keras 3's crossentropy clip
    ls, gamma, alpha = a.get('label_smoothing', 0.0), a.get('gamma', 2.0), a.get('alpha', 0.25)
    original = y
    if ls:
        y = y * (1 - ls) + 0.5 * ls
    if a.get('from_logits', False):
        p = torch.sigmoid(p)
    e = torch.pow(1 - (y * p + (1 - y) * (1 - p)), gamma) * binary_elements(y, p, False) * (y * alpha + (1 - y) * (1 - alpha))
    batch = p.shape[0]
    e = e.reshape(batch, -1)
    if a.get('normalize', True):
        e = e / torch.clamp(original.reshape(batch, -1).sum(-1, keepdim=True), min=1)
    shaped = {'sum': lambda: e.sum(-1), 'mean': lambda: e.mean(-1), 'none': lambda: e}[a.get('shape_reduction', 'sum')]()
    return {'sum': lambda: shaped.sum(), 'mean': lambda: shaped.mean(), 'none': lambda: shaped}[a.get('sample_reduction', 'mean')]()


def dice_score(y, p, a):   # FastEstimator's dice_score, channels last
    eps = a.get('epsilon', 1e-6)
    if not a.get('mask_overlap', True):
        p = torch.where(p < torch.amax(p, -1, keepdim=True), torch.zeros_like(p), p)
    if 'threshold' in a:
        p = torch.where(p > a['threshold'], torch.ones_like(p), torch.zeros_like(p))
    batch, channels = p.shape[0], p.shape[-1]
    y, p = y.reshape(batch, -1, channels), p.reshape(batch, -1, channels)
    num = torch.sum(y * p, 1)
    den = torch.sum(y * y + p * p, 1) if a.get('soft_dice', False) else torch.sum(y + p, 1)
    score = 2 * num / (den + eps)
    if 'channel_weights' in a:
        score = score * torch.tensor(a['channel_weights'])
    if a.get('channel_average', False):
        score = score.mean(-1)
    if a.get('sample_average', False):
        score = score.mean(0)
    return score


DIFFERENTIABLE_OPTIONS = ['sample_weights', 'ref_embeddings']
OWN_REDUCTION = {'focal_loss', 'dice_score', 'l2_regularization'}
FUNCTIONS = {f.__name__: f for f in [
    categorical_crossentropy, sparse_categorical_crossentropy, binary_crossentropy, mean_squared_error, hinge, squared_hinge,
    categorical_hinge, binary_focal_crossentropy, categorical_focal_crossentropy, categorical_generalized_cross_entropy,
    focal_loss, mean_absolute_error, mean_absolute_percentage_error, mean_squared_logarithmic_error, cosine_similarity,
    huber, log_cosh, poisson, kl_divergence, l1_loss, smooth_l1_loss, fe_huber, l2_regularization, dice, tversky,
    dice_score, circle, ctc]}
INTEGER_LABELS = {'sparse_categorical_crossentropy', 'categorical_generalized_cross_entropy', 'circle', 'ctc'}


def reduce(values, mask, sample_weights, reduction):   # keras/src/losses/loss.py reduce_weighted_values
    weights = None
    if mask is not None:
        if reduction == 'sum_over_batch_size':
            mask = mask * (mask.numel() / mask.sum())
        weights = mask if sample_weights is None else sample_weights * mask
    elif sample_weights is not None:
        weights = sample_weights
    if weights is not None:
        values = values * weights.reshape(weights.shape + (1,) * (values.dim() - weights.dim()))
    if reduction == 'none':
        return values
    total = values.sum()
    if reduction == 'weighted_mean' and weights is not None:
        return total / weights.sum()
    if reduction in ('sum_over_batch_size', 'weighted_mean'):
        return total / values.numel()
    return total


def encode(v):
    return [('NaN' if math.isnan(u) else 'Infinity' if u > 0 else '-Infinity') if not math.isfinite(u) else u for u in v]


out = []


def case(name, loss, y_pred, shape, y_true=None, true_shape=None, **args):
    args = {k: v for k, v in args.items()}
    tensor_shapes = args.pop('tensor_shapes', {})
    p = torch.tensor(y_pred).reshape(*shape).requires_grad_(True)
    y = None if y_true is None else torch.tensor(y_true).reshape(*(true_shape or shape))
    # Floating tensor options are differentiable too (through GradientTape around the loss): watched here as leaves.
    watched = {k: torch.tensor(args[k]).reshape(tensor_shapes[k]).requires_grad_(True) for k in DIFFERENTIABLE_OPTIONS if k in args}
    result = FUNCTIONS[loss](y, p, {**args, **watched})
    mask = None
    if isinstance(result, tuple):
        result, mask = result
    if loss not in OWN_REDUCTION:
        sw = watched.get('sample_weights')
        result = reduce(result, mask, sw, args.get('reduction', 'sum_over_batch_size'))
    # A result that does not depend differentiably on y_pred (dice_score's threshold) has a zero gradient.
    leaves = [p] + list(watched.values())
    gs = torch.autograd.grad(result.sum(), leaves, allow_unused=True) if result.requires_grad else [None] * len(leaves)
    gs = [torch.zeros_like(x) if gx is None else gx for gx, x in zip(gs, leaves)]
    g = gs[0]
    if loss == 'sparse_categorical_crossentropy' and 'ignore_class' in args and not args.get('from_logits', False):
        # Keras multiplies an ignored element's probabilities by 0 and renormalises them (0/0): its loss is masked by
        # ops.where, but the gradient through the masked branch is 0·NaN = NaN on every backend. The library gives 0 there
        # (README, sparse_categorical_crossentropy's row); the NaN is checked here, so that note stays true.
        ignored = (y == args['ignore_class'])
        assert bool(torch.isnan(g[ignored]).all()) and not bool(torch.isnan(g[~ignored]).any()), name
        g = torch.where(ignored.unsqueeze(-1), torch.zeros_like(g), g)
    c = {'name': name, 'loss': loss, 'y_pred': encode(y_pred), 'shape': list(shape), 'arguments': args,
         'gradient': encode(g.flatten().tolist())}
    if y_true is not None:
        c['y_true'] = encode(y_true)
    if true_shape is not None:
        c['true_shape'] = list(true_shape)
    if tensor_shapes:
        c['tensor_shapes'] = tensor_shapes
    if watched:
        c['option_gradients'] = {k: encode(gk.flatten().tolist()) for k, gk in zip(watched, gs[1:])}
    assert name not in {o['name'] for o in out}, name
    out.append(c)


REDUCTIONS = ['none', 'sum', 'sum_over_batch_size', 'weighted_mean']
SW4 = [0.3, 1.7, 0.0, 0.9]

# ---- crossentropies ----
probs = uniform(20, 0.05, 1.0)
oh = one_hot_rows(4, 5)
case('cce', 'categorical_crossentropy', probs, [4, 5], oh)
case('cce_logits', 'categorical_crossentropy', uniform(20, -4, 4), [4, 5], oh, from_logits=True)
case('cce_smoothing', 'categorical_crossentropy', probs, [4, 5], oh, label_smoothing=0.15)
case('cce_logits_smoothing', 'categorical_crossentropy', uniform(20, -4, 4), [4, 5], oh, from_logits=True, label_smoothing=0.3)
case('cce_soft_labels', 'categorical_crossentropy', probs, [4, 5], uniform(20, 0, 1))
case('cce_class_weights', 'categorical_crossentropy', probs, [4, 5], oh, class_weights={'0': 0.3, '2': 1.7, '4': 0.6})
case('cce_rank3', 'categorical_crossentropy', uniform(24, 0.05, 1), [2, 3, 4], one_hot_rows(6, 4))
case('cce_axis0', 'categorical_crossentropy', probs, [4, 5], uniform(20, 0, 1), axis=[0])
# Near the clip bounds after renormalising: a class at 2e-7 of its row (inside) and one at 5e-8 (clipped: gradient 0),
# a row at 1 − 3e-7 (inside) and one at 1 − 5e-8 (clipped).
case('cce_near_clip', 'categorical_crossentropy', [2e-7, 0.4, 0.6 - 2e-7, 5e-8, 0.5, 0.5 - 5e-8, 1 - 3e-7, 2e-7, 1e-7, 1 - 5e-8, 3e-8, 2e-8],
     [4, 3], [1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0])
for r in REDUCTIONS:
    case(f'cce_{r}_weights', 'categorical_crossentropy', probs, [4, 5], oh, reduction=r, sample_weights=SW4, tensor_shapes={'sample_weights': [4]})
for r in ['none', 'sum', 'weighted_mean']:
    case(f'cce_{r}', 'categorical_crossentropy', probs, [4, 5], oh, reduction=r)

labels4 = [float(v) for v in rng.randint(0, 5, 4)]
labels6 = [float(v) for v in rng.randint(0, 4, 6)]
case('scce', 'sparse_categorical_crossentropy', probs, [4, 5], labels4, [4])
case('scce_logits', 'sparse_categorical_crossentropy', uniform(20, -4, 4), [4, 5], labels4, [4], from_logits=True)
case('scce_smoothing', 'sparse_categorical_crossentropy', probs, [4, 5], labels4, [4], label_smoothing=0.2)
case('scce_class_weights', 'sparse_categorical_crossentropy', probs, [4, 5], labels4, [4], class_weights={'0': 0.3, '1': 2.5, '3': 0.7, '4': 1.1})
case('scce_rank3', 'sparse_categorical_crossentropy', uniform(24, 0.05, 1), [2, 3, 4], labels6, [2, 3])
labels_ignore = [1.0, 3.0, 1.0, 0.0, 2.0, 3.0]
for r in ['sum_over_batch_size', 'weighted_mean', 'sum']:
    case(f'scce_ignore_class_{r}', 'sparse_categorical_crossentropy', uniform(24, 0.05, 1), [2, 3, 4], labels_ignore, [2, 3], ignore_class=3, reduction=r)
case('scce_ignore_class_logits_weights', 'sparse_categorical_crossentropy', uniform(20, -3, 3), [4, 5], [2.0, 0.0, 4.0, 2.0], [4],
     ignore_class=2, from_logits=True, sample_weights=SW4, reduction='weighted_mean', tensor_shapes={'sample_weights': [4]})

bprobs = uniform(24, 0.02, 0.98)
bbits = bits(24)
case('bce', 'binary_crossentropy', bprobs, [4, 6], bbits)
case('bce_logits', 'binary_crossentropy', uniform(24, -12, 12), [4, 6], bbits, from_logits=True)
case('bce_smoothing', 'binary_crossentropy', bprobs, [4, 6], bbits, label_smoothing=0.1)
case('bce_logits_smoothing', 'binary_crossentropy', uniform(24, -5, 5), [4, 6], bbits, from_logits=True, label_smoothing=0.25)
case('bce_soft_labels', 'binary_crossentropy', bprobs, [4, 6], uniform(24, 0, 1))
case('bce_class_weights', 'binary_crossentropy', bprobs, [4, 6], bbits, class_weights={'0': 0.4, '1': 1.9})
case('bce_rank3', 'binary_crossentropy', uniform(24, 0.02, 0.98), [2, 3, 4], bbits)
case('bce_near_clip', 'binary_crossentropy', [2e-7, 5e-8, 1 - 3e-7, 1 - 5e-8, 0.3, 0.7], [2, 3], [1, 0, 1, 0, 1, 0])
case('bce_sum_weights', 'binary_crossentropy', bprobs, [4, 6], bbits, reduction='sum', sample_weights=SW4, tensor_shapes={'sample_weights': [4]})

# ---- focal ----
case('bfce', 'binary_focal_crossentropy', bprobs, [4, 6], bbits)
case('bfce_logits_balanced', 'binary_focal_crossentropy', uniform(24, -4, 4), [4, 6], bbits, from_logits=True, apply_class_balancing=True,
     alpha=0.3, gamma=1.5, label_smoothing=0.1)
case('bfce_gamma0_soft', 'binary_focal_crossentropy', bprobs, [4, 6], uniform(24, 0, 1), gamma=0.0)
case('bfce_rank3_weights', 'binary_focal_crossentropy', uniform(24, 0.02, 0.98), [2, 3, 4], bbits, apply_class_balancing=True,
     sample_weights=[0.4, 1.3], reduction='weighted_mean', tensor_shapes={'sample_weights': [2]})
case('cfce', 'categorical_focal_crossentropy', probs, [4, 5], oh)
case('cfce_logits', 'categorical_focal_crossentropy', uniform(20, -3, 3), [4, 5], oh, from_logits=True, alpha=0.3, gamma=1.5, label_smoothing=0.1)
case('cfce_per_class_alpha', 'categorical_focal_crossentropy', probs, [4, 5], oh, alpha=[0.1, 0.3, 0.7, 1.3, 2.1], label_smoothing=0.1)
case('cfce_rank3', 'categorical_focal_crossentropy', uniform(24, 0.05, 1), [2, 3, 4], one_hot_rows(6, 4), gamma=3.0)
fl_bits = bits(24)
fl_bits[4:8] = [0, 0, 0, 0]   # a sample without positives: normalised by 1
case('focal_loss', 'focal_loss', uniform(24, 0.01, 0.99), [6, 4], fl_bits)
case('focal_loss_logits_mean_sum', 'focal_loss', uniform(24, -4, 4), [2, 3, 4], fl_bits, from_logits=True, label_smoothing=0.1,
     gamma=1.5, alpha=0.3, shape_reduction='mean', sample_reduction='sum')
case('focal_loss_per_sample', 'focal_loss', uniform(24, 0.01, 0.99), [2, 3, 4], fl_bits, normalize=False, sample_reduction='none')
case('focal_loss_per_element', 'focal_loss', uniform(24, 0.01, 0.99), [6, 4], fl_bits, shape_reduction='none', sample_reduction='none', alpha=0.7)
case('gce', 'categorical_generalized_cross_entropy', probs, [4, 5], labels4, [4])
case('gce_q', 'categorical_generalized_cross_entropy', probs, [4, 5], labels4, [4], q=0.3)
case('gce_q1_sum', 'categorical_generalized_cross_entropy', probs, [4, 5], labels4, [4], q=1.0, reduction='sum')

# ---- hinges (off the kinks 1 − y·p = 0) ----
hp = uniform(24, -2, 2)
case('hinge_01_labels', 'hinge', hp, [4, 6], bbits)
case('hinge_pm1_labels', 'hinge', hp, [4, 6], [2 * b - 1 for b in bbits])
case('hinge_soft_labels', 'hinge', hp, [4, 6], uniform(24, -1, 1))
case('squared_hinge', 'squared_hinge', hp, [4, 6], bbits)
case('squared_hinge_weights', 'squared_hinge', hp, [4, 6], [2 * b - 1 for b in bbits], sample_weights=SW4, reduction='sum',
     tensor_shapes={'sample_weights': [4]})
case('categorical_hinge', 'categorical_hinge', uniform(20, -1, 1), [4, 5], oh)
case('categorical_hinge_rank3', 'categorical_hinge', uniform(24, -1, 1), [2, 3, 4], one_hot_rows(6, 4))

# ---- at the points without a derivative, Keras's own ops' conventions on PyTorch: ops.maximum (hinges, msle's floor)
# halves the gradient at a tie (torch.maximum's backward), ops.max (categorical_hinge) splits it among tied elements,
# ops.clip (crossentropies, kl_divergence) is torch.clamp, whose gradient passes at the bound itself ----
case('hinge_at_kink', 'hinge', [1.0, -1.0, 0.5, 2.0, -0.25, 1.0], [2, 3], [1, 0, 1, 1, 0, 0])
case('squared_hinge_at_kink', 'squared_hinge', [1.0, -1.0, 0.5, 2.0, -0.25, 1.0], [2, 3], [1, 0, 1, 1, 0, 0])
# Row 1: neg − pos + 1 = 0.5 − 1.5 + 1 = 0 (the outer maximum's tie); row 2: the largest wrong score tied (0.6, 0.6), which
# Keras's ops.max (torch.amax) splits evenly.
case('categorical_hinge_at_kink', 'categorical_hinge', [0.2, 1.5, 0.5, 0.3, 0.6, 0.6], [2, 3], [0, 1, 0, 1, 0, 0])
case('bce_at_clip_bounds', 'binary_crossentropy', [EPS, 1 - EPS, EPS, 1 - EPS, 0.3, 0.7], [2, 3], [1, 0, 0, 1, 1, 0])
case('cce_at_clip_bound', 'categorical_crossentropy', [EPS, 0.4, 0.6 - EPS, 0.25, 0.5, 0.25], [2, 3], [1, 0, 0, 0, 1, 0])
case('kl_divergence_at_clip_bounds', 'kl_divergence', [EPS, 1.0, 0.3, 0.5, EPS, 0.2], [2, 3], [0.2, 0.5, 0.3, 0.4, 0.1, 0.5])
case('msle_at_floor', 'mean_squared_logarithmic_error', [EPS, 0.3, 2.0, 1.5, EPS, -0.2], [2, 3], [0.5, 0.1, 1.0, 0.0, 2.0, 0.3])

# ---- regression ----
rp, ry = uniform(24, -2, 2), uniform(24, -2, 2)
case('mse', 'mean_squared_error', rp, [4, 6], ry)
case('mse_rank3', 'mean_squared_error', rp, [2, 3, 4], ry)
case('mse_axis0', 'mean_squared_error', rp, [4, 6], ry, axis=[0])
for r in REDUCTIONS:
    case(f'mse_{r}_weights', 'mean_squared_error', rp, [4, 6], ry, reduction=r, sample_weights=SW4, tensor_shapes={'sample_weights': [4]})
case('mse_scalar_weight', 'mean_squared_error', rp, [4, 6], ry, sample_weights=[2.5], tensor_shapes={'sample_weights': []})
case('mae', 'mean_absolute_error', rp, [4, 6], ry)
case('mae_sum', 'mean_absolute_error', rp, [2, 3, 4], ry, reduction='sum')
mape_y = uniform(24, -2, 2)
mape_y[3], mape_y[9] = 0.0, 3e-8   # below the 1e-7 floor of |y|
case('mape', 'mean_absolute_percentage_error', rp, [4, 6], mape_y)
case('msle', 'mean_squared_logarithmic_error', uniform(24, -0.5, 3), [4, 6], uniform(24, -0.5, 3))
case('cosine_similarity', 'cosine_similarity', rp, [4, 6], ry)
case('cosine_similarity_rank3', 'cosine_similarity', rp, [2, 3, 4], ry)
case('cosine_similarity_axis0', 'cosine_similarity', rp, [4, 6], ry, axis=[0])
case('huber', 'huber', uniform(24, -3, 3), [4, 6], uniform(24, -3, 3))
case('huber_delta', 'huber', uniform(24, -3, 3), [4, 6], uniform(24, -3, 3), delta=0.35)
case('log_cosh', 'log_cosh', uniform(24, -15, 15), [4, 6], uniform(24, -3, 3))
case('poisson', 'poisson', uniform(24, 0.01, 4), [4, 6], uniform(24, 0, 4))
case('poisson_weights', 'poisson', uniform(24, 0.01, 4), [4, 6], uniform(24, 0, 4), sample_weights=SW4, reduction='weighted_mean',
     tensor_shapes={'sample_weights': [4]})
kp = uniform(24, 0.01, 0.99)
kp[2], kp[5] = 3e-7, 4e-8   # just inside the 1e-7 clip, and clipped
case('kl_divergence', 'kl_divergence', kp, [4, 6], uniform(24, 0.0, 1.0))
case('l1_loss', 'l1_loss', rp, [4, 6], ry)
case('l1_loss_none', 'l1_loss', rp, [2, 3, 4], ry, reduction='none')
case('smooth_l1_loss', 'smooth_l1_loss', uniform(24, -2, 2), [4, 6], uniform(24, -2, 2))
case('smooth_l1_loss_beta', 'smooth_l1_loss', uniform(24, -2, 2), [4, 6], uniform(24, -2, 2), beta=0.65, reduction='sum')
case('fe_huber', 'fe_huber', uniform(24, -3, 3), [4, 6], uniform(24, -3, 3))
case('fe_huber_beta', 'fe_huber', uniform(24, -3, 3), [4, 6], uniform(24, -3, 3), beta=0.4, reduction='none')
case('l2_regularization', 'l2_regularization', uniform(24, -2, 2), [4, 6])
case('l2_regularization_beta', 'l2_regularization', uniform(12, -2, 2), [12], beta=0.3)

# ---- segmentation ----
sp, sy = uniform(24, 0.01, 0.99), bits(24)
case('dice', 'dice', sp, [6, 4], sy)
case('dice_axis1', 'dice', sp, [6, 4], sy, axis=[1])
sp4, sy4 = uniform(120, 0.01, 0.99), bits(120)
case('dice_rank4_axes', 'dice', sp4, [3, 4, 5, 2], sy4, axis=[1, 2, 3])
case('tversky', 'tversky', sp, [6, 4], sy)
case('tversky_alpha_beta_axis1', 'tversky', sp, [6, 4], sy, alpha=0.3, beta=0.7, axis=[1])
case('tversky_rank4_weights', 'tversky', sp4, [3, 4, 5, 2], sy4, axis=[1, 2, 3], sample_weights=[0.2, 1.0, 2.2], reduction='sum',
     tensor_shapes={'sample_weights': [3]})
dp, dy = uniform(180, 0, 1), bits(180)
case('dice_score', 'dice_score', dp, [3, 4, 5, 3], dy)
case('dice_score_soft_weights_eps', 'dice_score', dp, [3, 4, 5, 3], dy, soft_dice=True, channel_weights=[0.3, 1.7, 0.1], epsilon=0.1)
case('dice_score_no_overlap_channel_average', 'dice_score', dp, [3, 4, 5, 3], dy, mask_overlap=False, channel_average=True)
case('dice_score_threshold_both_averages', 'dice_score', dp, [3, 4, 5, 3], dy, threshold=0.3, sample_average=True, channel_average=True)
case('dice_score_sample_average', 'dice_score', uniform(48, 0, 1), [2, 6, 4], bits(48), sample_average=True)


# ---- circle, ctc ----
def embeddings(rows, dim):
    e = rng.uniform(-1, 1, (rows, dim))
    return [float(v) for v in (e / np.linalg.norm(e, axis=1, keepdims=True)).flatten()]


clabels = [0.0, 1.0, 0.0, 1.0, 2.0, 2.0, 1.0]
emb = embeddings(7, 5)
case('circle', 'circle', emb, [7, 5], clabels, [7])
case('circle_gamma_margin_diagonal', 'circle', emb, [7, 5], clabels, [7], gamma=5.3, margin=0.3, remove_diagonal=False)
case('circle_sum', 'circle', emb, [7, 5], clabels, [7], gamma=12.0, reduction='sum')
case('circle_lonely_query', 'circle', emb, [7, 5], [0.0, 1.0, 0.0, 1.0, 2.0, 3.0, 1.0], [7], gamma=7.0)   # a query without a positive
case('circle_weights', 'circle', emb, [7, 5], clabels, [7], gamma=9.0, sample_weights=[0.5, 1.5, 1.0, 2.0, 0.25, 1.0, 0.75],
     reduction='weighted_mean', tensor_shapes={'sample_weights': [7]})
ref_emb = embeddings(6, 5)
case('circle_references', 'circle', emb[:25], [5, 5], [1.0, 1.0, 2.0, 2.0, 3.0], [5], ref_labels=[1.0, 1.0, 2.0, 2.0, 3.0, 4.0],
     ref_embeddings=ref_emb, remove_diagonal=False, gamma=10.0, reduction='none', tensor_shapes={'ref_labels': [6], 'ref_embeddings': [6, 5]})
case('ctc', 'ctc', uniform(36, -2, 2), [3, 4, 3], [1, 2, 1, 0, 1, 2, 0, 0, 2, 0, 0, 0], [3, 4])
case('ctc_sum', 'ctc', uniform(60, -3, 3), [2, 6, 5], [4, 4, 2, 3, 0, 1, 2, 3, 4, 0], [2, 5], reduction='sum')
case('ctc_weights', 'ctc', uniform(36, -2, 2), [3, 4, 3], [1, 2, 1, 0, 2, 2, 0, 0, 1, 0, 0, 0], [3, 4], sample_weights=[0.5, 2.0, 1.25],
     reduction='weighted_mean', tensor_shapes={'sample_weights': [3]})

missing = set(FUNCTIONS) - {c['loss'] for c in out}
assert not missing, missing
with open(__file__.replace('make_loss_gradients.py', 'loss_gradients.json'), 'w') as fh:
    json.dump(out, fh, indent=None)
print(len(out), 'cases,', len({c['loss'] for c in out}), 'losses, torch', torch.__version__)
