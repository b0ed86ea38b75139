namespace CrossBackend;

/// <summary>
/// The one refusal of a tensor whose dtype CrossBackend has no name for (<see cref="DType.Other"/>: a torch complex64
/// tensor, a <c>Tensor&lt;Complex&gt;</c>), whether a function is to compute with it, the engine to read it, printing
/// to print it or the parity kit to compare it: every one of those would see the values as real numbers, and
/// libtorch's cast to float64 keeps only the real part (with a warning on stderr), so the imaginary part would be lost
/// without an error. Before session 52 the four places said this in four wordings.
/// </summary>
internal static class UnnamedDType
{
    /// <summary>The refusal of argument <paramref name="name"/>; <paramref name="received"/> says what it is
    /// (<c>x is a torch tensor</c>, <c>tensor.dtype=ComplexFloat32</c>) and <paramref name="use"/> what was to be done
    /// with it ("compute with", "read", "print", "compare").</summary>
    public static ArgumentException Refused(string name, string received, string use) => new(
        $"Argument `{name}` must hold bool, integer or floating-point values ({string.Join(", ", Enum.GetValues<DType>().Where(d => d != DType.Other).Select(d => d.Name()))}). " +
        $"Received: {received}, of a dtype CrossBackend has no name for (complex, for instance), which it does not {use}: read as real " +
        "numbers it would lose its imaginary part. Take its real and imaginary parts as a real tensor first (TorchSharp: " +
        "torch.view_as_real(x)), or its magnitude.", name);
}
