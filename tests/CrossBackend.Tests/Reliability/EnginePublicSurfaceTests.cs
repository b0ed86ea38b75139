using CrossBackend.Testing;

namespace CrossBackend.Tests.Reliability;

/// <summary>
/// An engine package's public surface is what a user of that engine needs: the engine (announced by
/// <c>[assembly: TensorEngine]</c>), and on the channels-last engine its ops, the bfloat16 element type a
/// <c>Tensor&lt;BFloat16&gt;</c> is made of, and the result pool and scope a loop frees its results with (the
/// counterpart of TorchSharp's dispose scopes). The channels-last engine exported eight layer kernels
/// (<c>CrossBackend.Backends.Numerics.Layers</c>: Conv2DKernel, Pool2DKernel, … and a SpanAction delegate) that only
/// the Keras porting package calls; they are internal now, visible to that package. Runs once per engine.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class EnginePublicSurfaceTests(ITensorEngine engine)
{
    private static readonly string[] AllowedBesideTheEngine = ["NumericsOps`1", "BFloat16", "NumericsResultPool", "NumericsResultScope"];

    [Test]
    public void AnEnginePackageExportsTheEngineAndWhatItsTensorsAreMadeOf()
    {
        Type[] exported = engine.GetType().Assembly.GetExportedTypes();
        string[] extra = exported
            .Where(t => t != engine.GetType() && !AllowedBesideTheEngine.Contains(t.Name))
            .Select(t => t.FullName!).Order().ToArray();
        Assert.That(extra, Is.Empty, $"public types of {engine.GetType().Assembly.GetName().Name} no user of the {engine.Name} engine needs");
        Assert.That(exported, Does.Contain(engine.GetType()));
    }
}
