using CrossBackend.Testing;

namespace CrossBackend.Tests.FormattingTests;

/// <summary>The check both NumPy-printing suites run on an engine's tensor: made, held with the case's shape and dtype,
/// and printed as NumPy printed it.</summary>
internal static class EngineNumPyPrint
{
    /// <summary>Makes the tensor with <paramref name="make"/> and asserts it prints <paramref name="expected"/>; a case
    /// the engine cannot hold (it refuses to make it, or stores rank 0 as (1,)) is ignored, saying why.</summary>
    public static void AssertPrints(ITensorEngine engine, Func<object> make, long[] shape, DType dtype, TensorFormatOptions options, string expected)
    {
        object tensor;
        try { tensor = make(); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or ArgumentOutOfRangeException)
        {
            Assert.Ignore($"The {engine.Name} engine does not hold this case: {e.Message}");
            return;
        }
        TensorInfo info = engine.Describe(tensor);
        if (!info.Shape.SequenceEqual(shape)) Assert.Ignore($"The {engine.Name} engine stores shape {info.ShapeText} (no rank-0 tensors).");
        Assert.That(info.DType, Is.EqualTo(dtype));
        Assert.That(tensor.ToNumPyString(options), Is.EqualTo(expected));
    }
}
