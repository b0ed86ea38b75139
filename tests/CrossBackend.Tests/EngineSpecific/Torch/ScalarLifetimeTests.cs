using CrossBackend.Backends.Torch;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CrossBackend.Tests.EngineSpecific.Torch;

/// <summary>
/// Every TorchSharp <see cref="Scalar"/> the torch engine passes to libtorch is held for the whole native call
/// (<see cref="ScalarLifetimeAudit"/> reads the compiled engine). The race this prevents needs a collection to land
/// inside one native call: CI met it once in about 30 runs, a scratch console 12 times in 331,698 calls under constant
/// collections, a 3 s run in the test host not at all, so the code is held instead of the timing. Torch-only by
/// nature: it is about TorchSharp's API.
/// </summary>
public sealed class ScalarLifetimeTests
{
    [Test]
    public void EveryScalarTheEnginePassesIsHeld()
    {
        // KeptScalarSoftplus.Apply calls the public softplus only if TorchSharp's private Scalar overload is gone,
        // which KeptScalarSoftplusTests fails on.
        List<string> findings = ScalarLifetimeAudit.Findings(typeof(TorchEngine).Assembly, "KeptScalarSoftplus.Apply");
        Assert.That(findings, Is.Empty, string.Join(Environment.NewLine, findings));
    }

    [Test]
    public void TheAuditFindsLooseScalarsAndPassesHeldOnes()
    {
        List<string> findings = ScalarLifetimeAudit.Findings([typeof(Offenders)]);
        string[] expected = ["ImplicitDouble", "AddWithoutAlpha", "SquareIsPowOfTwo", "ImplicitInt", "PlainLocal", "ToScalarArgument", "ElusDouble", "OperatorWithDouble", "VectorNormOrder"];
        Assert.Multiple(() =>
        {
            foreach (string name in expected)
                Assert.That(findings.Count(f => f.Contains($".{name}:", StringComparison.Ordinal)), Is.EqualTo(1), $"{name} in:{Environment.NewLine}{string.Join(Environment.NewLine, findings)}");
            Assert.That(findings, Has.Count.EqualTo(expected.Length), string.Join(Environment.NewLine, findings));
        });
    }

    /// <summary>Each method but the Held ones passes libtorch a Scalar nothing holds.</summary>
    private static class Offenders
    {
        private static readonly Scalar Kept = 0.3.ToScalar();
        public static Tensor ImplicitDouble(Tensor x) => x.mul(0.1);
        // TorchSharp's one-argument add makes its alpha, 1, as a Scalar nothing holds.
        public static Tensor AddWithoutAlpha(Tensor x) => x.add(Kept);
        public static Tensor SquareIsPowOfTwo(Tensor x) => x.square();
        public static Tensor ImplicitInt(Tensor x) => x.clamp_min(0);
        public static Tensor PlainLocal(Tensor x)
        {
            Scalar s = 0.3.ToScalar();
            return x.mul(s);
        }
        public static Tensor ToScalarArgument(Tensor x) => x.sub(0.3.ToScalar());
        public static Tensor ElusDouble(Tensor x) => F.elu(x, 0.3);
        public static Tensor OperatorWithDouble(Tensor x) => x - 0.1;
        public static Tensor VectorNormOrder(Tensor x) => linalg.vector_norm(x, 2, [-1]);
        public static Tensor HeldByUsing(Tensor x)
        {
            using Scalar a = 0.1.ToScalar(), b = 0.3.ToScalar();
            return x.clamp(a, b);
        }
        public static Tensor HeldByStaticField(Tensor x) => x.mul(Kept);
        public static Tensor AddWithHeldAlpha(Tensor x) => x.add(Kept, Kept);
        public static Tensor NormWithFloatOrder(Tensor x) => x.norm(-1, false, 2f);
        public static Tensor NoScalar(Tensor x) => x.abs().sum([-1]);
    }
}
