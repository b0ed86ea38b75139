using CrossBackend.Backends.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossBackend.Tests.EngineSpecific.Torch;

/// <summary>
/// Tensors the torch engine uses stay reachable until it has finished with them (<see cref="TensorLifetimeAudit"/>
/// reads the compiled engine): TorchSharp's finalizer frees a native tensor as soon as nothing references the managed
/// object, even during a native call or a managed read of its memory. Inside <c>TensorProgram.Run</c> the engine's
/// temporaries are held by its dispose scope and the caller's inputs by <c>GC.KeepAlive</c>; what runs outside it
/// (the autograd entry points <see cref="GradientTape"/> calls) or reads a caller's memory must hold its own tensors.
/// Torch-only by nature: it is about TorchSharp's API.
/// </summary>
public sealed class TensorLifetimeTests
{
    /// <summary>The engine's methods that <see cref="GradientTape"/> calls directly, outside any dispose scope
    /// (<c>Gradients</c> runs inside <c>TensorProgram.Run</c>'s).</summary>
    private static IEnumerable<System.Reflection.MethodBase> OutsideAnyScope()
    {
        System.Reflection.InterfaceMapping map = typeof(TorchEngine).GetInterfaceMap(typeof(IAutograd<Tensor>));
        return map.TargetMethods.Where(m => !m.Name.EndsWith(nameof(IAutograd<Tensor>.Gradients), StringComparison.Ordinal));
    }

    [Test]
    public void TheEngineHoldsEveryTensorWhoseMemoryItReads()
    {
        List<string> findings = TensorLifetimeAudit.UnheldMemoryReads(typeof(TorchEngine).Assembly.GetTypes());
        Assert.That(findings, Is.Empty, string.Join(Environment.NewLine, findings));
    }

    [Test]
    public void TheAutogradEntryPointsHoldTheirTensors()
    {
        List<System.Reflection.MethodBase> methods = OutsideAnyScope().ToList();
        Assert.That(methods.Select(m => m.Name), Is.EquivalentTo(new[] { "Watch", "GradientsOf", "StopGradient" }), "the IAutograd methods GradientTape calls directly");
        List<string> findings = TensorLifetimeAudit.UnheldParameters(methods);
        Assert.That(findings, Is.Empty, string.Join(Environment.NewLine, findings));
    }

    [Test]
    public void TheAuditFindsUnheldTensorsAndPassesHeldOnes()
    {
        List<string> reads = TensorLifetimeAudit.UnheldMemoryReads([typeof(Offenders)]);
        string[] expectedReads = ["BytesUnheld", "DataUnheld", "StorageUnheld"];
        List<string> parameters = TensorLifetimeAudit.UnheldParameters(
            [typeof(Offenders).GetMethod(nameof(Offenders.DetachUnheld))!, typeof(Offenders).GetMethod(nameof(Offenders.DetachHeld))!,
             typeof(Offenders).GetMethod(nameof(Offenders.SumOfManyHeldButOne))!]);
        Assert.Multiple(() =>
        {
            foreach (string name in expectedReads)
                Assert.That(reads.Count(f => f.Contains($".{name}:", StringComparison.Ordinal)), Is.EqualTo(1), $"{name} in:{Environment.NewLine}{string.Join(Environment.NewLine, reads)}");
            Assert.That(reads, Has.Count.EqualTo(expectedReads.Length), string.Join(Environment.NewLine, reads));
            Assert.That(parameters, Has.Count.EqualTo(2), string.Join(Environment.NewLine, parameters));
            Assert.That(parameters.Count(f => f.Contains(".DetachUnheld: `x`", StringComparison.Ordinal)), Is.EqualTo(1), string.Join(Environment.NewLine, parameters));
            Assert.That(parameters.Count(f => f.Contains(".SumOfManyHeldButOne: `b`", StringComparison.Ordinal)), Is.EqualTo(1), string.Join(Environment.NewLine, parameters));
        });
    }

    /// <summary>Each method named …Unheld (and <c>b</c> of SumOfManyHeldButOne) leaves a caller's tensor unreachable
    /// while it is still in use.</summary>
    private static class Offenders
    {
        public static unsafe float BytesUnheld(Tensor x)
        {
            fixed (byte* p = x.bytes) return *(float*)p;
        }

        public static unsafe float BytesHeld(Tensor x)
        {
            float first;
            fixed (byte* p = x.bytes) first = *(float*)p;
            GC.KeepAlive(x);
            return first;
        }

        public static float[] DataUnheld(Tensor x) => x.data<float>().ToArray();

        public static float[] DataHeld(Tensor x)
        {
            float[] values = x.data<float>().ToArray();
            GC.KeepAlive(x);
            return values;
        }

        public static long StorageUnheld(Tensor x)
        {
            using var storage = x.storage<float>();
            return (long)storage.data_ptr();
        }

        /// <summary>A tensor the method makes itself is not the audit's business (a dispose scope or a `using` holds it).</summary>
        public static unsafe float OwnTensor()
        {
            using Tensor x = torch.zeros(1);
            fixed (byte* p = x.bytes) return *(float*)p;
        }

        public static Tensor DetachUnheld(Tensor x) => x.detach();

        public static Tensor DetachHeld(Tensor x)
        {
            Tensor detached = x.detach();
            GC.KeepAlive(x);
            return detached;
        }

        public static Tensor SumOfManyHeldButOne(Tensor[] a, Tensor b)
        {
            Tensor sum = torch.stack(a).sum().mul(b);
            GC.KeepAlive(a);
            return sum;
        }
    }
}
