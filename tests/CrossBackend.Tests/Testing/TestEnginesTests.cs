using CrossBackend.Testing;

namespace CrossBackend.Tests.Testing;

/// <summary><see cref="TestEngines.All"/> as a fixture source: one fixture per discovered engine, named by it.</summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class TestEnginesFixtureTests(ITensorEngine engine)
{
    [Test]
    public void TheFixtureIsNamedByItsEngine() =>
        Assert.That(TestContext.CurrentContext.Test.FullName, Does.Contain($"{nameof(TestEnginesFixtureTests)}({engine.Name})."));

    [Test]
    public void TheFixtureGetsADiscoveredEngine() => Assert.That(TensorEngines.All, Does.Contain(engine));
}

/// <summary><see cref="TestEngines.All"/> and <see cref="TestEngines.Names"/> as test case sources.</summary>
public sealed class TestEnginesTests
{
    [TestCaseSource(typeof(TestEngines), nameof(TestEngines.All))]
    public void EachCaseIsNamedByItsEngine(ITensorEngine engine)
    {
        Assert.That(TestContext.CurrentContext.Test.Name, Is.EqualTo($"{nameof(EachCaseIsNamedByItsEngine)}({engine.Name})"));
        Assert.That(TensorEngines.All, Does.Contain(engine));
    }

    [TestCaseSource(typeof(TestEngines), nameof(TestEngines.Names))]
    public void NamesGiveTheEngineNames(string name) => Assert.That(TensorEngines.Named(name).Name, Is.EqualTo(name));

    [Test]
    public void OneCasePerDiscoveredEngine()
    {
        Assert.That(TestEngines.All.Select(c => c.Engine), Is.EqualTo(TensorEngines.All));
        Assert.That(TestEngines.All.Select(c => c.ToString()), Is.EqualTo(TensorEngines.All.Select(e => e.Name)));
        Assert.That(TestEngines.Names.Select(c => c.Arguments.Single()), Is.EqualTo(TensorEngines.All.Select(e => e.Name)));
        Assert.That(TensorEngines.All, Has.Count.GreaterThanOrEqualTo(2), "this suite references two engine projects");
    }
}
