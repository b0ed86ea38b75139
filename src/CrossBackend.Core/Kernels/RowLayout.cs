namespace CrossBackend;

/// <summary>
/// A dense row-major tensor seen as (outer, classes, inner) around its class axis: element (o, c, i) lives at
/// <c>(o * Classes + c) * Inner + i</c>. A "row" is the <see cref="Classes"/> values of one (o, i); rows are
/// contiguous when the class axis is last (<see cref="Inner"/> = 1).
/// </summary>
internal readonly record struct RowLayout(int Outer, int Classes, int Inner)
{
    public static RowLayout Around(ReadOnlySpan<long> shape, int axis)
    {
        long outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= shape[d];
        for (int d = axis + 1; d < shape.Length; d++) inner *= shape[d];
        return new RowLayout(checked((int)outer), checked((int)shape[axis]), checked((int)inner));
    }

    /// <summary>The number of rows, which is also the number of elements of a per-row result.</summary>
    public int Rows => Outer * Inner;

    /// <summary>Offset of row <paramref name="row"/>'s first value; consecutive values are <see cref="Inner"/> apart.</summary>
    public int Start(int row) => (row / Inner) * Classes * Inner + row % Inner;

    /// <summary>Elements per parallel task: enough work to amortise scheduling.</summary>
    private const int MinElementsPerTask = 1 << 15;

    /// <summary>
    /// Runs <paramref name="rows"/>(first, end) over every row: inline when the tensor is small, else in parallel
    /// chunks of about <see cref="MinElementsPerTask"/> elements.
    /// </summary>
    public void ForEachChunk(Action<int, int> rows)
    {
        int rowsPerTask = Math.Max(1, MinElementsPerTask / Math.Max(1, Classes));
        int tasks = (Rows + rowsPerTask - 1) / rowsPerTask;
        if (tasks <= 1)
        {
            rows(0, Rows);
            return;
        }
        int total = Rows;
        WorkerPool.For(tasks, task =>
        {
            int first = task * rowsPerTask;
            rows(first, Math.Min(total, first + rowsPerTask));
        });
    }
}
