using CrossBackend.Testing;

namespace CrossBackend.Tests.Ops;

/// <summary>
/// <see cref="ITensorOps{TTensor}.DTypeOf"/> and <see cref="ITensorOps{TTensor}.ShapeOf"/>, which engines may answer
/// without building a whole <see cref="TensorInfo"/> (dispatch reads every input's dtype on every call), held to
/// <see cref="ITensorOps{TTensor}.Describe"/> on every engine's own ops and through the tape, for every dtype the
/// ops hold and shapes with a length-0 and length-1 axis. The shape is a fresh array: a caller may change it.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class DTypeAndShapeShortcutTests(ITensorEngine engine)
{
    private static readonly long[][] Shapes = [[], [5], [2, 1, 3], [0, 3], [2, 3, 1, 2]];

    public static IEnumerable<DType> DTypes() => Enum.GetValues<DType>().Where(d => d != DType.Other);

    [TestCaseSource(nameof(DTypes))]
    public void DTypeOfAndShapeOfAgreeWithDescribe(DType dtype)
    {
        object probe = Backend.ToTensor(new double[] { 0.1 }, engine, DType.Float32, [1]);
        object opsObject = engine.OpsFor(probe.GetType())!;
        var method = typeof(DTypeAndShapeShortcutTests).GetMethod(nameof(Check), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(TensorProgram.OpsTensorType(opsObject));
        int checkedShapes = (int)method.Invoke(null, [opsObject, dtype])!;
        Assert.That(checkedShapes, Is.EqualTo(Shapes.Length), "every shape was checked");
    }

    private static int Check<TT>(object opsObject, DType dtype) where TT : class
    {
        var ops = (ITensorOps<TT>)opsObject;
        var tape = new TapeOps<TT>(ops);
        int done = 0;
        foreach (long[] shape in Shapes)
        {
            ops.Scoped(() =>
            {
                TT x = ops.Full(shape, 0.3, dtype);
                TensorInfo info = ops.Describe(x);
                Assert.That(ops.DTypeOf(x), Is.EqualTo(info.DType), $"DTypeOf, {dtype} {TensorInfo.FormatShape(shape)}");
                long[] s = ops.ShapeOf(x);
                Assert.That(s, Is.EqualTo(info.Shape), $"ShapeOf, {dtype} {TensorInfo.FormatShape(shape)}");
                if (s.Length > 0) s[0] = 99;
                Assert.That(ops.ShapeOf(x), Is.EqualTo(info.Shape), "a changed ShapeOf array leaves the tensor's shape as it was");
                Assert.That(ops.Describe(x).Shape, Is.EqualTo(info.Shape), "Describe after a changed ShapeOf array");

                TapeTensor<TT> watched = tape.Watch(x);
                Assert.That(tape.DTypeOf(watched), Is.EqualTo(info.DType), "through the tape: DTypeOf");
                Assert.That(tape.ShapeOf(watched), Is.EqualTo(info.Shape), "through the tape: ShapeOf");
                return [];
            });
            done++;
        }
        return done;
    }
}
