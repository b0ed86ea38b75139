using System.Reflection;
using CrossBackend.Testing;

namespace CrossBackend.Tests.Functions;

/// <summary>
/// Every public <see cref="Backend"/> function that ports a FastEstimator function names its parameters as
/// FastEstimator's signature does (<c>fastestimator/backend/_&lt;name&gt;.py</c>, and <c>to_number</c> in
/// <c>fastestimator/util</c>), in .NET's camelCase, so a call with named arguments reads as FastEstimator's
/// (<c>Backend.Cast(data: x, dtype: "float16")</c>), and the exceptions name the same argument. Before session 52
/// <c>Cast</c>, <c>ToType</c> and <c>ToNumber</c> said <c>tensor</c> (FastEstimator: <c>data</c>), <c>CheckNan</c>
/// <c>tensor</c> (<c>val</c>) and the one-percentile <c>Percentile</c> <c>percentile</c> (<c>percentiles</c>).
/// </summary>
public sealed class FastEstimatorParameterNameTests
{
    /// <summary>FastEstimator's parameter names per function, as read from its sources (<c>shared_memory</c> of
    /// to_tensor is not ported). Minimum is maximum's twin.</summary>
    private static readonly Dictionary<string, string[]> FastEstimator = new()
    {
        ["Abs"] = ["tensor"], ["ArgMax"] = ["tensor", "axis"], ["Cast"] = ["data", "dtype"], ["CheckNan"] = ["val"],
        ["ClipByValue"] = ["tensor", "min_value", "max_value"], ["Concat"] = ["tensors", "axis"],
        ["ConvertTensorPrecision"] = ["tensor"], ["Exp"] = ["tensor"], ["ExpandDims"] = ["tensor", "axis"], ["Flip"] = ["tensor", "axis"],
        ["Gather"] = ["tensor", "indices"], ["GatherFromBatch"] = ["tensor", "indices"], ["GetImageDims"] = ["tensor"], ["GetShape"] = ["tensor"],
        ["Iwd"] = ["tensor", "power", "max_prob", "pairwise_distance", "eps"], ["LambertW"] = ["tensor"], ["MatMul"] = ["a", "b"],
        ["Maximum"] = ["tensor1", "tensor2"], ["Minimum"] = ["tensor1", "tensor2"],
        ["OnesLike"] = ["tensor", "dtype"], ["ZerosLike"] = ["tensor", "dtype"],
        ["Percentile"] = ["tensor", "percentiles", "axis", "keepdims"], ["Permute"] = ["tensor", "permutation"], ["Pow"] = ["tensor", "power"],
        ["RandomNormalLike"] = ["tensor", "mean", "std", "dtype"], ["RandomUniformLike"] = ["tensor", "minval", "maxval", "dtype"],
        ["ReduceMax"] = ["tensor", "axis", "keepdims"], ["ReduceMin"] = ["tensor", "axis", "keepdims"], ["ReduceSum"] = ["tensor", "axis", "keepdims"],
        ["ReduceMean"] = ["tensor", "axis", "keepdims"], ["ReduceStd"] = ["tensor", "axis", "keepdims"],
        ["Reshape"] = ["tensor", "shape"], ["Resize3D"] = ["tensor", "output_shape", "resize_mode"], ["Roll"] = ["tensor", "shift", "axis"],
        ["Sign"] = ["tensor"], ["Squeeze"] = ["tensor", "axis"], ["Normalize"] = ["tensor", "mean", "std", "max_pixel_value", "epsilon"],
        ["TensorPow"] = ["tensor", "power"], ["TensorRound"] = ["tensor"], ["TensorSqrt"] = ["tensor"],
        ["ToShape"] = ["data", "add_batch", "exact_shape"], ["ToTensor"] = ["data", "target_type"], ["ToType"] = ["data"],
        ["Transpose"] = ["tensor"], ["Where"] = ["condition", "yes", "no"], ["ZScore"] = ["data", "epsilon"], ["ToNumber"] = ["data"],
    };

    /// <summary>.NET-only parameters after FastEstimator's (a seed for the host generator, a dtype or shape for an
    /// array, the constants' dtype of Where), and the engine object an overload takes where FastEstimator names it.</summary>
    private static readonly HashSet<string> Extra = ["seed", "dtype", "shape"];

    private static string Camel(string snake) =>
        string.Concat(snake.Split('_').Select((w, i) => i == 0 ? w : char.ToUpperInvariant(w[0]) + w[1..]));

    [Test]
    public void EveryPortedFunctionNamesItsParametersAsFastEstimator()
    {
        var wrong = new List<string>();
        var seen = new HashSet<string>();
        foreach (MethodInfo method in typeof(Backend).GetMethods(BindingFlags.Public | BindingFlags.Static))
        {
            if (!FastEstimator.TryGetValue(method.Name, out string[]? names)) continue;
            seen.Add(method.Name);
            ParameterInfo[] parameters = method.GetParameters();
            for (int i = 0; i < parameters.Length; i++)
            {
                string actual = parameters[i].Name!;
                bool ok = i < names.Length
                    ? actual == Camel(names[i]) || (actual == "engine" && names[i] == "target_type")
                    : Extra.Contains(actual);
                if (!ok) wrong.Add($"{method.Name}({string.Join(", ", parameters.Select(p => p.Name))}): parameter {i} is `{actual}`, FastEstimator's is `{(i < names.Length ? Camel(names[i]) : "(none)")}`");
            }
        }
        Assert.That(wrong, Is.Empty);
        Assert.That(seen, Is.EquivalentTo(FastEstimator.Keys), "every listed function exists");
    }
}

/// <summary>The renamed parameters are the names the exceptions give, on every engine.</summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class FastEstimatorParameterNameRefusalTests(ITensorEngine engine)
{
    private static void Names(string argument, TestDelegate call) =>
        Assert.That(Assert.Catch<ArgumentException>(call)!, Has.Property("ParamName").EqualTo(argument).And.Message.Contains($"`{argument}`"));

    [Test]
    public void RefusalsNameFastEstimatorsArguments()
    {
        object x = ArgumentTests.Ramp(engine, 4);
        Names("data", () => Backend.Cast(data: "abc", dtype: DType.Float64));
        Names("data", () => Backend.ToType(data: DateTime.UnixEpoch));
        Names("data", () => Backend.ToNumber(data: new List<object?> { x }));
        Names("val", () => Backend.CheckNan(val: "abc"));
        Names("percentiles", () => Backend.Percentile<object>(x, percentiles: 101.0));
        Names("tensor", () => Backend.ConvertTensorPrecision(tensor: "abc"));
        Assert.Throws<ArgumentNullException>(() => Backend.Cast(data: null!, dtype: DType.Float64));
    }
}
