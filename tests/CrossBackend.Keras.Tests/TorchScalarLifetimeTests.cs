using CrossBackend.Keras.Torch;
using CrossBackend.Tests.EngineSpecific.Torch;

namespace CrossBackend.Keras.Tests;

/// <summary>Every TorchSharp Scalar the Keras layers on torch pass to libtorch is held for the whole native call (a
/// loose one can be finalized mid-call by a collection; see <see cref="ScalarLifetimeAudit"/>).</summary>
public sealed class TorchScalarLifetimeTests
{
    [Test]
    public void EveryScalarTheLayersPassIsHeld()
    {
        List<string> findings = ScalarLifetimeAudit.Findings(typeof(KerasTorchModule).Assembly);
        Assert.That(findings, Is.Empty, string.Join(Environment.NewLine, findings));
    }
}
