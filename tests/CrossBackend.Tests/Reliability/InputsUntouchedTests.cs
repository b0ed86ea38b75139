using CrossBackend.Testing;
using CrossBackend.Tests.EngineSpecific;

namespace CrossBackend.Tests.Reliability;

/// <summary>
/// Issue 5, item 3: after every call, y_pred, y_true, tensor-valued options (sample weights) and the class-weights
/// map are bitwise identical to what they were before (raw element bytes, NaN payloads included, plus shape, dtype,
/// strides/offset) — for every call of every registered loss (<see cref="LossCalls.All"/>), every label dtype,
/// contiguous and strided inputs, on every engine.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class InputsUntouchedTests(ITensorEngine engine)
{
    public static IEnumerable<TestCaseData> Calls() =>
        from call in LossCalls.All()
        from pred in new[] { DType.Float32, DType.Float64 }
        from label in call.LabelDTypes(pred)
        select new TestCaseData(call, pred, label).SetArgDisplayNames(call.Name, pred.Name(), "y_true " + label.Name());

    [TestCaseSource(nameof(Calls))]
    public void InputsAreBitwiseIdenticalAfterTheCall(LossCall call, DType predType, DType labelType)
    {
        // Exact zeros, a value a clip changes and a NaN with a payload in y_pred: none may be written back.
        double[] p = (double[])call.YPred.Clone();
        p[0] = 0;
        if (p.Length > 1) p[1] = 1e-30;
        if (p.Length > 2) p[^1] = BitConverter.Int64BitsToDouble(0x7FF8_0000_DEAD_BEEF);
        (object pred, object? yTrue, LossArguments args) = (call with { YPred = p }).Inputs(engine, predType, labelType);
        CheckUntouched(engine, call, pred, yTrue, args);
    }

    /// <summary>Non-contiguous inputs (a permuted view over the same memory, where the engine has views).</summary>
    [TestCaseSource(nameof(CallList))]
    public void StridedViewsAreUntouched(LossCall call)
    {
        (object pred, object? yTrue, LossArguments args) = call.Inputs(engine, DType.Float32);
        object predView = StridedViews.Of(engine, pred), trueView = yTrue is null ? null! : StridedViews.Of(engine, yTrue);
        CheckUntouched(engine, call, predView, yTrue is null ? null : trueView, args);
    }

    public static IEnumerable<LossCall> CallList() => LossCalls.All();

    /// <summary>The same strided views give the values of the contiguous inputs (a kernel that reads memory directly
    /// must decline, or follow the strides, never read the storage as if it were dense).</summary>
    [TestCaseSource(nameof(CallList))]
    public void StridedViewsGiveTheContiguousValues(LossCall call)
    {
        (object pred, object? yTrue, LossArguments args) = call.Inputs(engine, DType.Float32);
        object predView = StridedViews.Of(engine, pred), trueView = yTrue is null ? null! : StridedViews.Of(engine, yTrue);
        double[] dense = engine.ToDoubleArray(call.Invoke(pred, yTrue, args), out long[] denseShape);
        double[] strided = engine.ToDoubleArray(call.Invoke(predView, yTrue is null ? null : trueView, args), out long[] stridedShape);
        Assert.That(stridedShape, Is.EqualTo(denseShape), "result shape");
        Tolerance.AssertClose(strided, dense, DType.Float32, $"{call.Name}: strided views against contiguous inputs");
    }

    /// <summary>Calls twice (reading the first result), then compares every input with its snapshot.</summary>
    internal static void CheckUntouched(ITensorEngine engine, LossCall call, object pred, object? yTrue, LossArguments args)
    {
        TensorSnapshot predBefore = TensorBytes.Snapshot(pred);
        TensorSnapshot? trueBefore = yTrue is null ? null : TensorBytes.Snapshot(yTrue);
        var tensorArgs = args.Where(a => a.Value is not null && engine.Owns(a.Value.GetType())).ToArray();
        var argsBefore = tensorArgs.ToDictionary(a => a.Key, a => TensorBytes.Snapshot(a.Value!));
        var maps = args.Where(a => a.Value is IReadOnlyDictionary<int, double>)
            .ToDictionary(a => a.Key, a => ((IReadOnlyDictionary<int, double>)a.Value!).OrderBy(p => p.Key).ToArray());

        object result = call.Invoke(pred, yTrue, args);
        _ = engine.ToDoubleArray(result, out _);   // force any lazy work
        (result as IDisposable)?.Dispose();
        object again = call.Invoke(pred, yTrue, args);
        (again as IDisposable)?.Dispose();

        TensorSnapshot predAfter = TensorBytes.Snapshot(pred);
        Assert.That(predAfter.SameAs(predBefore), Is.True, $"y_pred changed: {predBefore} -> {predAfter}");
        if (trueBefore is not null)
        {
            TensorSnapshot trueAfter = TensorBytes.Snapshot(yTrue!);
            Assert.That(trueAfter.SameAs(trueBefore), Is.True, $"y_true changed: {trueBefore} -> {trueAfter}");
        }
        foreach ((string name, object? value) in tensorArgs)
            Assert.That(TensorBytes.Snapshot(value!).SameAs(argsBefore[name]), Is.True, $"{name} changed");
        foreach ((string name, KeyValuePair<int, double>[] before) in maps)
            Assert.That(((IReadOnlyDictionary<int, double>)args[name]!).OrderBy(p => p.Key).ToArray(), Is.EqualTo(before), $"{name} changed");
    }
}
