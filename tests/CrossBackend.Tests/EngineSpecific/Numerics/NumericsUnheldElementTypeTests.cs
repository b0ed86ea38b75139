using System.Numerics;
using System.Numerics.Tensors;
using CrossBackend.Testing;

namespace CrossBackend.Tests.EngineSpecific.Numerics;

/// <summary>
/// A <c>Tensor&lt;Complex&gt;</c> is a tensor the numerics engine owns (every <c>Tensor&lt;T&gt;</c> is) but of a dtype
/// CrossBackend has no name for: the kit, printing and Layout refuse it naming the public argument.
/// </summary>
public sealed class NumericsUnheldElementTypeTests
{
    private static readonly Tensor<Complex> Value = Tensor.Create(new[] { new Complex(1, 1), new Complex(2, 0) }, [1, 1, 1, 2]);

    [Test]
    public void TheKitAndPrintingRefuseComplexByName()
    {
        var e = Assert.Throws<ArgumentException>(() => TensorAssert.AreClose(Value, new[] { 1.0, 2.0 }))!;
        Assert.That(e.ParamName, Is.EqualTo("actual"));
        Assert.That(e.Message, Does.Contain("complex"));
        Assert.That(Assert.Throws<ArgumentException>(() => TensorFormat.ToString(Value))!.ParamName, Is.EqualTo("tensor"));
    }

    /// <summary>The engine's own parameter (<c>tensor</c>) is not what the caller of Layout wrote.</summary>
    [Test]
    public void LayoutNamesItsOwnArgument()
    {
        var e = Assert.Throws<ArgumentException>(() => Layout.NhwcToNchw(Value))!;
        Assert.That(e.ParamName, Is.EqualTo("tensorOrArray"));
        Assert.That(e.Message, Does.Contain("`tensorOrArray`").And.Contain("Tensor<Complex>").And.Not.Contain("`tensor`"));
    }
}
