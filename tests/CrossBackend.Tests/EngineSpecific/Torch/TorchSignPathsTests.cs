using CrossBackend.Backends.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossBackend.Tests.EngineSpecific.Torch;

/// <summary>
/// Torch's sign keeps NaN on both of its paths: the managed pass for dense CPU float tensors and the composed
/// sign/isnan/where for the rest (here a transposed view and a tensor with autograd), with the same values.
/// Torch-only by nature: the paths are chosen by TorchSharp properties (see EngineSpecific/README.md).
/// </summary>
public sealed class TorchSignPathsTests
{
    [OneTimeSetUp]
    public void Load() => TorchEngine.EnsureNativeLoadable();

    private static readonly float[] Values = [float.NaN, -0.0f, 0f, 2.5f, -3f, float.PositiveInfinity, float.NegativeInfinity, 1e-40f, -1e-40f, 7f, -0.5f, 0.25f];

    [Test]
    public void EveryPathGivesTheSameSignsAndKeepsNaN()
    {
        using DisposeScope scope = torch.NewDisposeScope();
        Tensor dense = torch.tensor(Values, [3, 4]);
        float[] expected = Values.Select(v => v > 0 ? 1f : v < 0 ? -1f : Math.Abs(v)).ToArray();   // −0 → +0, as NumPy and libtorch
        float[] Read(Tensor t) => t.contiguous().to_type(ScalarType.Float32).data<float>().ToArray();
        void Check(Tensor input, float[] want, string what)
        {
            float[] got = Read((Tensor)Backend.Sign(input));
            Assert.That(got.Select(BitConverter.SingleToInt32Bits).Where((b, i) => !float.IsNaN(want[i])).ToArray(),
                Is.EqualTo(want.Select(BitConverter.SingleToInt32Bits).Where((b, i) => !float.IsNaN(want[i])).ToArray()), $"{what}: values and the sign of zero");
            Assert.That(got.Select((v, i) => float.IsNaN(v) == float.IsNaN(want[i])).All(same => same), $"{what}: NaN where the input is NaN");
        }
        Check(dense, expected, "dense float32 (managed pass)");
        Check(dense.to_type(ScalarType.Float64), expected, "dense float64 (managed pass)");
        float[] transposed = Enumerable.Range(0, 12).Select(k => expected[(k % 3) * 4 + k / 3]).ToArray();
        Check(dense.t(), transposed, "a transposed view (composed)");
        Check(dense.detach().requires_grad_(true), expected, "with autograd (composed)");
    }
}
