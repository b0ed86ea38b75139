using System.Numerics.Tensors;

namespace CrossBackend.Tests.Formatting;

/// <summary>Runtime types in messages are spelled as C# writes them: Tensor&lt;Int32&gt;, not the runtime's Tensor`1.</summary>
public sealed class TypeNameTests
{
    [Test]
    public void GenericArrayAndNestedTypesReadAsCSharp()
    {
        Assert.That(TensorFormat.TypeName(typeof(Tensor<int>)), Is.EqualTo("Tensor<Int32>"));
        Assert.That(TensorFormat.TypeName(typeof(Tensor<int>), qualified: true), Is.EqualTo("System.Numerics.Tensors.Tensor<Int32>"));
        Assert.That(TensorFormat.TypeName(typeof(Dictionary<string, List<float>>)), Is.EqualTo("Dictionary<String, List<Single>>"));
        Assert.That(TensorFormat.TypeName(typeof(ushort[])), Is.EqualTo("UInt16[]"));
        Assert.That(TensorFormat.TypeName(typeof(float[,])), Is.EqualTo("Single[,]"));
        Assert.That(TensorFormat.TypeName(typeof(Tensor<float>[])), Is.EqualTo("Tensor<Single>[]"));
        Assert.That(TensorFormat.TypeName(typeof(int?)), Is.EqualTo("Int32?"));
        Assert.That(TensorFormat.TypeName(typeof(Dictionary<int, string>.KeyCollection)), Is.EqualTo("Dictionary.KeyCollection"));
        Assert.That(TensorFormat.TypeName(typeof(TypeNameTests)), Is.EqualTo("TypeNameTests"));
    }

    /// <summary>A value no engine owns is named in C# spelling, with its namespace where the message names one (it
    /// was "System.Collections.Generic.List`1[[System.Single, System.Private.CoreLib, Version=…]]").</summary>
    [Test]
    public void AnUnownedTensorIsNamedInCSharp()
    {
        var e = Assert.Throws<ArgumentException>(() => Backend.ReduceSum<object>(new List<float> { 1 }))!;
        Assert.That(e.Message, Does.Contain("tensor is a System.Collections.Generic.List<Single>, which no CrossBackend engine owns"));
        var d = Assert.Throws<ArgumentException>(() => TensorFormat.Describe(new string[] { "a" }))!;
        Assert.That(d.Message, Does.Contain("Received: a String[]"));
    }
}
