using TorchSharp;
using CrossBackend.Testing;

namespace CrossBackend.Tests.Reliability;

/// <summary>
/// Issue 5, item 3: after every call, y_pred, y_true and the class-weights map are bitwise identical to what they
/// were before (raw element bytes, NaN payloads included, plus shape, dtype, strides/offset, requires_grad) — for
/// every entry of <see cref="LossCalls.All"/>, every label dtype, contiguous and strided inputs, on both engines.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.Names))]
public sealed class InputsUntouchedTests(string engineName)
{
    private EngineHarness _h = null!;

    [OneTimeSetUp]
    public void FindEngine() => _h = new EngineHarness(TensorEngines.Named(engineName));

    public static IEnumerable<TestCaseData> Calls() =>
        from call in LossCalls.All()
        from pred in new[] { DType.Float32, DType.Float64 }
        from label in new[] { DType.Float32, DType.Float64, DType.Int32, DType.Int64 }
        select new TestCaseData(call, pred, label).SetArgDisplayNames(call.Name, pred.Name(), "y_true " + label.Name());

    [TestCaseSource(nameof(Calls))]
    public void InputsAreBitwiseIdenticalAfterTheCall(LossCall call, DType predType, DType labelType)
    {
        long[] shape = [2, 3, LossCalls.Classes];
        (double[] p, double[] t) = LossCalls.Inputs(shape, seed: 11);
        // Exact zeros, a value the clip changes, and a NaN with a payload in y_pred: none may be written back.
        p[0] = 0; p[1] = 1e-30; p[7] = BitConverter.Int64BitsToDouble(0x7FF8_0000_DEAD_BEEF);
        if (labelType is DType.Int32 or DType.Int64) t = OneHot(shape, seed: 12);
        object pred = _h.Tensor(p, shape, predType), yTrue = _h.Tensor(t, shape, labelType);
        CheckUntouched(call, pred, yTrue);
    }

    [Test]
    public void StridedViewsAreUntouched([ValueSource(nameof(CallList))] LossCall call)
    {
        // Non-contiguous inputs: torch gets the channels-first view without .contiguous(), numerics a permuted view.
        long[] shape = [3, 4, LossCalls.Classes];
        (double[] p, double[] t) = LossCalls.Inputs(shape, seed: 15);
        object pred, yTrue;
        if (_h.Engine.Name == "torch")
        {
            pred = torch.tensor(p.Select(v => (float)v).ToArray(), shape).movedim([2], [1]);
            yTrue = torch.tensor(t.Select(v => (float)v).ToArray(), shape).movedim([2], [1]);
            Assert.That(((torch.Tensor)pred).is_contiguous(), Is.False);
        }
        else
        {
            // (4, 3, C) permuted to (3, 4, C): a strided, non-dense view over the same memory.
            var pp = System.Numerics.Tensors.Tensor.Create(p.Select(v => (float)v).ToArray(), [4, 3, LossCalls.Classes]);
            var tt = System.Numerics.Tensors.Tensor.Create(t.Select(v => (float)v).ToArray(), [4, 3, LossCalls.Classes]);
            pred = System.Numerics.Tensors.Tensor.PermuteDimensions(pp, [1, 0, 2]);
            yTrue = System.Numerics.Tensors.Tensor.PermuteDimensions(tt, [1, 0, 2]);
        }
        CheckUntouched(call, pred, yTrue);
    }

    public static IEnumerable<LossCall> CallList() => LossCalls.All();

    internal void CheckUntouched(LossCall call, object pred, object yTrue)
    {
        TensorSnapshot predBefore = TensorBytes.Snapshot(pred), trueBefore = TensorBytes.Snapshot(yTrue);
        KeyValuePair<int, double>[]? weightsBefore = call.Weights?.ToArray();
        object result = call.Invoke(pred, yTrue);
        _ = _h.Values(result);   // force any lazy work
        (result as IDisposable)?.Dispose();
        object again = call.Invoke(pred, yTrue);
        (again as IDisposable)?.Dispose();

        TensorSnapshot predAfter = TensorBytes.Snapshot(pred), trueAfter = TensorBytes.Snapshot(yTrue);
        Assert.That(predAfter.SameAs(predBefore), Is.True, $"y_pred changed: {predBefore} -> {predAfter}");
        Assert.That(trueAfter.SameAs(trueBefore), Is.True, $"y_true changed: {trueBefore} -> {trueAfter}");
        if (weightsBefore is not null)
            Assert.That(call.Weights!.ToArray(), Is.EqualTo(weightsBefore), "classWeights changed");
        if (pred is torch.Tensor tp) Assert.That(tp.grad, Is.Null, "no gradient was accumulated into y_pred");
    }

    internal static double[] OneHot(long[] shape, int seed)
    {
        var random = new Random(seed);
        int classes = (int)shape[^1];
        var t = new double[shape.Aggregate(1L, (a, b) => a * b)];
        for (int r = 0; r < t.Length / classes; r++) t[r * classes + random.Next(classes)] = 1;
        return t;
    }
}

/// <summary>The torch-only part of item 3: predictions that require grad are left as they were (no gradient
/// accumulated, requires_grad unchanged).</summary>
public sealed class TorchGradInputsUntouchedTests
{
    private readonly EngineHarness _h = new(TensorEngines.Named("torch"));
    private readonly InputsUntouchedTests _checks = new("torch");

    [OneTimeSetUp]
    public void FindEngine() => _checks.FindEngine();

    public static IEnumerable<TestCaseData> Calls() => InputsUntouchedTests.Calls();

    [TestCaseSource(nameof(Calls))]
    public void GradientTrackingPredictionsAreUntouched(LossCall call, DType predType, DType labelType)
    {
        long[] shape = [4, LossCalls.Classes];
        (double[] p, double[] t) = LossCalls.Inputs(shape, seed: 13);
        if (labelType is DType.Int32 or DType.Int64) t = InputsUntouchedTests.OneHot(shape, seed: 14);
        using var pred = ((torch.Tensor)_h.Tensor(p, shape, predType)).requires_grad_();
        _checks.CheckUntouched(call, pred, _h.Tensor(t, shape, labelType));
    }

}
