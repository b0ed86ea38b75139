using CrossBackend.Testing;

namespace CrossBackend.Tests.Gradients;

/// <summary>
/// <see cref="Backend.Percentile{T}(T, double[], int[], bool)"/> is differentiated on every engine, and every engine
/// sends the gradient to the same element: the one a <b>stable</b> sort puts at the picked place (among equal values,
/// the one met first in row-major order of the reduced axes; NaN sorts last). Golden values: PyTorch 1.13's
/// <c>torch.autograd.grad</c> of the torch engine's composition (permute, reshape, <c>torch.sort(..., stable=True)</c>,
/// <c>index_select</c>), run here; the picked indices agree with NumPy 1.24's <c>argsort(kind='stable')</c> and the values
/// with <c>np.percentile(..., method='lower')</c>. Before session 51 the channels-last tape refused Percentile
/// (NotSupportedException) and the torch engine's unstable sort sent the gradient of a tie to an unspecified element.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class PercentileGradientTests(ITensorEngine engine)
{
    /// <summary>Σ c·Percentile(x, …) and its gradient with respect to x.</summary>
    private (double[] Value, double[] Gradient) Run(double[] x, long[] shape, double[] c, long[] cShape, Func<object, object> percentile,
        DType dtype = DType.Float64)
    {
        object xs = Backend.ToTensor(x, engine, dtype, shape), cs = Backend.ToTensor(c, engine, dtype, cShape);
        using var tape = GradientTape.Record();
        tape.Watch(xs);
        object picked = percentile(xs);
        object g = tape.Gradient(Backend.Multiply(picked, cs), xs)[0];
        double[] gradient = engine.ToDoubleArray(g, out long[] gShape);
        Assert.That(gShape, Is.EqualTo(shape), "the gradient has the input's shape");
        return (engine.ToDoubleArray(picked, out _), gradient);
    }

    /// <summary>PyTorch 1.13, x = [[0.7, 0.1, 0.9, 0.3, 0.5], [1.3, 1.1, 0.2, 0.6, 0.4]], percentiles [30, 90] along
    /// axis 1 (sorted places 1 and 3), c = [0.1, 0.2, 0.3, 0.4] as (2, 2, 1): values [0.3, 0.4, 0.7, 1.1], gradient
    /// [[0.3, 0, 0, 0.1, 0], [0, 0.4, 0, 0, 0.2]].</summary>
    [TestCase(DType.Float64, 1e-16)]
    [TestCase(DType.Float32, 1e-7)]
    public void EachPickedValueTakesItsWeight(DType dtype, double tolerance)
    {
        var (value, gradient) = Run([0.7, 0.1, 0.9, 0.3, 0.5, 1.3, 1.1, 0.2, 0.6, 0.4], [2, 5], [0.1, 0.2, 0.3, 0.4], [2, 2, 1],
            x => Backend.Percentile(x, [30, 90], [1]), dtype);
        TensorAssert.AreClose(value, new[] { 0.3, 0.4, 0.7, 1.1 }, tolerance, tolerance);
        TensorAssert.AreClose(gradient, new[] { 0.3, 0, 0, 0.1, 0, 0, 0.4, 0, 0, 0.2 }, tolerance, tolerance);
    }

    /// <summary>40 values 0.1·((7i) mod 3), each of 0, 0.1 and 0.2 about 13 times; percentiles [50, 97] are sorted places
    /// 19 and 37. PyTorch 1.13 with <c>stable=True</c> (and NumPy's stable argsort) picks elements <b>16 and 32</b>;
    /// PyTorch's default (unstable) sort picks 22 and 26, FastEstimator's <c>kthvalue</c> 25 and 29. Long enough (more
    /// than 16) that an introsort's insertion-sort shortcut does not make an unstable sort look stable.</summary>
    [Test]
    public void ATieSendsTheGradientToTheElementAStableSortPicks()
    {
        double[] x = Enumerable.Range(0, 40).Select(i => 0.1 * (i * 7 % 3)).ToArray();
        var (value, gradient) = Run(x, [40], [0.3, 0.7], [2, 1], x => Backend.Percentile(x, [50, 97]));
        Assert.That(value, Is.EqualTo(new[] { 0.1, 0.2 }));
        double[] expected = new double[40];
        expected[16] = 0.3;
        expected[32] = 0.7;
        Assert.That(gradient, Is.EqualTo(expected));
    }

    /// <summary>x (2, 3, 4) whose every axis-2 row is [0, 0.1, 0.2, 0.3]; percentiles [0, 10] over axes [2, 0] (given
    /// in either order: the reduced axes are flattened in ascending order) both pick sorted place 0, a tie of x[0, j, 0]
    /// and x[1, j, 0]: the gradient of both picks, c = [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], adds up on x[0, j, 0] —
    /// PyTorch 1.13: [0.5, 0.7, 0.9] there, 0 elsewhere (FastEstimator's <c>kthvalue</c> sends it to x[1, j, 0]).</summary>
    [Test]
    public void TwoPercentilesPickingOneElementAddUpWithoutKeepdims()
    {
        double[] x = Enumerable.Range(0, 24).Select(i => 0.1 * (i % 4)).ToArray();
        var (value, gradient) = Run(x, [2, 3, 4], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [2, 3], x => Backend.Percentile(x, [0, 10], [2, 0], keepdims: false));
        Assert.That(value, Is.EqualTo(new double[6]));
        double[] expected = new double[24];
        expected[0] = 0.5;
        expected[4] = 0.7;
        expected[8] = 0.9;
        TensorAssert.AreClose(gradient, expected, 1e-15, 1e-16);
    }

    /// <summary>NaN sorts last, in input order: x = [0.5, NaN, 0.1, NaN, 0.3], c = 0.3. PyTorch 1.13: the 100th
    /// percentile is NaN with gradient on the second NaN (index 3). Since session 57 every percentile of a row holding a
    /// NaN is NaN (tfp.stats.percentile and np.percentile, FastEstimator's TensorFlow and NumPy paths), taken from that
    /// last sorted place, so the 50th is NaN with its gradient on index 3 too (it was 0.5, gradient on index 0, as
    /// FastEstimator's torch path's kthvalue gives). Session 58 kept this against the alternatives: PyTorch 1.13's
    /// <c>torch.quantile(x, q, interpolation='lower')</c>, the PyTorch function with these values (NaN for every q),
    /// gives 0.3 on index 3 for q = 0, 0.5 and 1, as here; tfp.stats.percentile's <c>tf.where(nan_batch_members, nan,
    /// gathered_y)</c> would give every element 0.</summary>
    [TestCase(100, 3)]
    [TestCase(50, 3)]
    [TestCase(0, 3)]
    public void NaNSortsLastAndTheLastNaNIsTheMaximum(double percentile, int receiver)
    {
        var (value, gradient) = Run([0.5, double.NaN, 0.1, double.NaN, 0.3], [5], [0.3], [1], x => Backend.Percentile(x, percentile));
        Assert.That(value[0], Is.NaN);
        double[] expected = new double[5];
        expected[receiver] = 0.3;
        Assert.That(gradient, Is.EqualTo(expected));
    }
}
