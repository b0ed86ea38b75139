using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using CrossBackend.Backends.Numerics;

namespace CrossBackend.Tests.Ops;

/// <summary>
/// The numerics engine's matrix product sums each output element in one fixed order — one chain of multiply-adds
/// in T, k ascending — whatever the tiling, the vector width, the batch layout or the thread scheduling (issue 10:
/// results independent of the thread count). Checked bit for bit against that chain written here, and against
/// the same product computed on a slice of rows or columns (which moves every tile boundary and task split).
/// The float64 accuracy of the product is held by MatMulBlockedShapesTests and NumericsOpsTests.
/// </summary>
[TestFixture(typeof(float))]
[TestFixture(typeof(double))]
public sealed class NumericsMatMulOrderTests<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ITensorOps<Tensor<T>> ops = NumericsOps<T>.Instance;
    private static readonly DType Dt = typeof(T) == typeof(float) ? DType.Float32 : DType.Float64;

    private static double[] Values(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Math.Round(random.NextDouble() * 2 - 1, 4) + 0.01).ToArray();
    }

    private double[] Product(double[] a, long[] aShape, double[] b, long[] bShape) =>
        ops.ToHost(ops.MatMul(ops.FromValues(a, aShape, Dt), ops.FromValues(b, bShape, Dt)));

    private static double[] Rows(double[] x, int width, int first, int count) => x.Skip(first * width).Take(count * width).ToArray();

    private static double[] Columns(double[] x, int width, int first, int count) =>
        Enumerable.Range(0, x.Length / width).SelectMany(r => x.Skip(r * width + first).Take(count)).ToArray();

    // (150, 300)·(300, 200) is large enough to be blocked and run in parallel; the slices are blocked too.
    private const int M = 150, K = 300, N = 200;

    [Test]
    public void EachElementIsOneAscendingMultiplyAddChain()
    {
        if (!(Fma.IsSupported || AdvSimd.IsSupported))
            Assert.Ignore("Without fused multiply-add hardware the chain rounds each product separately.");
        double[] a = Values(M * K, 1), b = Values(K * N, 2);
        double[] actual = Product(a, [M, K], b, [K, N]);
        for (int i = 0; i < M; i += 7)
            for (int j = 0; j < N; j += 3)
            {
                T sum = T.Zero;
                for (int kk = 0; kk < K; kk++)
                    sum = T.FusedMultiplyAdd(T.CreateTruncating(a[i * K + kk]), T.CreateTruncating(b[kk * N + j]), sum);
                Assert.That(actual[i * N + j], Is.EqualTo(double.CreateTruncating(sum)), $"[{i}, {j}]");
            }
    }

    [TestCase(0, 12)]
    [TestCase(7, 20)]
    [TestCase(5, 145)]
    public void ARowSliceGivesTheSameBits(int first, int count)
    {
        double[] a = Values(M * K, 3), b = Values(K * N, 4);
        double[] whole = Product(a, [M, K], b, [K, N]);
        double[] slice = Product(Rows(a, K, first, count), [count, K], b, [K, N]);
        Assert.That(slice, Is.EqualTo(Rows(whole, N, first, count)));
    }

    [TestCase(0, 17)]
    [TestCase(33, 40)]
    [TestCase(9, 191)]
    public void AColumnSliceGivesTheSameBits(int first, int count)
    {
        double[] a = Values(M * K, 5), b = Values(K * N, 6);
        double[] whole = Product(a, [M, K], b, [K, N]);
        double[] slice = Product(a, [M, K], Columns(b, N, first, count), [K, count]);
        Assert.That(slice, Is.EqualTo(Columns(whole, N, first, count)));
    }

    [Test]
    public void ABatchGivesTheBitsOfEachMatrixAlone()
    {
        // b shared by the batch (one stacked product) and b repeated per matrix (products of 30 × 300 × 200, each
        // too small to split, run in parallel over the batch).
        const int batch = 4, m = 30;
        double[] a = Values(batch * m * K, 7), b = Values(K * N, 8);
        double[] shared = Product(a, [batch, m, K], b, [K, N]);
        double[] repeated = Product(a, [batch, m, K], [.. b, .. b, .. b, .. b], [batch, K, N]);
        for (int q = 0; q < batch; q++)
        {
            double[] alone = Product(Rows(a, K, q * m, m), [m, K], b, [K, N]);
            Assert.That(Rows(shared, N, q * m, m), Is.EqualTo(alone), $"shared b, matrix {q}");
            Assert.That(Rows(repeated, N, q * m, m), Is.EqualTo(alone), $"repeated b, matrix {q}");
        }
    }
}
