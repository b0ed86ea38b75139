using CrossBackend.Testing;

namespace CrossBackend.Tests;

/// <summary>
/// Keras's <c>categorical_generalized_cross_entropy</c> takes p = Σ y_pred·one_hot(label) along the class axis, so a NaN
/// or ±∞ in any class of a row makes that row's p NaN (0·∞), while a +∞ at the label itself is p = +∞ and the loss
/// (1 − ∞^q)/q = −∞. Every engine, labels as int64 and as floats, classes last and on axis 1 of a rank-3 tensor (the
/// fused kernels' strided rows).
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class GeneralizedCrossEntropyNonFiniteTests(ITensorEngine engine)
{
    private const double Q = 0.3;

    // Row 0: NaN beside the label; row 1: +∞ beside it; row 2: +∞ at the label; row 3: finite.
    private static readonly double[] Rows = [double.NaN, 0.5, 0.5, 0.2, double.PositiveInfinity, 0.3, 0.1, double.PositiveInfinity, 0.2, 0.3, 0.6, 0.1];
    private static readonly long[] Labels = [1, 2, 1, 1];
    private static readonly double[] Expected = [double.NaN, double.NaN, double.NegativeInfinity, (1 - Math.Pow(0.6, Q)) / Q];

    [Test]
    public void ANonFiniteClassBesideTheLabelMakesTheRowNaN([Values(DType.Float32, DType.Float64)] DType dtype, [Values] bool floatLabels)
    {
        object pred = Backend.ToTensor(Rows, engine, dtype, [4, 3]);
        object labels = floatLabels ? Backend.ToTensor(Labels.Select(l => (double)l).ToArray(), engine, dtype, [4])
            : Backend.ToTensor(Labels, engine);
        AssertRows(Losses.Compute("categorical_generalized_cross_entropy", pred, labels, Arguments(axis: null)), dtype);
    }

    /// <summary>The same rows as (2, 3, 2) with classes on axis 1: row r is batch r / 2, position r % 2.</summary>
    [Test]
    public void TheSameWithClassesOnAStridedAxis([Values(DType.Float32, DType.Float64)] DType dtype)
    {
        var strided = new double[12];
        for (int r = 0; r < 4; r++)
            for (int k = 0; k < 3; k++) strided[(r / 2) * 6 + k * 2 + r % 2] = Rows[r * 3 + k];
        object pred = Backend.ToTensor(strided, engine, dtype, [2, 3, 2]);
        object labels = Backend.ToTensor(Labels, engine);
        object loss = Losses.Compute("categorical_generalized_cross_entropy", pred, Backend.Reshape(labels, [2, 2]), Arguments(axis: 1));
        AssertRows(loss, dtype);
    }

    private static LossArguments Arguments(int? axis) =>
        new() { ["q"] = Q, ["axis"] = axis, ["reduction"] = Reduction.None };

    private void AssertRows(object loss, DType dtype)
    {
        double[] actual = engine.ToDoubleArray(loss, out _);
        Assert.That(double.IsNaN(actual[0]) && double.IsNaN(actual[1]), Is.True, $"NaN rows: {string.Join(", ", actual)}");
        Assert.That(actual[2], Is.EqualTo(double.NegativeInfinity), "+∞ at the label");
        (double rtol, double atol) = Tolerance.For(dtype);
        Assert.That(actual[3], Is.EqualTo(Expected[3]).Within(atol + rtol * Math.Abs(Expected[3])), "the finite row");
    }
}
