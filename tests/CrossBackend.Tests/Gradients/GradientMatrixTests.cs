using System.Diagnostics;
using CrossBackend.Testing;
using CrossBackend.Tests.References;

namespace CrossBackend.Tests.Gradients;

/// <summary>
/// Gradient parity for every registered loss × each of its own options × every reduction × float32/float64, with no
/// loss or engine named: d(loss)/d(y_pred) through the public gradient API (<see cref="LossDefinition.Gradient"/>) on
/// every engine found, moved back to channels-last and compared with the first engine's; in float64 also with a
/// central finite difference of the loss's independent float64 reference (<see cref="AllReferences"/>).
/// </summary>
/// <remarks>
/// Inputs are the references' own cases (fixed seeds, each loss's valid domain, away from kinks). Each case runs as
/// written; then, on the first case that leaves it at its default, each own option is set in turn to a non-default
/// value (a number not exact in float32 that the option accepts, a flag flipped, every other choice, a class present
/// in the labels, class and channel weights of 0.3/0.7/1.3…); then one case with sample weights. Tensor-valued
/// options are data (circle's reference set) and are covered by the cases that set them. The run collects every
/// disagreement and prints: cases, comparisons, disagreements, time.
/// </remarks>
[NonParallelizable]
public sealed class GradientMatrixTests
{
    private static readonly double[] NumberCandidates = [0.3, 0.7, 0.1, 1.3, 2.7];

    /// <summary>One input and option set for one loss.</summary>
    private sealed record Variant(LossDefinition Loss, ILossReference Reference, ReferenceCase Case, string What, double[]? SampleWeights = null);

    [Test]
    public void EveryLossOptionAndReductionHasTheSameGradientOnEveryEngineAndMatchesTheReference()
    {
        var clock = Stopwatch.StartNew();
        var disagreements = new List<string>();
        int cases = 0, comparisons = 0, finiteDifferences = 0, kinks = 0;
        foreach (Variant v in Variants())
        foreach (Reduction reduction in v.Loss.OwnReduction ? [Reduction.None] : Enum.GetValues<Reduction>())
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            cases++;
            string what = $"{v.Loss.Name} {v.What} {reduction.KerasName()} {dtype.Name()}";
            (double[]? Values, string? Error)[] gradients = TensorEngines.All.Select(e => Gradient(e, v, reduction, dtype)).ToArray();
            (double rtol, double atol) = Tolerance.For(dtype);
            for (int i = 1; i < gradients.Length; i++, comparisons++)
            {
                string pair = $"{TensorEngines.All[i].Name} vs {TensorEngines.All[0].Name}";
                if (gradients[i].Error != gradients[0].Error)
                    disagreements.Add($"{what}: {pair}: {gradients[i].Error ?? "ok"} / {gradients[0].Error ?? "ok"}");
                else if (gradients[0].Values is not null)
                {
                    var comparison = TensorComparison.Compare(gradients[i].Values!, gradients[0].Values!, rtol, atol);
                    if (!comparison.IsClose) disagreements.Add($"{what}: {pair}: {comparison}");
                }
            }
            if (dtype != DType.Float64 || gradients[0].Values is null) continue;
            (double[] numeric, bool[] smooth) = FiniteDifference(v, reduction);
            finiteDifferences++;
            kinks += smooth.Count(s => !s);
            // A central difference of a float64 function with h ≈ 1e-6·|x| is good to ~1e-8 of the gradient's scale.
            double scale = Math.Max(1, numeric.Where((_, k) => smooth[k]).DefaultIfEmpty(0).Max(Math.Abs));
            double[] expected = numeric.Where((_, k) => smooth[k]).ToArray();
            for (int i = 0; i < gradients.Length; i++)
            {
                double[] actual = gradients[i].Values!.Where((_, k) => smooth[k]).ToArray();
                var comparison = TensorComparison.Compare(actual, expected, 1e-5, 1e-6 * scale);
                if (!comparison.IsClose) disagreements.Add($"{what}: {TensorEngines.All[i].Name} vs finite difference of the reference: {comparison}");
            }
        }
        clock.Stop();
        string summary = $"gradient matrix: losses={LossRegistry.All.Count} cases={cases} engine comparisons={comparisons} " +
                         $"finite-difference checks={finiteDifferences} (elements at a kink or edge, left out: {kinks}) disagreements={disagreements.Count} time={clock.Elapsed.TotalSeconds:F1} s";
        TestContext.Out.WriteLine(summary);
        TestContext.Progress.WriteLine(summary);
        foreach (string d in disagreements) TestContext.Out.WriteLine(d);
        Assert.That(Variants().Select(v => v.Loss).Distinct().Count(), Is.EqualTo(LossRegistry.All.Count), "every registered loss was run");
        Assert.That(disagreements, Is.Empty, summary + "\n" + string.Join("\n", disagreements.Take(20)));
    }

    /// <summary>For each loss: every reference case as written, each own option varied, and one with sample weights.</summary>
    private static IEnumerable<Variant> Variants()
    {
        foreach (LossDefinition loss in LossRegistry.All)
        {
            ILossReference reference = AllReferences.List.First(r => r.Loss == loss.Name);
            ReferenceCase[] all = reference.Cases().ToArray();
            foreach (ReferenceCase c in all) yield return new(loss, reference, c, $"'{c.Name}'");
            foreach (LossOption option in loss.Options.Where(o => o != LossOption.Axis && o != LossOption.Reduction && o != LossOption.SampleWeights))
            {
                ReferenceCase c = all.FirstOrDefault(x => !x.Arguments.ContainsKey(option.Name)) ?? all[0];
                foreach (object? value in NonDefaultValues(option, c))
                    yield return new(loss, reference, c with { Arguments = new Dictionary<string, object?>(c.Arguments) { [option.Name] = value } },
                        $"'{c.Name}' {option.Name}={LossOption.Format(value is IReadOnlyDictionary<int, double> w ? string.Join(",", w.Select(p => $"{p.Key}:{p.Value}")) : value)}");
            }
            if (!loss.OwnReduction)
                yield return new(loss, reference, all[0], $"'{all[0].Name}' sample weights",
                    Enumerable.Range(0, (int)all[0].Shape[0]).Select(k => 0.3 + 0.2 * k).ToArray());
        }
    }

    /// <summary>Values of <paramref name="option"/> other than its default, valid by its own rule, for case <paramref name="c"/>.</summary>
    private static IEnumerable<object?> NonDefaultValues(LossOption option, ReferenceCase c)
    {
        bool Valid(object? value)
        {
            try { option.Check(value); return true; }
            catch (ArgumentException) { return false; }
        }
        int classes = (int)c.Shape[^1];
        switch (option.Kind)
        {
            case LossOptionKind.Bool:
                yield return !(bool)option.Default!;
                break;
            case LossOptionKind.Number:
                yield return NumberCandidates.Cast<double?>().First(x => !Equals(x, option.Default) && Valid(x));
                break;
            case LossOptionKind.NumberOrNumbers:
                yield return NumberCandidates.Cast<double?>().First(x => !Equals(x, option.Default) && Valid(x));
                yield return Enumerable.Range(0, classes).Select(k => NumberCandidates[k % NumberCandidates.Length]).ToArray();
                break;
            case LossOptionKind.Choice:
                foreach (string choice in option.Choices!.Where(x => !Equals(x, option.Default))) yield return choice;
                break;
            case LossOptionKind.Integer when c.YTrue is not null:
                yield return (int)c.YTrue[0];    // a class present in the labels (e.g. ignore_class)
                break;
            case LossOptionKind.ClassWeights:
                yield return (IReadOnlyDictionary<int, double>)Enumerable.Range(0, Math.Min(classes, 3)).ToDictionary(k => k, k => new[] { 0.3, 0.7, 1.3 }[k]);
                break;
            case LossOptionKind.Numbers:
                yield return Enumerable.Range(0, classes).Select(k => NumberCandidates[k % NumberCandidates.Length]).ToArray();
                break;
            // Tensor-valued options are data: covered by the reference cases that set them.
        }
    }

    /// <summary>dL/dy_pred on <paramref name="engine"/>, channels-last, or the exception's type and message.</summary>
    private static (double[]? Values, string? Error) Gradient(ITensorEngine engine, Variant v, Reduction reduction, DType dtype)
    {
        LossExample example = Example(v, reduction);
        try
        {
            object gradient = example.Run(v.Loss, engine, dtype, LossExample.Mode.Gradient);
            double[] values = RegistryTests.ChannelsLast(engine, gradient, example.Shape.Length);
            (gradient as IDisposable)?.Dispose();
            return (values, null);
        }
        catch (ArgumentException e) { return (null, $"{e.GetType().Name}: {e.Message}"); }
    }

    private static LossExample Example(Variant v, Reduction reduction)
    {
        ReferenceCase c = v.Case;
        var arguments = new Dictionary<string, object?>(c.Arguments);
        if (!v.Loss.OwnReduction) arguments["reduction"] = reduction;
        if (v.SampleWeights is not null) arguments["sample_weights"] = v.SampleWeights;
        return new LossExample("gradient matrix", c.YPred, c.Shape, c.YTrue, c.TrueShape, arguments, [],
            TensorShapes: new Dictionary<string, long[]> { ["sample_weights"] = [c.Shape[0]] });
    }

    /// <summary>
    /// The central difference of Σ(reduced reference loss) with respect to each y_pred element, in float64, and whether
    /// the loss is smooth there: an element whose one-sided differences disagree (a clip bound, a hinge, a zero row:
    /// the cases that probe the loss's edges on purpose) or are not finite has no derivative to compare with, and the
    /// engines' choice there is held to each other only.
    /// </summary>
    private static (double[] Gradient, bool[] Smooth) FiniteDifference(Variant v, Reduction reduction)
    {
        double Loss(double[] pred)
        {
            ReferenceCase c = v.Case with { YPred = pred };
            (double[] perElement, double[]? own) = v.Reference.Compute(c, DType.Float64);
            double[] reduced = v.Loss.OwnReduction ? perElement
                : ReferenceTests.Reduce(perElement, own, v.SampleWeights, reduction, v.Reference.WeightsAreMask);
            return reduced.Sum();
        }
        double[] x = (double[])v.Case.YPred.Clone();
        double center = Loss(x);
        var gradient = new double[x.Length];
        var smooth = new bool[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            // A step of 1e-6 (relative above 1); for tiny values a step well inside them, and at exactly 0 one inside
            // the floors the losses put under a norm (cosine_similarity's zero row is linear within |x| < 1e-7).
            double original = x[i], size = Math.Abs(original);
            double h = size == 0 ? 1e-8 : size < 1e-3 ? 1e-4 * size : 1e-6 * Math.Max(1, size);
            x[i] = original + h;
            double up = Loss(x);
            x[i] = original - h;
            double down = Loss(x);
            x[i] = original;
            gradient[i] = (up - down) / (2 * h);
            double forward = (up - center) / h, backward = (center - down) / h;
            smooth[i] = double.IsFinite(gradient[i]) && Math.Abs(forward - backward) <= 1e-3 * Math.Max(1, Math.Abs(gradient[i]));
        }
        return (gradient, smooth);
    }
}
