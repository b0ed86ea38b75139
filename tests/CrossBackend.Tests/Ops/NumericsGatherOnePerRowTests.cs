using System.Numerics.Tensors;
using CrossBackend.Backends.Numerics;

namespace CrossBackend.Tests.Ops;

/// <summary>
/// The channels-last engine's take-along-axis of one entry per row (an (N, 1) index, the sparse and generalized
/// crossentropies' gather), which prefetches rows ahead: against a float64 loop written here, for row counts below,
/// at and past the prefetch distance, negative indices included, float32 and float64; and a bad index near the end
/// (inside the prefetch window of no row) still refused by name.
/// </summary>
public sealed class NumericsGatherOnePerRowTests
{
    private static double[] Gather<T>(int rows, int classes, int seed, out double[] expected) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        ITensorOps<Tensor<T>> ops = NumericsOps<T>.Instance;
        DType dtype = typeof(T) == typeof(float) ? DType.Float32 : DType.Float64;
        var random = new Random(seed);
        double[] x = Enumerable.Range(0, rows * classes).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        double[] index = Enumerable.Range(0, rows).Select(_ => (double)random.Next(-classes, classes)).ToArray();
        expected = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            int c = (int)index[r] < 0 ? (int)index[r] + classes : (int)index[r];
            expected[r] = dtype == DType.Float32 ? (float)x[r * classes + c] : x[r * classes + c];
        }
        Tensor<T> result = ops.TakeAlongAxis(ops.FromValues(x, [rows, classes], dtype), ops.FromValues(index, [rows, 1], dtype), 1);
        Assert.That(ops.Describe(result).Shape, Is.EqualTo(new long[] { rows, 1 }));
        return ops.ToHost(result);
    }

    [TestCase(1, 3)]
    [TestCase(47, 100)]
    [TestCase(48, 17)]
    [TestCase(49, 1)]
    [TestCase(5000, 100)]
    [TestCase(70000, 33)]
    public void OnePickPerRowMatchesALoop(int rows, int classes)
    {
        Assert.That(Gather<float>(rows, classes, rows + classes, out double[] expected), Is.EqualTo(expected), "float32");
        Assert.That(Gather<double>(rows, classes, rows + classes, out expected), Is.EqualTo(expected), "float64");
    }

    [TestCase(4999, 100f)]
    [TestCase(4990, -101f)]
    [TestCase(0, 0.5f)]
    public void ABadIndexIsRefusedByName(int at, float bad)
    {
        ITensorOps<Tensor<float>> ops = NumericsOps<float>.Instance;
        double[] index = Enumerable.Repeat(3.0, 5000).ToArray();
        index[at] = bad;
        var x = ops.FromValues(new double[5000 * 100], [5000, 100], DType.Float32);
        Assert.That(() => ops.TakeAlongAxis(x, ops.FromValues(index, [5000, 1], DType.Float32), 1),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains($"indices[{at}]"));
    }
}
