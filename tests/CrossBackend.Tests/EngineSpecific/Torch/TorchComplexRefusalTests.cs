using CrossBackend.Backends.Torch;
using CrossBackend.IO;
using CrossBackend.Testing;
using TorchSharp;

namespace CrossBackend.Tests.EngineSpecific.Torch;

/// <summary>
/// A <c>torch.complex64</c> tensor (a dtype the engine contract has no name for) is refused by the parity kit and by
/// printing, naming the argument, instead of being read as its real part (libtorch's cast to float64 drops the
/// imaginary part with only a warning). PyTorch 1.13 fails the same comparison:
/// <c>torch.testing.assert_close(torch.tensor([1+1j]), torch.tensor([1+2j]))</c> raises "Tensor-likes are not close!
/// Mismatched elements: 1 / 1 (100.0%) Greatest absolute difference: 1.0 ...", so passing it would be wrong.
/// </summary>
public sealed class TorchComplexRefusalTests
{
    [OneTimeSetUp]
    public void Load() => TorchEngine.EnsureNativeLoadable();

    private static torch.Tensor Complex(float real, float imaginary)
    {
        // Held by `using`: as bare temporaries nothing would reference them during torch.complex.
        using torch.Tensor re = torch.tensor(new[] { real }), im = torch.tensor(new[] { imaginary });
        return torch.complex(re, im);
    }

    [Test]
    public void TheKitRefusesComplexByArgumentName()
    {
        using torch.Tensor a = Complex(1, 1), b = Complex(1, 2);
        var actual = Assert.Throws<ArgumentException>(() => TensorAssert.AreClose(a, b))!;
        Assert.That(actual.ParamName, Is.EqualTo("actual"));
        Assert.That(actual.Message, Does.Contain("complex").And.Contain("imaginary").And.Contain("view_as_real"));
        Assert.That(Assert.Throws<ArgumentException>(() => TensorAssert.AreClose(new[] { 1f }, b))!.ParamName, Is.EqualTo("expected"));
        Assert.Throws<ArgumentException>(() => Assert.That(a, TensorIs.CloseTo(b)));
        Assert.Throws<ArgumentException>(() => TensorComparison.Compare(a, a));
        Assert.That(Assert.Throws<ArgumentException>(() => EngineParity.Run((e, x) => x[0], [a]))!.ParamName, Is.EqualTo("inputs[0]"));
        Assert.That(Assert.Throws<ArgumentException>(() => EngineParity.Run((e, x) => x[0], [1f], new ParityOptions { Reference = a }))!.ParamName,
            Is.EqualTo("options.Reference"));
    }

    /// <summary>A function returning a complex result fails the parity check with the refusal in its report.</summary>
    [Test]
    public void AComplexResultFailsEngineParity()
    {
        ParityReport report = EngineParity.Run((e, x) => Complex(1, 1), [1f], new ParityOptions { Reference = 1.0 });
        Assert.That(report.Passed, Is.False);
        Assert.That(report.Message, Does.Contain("`result` must hold bool, integer or floating-point values"));
    }

    /// <summary>NumPy prints <c>array([1.+1.j], dtype=complex64)</c>; we do not print complex at all, rather than the
    /// real part as <c>array([1], dtype=other)</c>. Reading values out through the engine is refused too.</summary>
    [Test]
    public void PrintingAndReadingRefuseComplex()
    {
        using torch.Tensor a = Complex(1, 1);
        var print = Assert.Throws<ArgumentException>(() => TensorFormat.ToString(a))!;
        Assert.That(print.ParamName, Is.EqualTo("tensor"));
        Assert.That(print.Message, Does.Contain("complex"));
        ITensorEngine engine = TensorEngines.Named("torch");
        Assert.Throws<ArgumentException>(() => engine.ToDoubleArray(a, out _));
        Assert.Throws<ArgumentException>(() => engine.ToArray(a, out _));
        Assert.Throws<ArgumentException>(() => NpyArray.FromTensor(a));
    }

    /// <summary>Computing with, reading, printing and comparing a complex tensor are refused in one wording (one helper,
    /// <c>UnnamedDType.Refused</c>); before session 52 they said it in four: "must hold one of the dtypes CrossBackend
    /// computes with", "which CrossBackend does not read", "which is not printed", "which the kit does not compare".</summary>
    [Test]
    public void EveryRefusalOfComplexSaysOneThing()
    {
        using torch.Tensor a = Complex(1, 1);
        ITensorEngine engine = TensorEngines.Named("torch");
        (string Use, ArgumentException Error)[] refusals =
        [
            ("compute with", Assert.Throws<ArgumentException>(() => Backend.Abs(a))!),
            ("read", Assert.Throws<ArgumentException>(() => engine.ToDoubleArray(a, out _))!),
            ("print", Assert.Throws<ArgumentException>(() => TensorFormat.ToString(a))!),
            ("compare", Assert.Throws<ArgumentException>(() => TensorAssert.AreClose(a, a))!),
        ];
        const string Tail = ", of a dtype CrossBackend has no name for (complex, for instance), which it does not {0}: read as real numbers " +
            "it would lose its imaginary part. Take its real and imaginary parts as a real tensor first (TorchSharp: torch.view_as_real(x)), or its magnitude.";
        foreach ((string use, ArgumentException e) in refusals)
        {
            Assert.That(e.Message, Does.StartWith($"Argument `{e.ParamName}` must hold bool, integer or floating-point values (bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64). Received: "), use);
            Assert.That(e.Message, Does.Contain(string.Format(Tail, use)), use);
        }
    }
}
