using CrossBackend.Testing;

namespace CrossBackend.Tests.Functions;

/// <summary>
/// <c>ArgMax</c> along a float32 row longer than 2²⁴ returns the exact index on every engine: the channels-last engine
/// computes float32 in float32 ops, whose indices are float32 values (exact only to 2²⁴), and gave 16777216 for a
/// maximum at 16777217 before session 52 (NumPy's and PyTorch's argmax give 16777217). About 0.5 s per engine.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class ArgMaxLongRowTests(ITensorEngine engine)
{
    [TestCase(DType.Float32)]
    [TestCase(DType.Float16)]
    public void TheIndexBeyondTwoToThe24IsExact(DType dtype)
    {
        const int n = (1 << 24) + 2, top = (1 << 24) + 1;
        var values = new float[n];
        values[top] = 1f;
        values[3] = -1f;
        object x = Backend.ToTensor(values, engine, dtype);
        Assert.That(Backend.ToNumber(Backend.ArgMax(x, -1)), Is.EqualTo(new long[] { top }));
    }
}
