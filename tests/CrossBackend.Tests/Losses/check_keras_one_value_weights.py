"""Independent float64 NumPy check of the session-57 golden values for sample weights on a one-value loss
(KerasSampleWeightTests.OneValueLossTakesTheWeightsShape, the weighted dice example in Dice.cs, and the shapes in
CliResultShapeTests.UnreducedScalarHasKerassShapeOnEveryEngine; since session 58
KerasSampleWeightTests.OneValueLossTimesOneWeightIsTheProductUnderEveryReduction).

Written from Keras 3's keras/src/losses/loss.py (reduce_weighted_values, reduce_values,
squeeze_or_expand_to_same_rank) and losses.py (dice, mean_squared_error), in float64, without Keras.
Run: python3 check_keras_one_value_weights.py (NumPy only)."""
import numpy as np

EPS = 1e-7  # keras.backend.epsilon()


def squeeze_or_expand(x1, x2):
    """loss.py squeeze_or_expand_to_same_rank (expand_rank_1=True)."""
    r1, r2 = x1.ndim, x2.ndim
    if r1 == r2:
        return x1, x2
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        x1, x2 = (x1, x2[..., None]) if r2 == 1 else (x1[..., 0], x2)
    if r2 == r1 + 1 and x2.shape[-1] == 1:
        x1, x2 = (x1[..., None], x2) if r1 == 1 else (x1, x2[..., 0])
    return x1, x2


def reduce_weighted(values, weights, reduction):
    """loss.py reduce_weighted_values without a mask: values · weights with NumPy broadcasting, then reduce_values
    (which returns a rank-0 or empty product as it is)."""
    values = np.asarray(values, np.float64)
    if weights is not None:
        weights = np.asarray(weights, np.float64)
        values, weights = squeeze_or_expand(values, weights)
        values = values * weights
    if reduction == "none" or values.shape in ((), (0,)):
        return values
    total = values.sum()
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and weights is not None:
        return total / weights.sum() if weights.sum() != 0 else 0.0
    return total / values.size


def dice(y_true, y_pred, axis=None):
    y_true, y_pred = np.asarray(y_true, np.float64), np.asarray(y_pred, np.float64)
    return 1 - 2 * (y_true * y_pred).sum(axis) / (y_true.sum(axis) + y_pred.sum(axis) + EPS)


def check(name, got, expected, tol=1e-8):
    got, expected = np.asarray(got), np.asarray(expected, np.float64)
    assert got.shape == expected.shape, (name, got.shape, expected.shape)
    assert np.allclose(got, expected, rtol=0, atol=tol), (name, got, expected)
    print(f"{name}: {np.array2string(got, precision=10)}  shape {got.shape}")


# KerasSampleWeightTests.OneValueLossTakesTheWeightsShape
l = dice([[0, 1], [1, 1]], [[0.1, 0.7], [0.3, 0.9]])
check("dice loss", l, 1 - 3.8 / 5.0000001)
w = [0.3, 0.1]
check("sum_over_batch_size", reduce_weighted(l, w, "sum_over_batch_size"), 0.2 * l)
check("sum", reduce_weighted(l, w, "sum"), 0.4 * l)
check("mean_with_sample_weight", reduce_weighted(l, w, "mean_with_sample_weight"), l)
check("none", reduce_weighted(l, w, "none"), [0.3 * l, 0.1 * l])
check("none, (2, 1) weights", reduce_weighted(l, [[0.3], [0.1]], "none"), [[0.3 * l], [0.1 * l]])
mse = ((np.array([0, 1, 1.0]) - np.array([0.5, 0.5, 1.0])) ** 2).mean(-1)   # rank-1 y_pred: one sample, shape ()
check("mse of a rank-1 y_pred, sum with (3,) weights", reduce_weighted(mse, [0.3, 0.1, 0.7], "sum"), 1.1 / 6)

# Dice.cs: Keras's docstring masks (dice over every axis 0.6164384) with weights [0.3, 0.1]
y_true = [[[[1.0], [1.0]], [[0.0], [0.0]]], [[[1.0], [1.0]], [[0.0], [0.0]]]]
y_pred = [[[[0.0], [1.0]], [[0.0], [1.0]]], [[[0.4], [0.0]], [[0.0], [0.9]]]]
check("docstring dice", dice(y_true, y_pred), 0.6164384, tol=5e-8)
check("docstring dice, weighted", reduce_weighted(dice(y_true, y_pred), w, "sum_over_batch_size"), 0.12328767, tol=5e-9)

# CliResultShapeTests: the unreduced shapes (weights of 0.3)
check("none, no weights", reduce_weighted(l, None, "none"), l)
check("none, () weights", reduce_weighted(l, 0.3, "none"), 0.3 * l)
check("none, (1,) weights (squeezed to ())", reduce_weighted(l, [0.3], "none"), 0.3 * l)
check("none, (1, 1) weights", reduce_weighted(l, [[0.3]], "none"), [[0.3 * l]])

# KerasSampleWeightTests.OneValueLossTimesOneWeightIsTheProductUnderEveryReduction (followed since session 58):
# Keras's reduce_values returns a rank-0 product unreduced, so a weight of shape () or (1,) on a one-value loss is
# not divided out by mean_with_sample_weight (2.3·l), where a (1, 1) weight is (l).
for reduction in ("mean_with_sample_weight", "sum", "sum_over_batch_size", "none"):
    check(f"{reduction}, () weight 2.3", reduce_weighted(l, 2.3, reduction), 0.55200003496)
    check(f"{reduction}, (1,) weight 2.3", reduce_weighted(l, [2.3], reduction), 0.55200003496)
check("mean_with_sample_weight, (1, 1) weight 2.3", reduce_weighted(l, [[2.3]], "mean_with_sample_weight"), 0.2400000152)
cce = -np.log(0.5 / (0.2 + 0.5 + 0.3))   # categorical_crossentropy of a rank-1 y_pred [0.2, 0.5, 0.3], label 1: shape ()
check("rank-1 crossentropy, mean_with_sample_weight, () weight 2.3", reduce_weighted(cce, 2.3, "mean_with_sample_weight"),
      1.5942385153, tol=5e-10)
