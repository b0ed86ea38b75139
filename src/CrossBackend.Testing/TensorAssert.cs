using NUnit.Framework;

namespace CrossBackend.Testing;

/// <summary>
/// NUnit asserts on tensors of any engine and .NET arrays, with <c>torch.testing.assert_close</c>-style reports.
/// </summary>
/// <example>
/// <code>
/// object loss = Losses.CategoricalCrossentropy&lt;object, object&gt;(yPred, yTrue);
/// TensorAssert.AreClose(loss, 0.22839302);                      // float32 result: rtol 1e-5, atol 1e-6
/// TensorAssert.AreClose(torchResult, numericsResult);           // two engines, moved into the same layout
/// TensorAssert.AreClose(result, NpyFile.Read("golden.npy"), rtol: 1e-4, atol: 1e-6);
/// </code>
/// </example>
public static class TensorAssert
{
    /// <summary>
    /// Asserts that <paramref name="actual"/> is close to <paramref name="expected"/> element by element, and fails
    /// the test with a report otherwise:
    /// <code>
    /// Tensors are not close!
    /// Mismatched elements: 1 / 6 (16.7%)
    /// Greatest absolute difference: 0.5 at index (1, 2) (up to 1e-05 allowed)
    /// Greatest relative difference: 0.1 at index (1, 2) (up to 1.3e-06 allowed)
    /// </code>
    /// The rule, the shape rule and the accepted kinds of value are <see cref="TensorComparison.Compare"/>'s.
    /// </summary>
    /// <param name="actual">A tensor of any engine, a .NET array of any rank, an <see cref="IO.NpyArray"/> or a number.</param>
    /// <param name="expected">The reference, of any of the same kinds and possibly another engine.</param>
    /// <param name="rtol">Relative tolerance; give both or neither. Neither: <paramref name="tolerances"/> by the
    /// looser of the two dtypes.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="equalNan">Whether NaN in both at the same place counts as close (default: NaN is a mismatch).</param>
    /// <param name="checkDType">Whether different dtypes fail the assert (default false, so a float32 result compares
    /// with <c>double[]</c> golden values; <c>torch.testing.assert_close</c>'s <c>check_dtype</c> defaults to true).</param>
    /// <param name="tolerances">The default table: <see cref="ToleranceTable.Default"/> (ours) when null, or
    /// <see cref="ToleranceTable.TorchTesting"/>.</param>
    /// <param name="message">Printed above the report, e.g. which case failed.</param>
    /// <exception cref="AssertionException">The values are not close (NUnit's failure).</exception>
    public static void AreClose(object actual, object expected, double? rtol = null, double? atol = null,
        bool equalNan = false, bool checkDType = false, ToleranceTable? tolerances = null, string? message = null)
    {
        TensorComparison comparison = TensorComparison.Compare(actual, expected, rtol, atol, equalNan, checkDType, tolerances);
        if (!comparison.IsClose)
            Assert.Fail(string.IsNullOrEmpty(message) ? comparison.Message : message + "\n" + comparison.Message);
    }
}
