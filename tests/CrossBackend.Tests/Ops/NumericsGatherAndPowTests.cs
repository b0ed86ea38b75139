using System.Numerics.Tensors;
using CrossBackend.Backends.Numerics;

namespace CrossBackend.Tests.Ops;

/// <summary>
/// The channels-last engine's one-pass take-along-axis, its reading of (N, 1) tensors, and its vectorised float pow
/// with a fractional exponent, on bulk shapes (past the vector width, with special values mixed in) against
/// independent loops written here in float64.
/// </summary>
public sealed class NumericsGatherAndPowTests
{
    private static readonly ITensorOps<Tensor<float>> Ops = NumericsOps<float>.Instance;

    private static Tensor<float> F(float[] values, params long[] shape) => Ops.FromValues(values.Select(v => (double)v).ToArray(), shape, DType.Float32);

    [TestCase(1000, 7, 1)]
    [TestCase(257, 100, 1)]
    [TestCase(33, 5, 3)]
    [TestCase(4, 9, 17)]
    public void TakeAlongAxisMatchesALoopOverEveryLayout(int outer, int classes, int inner)
    {
        var random = new Random(outer * 31 + classes);
        float[] x = Enumerable.Range(0, outer * classes * inner).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        const int picks = 2;   // two indices per (outer, inner) position, negative ones included
        float[] index = Enumerable.Range(0, outer * picks * inner).Select(_ => (float)random.Next(-classes, classes)).ToArray();
        var expected = new double[index.Length];
        for (int o = 0, i = 0; o < outer; o++)
            for (int k = 0; k < picks; k++)
                for (int j = 0; j < inner; j++, i++)
                {
                    int c = (int)index[i] < 0 ? (int)index[i] + classes : (int)index[i];
                    expected[i] = x[(o * classes + c) * inner + j];
                }
        Tensor<float> result = Ops.TakeAlongAxis(F(x, outer, classes, inner), F(index, outer, picks, inner), 1);
        Assert.That(Ops.Describe(result).Shape, Is.EqualTo(new long[] { outer, picks, inner }));
        Assert.That(Ops.ToHost(result), Is.EqualTo(expected));
    }

    [TestCase(0.5f, "a fraction")]
    [TestCase(100f, "past the class count")]
    [TestCase(-101f, "before minus the class count")]
    [TestCase(float.NaN, "NaN")]
    [TestCase(3e9f, "beyond int")]
    public void TakeAlongAxisRefusesABadIndexByName(float bad, string what)
    {
        float[] index = Enumerable.Repeat(1f, 300).ToArray();
        index[217] = bad;
        var x = F(new float[300 * 100], 300, 100);
        Assert.That(() => Ops.TakeAlongAxis(x, F(index, 300, 1), 1),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("indices[217]"), what);
    }

    [Test]
    public void AnNByOneTensorIsReadInPlaceWithItsValues()
    {
        // System.Numerics.Tensors gives a length-1 axis stride 0 and refuses TryGetSpan for it; the values must still
        // come back in order.
        float[] values = Enumerable.Range(0, 5000).Select(i => i * 0.1f).ToArray();
        var column = Tensor.Create(values, [5000, 1]);
        Assert.That(Ops.ToHost(column), Is.EqualTo(values.Select(v => (double)v).ToArray()));
        Assert.That(Ops.ToHost(Ops.Add(column, column)), Is.EqualTo(values.Select(v => (double)(v + v)).ToArray()));
    }

    [TestCase(0.5)]
    [TestCase(0.3)]
    [TestCase(0.7)]
    [TestCase(-0.3)]
    [TestCase(2.5)]
    [TestCase(1.1)]
    public void FloatPowWithAScalarExponentIsWithinAnUlpAndKeepsPowsSpecialCases(double exponent)
    {
        float b = (float)exponent;
        var random = new Random(7);
        var x = new float[4099];
        for (int i = 0; i < x.Length; i++) x[i] = (float)Math.Exp(random.NextDouble() * 40 - 30);   // 1e-13 … 2e4
        float[] specials = [0f, -0f, -2f, -0.5f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 1f, float.Epsilon, float.MaxValue, 1e-40f];
        for (int i = 0; i < specials.Length; i++) x[i * 97 + 5] = specials[i];   // scattered into vectors of positives
        double[] actual = Ops.ToHost(Ops.Binary(BinaryOp.Power, F(x, x.Length), Ops.Full([], exponent, DType.Float32)));
        for (int i = 0; i < x.Length; i++)
        {
            double exact = Math.Pow(x[i], b);
            if (!(x[i] > 0 && float.IsFinite(x[i])))
                Assert.That(actual[i], Is.EqualTo((double)MathF.Pow(x[i], b)), $"pow({x[i]}, {b}): the special case");
            else
            {
                // Within one float ulp of the exact power: the vector path rounds once (correctly), and a vector
                // holding a special value is computed by the scalar pow, which is within an ulp.
                float rounded = (float)exact;
                if (float.IsInfinity(rounded))
                {
                    Assert.That(actual[i], Is.EqualTo(double.PositiveInfinity), $"pow({x[i]:R}, {b}) overflows");
                    continue;
                }
                double ulp = MathF.BitIncrement(MathF.Abs(rounded)) - MathF.Abs(rounded);
                Assert.That(Math.Abs(actual[i] - exact), Is.LessThanOrEqualTo(ulp), $"pow({x[i]:R}, {b})");
            }
        }
    }
}
