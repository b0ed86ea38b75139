using CrossBackend.Testing;

namespace CrossBackend.Tests.Reliability;

/// <summary>
/// The validation rules every registered loss shares, enumerated from the registry on every engine: y_pred that is
/// not floating point, y_pred of rank below the loss's <see cref="LossDefinition.MinRank"/>, an unknown option name,
/// an option value of the wrong kind, and — for each option declaring a <see cref="LossOption.Rule"/> — values that
/// break it. Each is refused with an exception naming the argument (Keras style, in backticks) and what was received.
/// A new loss and each of its options are covered by the registry entry alone.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class RegistryValidationTests(ITensorEngine engine)
{
    /// <summary>A valid call per loss: its first reference case or example, in float32.</summary>
    private static LossCall Base(LossDefinition loss) => LossCalls.All().First(c => c.Loss == loss);

    public static IEnumerable<TestCaseData> Losses() =>
        LossRegistry.All.Select(l => new TestCaseData(l.Name).SetArgDisplayNames(l.Name));

    /// <summary>Every loss but those that score integer predictions in float32 (dice_score: DiceScoreIntegerMaskTests).</summary>
    public static IEnumerable<TestCaseData> LossesRefusingIntegers() =>
        LossRegistry.All.Where(l => !l.ScoresIntegerPredictions).Select(l => new TestCaseData(l.Name).SetArgDisplayNames(l.Name));

    public static IEnumerable<TestCaseData> Options() =>
        from loss in LossRegistry.All
        from option in loss.Options
        where option.Kind != LossOptionKind.Tensor   // any tensor passes the kind check; shapes are validated per loss
        select new TestCaseData(loss.Name, option.Name).SetArgDisplayNames(loss.Name, option.Name);

    public static IEnumerable<TestCaseData> RuledOptions() =>
        from loss in LossRegistry.All
        from option in loss.Options
        where option.Rule is not null
        select new TestCaseData(loss.Name, option.Name).SetArgDisplayNames(loss.Name, option.Name, option.Rule!);

    [TestCaseSource(nameof(LossesRefusingIntegers))]
    public void IntegerPredictionsAreRefused(string name)
    {
        LossCall call = Base(LossRegistry.Get(name));
        (_, object? yTrue, LossArguments args) = call.Inputs(engine, DType.Float32);
        object pred = engine.FromChannelsLast(call.YPred.Select(v => (int)Math.Round(v)).ToArray(), call.Shape);
        AssertRefused(() => call.Invoke(pred, yTrue, args), typeof(ArgumentException), "y_pred", "Received: y_pred.dtype=int32");
    }

    [TestCaseSource(nameof(Losses))]
    public void PredictionsBelowTheMinimumRankAreRefused(string name)
    {
        LossDefinition loss = LossRegistry.Get(name);
        LossCall call = Base(loss);
        (_, object? yTrue, LossArguments args) = call.Inputs(engine, DType.Float32);
        long[] shape = call.Shape[..(loss.MinRank - 1)];
        object pred = engine.FromArray(Enumerable.Repeat(0.3f, (int)shape.Aggregate(1L, (a, b) => a * b)).ToArray(), shape);
        Assume.That(engine.Describe(pred).Rank, Is.EqualTo(shape.Length), $"{engine.Name} has tensors of rank {shape.Length}");
        // A rank-1 y_pred beside (B, 1) labels is a column, as Keras's squeeze_or_expand_to_same_rank makes it (RankOneLabelTests).
        Assume.That(!(loss.Labels == LossLabels.SameShape && shape.Length == 1 && yTrue is not null &&
                      engine.Describe(yTrue).Shape.SequenceEqual(new[] { shape[0], 1L })), "a rank-1 y_pred beside (B, 1) labels is taken as a column");
        AssertRefused(() => call.Invoke(pred, yTrue, args), typeof(ArgumentException), "y_pred", $"rank >= {loss.MinRank}", "Received: y_pred.shape=");
    }

    [TestCaseSource(nameof(Losses))]
    public void UnknownOptionNamesAreRefusedListingTheOptions(string name)
    {
        LossDefinition loss = LossRegistry.Get(name);
        LossCall call = Base(loss);
        (object pred, object? yTrue, LossArguments args) = call.Inputs(engine, DType.Float32);
        args["frobnicate"] = 0.3;
        var e = Assert.Throws<ArgumentException>(() => call.Invoke(pred, yTrue, args));
        Assert.That(e!.ParamName, Is.EqualTo("frobnicate"));
        Assert.That(e.Message, Does.Contain("`frobnicate`"));
        foreach (LossOption option in loss.Options) Assert.That(e.Message, Does.Contain(option.Name), "the message lists the options");
    }

    [TestCaseSource(nameof(Options))]
    public void OptionValuesOfTheWrongKindAreRefused(string name, string optionName)
    {
        LossDefinition loss = LossRegistry.Get(name);
        LossOption option = loss.Option(optionName)!;
        LossCall call = Base(loss);
        (object pred, object? yTrue, LossArguments args) = call.Inputs(engine, DType.Float32);
        // A string is no option's kind (a reduction is parsed from its Keras name, so it gets a number instead).
        object wrong = option.Kind is LossOptionKind.Reduction or LossOptionKind.Choice ? 0.3 : "0.3";
        args[option.Name] = wrong;
        AssertRefused(() => call.Invoke(pred, yTrue, args), typeof(ArgumentException), option.ParameterName,
            $"Received: a {wrong.GetType().Name}");
    }

    [TestCaseSource(nameof(RuledOptions))]
    public void OptionValuesBreakingTheRuleAreRefused(string name, string optionName)
    {
        LossDefinition loss = LossRegistry.Get(name);
        LossOption option = loss.Option(optionName)!;
        LossCall call = Base(loss);
        int refused = 0;
        foreach (object bad in Candidates(option.Kind))
        {
            // Only values the rule rejects (a candidate may be valid for this option's rule).
            try { option.Check(bad); continue; }
            catch (ArgumentOutOfRangeException) { }
            (object pred, object? yTrue, LossArguments args) = call.Inputs(engine, DType.Float32);
            args[option.Name] = bad;
            AssertRefused(() => call.Invoke(pred, yTrue, args), typeof(ArgumentOutOfRangeException), option.ParameterName,
                $"must be {option.Rule}", $"Received: {option.ParameterName}={LossOption.Format(bad)}");
            refused++;
        }
        Assert.That(refused, Is.GreaterThan(0), $"the rule \"{option.Rule}\" refuses at least one of the probe values");
    }

    /// <summary>Values outside the usual ranges, per kind.</summary>
    private static IEnumerable<object> Candidates(LossOptionKind kind) => kind switch
    {
        LossOptionKind.Number => new object[] { -0.3, 1.3, -1e9, 1e9, double.NaN, double.PositiveInfinity, double.NegativeInfinity },
        LossOptionKind.Integer => new object[] { -1, -3, 0, 1_000_000, int.MinValue },
        LossOptionKind.Numbers => new object[] { new[] { -0.3 }, new[] { double.NaN }, Array.Empty<double>(), new[] { 0.3, 1.3 } },
        LossOptionKind.NumberOrNumbers => new object[] { -0.3, 1.3, double.NaN, new[] { -0.3 }, new[] { double.NaN }, Array.Empty<double>() },
        LossOptionKind.Axes => new object[] { new[] { 7 }, new[] { -9 } },
        LossOptionKind.Choice => new object[] { "max", "", "MEAN " },
        _ => [],
    };

    private static void AssertRefused(TestDelegate call, Type type, string paramName, params string[] fragments)
    {
        Exception? e = Assert.Catch(call);
        Assert.That(e, Is.TypeOf(type), e?.ToString());
        var arg = (ArgumentException)e!;
        Assert.That(arg.ParamName, Is.EqualTo(paramName));
        Assert.That(arg.Message, Does.Contain($"`{paramName}`"), "the message names the argument, Keras style");
        foreach (string part in fragments) Assert.That(arg.Message, Does.Contain(part));
    }
}
