namespace CrossBackend;

/// <summary>Moving row-major, channels-last data (as NumPy and Keras hold it) in and out of any engine.</summary>
public static class EngineInterop
{
    /// <summary>
    /// A tensor of <paramref name="engine"/> from channels-last data: the last axis (the classes) is moved to the
    /// engine's class axis, so a channels-first engine receives (Batch, C, …).
    /// </summary>
    public static object FromChannelsLast(this ITensorEngine engine, Array data, long[] shape)
    {
        object tensor = engine.FromArray(data, shape);
        int rank = shape.Length;
        int classAxis = engine.ClassAxis < 0 ? engine.ClassAxis + rank : engine.ClassAxis;
        return rank < 2 || classAxis == rank - 1 ? tensor : engine.MoveAxis(tensor, rank - 1, classAxis);
    }
}
