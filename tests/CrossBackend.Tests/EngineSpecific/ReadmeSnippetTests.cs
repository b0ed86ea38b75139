using System.Numerics.Tensors;
using CrossBackend;
using CrossBackend.Backends.Numerics;
using TorchSharp;
using CrossBackend.Testing;
using CrossBackend.Tests.Testing;

namespace CrossBackend.Tests.EngineSpecific;

/// <summary>
/// The README's code fragments, run: each region between <c>README:begin</c> and <c>README:end</c> is what the README
/// shows (<see cref="ReadmeCodeBlockTests"/> holds the README to it), with the variables it uses set up before it and
/// its results checked after it. Engine-specific because the README names the shipped engines and their tensor types.
/// </summary>
public sealed class ReadmeSnippetTests
{
    private static double[] Values(object tensor, out long[] shape) =>
        TensorEngines.EngineOf(tensor, "tensor").ToDoubleArray(tensor, out shape);

    [Test]
    public void BackendFunctionsOnEitherEngine()
    {
        // README:begin
        var x = (torch.Tensor)Backend.ToTensor(new float[,] { { 2, 7, 5 }, { 9, 1, 3 } }, "torch");
        var top = (torch.Tensor)Backend.ArgMax(x, axis: 1);        // [1, 0], int64
        var m = Backend.ReduceMean(x, axis: 0);                      // torch.Tensor [5.5, 4, 4]
        var y = (Tensor<float>)Backend.ToTensor(new float[,] { { 2, 7, 5 }, { 9, 1, 3 } }, "numerics");
        var n = Backend.ReduceMean(y, axis: 0);                      // Tensor<float>, the same numbers
        // README:end
        Assert.That(Values(top, out _), Is.EqualTo(new double[] { 1, 0 }));   // read through the engine, which keeps `top` alive while reading
        Assert.That(m, Is.InstanceOf<torch.Tensor>());
        Assert.That(Values(m, out _), Is.EqualTo(new[] { 5.5, 4, 4 }));
        Assert.That(n, Is.InstanceOf<Tensor<float>>());
        Assert.That(Values(n, out _), Is.EqualTo(new[] { 5.5, 4, 4 }));
    }

    [Test]
    public void FastEstimatorBatchesOnEitherEngine()
    {
        // README:begin
        // FastEstimator: {"x": np.ones((10, 15)), "y": [np.ones(4), np.ones((5, 3))], "z": {"key": np.ones((2, 2))}}
        var data = new Dictionary<string, object?>
        {
            ["x"] = new float[10, 15],
            ["y"] = new List<object?> { new float[4], new float[5, 3] },
            ["z"] = new Dictionary<string, object?> { ["key"] = new float[2, 2] },
        };
        var batch  = Backend.ToTensor(data, "torch");           // {"x": torch.Tensor, "y": [torch.Tensor, torch.Tensor], "z": {"key": torch.Tensor}}
        var halves = Backend.Cast(batch, "float16");            // the same structure, each tensor cast
        var types  = Backend.ToType(halves);                    // {"x": Float16, "y": [Float16, Float16], "z": {"key": Float16}}
        var shapes = Backend.ToShape(batch, addBatch: true);    // {"x": [null, 10, 15], "y": [[null, 4], [null, 5, 3]], "z": {"key": [null, 2, 2]}}
        var copy   = Backend.ToTensor(batch, "numerics");       // each torch.Tensor copied to a Tensor<float>
        var x      = (torch.Tensor)batch["x"]!;
        // README:end
        Assert.That(x.shape, Is.EqualTo(new long[] { 10, 15 }));
        Assert.That(((List<object?>)batch["y"]!).Select(t => t!.GetType()), Is.All.EqualTo(typeof(torch.Tensor)));
        Assert.That(types["y"], Is.EqualTo(new List<object?> { DType.Float16, DType.Float16 }));
        Assert.That(((Dictionary<string, object?>)types["z"]!)["key"], Is.EqualTo(DType.Float16));
        Assert.That(shapes["x"], Is.EqualTo(new long?[] { null, 10, 15 }));
        Assert.That(((List<object?>)shapes["y"]!)[1], Is.EqualTo(new long?[] { null, 5, 3 }));
        Assert.That(copy["x"], Is.InstanceOf<Tensor<float>>());
        Assert.That(((Dictionary<string, object?>)copy["z"]!)["key"], Is.InstanceOf<Tensor<float>>());
    }

    [TestCaseSource(typeof(TestEngines), nameof(TestEngines.All))]
    public void MetricsOnEitherEngine(ITensorEngine engine)
    {
        // Keras's categorical_accuracy example, its sparse labels, and weights 0.7 / 0.3.
        object yPred = engine.FromChannelsLast(new[] { 0.1f, 0.9f, 0.8f, 0.05f, 0.95f, 0f }, [2, 3]), logits = yPred, scores = yPred;
        object yTrue = engine.FromChannelsLast(new[] { 0f, 0f, 1f, 0f, 1f, 0f }, [2, 3]);
        object labels = engine.FromArray(new[] { 2L, 1L }, [2]);
        object weights = engine.FromArray(new[] { 0.7f, 0.3f }, [2]);
        // README:begin
        // Keras: keras.metrics.categorical_accuracy(y_true, y_pred) — note the order: this library takes (yPred, yTrue)
        var perSample = Metrics.CategoricalAccuracy(yPred, yTrue);          // [0, 1]: y_pred's shape without the class axis
        var mean      = Metrics.Mean(perSample, sampleWeights: weights);    // keras.metrics.CategoricalAccuracy() with sample_weight
        var top3      = Metrics.SparseTopKCategoricalAccuracy(logits, labels, k: 3);
        var f1        = Metrics.F1Score(scores, labels, ClassAverage.Macro);
        var f2        = Metrics.FBetaScore(scores, labels, beta: 2.0, ClassAverage.Macro);   // keras.metrics.FBetaScore(average="macro", beta=2.0)
        var atTop1    = Metrics.Precision(scores, yTrue, topK: 1, classId: 1);             // keras.metrics.Precision(top_k=1, class_id=1)
        var any       = Metrics.Compute("top_k_categorical_accuracy", yPred, yTrue, new Dictionary<string, object?> { ["k"] = 2 });
        var miou      = Metrics.OneHotMeanIoU(scores, yTrue, numClasses: 3);         // keras.metrics.OneHotMeanIoU(num_classes=3)
        var r2        = Metrics.R2Score(yPred, yTrue, R2Aggregation.PerOutput);      // keras.metrics.R2Score(class_aggregation=None)
        var prAuc     = Metrics.Auc(scores, yTrue, curve: AucCurve.Pr);              // keras.metrics.AUC(curve="PR")
        // README:end
        Assert.That(Values(perSample, out long[] shape), Is.EqualTo(new[] { 0.0, 1.0 }));
        Assert.That(shape, Is.EqualTo(new long[] { 2 }));
        Assert.That(Values(mean, out _)[0], Is.EqualTo(0.3).Within(1e-7), "Σ w·v / Σ w = 0.3 / 1.0");
        Assert.That(Values(top3, out _), Is.EqualTo(new[] { 1.0, 1.0 }), "every label is in the top 3 of 3 classes");
        // Arg-max predicts class 1 twice: class 1 has TP 1, FP 1 (F1 2/3); classes 0 and 2 score 0; the macro mean is 2/9.
        Assert.That(Values(f1, out _)[0], Is.EqualTo(2.0 / 9).Within(1e-7));
        // F2 per class: class 1 has 5·TP / (5·TP + FP) = 5/6, the others 0; macro 5/18.
        Assert.That(Values(f2, out _)[0], Is.EqualTo(5.0 / 18).Within(1e-7));
        // Top 1 is class 1 in both rows: a false positive (row 0, label 2) and a true positive (row 1).
        Assert.That(Values(atTop1, out _)[0], Is.EqualTo(0.5).Within(1e-7));
        Assert.That(Values(any, out _), Is.EqualTo(new[] { 1.0, 1.0 }));
        // Ids: true [2, 1], predicted [1, 1]. Class 0 is absent from both (left out), class 1 scores 1 / (1 + 2 − 1), class 2 0.
        Assert.That(Values(miou, out _)[0], Is.EqualTo(0.25).Within(1e-7));
        // Column 0 of y_true is constant and missed (Keras's 0); columns 1 and 2: 1 − 0.8125/0.5 and 1 − 0.04/0.5.
        Assert.That(Values(r2, out _), Is.EqualTo(new[] { 0, -0.625, 0.92 }).Within(1e-6));
        // The six scores as one binary problem, Davis & Goadrich's PR interpolation over 200 thresholds (NumPy float64: 0.79726745).
        Assert.That(Values(prAuc, out _)[0], Is.EqualTo(0.79726745).Within(1e-6));
    }

    [Test]
    public void LayoutMovesImagesBetweenEngines()
    {
        static float[,,,] LoadImages()
        {
            var images = new float[2, 3, 4, 5];
            for (int n = 0; n < 2; n++) for (int h = 0; h < 3; h++) for (int w = 0; w < 4; w++) for (int c = 0; c < 5; c++)
                images[n, h, w, c] = 0.1f * (((n * 3 + h) * 4 + w) * 5 + c);
            return images;
        }
        // README:begin
        float[,,,] nhwc = LoadImages();                                   // (N, H, W, C) as Keras holds them
        object forTorch = Layout.ToEngine(nhwc, TensorEngines.Named("torch"));   // torch (N, C, H, W), float32
        object forKeras = Layout.ToEngine(forTorch, TensorEngines.Named("numerics")); // back to (N, H, W, C)
        // README:end
        Assert.That(forTorch, Is.InstanceOf<torch.Tensor>());
        double[] nchw = Values(forTorch, out long[] torchShape);
        Assert.That(torchShape, Is.EqualTo(new long[] { 2, 5, 3, 4 }));
        Assert.That(nchw[((1 * 5 + 4) * 3 + 2) * 4 + 3], Is.EqualTo((double)nhwc[1, 2, 3, 4]), "element (n 1, h 2, w 3, c 4)");
        Assert.That(forKeras, Is.InstanceOf<Tensor<float>>());
        Assert.That(Values(forKeras, out long[] kerasShape), Is.EqualTo(nhwc.Cast<float>().Select(v => (double)v).ToArray()));
        Assert.That(kerasShape, Is.EqualTo(new long[] { 2, 3, 4, 5 }));
    }

    [Test]
    public void NumericsResultScopeInALoop()
    {
        var rng = new Random(3);
        float[] data = Enumerable.Range(0, 65536 * 10).Select(_ => rng.NextSingle() - 0.5f).ToArray();
        var x = Tensor.Create(data, [65536, 10]);
        var target = Tensor.Create(data.Select(v => v * 0.3f).ToArray(), [65536, 10]);
        double expected = data.Select(v => Math.Abs(v * 0.7)).Average();   // independent float64 reference
        var losses = new List<float>();   // (not in README)
        // README:begin
        var pool = new NumericsResultPool();                 // one per loop; it keeps freed large arrays
        for (int step = 0; step < 3; step++)
        {
            using NumericsResultScope scope = pool.NewScope();                  // like torch.NewDisposeScope()
            Tensor<float> error = Backend.Abs(Backend.Subtract(x, target));  // 2.6 MB: from the pool after step 0
            Tensor<float> mean = scope.Keep(Backend.ReduceMean(error));      // kept: valid after the scope
            losses.Add(mean[0]);   // (not in README)
        }   // error's memory goes back to the pool here; reading `error` after this point is a bug
        // README:end
        Assert.That(losses, Has.Count.EqualTo(3));
        foreach (float loss in losses) Assert.That(loss, Is.EqualTo(expected).Within(1e-5 * expected));
        Assert.That(pool.RetainedBytes, Is.EqualTo(2L * 65536 * 10 * sizeof(float)), "the difference and the absolute value came back");
    }
}
