namespace CrossBackend.Testing;

/// <summary>How <see cref="EngineParity"/> feeds a function and compares its results.</summary>
public sealed record ParityOptions
{
    /// <summary>
    /// Whether the host inputs are channels-last (as Keras and NumPy hold them) and their last axis should be moved
    /// to each engine's class axis (<see cref="EngineInterop.FromChannelsLast"/>), so a channels-first engine
    /// receives (Batch, C, …). Applies to the inputs of rank ≥ 2, or to those listed in
    /// <see cref="ChannelAxisInputs"/>. Default false: every input goes in as it is.
    /// </summary>
    public bool MoveChannelAxis { get; init; }

    /// <summary>With <see cref="MoveChannelAxis"/>: the positions of the inputs that have a channel axis (e.g. [0]
    /// when input 1 holds sparse labels). Null: every input of rank ≥ 2.</summary>
    public IReadOnlyList<int>? ChannelAxisInputs { get; init; }

    /// <summary>Whether the function's result has a class axis in the engine's layout, to be moved back to the last
    /// axis before comparing (so every engine's result, and <see cref="Reference"/>, is channels-last). Default
    /// false: results are compared as they come back (e.g. a per-element loss, which has no class axis).</summary>
    public bool OutputHasChannelAxis { get; init; }

    /// <summary>A dtype to cast the floating-point inputs to on each engine after creating them (e.g.
    /// <see cref="DType.Float16"/> to test half precision); null keeps the host data's dtype.</summary>
    public DType? InputDType { get; init; }

    /// <summary>An optional reference result every engine is also compared with, e.g. a float64 computation of
    /// your own or values saved from Keras or PyTorch (a .NET array, an <see cref="IO.NpyArray"/> or a number), in
    /// the layout the results are compared in.</summary>
    public object? Reference { get; init; }

    /// <summary>Relative tolerance; set both <see cref="Rtol"/> and <see cref="Atol"/> or neither (then
    /// <see cref="Tolerances"/> decides by the looser dtype of each pair).</summary>
    public double? Rtol { get; init; }

    /// <summary>Absolute tolerance; see <see cref="Rtol"/>.</summary>
    public double? Atol { get; init; }

    /// <summary>Whether NaN in both results at the same place counts as close.</summary>
    public bool EqualNan { get; init; }

    /// <summary>The table of default tolerances; <see cref="ToleranceTable.Default"/> when null.</summary>
    public ToleranceTable? Tolerances { get; init; }

    /// <summary>The engines to run on; <see cref="TensorEngines.All"/> when null.</summary>
    public IEnumerable<ITensorEngine>? Engines { get; init; }
}
