using System.Globalization;
using CrossBackend.Backends.Numerics;
using TorchSharp;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace CrossBackend.Benchmarks;

/// <summary>
/// <c>interleaved --train-step [--quick]</c>: one SGD step of a two-layer perceptron written once with CrossBackend
/// (the <c>crossbackend train-demo</c> step: forward pass with Backend functions, sparse crossentropy from logits,
/// <see cref="GradientTape"/> gradients, p − lr·g) against the same step hand-written in TorchSharp (autograd's
/// <c>grad</c>, <c>cross_entropy</c>), timed side by side. The torch row is our dispatch and tape over libtorch's own
/// autograd; the channels-last row is the whole step on the other engine, plain and in a <see cref="NumericsResultScope"/>
/// (its temporaries reused by the next step, as the torch steps' dispose scopes free theirs). Each case first checks that the three
/// formulations give the same loss.
/// </summary>
public static class TrainStepBench
{
    /// <summary>The demo's problem (64 samples, 4 → 16 → 3) and an MNIST-sized batch (256, 784 → 128 → 10).</summary>
    private static readonly (int Samples, int Features, int Hidden, int Classes)[] Problems = [(64, 4, 16, 3), (256, 784, 128, 10)];

    private const double LearningRate = 0.3;

    public static int Run(string[] args, TextWriter stdout)
    {
        bool quick = args.Contains("--quick");
        stdout.WriteLine($"# train step: {Environment.ProcessorCount} cores, torch threads {torch.get_num_threads()}; p50 (p90) of interleaved samples, ms per step");
        foreach (var problem in Problems)
        {
            var host = HostProblem.Create(problem.Samples, problem.Features, problem.Hidden, problem.Classes);
            object[] onTorch = host.On(TensorEngines.Named("torch")), onNumerics = host.On(TensorEngines.Named("numerics"));
            Tensor[] leaves = onTorch.Take(4).Select(t => ((Tensor)t).detach().requires_grad_(true)).ToArray();
            var (x, labels) = ((Tensor)onTorch[4], (Tensor)onTorch[5]);

            double ours = OursStep(onTorch), numerics = OursStep(onNumerics), hand = HandWrittenStep(leaves, x, labels);
            if (Math.Abs(ours - hand) > 1e-5 * Math.Abs(hand) || Math.Abs(numerics - hand) > 1e-5 * Math.Abs(hand))
                throw new InvalidOperationException($"the step's losses differ: ours on torch {ours}, on numerics {numerics}, hand-written {hand}");

            var pool = new NumericsResultPool();
            BenchStat[] s = BenchSuite.Measure([
                () => OursStep(onTorch),
                () => HandWrittenStep(leaves, x, labels),
                () => OursStep(onNumerics),
                () => { using NumericsResultScope scope = pool.NewScope(); OursStep(onNumerics); },
            ], quick ? 11 : 31);
            string name = $"({problem.Samples}, {problem.Features}) -> {problem.Hidden} -> {problem.Classes}";
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"# train step {name}: hand-written TorchSharp {s[1].P50:0.0000} ({s[1].P90:0.0000}); ours on torch {s[0].P50:0.0000} ({s[0].P90:0.0000}), {s[0].P50 / s[1].P50:0.00}x; " +
                $"ours on numerics {s[2].P50:0.0000} ({s[2].P90:0.0000}), {s[2].P50 / s[1].P50:0.00}x; " +
                $"in a NumericsResultScope {s[3].P50:0.0000} ({s[3].P90:0.0000}), {s[3].P50 / s[1].P50:0.00}x; loss {hand:0.000000}"));
        }
        return 0;
    }

    /// <summary>The train-demo's step on whichever engine holds <paramref name="p"/> (w1, b1, w2, b2, x, labels); the
    /// updated weights are made and dropped, so every call starts from the same weights.</summary>
    private static double OursStep(object[] p)
    {
        using DisposeScope scope = torch.NewDisposeScope();   // frees the torch temporaries; nothing on numerics
        object[] parameters = p[..4];
        object loss;
        object[] gradients;
        using (GradientTape tape = GradientTape.Record())
        {
            foreach (object w in parameters) tape.Watch(w);
            // TrainDemo.Forward's formula: relu(x·W1 + b1)·W2 + b2.
            object logits = Backend.Add(Backend.MatMul(Backend.Relu(Backend.Add(Backend.MatMul(p[4], p[0]), p[1])), p[2]), p[3]);
            loss = Losses.SparseCategoricalCrossentropy(logits, p[5], fromLogits: true);
            gradients = tape.Gradient(loss, parameters);
        }
        for (int i = 0; i < parameters.Length; i++)
            _ = GradientTape.StopGradient(Backend.Subtract(parameters[i], Backend.Multiply(gradients[i], LearningRate)));
        return TensorEngines.EngineOf(loss, "loss").ToDoubleArray(loss, out _)[0];
    }

    /// <summary>The same step as the best TorchSharp code: autograd's grad of cross_entropy, the update without grad.</summary>
    private static double HandWrittenStep(Tensor[] w, Tensor x, Tensor labels)
    {
        using DisposeScope scope = torch.NewDisposeScope();
        Tensor logits = x.matmul(w[0]).add(w[1]).relu().matmul(w[2]).add(w[3]);
        Tensor loss = nn.functional.cross_entropy(logits, labels);
        IList<Tensor> gradients = torch.autograd.grad([loss], w);
        using (torch.no_grad())
            for (int i = 0; i < w.Length; i++) _ = w[i].sub(gradients[i].mul(LearningRate));
        return loss.item<float>();
    }

    /// <summary>Seeded data and Glorot-uniform weights, made once on the host and handed to each engine.</summary>
    private sealed record HostProblem(int Samples, int Features, int Hidden, int Classes, double[] X, long[] Labels, double[] W1, double[] W2)
    {
        public static HostProblem Create(int samples, int features, int hidden, int classes)
        {
            var random = new Random(7);
            double Glorot(int fanIn, int fanOut) => (2 * random.NextDouble() - 1) * Math.Sqrt(6.0 / (fanIn + fanOut));
            double[] x = Enumerable.Range(0, samples * features).Select(_ => 2 * random.NextDouble() - 1).ToArray();
            long[] labels = Enumerable.Range(0, samples).Select(i => (long)(i % classes)).ToArray();
            return new(samples, features, hidden, classes, x, labels,
                Enumerable.Range(0, features * hidden).Select(_ => Glorot(features, hidden)).ToArray(),
                Enumerable.Range(0, hidden * classes).Select(_ => Glorot(hidden, classes)).ToArray());
        }

        /// <summary>w1, b1, w2, b2, x and the labels on <paramref name="engine"/>, float32 (labels int64).</summary>
        public object[] On(ITensorEngine engine) =>
        [
            Backend.ToTensor(W1, engine, DType.Float32, [Features, Hidden]),
            Backend.ToTensor(Enumerable.Repeat(0.1, Hidden).ToArray(), engine, DType.Float32, [Hidden]),
            Backend.ToTensor(W2, engine, DType.Float32, [Hidden, Classes]),
            Backend.ToTensor(Enumerable.Repeat(-0.1, Classes).ToArray(), engine, DType.Float32, [Classes]),
            Backend.ToTensor(X, engine, DType.Float32, [Samples, Features]),
            Backend.ToTensor(Labels, engine, DType.Int64, [Samples]),
        ];
    }
}
