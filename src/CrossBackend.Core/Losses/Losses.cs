namespace CrossBackend;

/// <summary>
/// The losses, each written once and run on whichever engine owns the tensors it is given. Every method takes the
/// engine's own tensor type (<c>torch.Tensor</c>, <c>Tensor&lt;float&gt;</c>, ...) and returns the same type; called
/// with <see cref="object"/> arguments it dispatches on the runtime type, for object-typed pipelines.
/// </summary>
/// <remarks>
/// The structure follows Keras 3: each engine implements a small per-element kernel
/// (<see cref="ITensorBackend{TTensor}.CategoricalCrossentropy"/>), and class weights, averaging and validation live
/// here, once, above the engines.
/// </remarks>
public static partial class Losses
{
    /// <summary>Checks the tensors for null, then builds the program (which validates its options), then runs it on
    /// the engine that owns <paramref name="yPred"/>.</summary>
    private static TPred Dispatch<TPred>(TPred yPred, object yTrue, Func<ILossProgram> program) where TPred : class
    {
        ArgumentNullException.ThrowIfNull(yPred, "y_pred");
        ArgumentNullException.ThrowIfNull(yTrue, "y_true");
        ILossProgram built = program();
        return (TPred)TensorEngines.BackendFor(yPred, yTrue).Invoke(built, yPred, yTrue);
    }
}
