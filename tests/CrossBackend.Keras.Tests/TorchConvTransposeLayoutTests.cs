using CrossBackend.Keras.Torch;
using static TorchSharp.torch;

namespace CrossBackend.Keras.Tests;

/// <summary>
/// The transposed convolutions on a TorchSharp module fed a contiguous NCHW float32 batch, as a TorchSharp user feeds
/// one (the engine-neutral tests pass channels-last data moved to NCHW, a strided view). libtorch 2.10's CPU float32
/// conv_transpose2d gives wrong numbers for some layouts with batch &gt; 1 (with the 1-D forms' steps on the height,
/// (N, C, L, 1), errors of order 1 against float64); the 1-D forms put the steps on the width, which these goldens hold.
/// </summary>
public sealed class TorchConvTransposeLayoutTests
{
    [TestCase("conv_transpose.keras")]
    [TestCase("conv1d_forms.keras")]
    [TestCase("conv1d_causal_k2.h5")]
    public void AContiguousFloat32BatchGivesTheGolden(string file)
    {
        string golden = file.EndsWith("_k2.h5", StringComparison.Ordinal) ? file.Replace(".h5", "_golden.npz") : file.Replace(".keras", "_golden.npz");
        var inputs = TestData.Npz(golden, "inputs");
        var outputs = TestData.Npz(golden, "outputs");
        using KerasTorchModule module = KerasTorch.ToModule(KerasModel.Load(TestData.Path(file)));
        long[] shape = inputs.Shape.Select(v => (long)v).ToArray();
        int last = shape.Length - 1;
        using Tensor x = tensor(TestData.Doubles(inputs).Select(v => (float)v).ToArray(), shape).movedim([last], [1]).contiguous();
        Assert.That(x.shape[0], Is.GreaterThan(1), "a batch of more than one");
        using Tensor y = Forward(module, x);
        using Tensor keras = y.movedim([1], [last]).contiguous().to(ScalarType.Float64);
        double[] values = keras.data<double>().ToArray();
        Close.Assert(values, TestData.Doubles(outputs), $"{file} contiguous NCHW float32");
    }

    private static Tensor Forward(KerasTorchModule module, Tensor x)
    {
        using (no_grad()) return module.forward(x);
    }
}
