using NUnit.Framework;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace CrossBackend.Testing;

/// <summary>
/// NUnit sources that run a test once per engine found at run time (<see cref="TensorEngines.All"/>), each named
/// by its engine. A third engine project referenced by the test project is tested with no test edits.
/// </summary>
/// <example>
/// <code>
/// [TestCaseSource(typeof(TestEngines), nameof(TestEngines.All))]
/// public void MyLossMatchesKeras(ITensorEngine engine) { ... }              // MyLossMatchesKeras(torch), ...
///
/// [TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
/// public class MyLossTests(ITensorEngine engine) { ... }                   // MyLossTests(numerics), ...
/// </code>
/// </example>
public static class TestEngines
{
    /// <summary>
    /// One case per engine, its argument the <see cref="ITensorEngine"/>. Usable with both
    /// <see cref="TestCaseSourceAttribute"/> (a test method taking an <see cref="ITensorEngine"/>) and
    /// <see cref="TestFixtureSourceAttribute"/> (a fixture constructor taking one). When no engine is found, one
    /// not-runnable case says so, rather than the test silently disappearing.
    /// </summary>
    public static IEnumerable<EngineTestCase> All =>
        TensorEngines.All.Count == 0 ? [EngineTestCase.NoEngine()] : TensorEngines.All.Select(e => new EngineTestCase(e, e, e.Name));

    /// <summary>
    /// The same cases with the engine's name (<c>"torch"</c>, <c>"numerics"</c>) as the argument, for fixtures and
    /// tests that take a name and look the engine up with <see cref="TensorEngines.Named"/>.
    /// </summary>
    public static IEnumerable<EngineTestCase> Names =>
        TensorEngines.All.Count == 0 ? [EngineTestCase.NoEngine()] : TensorEngines.All.Select(e => new EngineTestCase(e, e.Name, null));
}

/// <summary>
/// One engine as NUnit test data, for both test cases and fixtures (it is a <see cref="TestCaseData"/> and an
/// <see cref="ITestFixtureData"/>). Made by <see cref="TestEngines"/>.
/// </summary>
public sealed class EngineTestCase : TestCaseData, ITestFixtureData
{
    internal EngineTestCase(ITensorEngine? engine, object? argument, string? displayName) : base(argument)
    {
        Engine = engine;
        if (displayName is not null) SetArgDisplayNames(displayName);
    }

    /// <summary>The engine (null only for the case that reports that no engine was found).</summary>
    public ITensorEngine? Engine { get; }

    internal static EngineTestCase NoEngine()
    {
        var data = new EngineTestCase(null, null, "no engine found");
        data.RunState = RunState.NotRunnable;
        data.Properties.Set(PropertyNames.SkipReason,
            "No CrossBackend engine was found: reference an engine project (e.g. CrossBackend.Backends.Torch or " +
            "CrossBackend.Backends.Numerics) from the test project so its assembly is copied beside the tests.");
        return data;
    }

    /// <inheritdoc/>
    public override string ToString() => Engine?.Name ?? "no engine found";
}
