namespace CrossBackend.Training;

/// <summary>
/// A two-layer perceptron whose forward pass, loss, gradients and SGD step are written once with CrossBackend's
/// functions and run unchanged on every engine: the proof that a pipeline written once trains identically.
/// </summary>
/// <remarks>Data and initial weights are generated once on the host with a fixed seed and handed to each engine, so
/// both engines start from the same numbers.</remarks>
public sealed class TrainDemo
{
    /// <summary>Samples, features, hidden units and classes of the demo problem.</summary>
    public const int Samples = 64, Features = 4, Hidden = 16, Classes = 3;

    private readonly ITensorEngine _engine;
    private readonly double _learningRate;
    private readonly object _x, _labels;
    private object _w1, _b1, _w2, _b2;

    /// <summary>Builds the problem on <paramref name="engine"/> in <paramref name="dtype"/> from the seeded host data.</summary>
    public TrainDemo(ITensorEngine engine, DType dtype, double learningRate = 0.3, int seed = 7)
    {
        _engine = engine;
        _learningRate = learningRate;
        (double[] x, long[] labels, double[] w1, double[] w2) = HostData(seed);
        _x = Backend.ToTensor(x, engine, dtype, [Samples, Features]);
        _labels = Backend.ToTensor(labels, engine, DType.Int64, [Samples]);
        _w1 = Backend.ToTensor(w1, engine, dtype, [Features, Hidden]);
        _b1 = Backend.ToTensor(new double[Hidden], engine, dtype, [Hidden]);
        _w2 = Backend.ToTensor(w2, engine, dtype, [Hidden, Classes]);
        _b2 = Backend.ToTensor(new double[Classes], engine, dtype, [Classes]);
    }

    /// <summary>The forward pass: logits = relu(x·W1 + b1)·W2 + b2 — written once, for every engine.</summary>
    public static object Forward(object x, object w1, object b1, object w2, object b2) =>
        Backend.Add(Backend.MatMul(Backend.Relu(Backend.Add(Backend.MatMul(x, w1), b1)), w2), b2);

    /// <summary>One SGD step; returns the loss before the update.</summary>
    public double Step()
    {
        object[] parameters = [_w1, _b1, _w2, _b2];
        object loss;
        object[] gradients;
        using (GradientTape tape = GradientTape.Record())
        {
            foreach (object p in parameters) tape.Watch(p);
            object logits = Forward(_x, _w1, _b1, _w2, _b2);
            loss = Losses.SparseCategoricalCrossentropy(logits, _labels, fromLogits: true);
            gradients = tape.Gradient(loss, parameters);
        }
        object[] updated = parameters.Select((p, i) =>
            GradientTape.StopGradient(Backend.Subtract(p, Backend.Multiply(gradients[i], _learningRate)))).ToArray();
        (_w1, _b1, _w2, _b2) = (updated[0], updated[1], updated[2], updated[3]);
        return _engine.ToDoubleArray(loss, out _)[0];
    }

    /// <summary>Three Gaussian blobs in 4-D and small random weights (Glorot-uniform scale), from one seed.</summary>
    private static (double[] X, long[] Labels, double[] W1, double[] W2) HostData(int seed)
    {
        var random = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        double[][] centres = Enumerable.Range(0, Classes).Select(_ => Enumerable.Range(0, Features).Select(_ => 2 * Normal()).ToArray()).ToArray();
        var x = new double[Samples * Features];
        var labels = new long[Samples];
        for (int i = 0; i < Samples; i++)
        {
            labels[i] = i % Classes;
            for (int f = 0; f < Features; f++) x[i * Features + f] = centres[labels[i]][f] + 0.5 * Normal();
        }
        double Glorot(int fanIn, int fanOut) => (2 * random.NextDouble() - 1) * Math.Sqrt(6.0 / (fanIn + fanOut));
        double[] w1 = Enumerable.Range(0, Features * Hidden).Select(_ => Glorot(Features, Hidden)).ToArray();
        double[] w2 = Enumerable.Range(0, Hidden * Classes).Select(_ => Glorot(Hidden, Classes)).ToArray();
        return (x, labels, w1, w2);
    }
}
