using CrossBackend.Testing;

namespace CrossBackend.Tests.Gradients;

/// <summary>
/// Gradients across dtypes, as PyTorch's: a float32 parameter used with float64 data, or cast inside the tape, gets a
/// gradient in its own dtype (the channels-last tape threw InvalidCastException Tensor&lt;Single&gt; → Tensor&lt;Double&gt;:
/// float32 and float64 are separate tensor types there, and the conversion between them was not recorded).
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class MixedDTypeGradientTests(ITensorEngine engine)
{
    /// <summary>PyTorch 1.13: x float64 [[0.1, 0.3], [0.7, 0.9]], w float32 [[0.5, −0.1], [0.3, 0.7]], y [[0.1, 0], [0, 0.1]]:
    /// <c>((x @ w.double() − y)**2).mean(1).mean().backward()</c> → w.grad float32 [0.219, 0.171, 0.285, 0.237]
    /// (printed 0.21899999678134918, 0.17099998891353607, 0.2849999964237213, 0.2369999885559082).</summary>
    [Test]
    public void AFloat32ParameterTimesFloat64DataGetsAFloat32Gradient()
    {
        object x = engine.FromArray(new[] { 0.1, 0.3, 0.7, 0.9 }, [2, 2]), y = engine.FromArray(new[] { 0.1, 0.0, 0.0, 0.1 }, [2, 2]);
        object w = engine.FromArray(new[] { 0.5f, -0.1f, 0.3f, 0.7f }, [2, 2]);
        using var tape = GradientTape.Record();
        tape.Watch(w);
        object loss = Losses.MeanSquaredError(Backend.MatMul(x, w), y);
        object g = tape.Gradient(loss, w)[0];
        Assert.That(engine.Describe(g).DType, Is.EqualTo(DType.Float32));
        TensorAssert.AreClose(engine.ToDoubleArray(g, out _), new double[] { 0.219, 0.171, 0.285, 0.237 }, 1e-7, 1e-7);
    }

    /// <summary>PyTorch 1.13: w float32 [0.5, −0.1, 0.3], c float64 [0.1, 0.3, 0.7]: <c>(w.double()**2 * c).sum()</c> →
    /// float32 [0.1, −0.06, 0.42].</summary>
    [Test]
    public void ACastToFloat64InsideTheTapeIsDifferentiated()
    {
        object w = engine.FromArray(new[] { 0.5f, -0.1f, 0.3f }, [3]), c = engine.FromArray(new[] { 0.1, 0.3, 0.7 }, [3]);
        using var tape = GradientTape.Record();
        tape.Watch(w);
        object wide = Backend.Cast(w, "float64");
        object g = tape.Gradient(Backend.Multiply(Backend.Multiply(wide, wide), c), w)[0];
        Assert.That(engine.Describe(g).DType, Is.EqualTo(DType.Float32));
        TensorAssert.AreClose(engine.ToDoubleArray(g, out _), new double[] { 0.1, -0.06, 0.42 }, 1e-7, 1e-8);
    }

    /// <summary>PyTorch 1.13: w float64 [0.5, −0.1, 0.3]: <c>(w.float()**2).sum()</c> → float64 [1.0,
    /// −0.20000000298023224, 0.6000000238418579] (2·w rounded to float32).</summary>
    [Test]
    public void ACastToFloat32GivesAFloat64SourceItsGradientInFloat64()
    {
        object w = engine.FromArray(new[] { 0.5, -0.1, 0.3 }, [3]);
        using var tape = GradientTape.Record();
        tape.Watch(w);
        object narrow = Backend.Cast(w, "float32");
        object g = tape.Gradient(Backend.Multiply(narrow, narrow), w)[0];
        Assert.That(engine.Describe(g).DType, Is.EqualTo(DType.Float64));
        Assert.That(engine.ToDoubleArray(g, out _), Is.EqualTo(new[] { 1.0, -0.20000000298023224, 0.6000000238418579 }));
    }

    /// <summary>
    /// A float32 tensor meeting float64 data in every binary function, as the first operand or the second: the gradient
    /// of the sum with respect to the float32 one, in float32. The channels-last engine promoted a float32 <i>first</i>
    /// operand before its tape saw it and returned zeros (found by session 49's README audit: sum(w · d) gave [0, 0] there,
    /// [3, 4] on torch). Expected values are the calculus of each function at a = [[0.5, −0.1], [0.3, 0.7]] (float32),
    /// b = [[0.1, 0.3], [0.7, 0.9]] (float64), computed in float64: what PyTorch 1.13's autograd gives
    /// (<c>(a.double() * b).sum().backward()</c> and the like).
    /// </summary>
    [Test]
    public void AFloat32OperandOfAFloat64FunctionGetsItsGradientInEitherPosition(
        [Values("Add", "Subtract", "Multiply", "Divide", "MatMul")] string function, [Values] bool float32First)
    {
        double[] a = new[] { 0.5f, -0.1f, 0.3f, 0.7f }.Select(v => (double)v).ToArray(), b = [0.1, 0.3, 0.7, 0.9];
        object w = engine.FromArray(new[] { 0.5f, -0.1f, 0.3f, 0.7f }, [2, 2]), d = engine.FromArray(b, [2, 2]);
        using var tape = GradientTape.Record();
        tape.Watch(w);
        (object first, object second) = float32First ? (w, d) : (d, w);
        object y = function switch
        {
            "Add" => Backend.Add(first, second),
            "Subtract" => Backend.Subtract(first, second),
            "Multiply" => Backend.Multiply(first, second),
            "Divide" => Backend.Divide(first, second),
            _ => Backend.MatMul(first, second),
        };
        object g = tape.Gradient(Backend.ReduceSum(y), w)[0];
        Assert.That(engine.Describe(g).DType, Is.EqualTo(DType.Float32));
        // Row-major (2, 2) values: "other" is the float64 operand, "self" the float32 one.
        double[] expected = (function, float32First) switch
        {
            ("Add", _) => [1, 1, 1, 1],
            ("Subtract", true) => [1, 1, 1, 1],
            ("Subtract", false) => [-1, -1, -1, -1],
            ("Multiply", _) => b,
            ("Divide", true) => b.Select(v => 1 / v).ToArray(),
            ("Divide", false) => b.Select((v, i) => -v / (a[i] * a[i])).ToArray(),
            // d/dA Σ(A·B) = row sums of B, one per column of A; d/dB Σ(A·B) = column sums of A, one per row of B.
            (_, true) => [b[0] + b[1], b[2] + b[3], b[0] + b[1], b[2] + b[3]],
            _ => [b[0] + b[2], b[0] + b[2], b[1] + b[3], b[1] + b[3]],
        };
        TensorAssert.AreClose(engine.ToDoubleArray(g, out _), expected, 2e-6, 1e-7);
    }
}
