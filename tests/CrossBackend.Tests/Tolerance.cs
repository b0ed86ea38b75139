using CrossBackend.Testing;

namespace CrossBackend.Tests;

/// <summary>
/// The documented parity tolerance: |actual − expected| ≤ rtol·|expected| + atol, from the kit's table
/// (<see cref="ToleranceTable.Default"/>, one table for the suite, the README and users' tests). The absolute floor
/// exists because an element's loss can be arbitrarily close to 0 (a clipped one-hot row gives 1.19e-7 in float32),
/// where a purely relative bound would demand more digits than the dtype has.
/// </summary>
public static class Tolerance
{
    public static (double Rtol, double Atol) For(DType dtype)
    {
        if (!dtype.IsFloatingPoint()) throw new ArgumentOutOfRangeException(nameof(dtype));
        var bound = ToleranceTable.Default.For(dtype);
        return (bound.Rtol, bound.Atol);
    }

    /// <summary>Asserts with the kit (<see cref="TensorAssert.AreClose"/>): on failure, <paramref name="what"/> and
    /// the torch.testing-style report (mismatch count, greatest differences and where).</summary>
    public static void AssertClose(double[] actual, double[] expected, DType dtype, string what)
    {
        (double rtol, double atol) = For(dtype);
        TensorAssert.AreClose(actual, expected, rtol, atol, message: what);
    }
}
