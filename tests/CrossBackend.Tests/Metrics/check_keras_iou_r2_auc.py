"""Independent float64 NumPy check of the IoU, R2Score and AUC examples registered in MetricExamples (Keras 3's
iou_metrics.py, regression_metrics.py and confusion_metrics.py, their tests and docstrings).

Each function below is written from Keras's formulas (keras/src/metrics/*.py, metrics_utils.py) in float64, with
Keras's own epsilons, and every published value is checked against it within the tolerance the Keras test uses.
It also prints the float32 logits the AUC tests build (-log(1 / (p + 1e-12) - 1) in float32), which the C# examples
embed. Run: python3 check_keras_iou_r2_auc.py (NumPy only; no Keras, TensorFlow or scikit-learn needed)."""
import numpy as np

EPS = 1e-7  # keras.backend.epsilon()


def confusion(y_true, y_pred, num_classes, weights=None):
    """Keras's confusion_matrix: rows are true ids, columns predicted ids, ids cast to int (toward zero)."""
    t = np.trunc(np.asarray(y_true, np.float64).ravel()).astype(np.int64)
    p = np.trunc(np.asarray(y_pred, np.float64).ravel()).astype(np.int64)
    w = np.broadcast_to(np.asarray(1.0 if weights is None else weights, np.float64).ravel(), t.shape)
    cm = np.zeros((num_classes, num_classes))
    for a, b, c in zip(t, p, w):
        if 0 <= a < num_classes and 0 <= b < num_classes:
            cm[a, b] += c
    return cm


def iou(y_true, y_pred, num_classes, targets, weights=None, ignore_class=None, sparse_true=True, sparse_pred=True, keras_eps=True):
    y_true = np.asarray(y_true, np.float64)
    y_pred = np.asarray(y_pred, np.float64)
    if not sparse_true:
        y_true = np.argmax(y_true, -1).astype(np.float64)
    if not sparse_pred:
        y_pred = np.argmax(y_pred, -1).astype(np.float64)
    y_true, y_pred = y_true.ravel(), y_pred.ravel()
    w = np.broadcast_to(np.asarray(1.0 if weights is None else weights, np.float64).ravel(), y_true.shape).copy()
    if ignore_class is not None:
        valid = y_true != ignore_class
        y_true, y_pred, w = y_true * valid, y_pred * valid, w * valid
    cm = confusion(y_true, y_pred, num_classes, w)
    rows, cols, tp = cm.sum(0), cm.sum(1), np.diag(cm)
    den = rows + cols - tp
    tp, den = tp[targets], den[targets]
    n = np.sum(den > 1e-9)
    e = EPS if keras_eps else 0.0
    if keras_eps:
        return np.sum(tp / (den + e)) / (n + e)
    return 0.0 if n == 0 else np.sum(np.where(den > 1e-9, tp / np.where(den > 0, den, 1), 0)) / n


def binary_iou(y_true, y_pred, targets=(0, 1), threshold=0.5, weights=None, keras_eps=True):
    return iou(y_true, (np.asarray(y_pred, np.float64) >= threshold).astype(np.float64), 2, list(targets), weights, keras_eps=keras_eps)


def r2(y_true, y_pred, aggregation="uniform_average", p=0, weights=None):
    y_true = np.asarray(y_true, np.float64)
    y_pred = np.asarray(y_pred, np.float64)
    w = np.asarray(1.0 if weights is None else weights, np.float64)
    if w.ndim == 1:
        w = w[:, None]
    w = np.broadcast_to(w, y_true.shape)
    s, sq = (w * y_true).sum(0), (w * y_true * y_true).sum(0)
    mse, count = (w * (y_true - y_pred) ** 2).sum(0), w.sum(0)
    mean = s / count
    total = sq - s * mean
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = 1 - mse / total
    raw = np.where(np.isinf(raw), 0.0, raw)
    if aggregation == "uniform_average":
        score = raw.mean()
    elif aggregation == "variance_weighted_average":
        score = np.sum(total * raw) / np.sum(total)
    else:
        score = raw
    n = y_true.size
    if p != 0 and p < n - 1:
        score = 1 - (1 - score) * (n - 1) / (n - p - 1)
    return score


def auc(y_true, y_pred, num_thresholds=200, curve="ROC", summation="interpolation", thresholds=None, multi_label=False,
        label_weights=None, from_logits=False, weights=None):
    """Keras's AUC with the plain comparison y_pred > threshold (its non-bucketed path) in float64."""
    y_true = np.asarray(y_true, np.float64)
    y_pred = np.asarray(y_pred, np.float64)
    if from_logits:
        y_pred = 1 / (1 + np.exp(-y_pred))
    if thresholds is None:
        ts = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    else:
        ts = sorted(thresholds)
    ts = np.array([-EPS] + ts + [1 + EPS])
    w = np.ones_like(y_pred) if weights is None else np.asarray(weights, np.float64)
    if w.ndim < y_pred.ndim:
        w = w.reshape(w.shape + (1,) * (y_pred.ndim - w.ndim))
    w = np.broadcast_to(w, y_pred.shape)
    if label_weights is not None and not multi_label:
        w = w * np.asarray(label_weights, np.float64)
    pos = (y_true != 0).astype(np.float64)
    if multi_label:
        P, Y, W = y_pred.T, pos.T, w.T
    else:
        P, Y, W = y_pred.reshape(1, -1), pos.reshape(1, -1), w.reshape(1, -1)
    above = (np.clip(P, 0, 1)[:, :, None] > ts[None, None, :]).astype(np.float64)
    tp = np.einsum("lst,ls->lt", above, Y * W)
    fp = np.einsum("lst,ls->lt", above, (1 - Y) * W)
    fn = (Y * W).sum(1, keepdims=True) - tp
    tn = ((1 - Y) * W).sum(1, keepdims=True) - fp

    def nonan(a, b):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(b == 0, 0.0, a / np.where(b == 0, 1, b))

    if curve == "PR" and summation == "interpolation":
        p = tp + fp
        dtp = tp[:, :-1] - tp[:, 1:]
        dp = p[:, :-1] - p[:, 1:]
        slope = nonan(dtp, np.maximum(dp, 0))
        intercept = tp[:, 1:] - slope * p[:, 1:]
        ratio = np.where((p[:, :-1] > 0) & (p[:, 1:] > 0), nonan(p[:, :-1], np.maximum(p[:, 1:], 0)), 1.0)
        terms = nonan(slope * (dtp + intercept * np.log(ratio)), np.maximum(tp[:, 1:] + fn[:, 1:], 0))
    else:
        recall = nonan(tp, tp + fn)
        if curve == "ROC":
            x, y = nonan(fp, fp + tn), recall
        else:
            x, y = recall, nonan(tp, tp + fp)
        a, b = y[:, :-1], y[:, 1:]
        h = (a + b) / 2 if summation == "interpolation" else np.minimum(a, b) if summation == "minoring" else np.maximum(a, b)
        terms = (x[:, :-1] - x[:, 1:]) * h
    by_label = terms.sum(1)
    if not multi_label:
        return by_label.sum()
    if label_weights is None:
        return by_label.mean()
    lw = np.asarray(label_weights, np.float64)
    return np.sum(by_label * lw) / np.sum(lw)


failures = 0


def check(name, got, published, tol):
    global failures
    got, published = np.atleast_1d(got), np.atleast_1d(np.asarray(published, np.float64))
    diff = np.max(np.abs(got - published))
    ok = diff <= tol + 1e-12
    failures += not ok
    print(f"{'ok ' if ok else 'BAD'} {name}: float64 {np.array2string(got, precision=9)} published {published} |diff| {diff:.2e} (tol {tol})")


# ---- IoU family (iou_metrics.py docstrings and iou_metrics_test.py; the tests use atol 1e-3) ----
t4, p4 = [0, 0, 1, 1], [0, 1, 0, 1]
check("IoU docstring", iou(t4, p4, 2, [0]), 0.33333334, 1e-7)
check("IoU docstring weighted", iou(t4, p4, 2, [0], [0.3, 0.3, 0.3, 0.1]), 0.33333334, 1e-7)
check("IoU test_unweighted", iou(t4, p4, 2, [0, 1]), (1 / 3 + 1 / 3) / 2, 1e-3)
check("IoU test_weighted", iou(t4, p4, 2, [1, 0], [0.2, 0.3, 0.4, 0.1]), (0.1 / (0.4 + 0.5 - 0.1) + 0.2 / (0.6 + 0.5 - 0.2)) / 2, 1e-3)
check("IoU test_multi_dim_input", iou([[0, 0], [1, 1]], [[0, 1], [0, 1]], 2, [0, 1], [[0.2, 0.3], [0.4, 0.1]]),
      (0.2 / (0.6 + 0.5 - 0.2) + 0.1 / (0.4 + 0.5 - 0.1)) / 2, 1e-3)
check("IoU test_zero_valid_entries (weights 0)", iou(t4, p4, 2, [0, 1], [0, 0, 0, 0]), 0, 1e-3)
check("IoU test_zero_and_non_zero_entries", iou([1], [1], 2, [0, 1]), 1.0, 1e-3)
check("IoU absent classes (exact division)", iou([0, 0], [0, 0], 2, [0, 1], keras_eps=False), 1.0, 0)
tb, pb = [0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7]
check("BinaryIoU docstring", binary_iou(tb, pb, threshold=0.3), 0.33333334, 1e-7)
check("BinaryIoU docstring weighted", binary_iou(tb, pb, threshold=0.3, weights=[0.2, 0.3, 0.4, 0.1]), 0.17361112, 1e-7)
check("BinaryIoU weighted 0.3", binary_iou(tb, pb, threshold=0.3, weights=[0.2, 0.3, 0.4, 0.1]),
      (0.2 / (0.6 + 0.5 - 0.2) + 0.1 / (0.4 + 0.5 - 0.1)) / 2, 1e-3)
check("BinaryIoU weighted 0.5", binary_iou(tb, pb, threshold=0.5, weights=[0.1, 0.2, 0.4, 0.3]),
      (0.5 / (0.5 + 0.7 - 0.5) + 0.3 / (0.5 + 0.3 - 0.3)) / 2, 1e-3)
check("BinaryIoU unweighted 0.3", binary_iou(tb, pb, threshold=0.3), (1 / 3 + 1 / 3) / 2, 1e-3)
check("BinaryIoU unweighted 0.5", binary_iou(tb, pb, threshold=0.5), (2 / (2 + 3 - 2) + 1 / (2 + 1 - 1)) / 2, 1e-3)
check("BinaryIoU multi_dim", binary_iou([[0, 1], [0, 1]], [[0.1, 0.7], [0.9, 0.3]], threshold=0.4, weights=[[0.2, 0.3], [0.4, 0.1]]),
      (0.2 / (0.6 + 0.3 - 0.2) + 0.3 / (0.4 + 0.7 - 0.3)) / 2, 1e-3)
check("BinaryIoU zero_and_non_zero", binary_iou([1], [0.6], threshold=0.5), 1.0, 1e-3)
check("MeanIoU docstring", iou(t4, p4, 2, [0, 1]), 0.33333334, 1e-7)
check("MeanIoU docstring weighted", iou(t4, p4, 2, [0, 1], [0.3, 0.3, 0.3, 0.1]), 0.23809525, 1e-7)
check("MeanIoU ignore 255", iou([0, 1, 2, 255], [0, 1, 1, 1], 3, [0, 1, 2], ignore_class=255), (1 / (1 + 1 - 1) + 1 / (2 + 1 - 1) + 0 / (0 + 1 - 0)) / 3, 1e-3)
check("MeanIoU ignore -1", iou([0, 1, 2, -1], [0, 1, 1, 1], 3, [0, 1, 2], ignore_class=-1), (1 / (1 + 1 - 1) + 1 / (2 + 1 - 1) + 0 / (0 + 1 - 0)) / 3, 1e-3)
check("MeanIoU weighted", iou(t4, p4, 2, [0, 1], [0.2, 0.3, 0.4, 0.1]), (0.2 / (0.6 + 0.5 - 0.2) + 0.1 / (0.4 + 0.5 - 0.1)) / 2, 1e-3)
check("MeanIoU weighted ignore -1", iou([0, 0, 1, -1], p4, 2, [0, 1], [0.2, 0.3, 0.4, 0.1], ignore_class=-1),
      (0.2 / (0.6 + 0.5 - 0.2) + 0.0 / (0.3 + 0.4 - 0.0)) / 2, 1e-3)
oh_true = [[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0]]
oh_pred = [[0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0.5, 0.3, 0.1], [0.1, 0.4, 0.5]]
check("OneHotIoU unweighted", iou(oh_true, oh_pred, 3, [0, 2], sparse_true=False, sparse_pred=False), (0 / (1 + 2 - 0) + 1 / (3 + 1 - 1)) / 2, 1e-3)
check("OneHotIoU weighted", iou(oh_true, oh_pred, 3, [0, 2], [0.1, 0.2, 0.3, 0.4], sparse_true=False, sparse_pred=False),
      (0 / (0.3 + 0.6 - 0) + 0.1 / (0.7 + 0.1 - 0.1)) / 2, 1e-3)
check("OneHotIoU docstring", iou(oh_true, oh_pred, 3, [0, 2], [0.1, 0.2, 0.3, 0.4], sparse_true=False, sparse_pred=False), 0.071, 5e-4)
check("OneHotMeanIoU unweighted", iou(oh_true, oh_pred, 3, [0, 1, 2], sparse_true=False, sparse_pred=False), (0 + 0 + 1 / (3 + 1 - 1)) / 3, 1e-3)
check("OneHotMeanIoU docstring", iou(oh_true, oh_pred, 3, [0, 1, 2], [0.1, 0.2, 0.3, 0.4], sparse_true=False, sparse_pred=False), 0.048, 5e-4)
check("OneHotMeanIoU weighted", iou(oh_true + [[1, 0, 0]], oh_pred + [[0.6, 0.2, 0.2]], 3, [0, 1, 2], [0.1, 0.2, 0.3, 0.3, 0.1],
                                  sparse_true=False, sparse_pred=False), (0.1 / (0.4 + 0.6 - 0.1) + 0 + 0.1 / (0.6 + 0.1 - 0.1)) / 3, 1e-3)

# ---- R2Score (regression_metrics.py docstring, regression_metrics_test.py, atol 1e-6) ----
check("R2 docstring", r2([[1], [4], [3]], [[2], [4], [4]]), 0.57142854, 1e-7)
st = [[0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]
sp = [[0.4, 0.5, 0.6], [0.1, 0.2, 0.3], [0.5, 0.8, 0.2]]
check("R2 sklearn None", r2(st, sp, None), [0.37, -1.295, 0.565], 1e-6)
check("R2 sklearn uniform", r2(st, sp), -0.12, 1e-6)
check("R2 sklearn variance", r2(st, sp, "variance_weighted_average"), -0.12, 1e-6)
tp_ = [[0.4, 0.9, 1.6], [0.1, 1.2, 0.6], [1.5, 0.8, 0.6]]
sw = [0.8, 0.1, 0.4]
for agg, p, res in [(None, 0, [0.17305559, -8.836666, -0.521]), (None, 1, [0.054920673, -10.241904, -0.7382858]),
                    (None, 2, [-0.10259259, -12.115555, -1.0280001]), ("uniform_average", 0, -3.0615367889404297),
                    ("uniform_average", 1, -3.641756534576416), ("uniform_average", 2, -4.415382385253906),
                    ("variance_weighted_average", 0, -1.3710224628448486), ("variance_weighted_average", 1, -1.7097399234771729),
                    ("variance_weighted_average", 2, -2.161363363265991)]:
    check(f"R2 tfa {agg} p={p}", r2(st, tp_, agg, p, sw), res, 1e-6)
with np.errstate(invalid="ignore", divide="ignore"):
    print("constant y_true, exact fit (Keras: NaN):", r2([[1.0], [1.0]], [[1.0], [1.0]]), " miss (Keras: 0):", r2([[1.0], [1.0]], [[1.0], [2.0]]))

# ---- AUC (confusion_metrics.py docstring and confusion_metrics_test.py) ----
yp = np.array([0, 0.5, 0.3, 0.9], np.float32)
yt = [0, 0, 1, 1]
w4 = [1, 2, 3, 4]
logits = -np.log(np.float32(1.0) / (yp + np.float32(1e-12)) - np.float32(1.0))
print("float32 logits:", [repr(float(v)) for v in logits])
check("AUC docstring", auc(yt, yp, 3), 0.75, 1e-7)
check("AUC docstring weighted", auc(yt, yp, 3, weights=[1, 0, 0, 1]), 1.0, 1e-7)
check("AUC all correct", auc(yt, yt), 1.0, 0)
check("AUC unweighted", auc(yt, yp, 3), 0.75, 1e-3)
check("AUC from logits", auc(yt, logits, 3, from_logits=True), 0.75, 1e-3)
check("AUC manual thresholds", auc(yt, yp, 2, thresholds=[0.5]), 0.75, 1e-3)
check("AUC ROC interpolation", auc(yt, yp, 3, weights=w4), 0.7855, 1e-3)
check("AUC ROC majoring", auc(yt, yp, 3, summation="majoring", weights=w4), 1.0, 1e-3)
check("AUC ROC minoring", auc(yt, yp, 3, summation="minoring", weights=w4), 0.571, 1e-3)
check("AUC PR majoring", auc(yt, yp, 3, "PR", "majoring", weights=w4), 1 * 0.429 + 1 * 0.571, 1e-3)
check("AUC PR minoring", auc(yt, yp, 3, "PR", "minoring", weights=w4), 0.7 * 0.429, 1e-3)
check("AUC PR interpolation", auc(yt, yp, 3, "PR", weights=w4), 2.416 / 7 + 4 / 7, 1e-3)
check("AUC PR interpolation negative weights", auc(yt, yp, 3, "PR", weights=[-1, -2, -3, -4]), 0.0, 1e-3)
x = -np.array([[[-10.0, 10.0, -10.0], [10.0, -10.0, 10.0]], [[-12.0, 12.0, -12.0], [12.0, -12.0, 12.0]]], np.float32)
extra = (1 / (1 + np.exp(-x.astype(np.float64)))).astype(np.float32)
print("extra dims probabilities (float32):", [repr(float(v)) for v in extra.ravel()])
check("AUC extra dims", auc([[[1, 0, 0], [1, 0, 0]], [[0, 1, 1], [0, 1, 1]]], extra), 0.5, 0)
mp = np.array([[0, 0.5, 0.3, 0.9], [0.1, 0.2, 0.3, 0.4]], np.float32).T
good = np.array([[0, 0, 1, 1], [0, 0, 1, 1]]).T
bad = np.array([[0, 0, 1, 1], [1, 1, 0, 0]]).T
mlogits = -np.log(np.float32(1.0) / (mp + np.float32(1e-12)) - np.float32(1.0))
print("multi-label float32 logits:", [repr(float(v)) for v in mlogits.ravel()])
check("MultiAUC all correct", auc(good, good, multi_label=True), 1.0, 0)
check("MultiAUC all correct flat", auc(good, good), 1.0, 0)
check("MultiAUC unweighted", auc(good, mp, 5, multi_label=True), (0.875 + 1.0) / 2, 1e-3)
check("MultiAUC from logits", auc(good, mlogits, 5, multi_label=True, from_logits=True), (0.875 + 1.0) / 2, 1e-3)
check("MultiAUC sample weight flat", auc(good, mp, 5, weights=w4), 1.0 - (0.3333 * (1.0 - 0.2857) / 2.0), 1e-3)
check("MultiAUC full sample weight flat", auc(good, mp, 5, weights=np.arange(8).reshape(4, 2)), 1.0 - (0.3333 * (1.0 - 0.2727) / 2.0), 1e-3)
check("MultiAUC label weights", auc(good, mp, 5, multi_label=True, label_weights=[0.75, 0.25]), (0.875 * 0.75 + 1.0 * 0.25) / (0.75 + 0.25), 1e-3)
check("MultiAUC label weights flat", auc(good, mp, 5, label_weights=[0.75, 0.25]), 1.0 - ((1.0 - 0.375) * 0.375 / 2.0), 1e-2)
check("MultiAUC unweighted flat", auc(good, mp, 5), 1.0 - (3.0 / 32.0), 1e-3)
check("MultiAUC unweighted flat from logits", auc(good, mlogits, 5, from_logits=True), 1.0 - (3.0 / 32.0), 1e-3)
check("MultiAUC manual thresholds", auc(good, mp, 2, thresholds=[0.5], multi_label=True), (0.75 + 0.5) / 2, 1e-3)
check("MultiAUC weighted ROC interpolation", auc(good, mp, 5, multi_label=True, weights=w4), 1.0 - 0.5 * 0.43 * 0.67, 1e-1)
check("MultiAUC PR interpolation good", auc(good, mp, 5, "PR", multi_label=True), (0.91667 + 1.0) / 2, 1e-1)
check("MultiAUC PR interpolation bad after good", auc(np.concatenate([good, bad]), np.concatenate([mp, mp]), 5, "PR", multi_label=True),
      (0.91667 + 0.5) / 2, 1e-1)
check("MultiAUC PR interpolation weighted", auc(good, mp, 5, "PR", multi_label=True, weights=w4), (0.939 + 1.0) / 2, 1e-1)
print("failures:", failures)
raise SystemExit(failures != 0)
