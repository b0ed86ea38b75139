using System.Numerics;
using System.Numerics.Tensors;

namespace CrossBackend.Tests.EngineSpecific.Numerics;

/// <summary>
/// The channels-last engine's maximum, minimum and clip keep the first operand on a tie — maximum(−0, +0) = −0,
/// maximum(+0, −0) = +0, clip(−0, 0, 1) = −0 (libtorch's scalar loop and TensorFlow's Maximum; see
/// FunctionEdgeCaseParityTests) — also on results written with non-temporal stores (256 KB and more) and in the
/// padded tail vector, in float32 and float64. Lengths leave tails of 7, 1 and 5 elements; the ties sit at the
/// start, throughout the body and in the last elements.
/// </summary>
public sealed class StreamedExtremeTieTests
{
    private static bool Negative(double v) => BitConverter.DoubleToInt64Bits(v) < 0;

    [TestCase(65_536 + 7)]
    [TestCase(262_144 + 1)]
    [TestCase(300_005)]
    public void ZeroTiesKeepTheFirstOperandInFloat32(int n) => Check<float>(n);

    [TestCase(65_536 + 7)]
    [TestCase(262_144 + 1)]
    [TestCase(300_005)]
    public void ZeroTiesKeepTheFirstOperandInFloat64(int n) => Check<double>(n);

    private static void Check<T>(int n) where T : IFloatingPointIeee754<T>
    {
        // a alternates −0, +0; b the other zero: every element is a tie.
        T[] a = new T[n], b = new T[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = i % 2 == 0 ? T.NegativeZero : T.Zero;
            b[i] = i % 2 == 0 ? T.Zero : T.NegativeZero;
        }
        Tensor<T> x = Tensor.Create(a, [n]), y = Tensor.Create(b, [n]);
        var max = (Tensor<T>)Backend.Maximum(x, y);
        var min = (Tensor<T>)Backend.Minimum(x, y);
        var clip = (Tensor<T>)Backend.ClipByValue(x, 0, 1);
        var maxScalar = (Tensor<T>)Backend.Maximum(x, Tensor.Create(new[] { T.Zero }, [1]));
        var wrong = new List<string>();
        for (int i = 0; i < n && wrong.Count < 5; i++)
        {
            bool firstNegative = i % 2 == 0;
            foreach ((string what, T v) in new[] { ("maximum", max[i]), ("minimum", min[i]), ("clip", clip[i]), ("maximum(x, +0)", maxScalar[i]) })
                if (double.CreateTruncating(v) != 0 || Negative(double.CreateTruncating(v)) != firstNegative)
                    wrong.Add($"{what}[{i}] = {double.CreateTruncating(v):R}, expected {(firstNegative ? "-0" : "0")}");
        }
        Assert.That(wrong, Is.Empty, $"{typeof(T).Name}, n={n}");
    }
}
