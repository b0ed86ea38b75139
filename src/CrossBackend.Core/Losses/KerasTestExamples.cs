namespace CrossBackend;

/// <summary>
/// The inputs Keras's <c>keras/src/losses/losses_test.py</c> shares between its regression-loss tests, so each loss
/// file lists only its published numbers. Sample weights take Keras's shapes: a scalar (one element), per sample
/// (<c>[[1.2], [3.4]]</c>, shape (2, 1)) or per timestep (shape (2, 3) for inputs of shape (2, 3, 1)).
/// </summary>
internal static class KerasTestExamples
{
    /// <summary>The tolerance of Keras's <c>assertAlmostEqual</c> at its test case's default <c>decimal=3</c>
    /// (NumPy's rule, |Δ| &lt; 1.5·10⁻³), as an example's rounding.</summary>
    public const double AlmostEqual = 1.5e-3;

    /// <summary>The tolerance of Keras's <c>assertAllClose</c> (atol = rtol = 1e-6), as an example's rounding.</summary>
    public const double AllClose = 1e-6;

    /// <summary>The source of an example from the named test method, e.g. "Keras test: test_label_smoothing".</summary>
    public static string Test(string name) => "Keras test: " + name;

    /// <summary>The shape Keras's crossentropy tests give per-sample weights, (B, 1) for a <c>sample_weights</c>
    /// argument of B &gt; 1 elements; null (its length) otherwise.</summary>
    public static IReadOnlyDictionary<string, long[]>? PerSampleWeights(IReadOnlyDictionary<string, object?> arguments) =>
        arguments.GetValueOrDefault("sample_weights") is double[] { Length: > 1 } w
            ? new Dictionary<string, long[]> { ["sample_weights"] = [w.Length, 1] }
            : null;

    /// <summary>y_pred of the crossentropy tests, (3, 3) probabilities (the second row sums to 1.99: Keras divides by the
    /// sum before the log) and logits.</summary>
    public static readonly double[] CrossentropyProbabilities = [0.9, 0.05, 0.05, 0.5, 0.89, 0.6, 0.05, 0.01, 0.94],
        CrossentropyLogits = [8, 1, 1, 0, 9, 1, 2, 3, 5];

    /// <summary>
    /// The cases Keras's CategoricalCrossentropyTest and SparseCategoricalCrossentropyTest share (labels [0, 1, 2],
    /// one-hot or as indices): the test's name, whether y_pred is <see cref="CrossentropyLogits"/>, the arguments, the
    /// tolerance (<c>assertAlmostEqual</c> to 3 decimals unless noted) and the published values.
    /// </summary>
    public static (string Name, bool Logits, Dictionary<string, object?> Arguments, double Rounding, double[] Expected)[] CrossentropyCases() =>
    [
        ("test_unweighted", false, [], AlmostEqual, [0.3239]),
        ("test_unweighted", true, [], AlmostEqual, [0.0573]),
        ("test_scalar_weighted", false, new() { ["sample_weights"] = new[] { 2.3 } }, AlmostEqual, [0.7449]),
        ("test_scalar_weighted", true, new() { ["sample_weights"] = new[] { 2.3 } }, AlmostEqual, [0.1317]),
        ("test_sample_weighted", false, new() { ["sample_weights"] = new[] { 1.2, 3.4, 5.6 } }, AlmostEqual, [1.0696]),
        ("test_sample_weighted", true, new() { ["sample_weights"] = new[] { 1.2, 3.4, 5.6 } }, AlmostEqual, [0.31829]),
        // assertAllClose (atol = rtol = 1e-6).
        ("test_no_reduction", true, new() { ["reduction"] = Reduction.None }, AllClose, [0.001822, 0.000459, 0.169846]),
    ];

    /// <summary>The one-hot labels (and y_pred) of the crossentropy tests' <c>test_all_correct_unweighted</c>, (3, 3).</summary>
    public static readonly double[] Eye = [1, 0, 0, 0, 1, 0, 0, 0, 1];

    /// <summary>Logits that favour each row's class of <see cref="Eye"/> by <paramref name="margin"/> (the others 0, or
    /// −<paramref name="margin"/> when <paramref name="symmetric"/>).</summary>
    public static double[] EyeLogits(double margin, bool symmetric = false) => Eye.Select(v => v == 1 ? margin : symmetric ? -margin : 0).ToArray();

    /// <summary>A crossentropy's <c>test_all_correct_unweighted</c>: y_pred (3, 3) equal to the one-hot labels, or logits
    /// that favour them (with <c>from_logits</c> in <paramref name="arguments"/>), give 0 to 3 decimals (Keras's clip leaves
    /// 1.2e-7 per element, logits ±10 leave 4.5e-5).</summary>
    public static LossExample AllCorrectCrossentropy(double[] yPred, double[] yTrue, long[]? trueShape, Dictionary<string, object?> arguments) =>
        new(Test("test_all_correct_unweighted"), yPred, [3, 3], yTrue, trueShape, arguments, [0], AlmostEqual);

    /// <summary>y_true of most regression tests, shape (2, 3).</summary>
    public static readonly double[] True = [1, 9, 2, -5, -2, 6];

    /// <summary>y_pred of most regression tests, shape (2, 3).</summary>
    public static readonly double[] Pred = [4, 8, 12, 8, 1, 3];

    /// <summary>The per-timestep sample weights of the <c>test_timestep_weighted</c> tests, shape (2, 3).</summary>
    public static readonly double[] TimestepWeights = [3, 6, 5, 0, 4, 2];

    /// <summary>An example on (2, 3) inputs (by default Keras's shared ones); a <c>sample_weights</c> argument of one
    /// element is a scalar, of two elements per sample with shape (2, 1).</summary>
    public static LossExample Example(string source, Dictionary<string, object?> arguments, double rounding, double[] expected,
        double[]? yPred = null, double[]? yTrue = null)
    {
        long[] weightShape = arguments.TryGetValue("sample_weights", out object? w) && w is double[] { Length: 2 } ? [2, 1] : [1];
        return new(source, yPred ?? Pred, [2, 3], yTrue ?? True, null, arguments, expected, rounding,
            new Dictionary<string, long[]> { ["sample_weights"] = weightShape });
    }

    /// <summary><c>test_zero_weighted</c>: the sample weight 0 (a scalar) gives 0, checked to 3 decimals (Keras's hinge
    /// family asserts exact equality: <paramref name="rounding"/> 0).</summary>
    public static LossExample ZeroWeighted(double[]? yPred = null, double[]? yTrue = null, double rounding = AlmostEqual) =>
        Example(Test("test_zero_weighted"), new() { ["sample_weights"] = new[] { 0.0 } }, rounding, [0], yPred, yTrue);

    /// <summary><c>test_all_correct_unweighted</c>: y_pred = y_true (by default Keras's [[4, 8, 12], [8, 1, 3]]) gives 0,
    /// checked to 3 decimals.</summary>
    public static LossExample AllCorrect(double[]? values = null) =>
        Example(Test("test_all_correct_unweighted"), [], AlmostEqual, [0], values ?? Pred, values ?? Pred);

    /// <summary>The <c>test_timestep_weighted</c> form: the inputs reshaped to (2, 3, 1), weights of shape (2, 3).</summary>
    public static LossExample Timestep(string source, double rounding, double expected, double[]? yPred = null, double[]? yTrue = null) =>
        new(source, yPred ?? Pred, [2, 3, 1], yTrue ?? True, null,
            new Dictionary<string, object?> { ["sample_weights"] = TimestepWeights }, [expected], rounding,
            new Dictionary<string, long[]> { ["sample_weights"] = [2, 3] });
}
