using CrossBackend.Backends.Torch;
using TorchSharp;
using static TorchSharp.torch;
using CrossBackend.Tests.Reliability;

namespace CrossBackend.Tests.EngineSpecific.Torch;

/// <summary>
/// TorchSharp conventions, tested on TorchSharp's own API (so they are torch-only by nature, see
/// EngineSpecific/README.md): <c>loss.backward()</c> through our loss (autograd sees our ops), the result joining the
/// caller's dispose scope with every temporary disposed inside, a rank-0 result, y_pred that requires grad left as it
/// was, <c>torch.clamp</c>'s gradient at its bounds (what the tape's clip mask copies), permute's view, and float32
/// values made on the host as libtorch's cast makes them. Engine-independent
/// behaviour (values, gradients, validation) is tested over every engine elsewhere.
/// </summary>
public sealed class TorchSharpConventionTests
{
    [OneTimeSetUp]
    public void Load() => TorchEngine.EnsureNativeLoadable();

    /// <summary>The torch engine makes float32 tensors from host float64 values by rounding them on the host (one
    /// native tensor instead of a float64 tensor and a cast): bit for bit what libtorch's cast gives, on values where
    /// rounding shows (ties to even, the float32 range's ends, subnormals, infinities, NaN, signed zero).</summary>
    [Test]
    public void Float32FromHostValuesMatchesLibtorchsCast()
    {
        double[] values =
        [
            0.1, 0.3, 1.0 / 3, 1 + Math.Pow(2, -24), 1 + 3 * Math.Pow(2, -24), 1 - Math.Pow(2, -25), -2.5e-45, 7e-46, 1.4e-45,
            1.1754942e-38, 3.4028235677973366e38, 3.4028236e38, 3.5e38, -1e39, double.PositiveInfinity, double.NegativeInfinity,
            double.NaN, -0.0, 0.0, 16777217, -16777219, 123456789.987654321, double.Epsilon, -double.MaxValue,
        ];
        using DisposeScope scope = torch.NewDisposeScope();
        Tensor ours = new TorchEngine().FromValues(values, [values.Length], DType.Float32);
        Tensor libtorch = torch.tensor(values, [values.Length], ScalarType.Float64).to_type(ScalarType.Float32);
        Assert.That(ours.dtype, Is.EqualTo(ScalarType.Float32));
        int[] ourBits = ours.data<float>().ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();
        int[] theirBits = libtorch.data<float>().ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();
        for (int i = 0; i < values.Length; i++)
            Assert.That(ourBits[i], Is.EqualTo(theirBits[i]), $"value {values[i]:R}: ours 0x{ourBits[i]:X8}, libtorch 0x{theirBits[i]:X8}");
    }

    /// <summary><c>Backend.Permute</c>/<c>Transpose</c> are <c>torch.permute</c>: a view of the input's memory, no copy
    /// (as FastEstimator's permute and Keras's transpose on torch); the <c>Layout</c> moves stay dense for data handed
    /// to the other engine. Values are checked against the host-computed transpose, and a write through the input shows
    /// in the view.</summary>
    [Test]
    public void PermuteIsAViewAndLayoutMovesAreDense()
    {
        using DisposeScope scope = torch.NewDisposeScope();
        float[] values = Enumerable.Range(0, 24).Select(i => 0.1f * i).ToArray();
        Tensor x = torch.tensor(values, [2, 3, 4]);
        Tensor permuted = Backend.Permute(x, [2, 0, 1]), transposed = Backend.Transpose(x);
        Assert.That(permuted.shape, Is.EqualTo(new long[] { 4, 2, 3 }));
        Assert.That(permuted.is_contiguous(), Is.False, "a view keeps the input's strides");
        Assert.That(transposed.shape, Is.EqualTo(new long[] { 4, 3, 2 }));
        float[] expected = new float[24];
        for (int c = 0; c < 4; c++) for (int n = 0; n < 2; n++) for (int h = 0; h < 3; h++) expected[(c * 2 + n) * 3 + h] = values[(n * 3 + h) * 4 + c];
        Assert.That(permuted.contiguous().data<float>().ToArray(), Is.EqualTo(expected));
        Tensor nchw = (Tensor)Layout.NhwcToNchw(Backend.Reshape(x, [1, 2, 3, 4]));
        Assert.That(nchw.is_contiguous(), Is.True, "Layout moves are dense");

        x[0, 0, 1] = torch.tensor(-7f);   // a write through the input shows in the views, not in the dense move
        Assert.That(permuted[1, 0, 0].item<float>(), Is.EqualTo(-7f), "x[0, 0, 1] is permuted[1, 0, 0]: the same memory");
        Assert.That(transposed[1, 0, 0].item<float>(), Is.EqualTo(-7f), "x[0, 0, 1] is transposed[1, 0, 0]");
        Assert.That(nchw[0, 1, 0, 0].item<float>(), Is.EqualTo(0.1f), "the Layout move copied x[0, 0, 1] before the write");
    }

    [Test]
    public void GradientOfLogitsLossIsSoftmaxMinusLabelsOverBatch()
    {
        double[] x = Cases.FePred, y = Cases.FeTrue;
        using var logits = torch.tensor(x.Select(v => (float)v).ToArray(), [3, 3]).requires_grad_();
        using var labels = torch.tensor(y.Select(v => (float)v).ToArray(), [3, 3]);
        using Tensor loss = Losses.CategoricalCrossentropy(logits, labels, fromLogits: true);
        loss.backward();
        float[] grad = logits.grad!.data<float>().ToArray();
        for (int r = 0; r < 3; r++)
        {
            double sumExp = Enumerable.Range(0, 3).Sum(c => Math.Exp(x[r * 3 + c]));
            for (int c = 0; c < 3; c++)
            {
                double expected = (Math.Exp(x[r * 3 + c]) / sumExp - y[r * 3 + c]) / 3;
                Assert.That(grad[r * 3 + c], Is.EqualTo(expected).Within(1e-6), $"d/dx[{r},{c}]");
            }
        }
    }

    [Test]
    public void GradientOfProbabilityLossFlowsToPredictions()
    {
        // d/dp_k of −Σ y log(p/Σp) for unclipped p: −y_k/p_k + Σy/Σp; averaged over the batch of 3.
        double[] p = Cases.FePred, y = Cases.FeTrue;
        using var pred = torch.tensor(p.Select(v => (float)v).ToArray(), [3, 3]).requires_grad_();
        using var labels = torch.tensor(y.Select(v => (long)v).ToArray(), [3, 3]);
        using Tensor loss = Losses.CategoricalCrossentropy(pred, labels);
        loss.backward();
        float[] grad = pred.grad!.data<float>().ToArray();
        for (int r = 0; r < 3; r++)
        {
            double rowSum = Enumerable.Range(0, 3).Sum(c => p[r * 3 + c]);
            for (int c = 0; c < 3; c++)
            {
                double expected = (-y[r * 3 + c] / p[r * 3 + c] + 1.0 / rowSum) / 3;
                Assert.That(grad[r * 3 + c], Is.EqualTo(expected).Within(1e-5), $"d/dp[{r},{c}]");
            }
        }
    }

    [Test]
    public void ResultBelongsToCallersScopeAndTemporariesAreDisposed()
    {
        using var pred = torch.tensor(Cases.FePred.Select(v => (float)v).ToArray(), [3, 3]);
        using var labels = torch.tensor(Cases.FeTrue.Select(v => (float)v).ToArray(), [3, 3]);
        Tensor loss;
        using (DisposeScope scope = torch.NewDisposeScope())
        {
            long before = scope.DisposablesCount;
            loss = Losses.CategoricalCrossentropy(pred, labels, classWeights: Cases.FeWeights);
            Assert.That(scope.DisposablesCount - before, Is.EqualTo(1), "only the result joins the caller's scope");
            Assert.That(loss.IsInvalid, Is.False);
        }
        Assert.That(loss.IsInvalid, Is.True, "the caller's scope disposed the result");
    }

    [Test]
    public void WithoutACallerScopeNothingButTheResultStaysAlive()
    {
        using var pred = torch.tensor(Cases.FePred.Select(v => (float)v).ToArray(), [3, 3]);
        using var labels = torch.tensor(Cases.FeTrue.Select(v => (float)v).ToArray(), [3, 3]);
        Losses.CategoricalCrossentropy(pred, labels).Dispose();   // warm-up: lazy statics
        DisposeScopeManager.Statistics.Reset();
        using (Tensor loss = Losses.CategoricalCrossentropy(pred, labels, classWeights: Cases.FeWeights)) { }
        ThreadDisposeScopeStatistics stats = DisposeScopeManager.Statistics;
        Assert.That(stats.CreatedInScopeCount, Is.GreaterThan(0));
        Assert.That(stats.CreatedInScopeCount + stats.CreatedOutsideScopeCount - stats.DisposedInScopeCount - stats.DisposedOutsideScopeCount,
            Is.EqualTo(0), "every tensor made by the call is disposed once the caller disposes the result");
    }

    [Test]
    public void TorchClampPassesGradientAtItsBounds()
    {
        using var scope = torch.NewDisposeScope();
        Tensor x = torch.tensor(new[] { 1e-7f, 1f - 1e-7f, 0f, 1f, 0.5f }).requires_grad_(true);
        x.clamp(1e-7, 1.0 - 1e-7).sum().backward();
        Assert.That(x.grad!.data<float>().ToArray(), Is.EqualTo(new[] { 1f, 1f, 0f, 0f, 1f }));
    }

    /// <summary>The gradient API on torch is autograd's, with y_pred's shape and dtype, and y_pred is left as it was.</summary>
    [Test]
    public void GradientComesFromAutogradAndLeavesRequiresGradAsItWas()
    {
        using var scope = torch.NewDisposeScope();
        Tensor p = torch.tensor(new[] { 0.2f, 0.3f, 0.5f }, [1, 3]);
        Tensor y = torch.tensor(new[] { 0f, 0f, 1f }, [1, 3]);
        Tensor g = (Tensor)LossRegistry.Get("categorical_crossentropy").Gradient(p, y);
        Assert.That(g.data<float>().ToArray(), Is.EqualTo(new[] { 1f, 1f, -1f }).Within(1e-6));
        Assert.That(p.requires_grad, Is.False, "y_pred is left as it was");
    }

    /// <summary>A reduced loss is a rank-0 tensor, as torch's own losses return (System.Numerics.Tensors has no rank 0:
    /// the numerics engine returns shape (1,)).</summary>
    [Test]
    public void ReducedLossIsRankZero()
    {
        using var pred = torch.tensor(Cases.FePred.Select(v => (float)v).ToArray(), [3, 3]);
        using var labels = torch.tensor(Cases.FeTrue.Select(v => (long)v).ToArray(), [3, 3]);
        using Tensor loss = Losses.CategoricalCrossentropy(pred, labels);
        Assert.That(loss.shape, Is.Empty);
        Assert.That(loss.item<float>(), Is.EqualTo(0.22839302f).Within(1e-6));
    }

    [Test]
    public void RankZeroPredictionIsRefused()
    {
        using var p = torch.tensor(0.5f);
        var e = Assert.Throws<ArgumentException>(() => Losses.CategoricalCrossentropy(p, p));
        Assert.That(e!.ParamName, Is.EqualTo("y_pred"));
        Assert.That(e.Message, Does.Contain("`y_pred`").And.Contain("Received: y_pred.shape=()"));
    }

    /// <summary>torch.float16 is computed (in float32, rounded once) and returned as float16.</summary>
    [Test]
    public void HalfPredictionsAreComputedAndKeepTheirDtype()
    {
        using var scope = torch.NewDisposeScope();
        Tensor p = torch.tensor(new float[] { 0.5f, 0.5f }, [1, 2]).to(torch.float16);
        Tensor t = torch.tensor(new float[] { 1f, 0f }, [1, 2]);
        var r = (Tensor)Losses.CategoricalCrossentropy<object, object>(p, t);
        Assert.That(r.dtype, Is.EqualTo(torch.float16));
        Assert.That((double)r.ToSingle(), Is.EqualTo(Math.Log(2)).Within(1e-3));
    }

    /// <summary>Predictions that require grad are left as they were (no gradient accumulated, requires_grad unchanged),
    /// for every call of every registered loss.</summary>
    [TestCaseSource(typeof(LossCalls), nameof(LossCalls.All))]
    public void GradientTrackingPredictionsAreUntouched(LossCall call)
    {
        ITensorEngine engine = TensorEngines.OwnerOf(typeof(Tensor))!;
        (object pred, object? yTrue, LossArguments args) = call.Inputs(engine, DType.Float32);
        using var tracked = ((Tensor)pred).requires_grad_();
        InputsUntouchedTests.CheckUntouched(engine, call, tracked, yTrue, args);
        Assert.That(tracked.grad, Is.Null, "no gradient was accumulated into y_pred");
        Assert.That(tracked.requires_grad, Is.True, "requires_grad unchanged");
    }
    /// <summary>A torch complex64 tensor (a dtype CrossBackend has no name for) is refused by argument name before
    /// engine code runs; it gave "TargetInvocationException: Exception has been thrown by the target of an
    /// invocation" from the reflection call that probes the engine's dtypes, hiding "The torch engine has no dtype
    /// other".</summary>
    [Test]
    public void AComplexTensorIsRefusedByNameNotThroughReflection()
    {
        using DisposeScope scope = torch.NewDisposeScope();
        Tensor complex = torch.zeros(2, 3, dtype: ScalarType.ComplexFloat32);
        Tensor real = torch.zeros(2, 3);
        var calls = new (string Argument, TestDelegate Call)[]
        {
            ("tensor", () => Backend.Abs(complex)),
            ("tensor", () => Backend.ReduceSum(complex)),
            ("tensor", () => Backend.ReduceMean(complex)),
            ("tensor", () => Backend.Reshape(complex, [3, 2])),
            ("data", () => Backend.Cast(complex, DType.Float32)),   // FastEstimator's cast(data, dtype)
            ("tensor2", () => Backend.Maximum(real, complex)),
            ("b", () => Backend.Add(real, complex)),
        };
        foreach ((string argument, TestDelegate call) in calls)
        {
            Exception e = Assert.Catch(call)!;
            Assert.That(e, Is.Not.InstanceOf<System.Reflection.TargetInvocationException>(), e.ToString());
            Assert.That(e, Is.InstanceOf<ArgumentException>(), e.ToString());
            Assert.That(((ArgumentException)e).ParamName, Is.EqualTo(argument), e.Message);
            Assert.That(e.Message, Does.Contain($"Argument `{argument}` must hold bool, integer or floating-point values").And.Contain("which it does not compute with"));
        }
    }
}
