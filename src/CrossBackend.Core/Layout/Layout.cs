namespace CrossBackend;

/// <summary>
/// Channels-first ↔ channels-last in one call, for any engine's tensors and for .NET arrays: images and activations
/// (NHWC ↔ NCHW), sequences (NWC ↔ NCW) and volumes (NDHWC ↔ NCDHW), and "whatever this engine expects"
/// (<see cref="ToEngineLayout"/>, keyed on <see cref="ITensorEngine.ClassAxis"/>).
/// </summary>
/// <remarks>
/// <para>A tensor comes back as a new dense tensor of the same engine and dtype, moved by the engine itself
/// (<see cref="ITensorEngine.MoveAxis"/>: no host copy). A .NET array (<c>float[,,,]</c>, any element type and rank)
/// comes back as a new array of the same element type. <see cref="ToEngine"/> moves data between engines.</para>
/// <para>Keras weights (conv kernels, dense kernels after a Flatten, recurrent gates) need more than an axis move: see
/// <c>CrossBackend.Keras.KerasLayout</c>, whose activation converters call these.</para>
/// <para>The losses and metrics keep their engine's default class axis: move the data, not the axis argument.</para>
/// </remarks>
/// <example><code>
/// float[,,,] nhwc = LoadImages();                                   // (N, H, W, C), as Keras holds them
/// var images = Layout.ToEngine(nhwc, TensorEngines.Named("torch"));  // a torch tensor (N, C, H, W)
/// var back = (float[,,,])Layout.NchwToNhwc(Layout.NhwcToNchw(nhwc)); // arrays work too
/// </code></example>
public static class Layout
{
    /// <summary>(N, H, W, C) → (N, C, H, W).</summary>
    /// <param name="tensorOrArray">A rank-4 tensor of any engine or a rank-4 .NET array.</param>
    public static object NhwcToNchw(object tensorOrArray) => Move(tensorOrArray, 4, last: true, nameof(tensorOrArray));

    /// <summary>(N, C, H, W) → (N, H, W, C).</summary>
    /// <param name="tensorOrArray">A rank-4 tensor of any engine or a rank-4 .NET array.</param>
    public static object NchwToNhwc(object tensorOrArray) => Move(tensorOrArray, 4, last: false, nameof(tensorOrArray));

    /// <summary>(N, W, C) → (N, C, W), e.g. Keras's Conv1D input to PyTorch's.</summary>
    /// <param name="tensorOrArray">A rank-3 tensor of any engine or a rank-3 .NET array.</param>
    public static object NwcToNcw(object tensorOrArray) => Move(tensorOrArray, 3, last: true, nameof(tensorOrArray));

    /// <summary>(N, C, W) → (N, W, C).</summary>
    /// <param name="tensorOrArray">A rank-3 tensor of any engine or a rank-3 .NET array.</param>
    public static object NcwToNwc(object tensorOrArray) => Move(tensorOrArray, 3, last: false, nameof(tensorOrArray));

    /// <summary>(N, D, H, W, C) → (N, C, D, H, W).</summary>
    /// <param name="tensorOrArray">A rank-5 tensor of any engine or a rank-5 .NET array.</param>
    public static object NdhwcToNcdhw(object tensorOrArray) => Move(tensorOrArray, 5, last: true, nameof(tensorOrArray));

    /// <summary>(N, C, D, H, W) → (N, D, H, W, C).</summary>
    /// <param name="tensorOrArray">A rank-5 tensor of any engine or a rank-5 .NET array.</param>
    public static object NcdhwToNdhwc(object tensorOrArray) => Move(tensorOrArray, 5, last: false, nameof(tensorOrArray));

    /// <summary>Typed <see cref="NhwcToNchw(object)"/> for arrays.</summary>
    public static T[,,,] NhwcToNchw<T>(T[,,,] array) => (T[,,,])NhwcToNchw((object)array);

    /// <summary>Typed <see cref="NchwToNhwc(object)"/> for arrays.</summary>
    public static T[,,,] NchwToNhwc<T>(T[,,,] array) => (T[,,,])NchwToNhwc((object)array);

    /// <summary>Typed <see cref="NwcToNcw(object)"/> for arrays.</summary>
    public static T[,,] NwcToNcw<T>(T[,,] array) => (T[,,])NwcToNcw((object)array);

    /// <summary>Typed <see cref="NcwToNwc(object)"/> for arrays.</summary>
    public static T[,,] NcwToNwc<T>(T[,,] array) => (T[,,])NcwToNwc((object)array);

    /// <summary>Typed <see cref="NdhwcToNcdhw(object)"/> for arrays.</summary>
    public static T[,,,,] NdhwcToNcdhw<T>(T[,,,,] array) => (T[,,,,])NdhwcToNcdhw((object)array);

    /// <summary>Typed <see cref="NcdhwToNdhwc(object)"/> for arrays.</summary>
    public static T[,,,,] NcdhwToNdhwc<T>(T[,,,,] array) => (T[,,,,])NcdhwToNdhwc((object)array);

    /// <summary>The last axis moved to axis 1, for any rank ≥ 2 ((B, C) is returned as a copy in the same order).</summary>
    /// <param name="tensorOrArray">A tensor of any engine or a .NET array.</param>
    public static object ChannelsLastToFirst(object tensorOrArray) => Move(tensorOrArray, null, last: true, nameof(tensorOrArray));

    /// <summary>Axis 1 moved to the last axis, for any rank ≥ 2.</summary>
    /// <param name="tensorOrArray">A tensor of any engine or a .NET array.</param>
    public static object ChannelsFirstToLast(object tensorOrArray) => Move(tensorOrArray, null, last: false, nameof(tensorOrArray));

    /// <summary>
    /// Channels-last data (as Keras, TensorFlow and NumPy hold it) rearranged for <paramref name="engine"/>: the last
    /// axis moves to the engine's class axis (axis 1 on a channels-first engine). On a channels-last engine, and for rank
    /// &lt; 2, the input itself is returned.
    /// </summary>
    /// <param name="engine">The engine the data is for.</param>
    /// <param name="channelsLast">A tensor of any engine or a .NET array, channels-last.</param>
    /// <returns>The same kind of object (a tensor of its own engine, or an array).</returns>
    public static object ToEngineLayout(ITensorEngine engine, object channelsLast)
    {
        ArgumentNullException.ThrowIfNull(engine);
        int rank = RankOf(channelsLast, nameof(channelsLast));
        int axis = EngineAxis(engine, rank);
        return rank < 2 || axis == rank - 1 ? channelsLast : MoveAxis(channelsLast, rank - 1, axis, nameof(channelsLast));
    }

    /// <summary>The inverse of <see cref="ToEngineLayout"/>: data in <paramref name="engine"/>'s layout back to
    /// channels-last.</summary>
    /// <param name="engine">The engine whose layout the data is in.</param>
    /// <param name="engineLayout">A tensor of any engine or a .NET array.</param>
    public static object FromEngineLayout(ITensorEngine engine, object engineLayout)
    {
        ArgumentNullException.ThrowIfNull(engine);
        int rank = RankOf(engineLayout, nameof(engineLayout));
        int axis = EngineAxis(engine, rank);
        return rank < 2 || axis == rank - 1 ? engineLayout : MoveAxis(engineLayout, axis, rank - 1, nameof(engineLayout));
    }

    /// <summary>
    /// Data for <paramref name="target"/>, in its layout and dtype, in one call: a tensor of any engine (read in its own
    /// engine's layout) or a channels-last .NET array. Moving between engines copies through the host.
    /// </summary>
    /// <param name="source">A tensor of any engine, or a channels-last .NET array (any rank, element type float, double,
    /// int, long, Half, byte or bool).</param>
    /// <param name="target">The engine to feed.</param>
    /// <returns>A tensor of <paramref name="target"/> with the source's dtype.</returns>
    /// <example><code>
    /// // Channels-first activations from torch, fed to the channels-last engine:
    /// var nhwc = Layout.ToEngine(torchActivations, TensorEngines.Named("numerics"));
    /// </code></example>
    public static object ToEngine(object source, ITensorEngine target)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        if (source is Array array) return ToEngineLayout(target, target.FromArray(HostArrays.Flatten(array), HostArrays.ShapeOf(array)));
        ITensorEngine from = TensorEngines.EngineOf(source, nameof(source));
        object channelsLast = FromEngineLayout(from, source);
        try
        {
            DType dtype = from.Describe(channelsLast).DType;
            object made = target.FromArray(from.ToArray(channelsLast, out long[] shape), shape);
            if (target.Describe(made).DType != dtype) made = target.Cast(made, dtype);   // bfloat16 travels as float32
            return ToEngineLayout(target, made);
        }
        finally
        {
            if (!ReferenceEquals(channelsLast, source)) (channelsLast as IDisposable)?.Dispose();
        }
    }

    private static object Move(object x, int? rank, bool last, string name)
    {
        int r = RankOf(x, name);
        if ((rank is { } required && r != required) || r < 2)
            throw new ArgumentException(
                $"Argument `{name}` must have rank {(rank is { } q ? q.ToString() : ">= 2")}. Received: {name}.shape={TensorInfo.FormatShape(ShapeOf(x, name))}", name);
        return last ? MoveAxis(x, r - 1, 1, name) : MoveAxis(x, 1, r - 1, name);
    }

    private static object MoveAxis(object x, int source, int destination, string name)
    {
        if (x is Array array) return HostArrays.MoveAxis(array, source, destination);
        try
        {
            return TensorEngines.EngineOf(x, name).MoveAxis(x, source, destination);
        }
        catch (ArgumentException e) when (e.ParamName == "tensor")
        {
            // The engine names its own parameter; the caller knows only the public argument's name.
            string suffix = new ArgumentException("", e.ParamName).Message;   // " (Parameter 'tensor')", in the runtime's words
            string message = e.Message.EndsWith(suffix, StringComparison.Ordinal) ? e.Message[..^suffix.Length] : e.Message;
            throw new ArgumentException(message.Replace("`tensor`", $"`{name}`").Replace("Received: a ", $"Received: {name} is a "), name, e);
        }
    }

    private static int EngineAxis(ITensorEngine engine, int rank) =>
        rank < 2 ? rank - 1 : engine.ClassAxis < 0 ? engine.ClassAxis + rank : engine.ClassAxis;

    private static int RankOf(object x, string name) => ShapeOf(x, name).Length;

    private static long[] ShapeOf(object x, string name)
    {
        ArgumentNullException.ThrowIfNull(x, name);
        if (x is Array array) return HostArrays.ShapeOf(array);
        ITensorEngine engine = TensorEngines.OwnerOf(x.GetType()) ?? throw new ArgumentException(
            $"Argument `{name}` must be a tensor of a CrossBackend engine or a .NET array. Received: {name} is a {TensorFormat.TypeName(x.GetType(), qualified: true)}", name);
        return engine.Describe(x).Shape;
    }
}
