using System.Globalization;
using System.Numerics.Tensors;
using CrossBackend.Backends.Numerics;
using CrossBackend.Backends.Torch;
using TorchSharp;
using static TorchSharp.torch;
using NTensor = System.Numerics.Tensors.Tensor;
using Tensor = TorchSharp.torch.Tensor;

namespace CrossBackend.Benchmarks;

/// <summary>
/// The Backend functions (issue 10) at (65536, 100): each against the single TorchSharp call that does the same
/// (torch line: time and native tensors per call, ours vs TorchSharp's) and the channels-last engine against that
/// torch call ("element-wise functions and reductions no slower than torch"), both as a plain call (its result left to
/// the GC) and in a <see cref="NumericsResultScope"/> (its result reused by the next call, as the torch call's dispose
/// scope frees its result for libtorch's allocator). MatMul at (512, 512)·(512, 512).
/// </summary>
public static class FunctionCatalogueBench
{
    /// <summary>One function: our call on either engine's tensor and TorchSharp's own call on the torch inputs.</summary>
    private sealed record Case(string Name, Func<Inputs, object, object> Ours, Func<Inputs, Tensor> Torch, bool MatMulInputs = false,
        Func<Inputs, object>? OursInput = null, Func<Inputs, object>? NumericsInput = null, string? Shape = null);

    /// <summary>The inputs, held by both engines (2-D: the same layout on both).</summary>
    private sealed class Inputs : IDisposable
    {
        public required Tensor X, Y, Positive, Condition, A, B, Rgb, Activations;
        public required Tensor<float> NX, NY, NPositive, NCondition, NA, NB, NRgb, NActivations;
        public void Dispose() { foreach (Tensor t in new[] { X, Y, Positive, Condition, A, B, Rgb, Activations }) t.Dispose(); }
    }

    // Ours takes the tensor of its engine (x) and the inputs to find the others of the same engine.
    private static T Pick<T>(Inputs d, object x, Func<Inputs, Tensor> torchSide, Func<Inputs, Tensor<float>> numericsSide) where T : class =>
        (T)(x is Tensor ? torchSide(d) : (object)numericsSide(d));

    private static readonly Case[] Cases =
    [
        new("Abs", (d, x) => Backend.Abs(x), d => d.X.abs()),
        new("Exp", (d, x) => Backend.Exp(x), d => d.X.exp()),
        new("Sign", (d, x) => Backend.Sign(x), d => d.X.sign()),
        new("TensorSqrt", (d, x) => Backend.TensorSqrt(Pick<object>(d, x, i => i.Positive, i => i.NPositive)), d => d.Positive.sqrt()),
        new("TensorRound", (d, x) => Backend.TensorRound(x), d => d.X.round()),
        new("Pow(x, 3)", (d, x) => Backend.Pow(x, 3.0), d => d.X.pow(3)),
        new("Relu", (d, x) => Backend.Relu(x), d => nn.functional.relu(d.X)),
        new("Softmax(axis 1)", (d, x) => Backend.Softmax(x, 1), d => d.X.softmax(1)),
        new("ClipByValue(-0.5, 0.5)", (d, x) => Backend.ClipByValue(x, -0.5, 0.5), d => d.X.clamp(-0.5, 0.5)),
        new("Add(x, y)", (d, x) => Backend.Add(x, Pick<object>(d, x, i => i.Y, i => i.NY)), d => d.X.add(d.Y)),
        new("Multiply(x, 0.3)", (d, x) => Backend.Multiply(x, 0.3), d => d.X.mul(0.3)),
        new("Maximum(x, y)", (d, x) => Backend.Maximum(x, Pick<object>(d, x, i => i.Y, i => i.NY)), d => torch.maximum(d.X, d.Y)),
        new("Where(c, x, y)", (d, x) => Backend.Where(Pick<object>(d, x, i => i.Condition, i => i.NCondition), x, Pick<object>(d, x, i => i.Y, i => i.NY)),
            d => torch.where(d.Condition, d.X, d.Y)),
        new("ReduceSum(all)", (d, x) => Backend.ReduceSum(x), d => d.X.sum()),
        new("ReduceSum(axis 1)", (d, x) => Backend.ReduceSum(x, 1), d => d.X.sum(1)),
        new("ReduceSum(axis 0)", (d, x) => Backend.ReduceSum(x, 0), d => d.X.sum(dim: 0L)),   // sum(0) would bind to sum(ScalarType)
        new("ReduceMean(axis 1)", (d, x) => Backend.ReduceMean(x, 1), d => d.X.mean([1])),
        new("ReduceMax(axis 1)", (d, x) => Backend.ReduceMax(x, 1), d => d.X.amax(1)),
        new("ReduceMin(axis 1)", (d, x) => Backend.ReduceMin(x, 1), d => d.X.amin(1)),
        new("ReduceStd(axis 1)", (d, x) => Backend.ReduceStd(x, 1), d => d.X.std(1, unbiased: false)),
        new("ReduceStd(all)", (d, x) => Backend.ReduceStd(x), d => d.X.std(unbiased: false)),
        new("ArgMax(axis 1)", (d, x) => Backend.ArgMax(x, 1), d => d.X.argmax(1)),
        new("Permute([1, 0])", (d, x) => Backend.Permute(x, [1, 0]), d => d.X.permute(1, 0)),
        new("Transpose", (d, x) => Backend.Transpose(x), d => d.X.t()),
        new("Reshape(100, 65536)", (d, x) => Backend.Reshape(x, [100, 65536]), d => d.X.reshape(100, 65536)),
        new("Flip(axis 1)", (d, x) => Backend.Flip(x, [1]), d => d.X.flip(1)),
        new("Roll(3, axis 1)", (d, x) => Backend.Roll(x, 3, 1), d => d.X.roll(3, 1)),
        new("Concat([x, y], 0)", (d, x) => Backend.Concat([x, Pick<object>(d, x, i => i.Y, i => i.NY)], 0), d => torch.cat([d.X, d.Y], 0)),
        // Layout conversions: a dense result on both sides (TorchSharp's permute alone is a view).
        new("Layout.NhwcToNchw RGB", (d, x) => Layout.NhwcToNchw(x), d => d.Rgb.permute(0, 3, 1, 2).contiguous(),
            OursInput: i => i.Rgb, NumericsInput: i => i.NRgb, Shape: "32x224x224x3"),
        new("Layout.NhwcToNchw 64 channels", (d, x) => Layout.NhwcToNchw(x), d => d.Activations.permute(0, 3, 1, 2).contiguous(),
            OursInput: i => i.Activations, NumericsInput: i => i.NActivations, Shape: "32x56x56x64"),
        new("MatMul 512x512x512", (d, x) => Backend.MatMul(Pick<object>(d, x, i => i.A, i => i.NA), Pick<object>(d, x, i => i.B, i => i.NB)),
            d => d.A.matmul(d.B), MatMulInputs: true),
    ];

    /// <summary>The cases whose name starts with one of <paramref name="only"/> (all when it is empty), measured.</summary>
    public static IEnumerable<string> Run(bool quick, string[] only)
    {
        TorchEngine.EnsureNativeLoadable();
        int rounds = quick ? 7 : 15;
        using Inputs d = Create(LossCatalogueBench.Rows, LossCatalogueBench.Classes);
        foreach (Case c in Cases.Where(c => only.Length == 0 || only.Any(prefix => c.Name.StartsWith(prefix, StringComparison.Ordinal))))
        {
            string[] lines;
            try { lines = Measure(c, d, rounds); }
            catch (Exception e) { lines = [$"Backend.{c.Name,-32} failed: {e.GetType().Name}: {e.Message.Split('\n')[0]}"]; }
            foreach (string line in lines) yield return line;
        }
    }

    private static string[] Measure(Case c, Inputs d, int rounds)
    {
        object torchInput = c.OursInput?.Invoke(d) ?? d.X, numericsInput = c.NumericsInput?.Invoke(d) ?? d.NX;
        Action ours = () => Sync(() => (Tensor)c.Ours(d, torchInput));
        Action theirs = () => Sync(() => c.Torch(d));
        Action numerics = () => c.Ours(d, numericsInput);
        // The same call with its result freed at the end of a scope, as the torch call's is by its dispose scope.
        var pool = new NumericsResultPool();
        Action scoped = () => { using NumericsResultScope scope = pool.NewScope(); c.Ours(d, numericsInput); };
        float[] floorData = c.MatMulInputs ? new float[512 * 512] : new float[(long)LossCatalogueBench.Rows * LossCatalogueBench.Classes];
        Action floor = () => LossCatalogueBench.Floor(floorData, null);
        string check = Agree(c, d);
        BenchStat[] s = BenchSuite.Measure([floor, ours, theirs, numerics, scoped], rounds);
        string shape = c.Shape ?? (c.MatMulInputs ? "512x512" : $"{LossCatalogueBench.Rows}x{LossCatalogueBench.Classes}");
        string name = $"Backend.{c.Name} {shape}";
        ours(); theirs();
        string torchLine = LossCatalogueBench.Line(name, "torch", s[1], s[2], s[0],
            $"{BenchSuite.TensorsCreated(ours)}/{BenchSuite.TensorsCreated(theirs)}{check}");
        return [torchLine, LossCatalogueBench.Line(name, "numerics", s[3], s[2], s[0], "vs the torch call"),
            LossCatalogueBench.Line(name, "scoped", s[4], s[2], s[0], "numerics in a NumericsResultScope vs the torch call")];
    }

    /// <summary>Runs a call in a dispose scope (results and temporaries freed, as a caller's scope would).</summary>
    private static void Sync(Func<Tensor> call)
    {
        using DisposeScope scope = torch.NewDisposeScope();
        _ = call();
    }

    /// <summary>Our torch result must equal TorchSharp's (a mismatch is printed, not hidden).</summary>
    private static string Agree(Case c, Inputs d)
    {
        using DisposeScope scope = torch.NewDisposeScope();
        Tensor ours = (Tensor)c.Ours(d, c.OursInput?.Invoke(d) ?? (c.MatMulInputs ? d.A : d.X)), theirs = c.Torch(d);
        bool same = ours.shape.SequenceEqual(theirs.shape) &&
            ours.to_type(ScalarType.Float64).allclose(theirs.to_type(ScalarType.Float64), rtol: 1e-4, atol: 1e-5);
        return same ? "" : $"  MISMATCH vs torch (shape {string.Join("x", ours.shape)} vs {string.Join("x", theirs.shape)})";
    }

    private static Inputs Create(int rows, int cols)
    {
        var random = new Random(7);
        float[] Fill(int n, Func<float> next) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = next(); return a; }
        float[] x = Fill(rows * cols, () => 4 * random.NextSingle() - 2), y = Fill(rows * cols, () => 4 * random.NextSingle() - 2);
        float[] positive = Fill(rows * cols, () => random.NextSingle() + 0.01f), condition = Fill(rows * cols, () => random.Next(2));
        float[] a = Fill(512 * 512, () => random.NextSingle() - 0.5f), b = Fill(512 * 512, () => random.NextSingle() - 0.5f);
        float[] rgb = Fill(32 * 224 * 224 * 3, () => random.NextSingle()), activations = Fill(32 * 56 * 56 * 64, () => random.NextSingle());
        long[] shape = [rows, cols], square = [512, 512], rgbShape = [32, 224, 224, 3], activationShape = [32, 56, 56, 64];
        Tensor<float> N(float[] v, long[] s) => NTensor.Create(v, s.Select(l => (nint)l).ToArray());
        return new Inputs
        {
            X = torch.tensor(x, shape), Y = torch.tensor(y, shape), Positive = torch.tensor(positive, shape),
            Condition = torch.tensor(condition, shape).to_type(ScalarType.Bool),
            A = torch.tensor(a, square), B = torch.tensor(b, square),
            NX = N(x, shape), NY = N(y, shape), NPositive = N(positive, shape), NCondition = N(condition, shape),
            NA = N(a, square), NB = N(b, square),
            Rgb = torch.tensor(rgb, rgbShape), Activations = torch.tensor(activations, activationShape),
            NRgb = N(rgb, rgbShape), NActivations = N(activations, activationShape),
        };
    }
}
