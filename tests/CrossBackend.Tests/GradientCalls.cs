namespace CrossBackend.Tests;

/// <summary>The gradient API (<see cref="LossDefinition.Gradient"/>) with the loss methods' keyword parameters, so the
/// gradient tests read like the forward calls.</summary>
public static class GradientCalls
{
    public static T CategoricalCrossentropyGradient<T>(T yPred, object yTrue, bool fromLogits = false, bool averageLoss = true,
        IReadOnlyDictionary<int, double>? classWeights = null, double labelSmoothing = 0, int? axis = null, Reduction? reduction = null,
        object? sampleWeights = null) where T : class =>
        Gradient("categorical_crossentropy", yPred, yTrue, fromLogits, averageLoss, classWeights, labelSmoothing, axis, reduction, sampleWeights);

    public static T SparseCategoricalCrossentropyGradient<T>(T yPred, object yTrue, bool fromLogits = false, bool averageLoss = true,
        IReadOnlyDictionary<int, double>? classWeights = null, int? ignoreClass = null, double labelSmoothing = 0, int? axis = null,
        Reduction? reduction = null, object? sampleWeights = null) where T : class =>
        Gradient("sparse_categorical_crossentropy", yPred, yTrue, fromLogits, averageLoss, classWeights, labelSmoothing, axis, reduction,
            sampleWeights, ignoreClass);

    public static T BinaryCrossentropyGradient<T>(T yPred, object yTrue, bool fromLogits = false, bool averageLoss = true,
        IReadOnlyDictionary<int, double>? classWeights = null, double labelSmoothing = 0, int? axis = null, Reduction? reduction = null,
        object? sampleWeights = null) where T : class =>
        Gradient("binary_crossentropy", yPred, yTrue, fromLogits, averageLoss, classWeights, labelSmoothing, axis, reduction, sampleWeights);

    private static T Gradient<T>(string name, T yPred, object yTrue, bool fromLogits, bool averageLoss,
        IReadOnlyDictionary<int, double>? classWeights, double labelSmoothing, int? axis, Reduction? reduction, object? sampleWeights,
        int? ignoreClass = null) where T : class
    {
        var arguments = new LossArguments
        {
            ["from_logits"] = fromLogits,
            ["class_weights"] = classWeights,
            ["label_smoothing"] = labelSmoothing,
            ["axis"] = axis,
            ["reduction"] = reduction ?? (averageLoss ? Reduction.SumOverBatchSize : Reduction.None),
            ["sample_weights"] = sampleWeights,
        };
        if (ignoreClass is not null) arguments["ignore_class"] = ignoreClass;
        return (T)LossRegistry.Get(name).Gradient(yPred, yTrue, arguments);
    }
}
