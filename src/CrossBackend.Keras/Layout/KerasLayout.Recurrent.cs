namespace CrossBackend.Keras;

/// <summary>One recurrent layer's weights in PyTorch's layout (<c>weight_ih_l0</c>, <c>weight_hh_l0</c>,
/// <c>bias_ih_l0</c>, <c>bias_hh_l0</c>).</summary>
/// <param name="WeightIh">(gates·units, input features).</param>
/// <param name="WeightHh">(gates·units, units).</param>
/// <param name="BiasIh">(gates·units).</param>
/// <param name="BiasHh">(gates·units).</param>
public sealed record RecurrentWeights<T>(KerasArray<T> WeightIh, KerasArray<T> WeightHh, T[] BiasIh, T[] BiasHh);

public static partial class KerasLayout
{
    /// <summary>
    /// LSTM: Keras kernel (in, 4u), recurrent kernel (u, 4u) and one bias (4u) → PyTorch's. The gate order is the
    /// same in both (input, forget, cell, output), so the matrices are only transposed; Keras has one bias where
    /// PyTorch adds two, so <c>bias_ih</c> takes Keras's bias and <c>bias_hh</c> is zero. Assumes Keras's default
    /// activations (tanh, recurrent sigmoid), which are PyTorch's fixed ones.
    /// </summary>
    /// <param name="kernel">Keras <c>kernel</c> (in, 4·units).</param>
    /// <param name="recurrentKernel">Keras <c>recurrent_kernel</c> (units, 4·units).</param>
    /// <param name="bias">Keras <c>bias</c> (4·units), or null when <c>use_bias=False</c>.</param>
    public static RecurrentWeights<T> LstmToTorch<T>(KerasArray<T> kernel, KerasArray<T> recurrentKernel, KerasArray<T>? bias)
        where T : System.Numerics.INumberBase<T>
    {
        long units = RecurrentUnits(kernel, recurrentKernel, 4);
        T[] b = bias is null ? new T[4 * units].Fill(T.Zero) : Vector(bias, nameof(bias), 4 * units);
        return new RecurrentWeights<T>(DenseKernelToTorch(kernel), DenseKernelToTorch(recurrentKernel), (T[])b.Clone(), new T[4 * units].Fill(T.Zero));
    }

    /// <summary>
    /// GRU: Keras orders the gates (update z, reset r, candidate h); PyTorch (reset r, update z, new n), so every
    /// matrix and bias has its three blocks reordered, then the matrices are transposed. With <c>reset_after=True</c>
    /// (Keras 2.x/3 default) the bias is (2, 3u): row 0 is PyTorch's <c>bias_ih</c>, row 1 its <c>bias_hh</c>, and
    /// the cell is exactly PyTorch's. <c>reset_after=False</c> applies the reset gate before the recurrent product
    /// — a different function no PyTorch GRU computes — and is refused here (the model runtimes build it with Keras's
    /// own step loop).
    /// </summary>
    /// <param name="kernel">Keras <c>kernel</c> (in, 3·units).</param>
    /// <param name="recurrentKernel">Keras <c>recurrent_kernel</c> (units, 3·units).</param>
    /// <param name="bias">Keras <c>bias</c>: (2, 3·units) with reset_after, or null when <c>use_bias=False</c>.</param>
    /// <param name="resetAfter">The layer's <c>reset_after</c>.</param>
    public static RecurrentWeights<T> GruToTorch<T>(KerasArray<T> kernel, KerasArray<T> recurrentKernel, KerasArray<T>? bias, bool resetAfter = true)
        where T : System.Numerics.INumberBase<T>
    {
        if (!resetAfter)
            throw new NotSupportedException(
                "GRU with reset_after=False applies the reset gate before the recurrent matrix product (h̃ = tanh(W x + U (r ⊙ h) + b)); " +
                "PyTorch's GRU applies it after (r ⊙ (U h + b_hh)), so no PyTorch GRU reproduces it. Retrain or re-export with reset_after=True for nn.GRU, " +
                "or build the whole model with KerasRuntimes / KerasTorch.ToModule, whose GRU layer runs Keras's own step loop on the weights as stored.");
        long units = RecurrentUnits(kernel, recurrentKernel, 3);
        T[] biasIh = new T[3 * units].Fill(T.Zero), biasHh = new T[3 * units].Fill(T.Zero);
        if (bias is not null)
        {
            bias.Validated(nameof(bias));
            if (!bias.Shape.SequenceEqual(new[] { 2, 3 * units }))
                throw new ArgumentException(
                    $"Argument `bias` must have shape (2, {3 * units}) for a reset_after GRU (input and recurrent biases). Received: bias.shape={TensorInfo.FormatShape(bias.Shape)}", nameof(bias));
            biasIh = ReorderGates(bias.Data.AsSpan(0, (int)(3 * units)).ToArray(), units);
            biasHh = ReorderGates(bias.Data.AsSpan((int)(3 * units)).ToArray(), units);
        }
        return new RecurrentWeights<T>(
            DenseKernelToTorch(ReorderColumns(kernel, units)), DenseKernelToTorch(ReorderColumns(recurrentKernel, units)), biasIh, biasHh);
    }

    private static long RecurrentUnits<T>(KerasArray<T> kernel, KerasArray<T> recurrentKernel, int gates)
    {
        RequireRank(kernel, nameof(kernel), 2, 2);
        RequireRank(recurrentKernel, "recurrentKernel", 2, 2);
        long units = recurrentKernel.Shape[0];
        if (recurrentKernel.Shape[1] != gates * units || kernel.Shape[1] != gates * units)
            throw new ArgumentException(
                $"Argument `recurrentKernel` must be (units, {gates}·units) and `kernel` (in, {gates}·units). Received: kernel.shape={TensorInfo.FormatShape(kernel.Shape)}, " +
                $"recurrentKernel.shape={TensorInfo.FormatShape(recurrentKernel.Shape)}", nameof(recurrentKernel));
        return units;
    }

    private static T[] Vector<T>(KerasArray<T> v, string name, long length)
    {
        v.Validated(name);
        return v.Shape.Length == 1 && v.Shape[0] == length ? v.Data
            : throw new ArgumentException($"Argument `{name}` must have shape ({length},). Received: {name}.shape={TensorInfo.FormatShape(v.Shape)}", name);
    }

    /// <summary>Blocks (z, r, h) → (r, z, h) along a vector.</summary>
    private static T[] ReorderGates<T>(T[] v, long units)
    {
        int u = (int)units;
        return [.. v.AsSpan(u, u), .. v.AsSpan(0, u), .. v.AsSpan(2 * u, u)];
    }

    /// <summary>Column blocks (z, r, h) → (r, z, h) of an (rows, 3u) matrix.</summary>
    private static KerasArray<T> ReorderColumns<T>(KerasArray<T> m, long units)
    {
        int rows = (int)m.Shape[0], cols = (int)m.Shape[1];
        var result = new T[m.Data.Length];
        for (int r = 0; r < rows; r++)
            ReorderGates(m.Data.AsSpan(r * cols, cols).ToArray(), units).CopyTo(result, r * cols);
        return new KerasArray<T>(result, (long[])m.Shape.Clone());
    }
}

internal static class ArrayFill
{
    public static T[] Fill<T>(this T[] array, T value) { Array.Fill(array, value); return array; }
}
