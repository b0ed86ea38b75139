using System.Numerics.Tensors;
using System.Runtime.Intrinsics.X86;

namespace CrossBackend.Tests.EngineSpecific.Numerics;

/// <summary>
/// The channels-last engine's float32 sum policy, the README's worked example under "float32 sums and means"
/// (numerics-only by nature: the policy is this engine's; libtorch sums in float32 in its own order). On x86 processors
/// with AVX (AVX-512 or not), ReduceSum and ReduceMean add value k and value k + 8 of each run of 16 in float32 before
/// the double accumulators; elsewhere every value is widened and the results are the float64 ones. The exact sums come from the values
/// themselves, not from the kernel.
/// </summary>
public sealed class NumericsFloat32SumPolicyTests
{
    /// <summary>Four rows of 16 (the four-row kernel) or one whole tensor of 2¹⁸ values (the split whole sum), with
    /// <paramref name="set"/> written into the first run of 16.</summary>
    private static Tensor<float> Data(bool wholeTensor, params (int Index, float Value)[] set)
    {
        var values = new float[wholeTensor ? 1 << 18 : 64];
        foreach ((int index, float value) in set) values[index] = value;
        return wholeTensor ? Tensor.Create(values, [values.Length]) : Tensor.Create(values, [4, 16]);
    }

    private static float FirstSum(Tensor<float> x, bool wholeTensor) =>
        (wholeTensor ? Backend.ReduceSum(x) : Backend.ReduceSum(x, 1))[0];

    [TestCase(false)]
    [TestCase(true)]
    public void APairRoundsInFloat32WithinTheStatedBound(bool wholeTensor)
    {
        float tiny = MathF.ScaleB(1f, -25);   // a quarter of 1's spacing: 1 + 2⁻²⁵ rounds to 1 in float32
        float sum = FirstSum(Data(wholeTensor, (0, 1f), (8, tiny), (1, -1f)), wholeTensor);
        double exact = tiny, bound = Math.ScaleB(1.0, -24) * (2 + tiny);   // 2⁻²⁴·Σ|x|
        Assert.That(Math.Abs(sum - exact), Is.LessThanOrEqualTo(bound), "the README's bound");
        Assert.That(sum, Is.EqualTo(Avx.IsSupported ? 0f : tiny), "pairs with AVX, each value widened without");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void PairsThatOverflowFloat32GiveNaN(bool wholeTensor)
    {
        float sum = FirstSum(Data(wholeTensor, (0, 3e38f), (8, 3e38f), (1, -3e38f), (9, -3e38f)), wholeTensor);
        Assert.That(sum, Avx.IsSupported ? Is.NaN : Is.EqualTo(0f), "+∞ + −∞ with AVX; 0 in double");
    }

    [TestCase(16_000)]    // four rows in one task: the four-row kernel
    [TestCase(100_000)]   // a task per row: the one-row kernel
    public void RowsStayWithinTheStatedBound(int length)
    {
        // Thirds of different sizes and signs: every pair rounds, in a pattern that repeats, so the roundings do not
        // cancel out. Accumulating each lane along the row in float32 is off by 3.6 and 7 times the bound here.
        var values = new float[4 * length];
        for (int i = 0; i < values.Length; i++) values[i] = (i % 7 + 1) / 3f * (i % 2 == 0 ? 1 : -0.3f);
        float[] sums = [.. Backend.ReduceSum(Tensor.Create(values, [4, length]), 1)];
        for (int r = 0; r < 4; r++)
        {
            double exact = 0, magnitude = 0;   // exact: float32 values of nearby exponents, far fewer than 2²⁹ of them
            for (int c = 0; c < length; c++) { exact += values[r * length + c]; magnitude += Math.Abs(values[r * length + c]); }
            double unit = (double)MathF.BitIncrement(MathF.Abs((float)exact)) - MathF.Abs((float)exact);
            Assert.That(Math.Abs(sums[r] - exact), Is.LessThanOrEqualTo(Math.ScaleB(magnitude, -24) + unit / 2), $"row {r}");
        }
    }

    /// <summary>|result − exact| within the README's bound plus half a unit of the float32 result (its last rounding),
    /// and a hair for the double accumulation (n·2⁻⁵³ of Σ|x|, far below the bound).</summary>
    private static void AssertWithinBound(float actual, double exact, double magnitude, string what)
    {
        float rounded = MathF.Abs((float)exact);
        double unit = (double)MathF.BitIncrement(MathF.Max(rounded, MathF.Abs(actual))) - MathF.Max(rounded, MathF.Abs(actual));
        Assert.That(Math.Abs(actual - exact), Is.LessThanOrEqualTo(Math.ScaleB(magnitude, -24) * (1 + 1e-6) + unit / 2), what);
    }

    /// <summary>Values whose pairs round (thirds of several sizes, both signs, a pattern of period 7 against pairs 8
    /// apart), as in <see cref="RowsStayWithinTheStatedBound"/>.</summary>
    private static float[] Thirds(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < values.Length; i++) values[i] = (i % 7 + 1) / 3f * (random.Next(4) == 0 ? -0.3f : 1f) * (1 + random.Next(3));
        return values;
    }

    [TestCase(8)]
    [TestCase(15)]
    [TestCase(16)]
    [TestCase(17)]
    [TestCase(24)]
    [TestCase(31)]
    [TestCase(32)]
    [TestCase(33)]
    [TestCase(100)]
    [TestCase(4099)]
    public void SumsAndMeansOfManyRowsStayWithinTheStatedBound(int length)
    {
        // 4·k + 3 rows: groups of four (the four-row kernel) and three rows one at a time.
        int rows = 4 * Math.Max(2, 20_000 / length) + 3;
        float[] values = Thirds(rows * length, length);
        var x = Tensor.Create(values, [rows, length]);
        float[] sums = [.. Backend.ReduceSum(x, 1)], means = [.. Backend.ReduceMean(x, 1)];
        for (int r = 0; r < rows; r++)
        {
            double exact = 0, magnitude = 0;
            for (int c = 0; c < length; c++) { exact += values[r * length + c]; magnitude += Math.Abs(values[r * length + c]); }
            AssertWithinBound(sums[r], exact, magnitude, $"sum of row {r}");
            AssertWithinBound(means[r], exact / length, magnitude / length, $"mean of row {r}");
        }
    }

    [TestCase(300_007)]     // five pieces of 65,536, the last ragged
    [TestCase(1_048_583)]
    public void WholeTensorSumsAndMeansStayWithinTheStatedBound(int size)
    {
        float[] values = Thirds(size, size);
        var x = Tensor.Create(values, [size]);
        double exact = 0, magnitude = 0;
        foreach (float v in values) { exact += v; magnitude += Math.Abs(v); }
        AssertWithinBound(Backend.ReduceSum(x)[0], exact, magnitude, "sum");
        AssertWithinBound(Backend.ReduceMean(x)[0], exact / size, magnitude / size, "mean");
    }
}
