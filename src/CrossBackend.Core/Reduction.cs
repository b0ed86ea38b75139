namespace CrossBackend;

/// <summary>
/// How per-element losses become the result. With weights w (class weights × sample weights × the ignore mask) and
/// per-element losses l:
/// <list type="table">
/// <item><term><see cref="None"/></term><description>w·l per element, shape (Batch, …).</description></item>
/// <item><term><see cref="Sum"/></term><description>Σ w·l.</description></item>
/// <item><term><see cref="SumOverBatchSize"/></term><description>Σ w·l / N, N = the number of elements (ignored ones
/// excepted). Keras's default and FastEstimator's <c>average_loss=True</c>.</description></item>
/// <item><term><see cref="WeightedMean"/></term><description>Σ w·l / Σ w (0 when Σ w = 0). PyTorch's <c>mean</c> with
/// class weights on index targets; Keras's <c>mean_with_sample_weight</c>, whose Σ w is over the sample weights as
/// given (a scalar weight divides by itself; (B, 1) weights by Σ w_b however many elements each sample has). A loss
/// that is one value in Keras (<c>dice</c> without an axis, a rank-1 y_pred) times one sample weight of shape () or
/// (1,) is w·l, not divided, as Keras's <c>reduce_values</c> returns a rank-0 value as it is (dice 0.24 with weight
/// 2.3: 0.552).</description></item>
/// </list>
/// </summary>
/// <remarks>
/// Worked example (sparse, from logits): logits [[8,1,1],[0,9,1],[2,3,5]], labels [0,1,2], weights [1,2,3]. The
/// per-element losses are [0.0018221, 0.0004588, 0.1698460]; Σ w·l = 0.5122777, so
/// <see cref="SumOverBatchSize"/> gives 0.5122777 / 3 = 0.1707592 and <see cref="WeightedMean"/> gives
/// 0.5122777 / 6 = 0.0853796.
/// </remarks>
public enum Reduction
{
    /// <summary>No reduction: the weighted per-element loss.</summary>
    None,
    /// <summary>The sum of the weighted losses.</summary>
    Sum,
    /// <summary>The sum of the weighted losses divided by the number of (non-ignored) elements.</summary>
    SumOverBatchSize,
    /// <summary>The sum of the weighted losses divided by the sum of the weights.</summary>
    WeightedMean,
}

/// <summary>Names of <see cref="Reduction"/> values as Keras spells them.</summary>
public static class Reductions
{
    /// <summary>Keras's name: none, sum, sum_over_batch_size, weighted_mean.</summary>
    public static string KerasName(this Reduction reduction) => reduction switch
    {
        Reduction.None => "none",
        Reduction.Sum => "sum",
        Reduction.SumOverBatchSize => "sum_over_batch_size",
        Reduction.WeightedMean => "weighted_mean",
        _ => reduction.ToString(),
    };

    /// <summary>The names <see cref="Parse"/> takes, each alias beside the name it maps to, for help texts and messages:
    /// Keras 3 accepts "mean" and "mean_with_sample_weight" (keras/src/losses/loss.py, <c>standardize_reduction</c>;
    /// <c>reduce_values</c> divides "mean" by the element count, as sum_over_batch_size, and "mean_with_sample_weight"
    /// by the sum of the sample weights).</summary>
    internal const string Names = "none, sum, sum_over_batch_size (or mean), weighted_mean (or mean_with_sample_weight)";

    /// <summary>Parses Keras's name: also Keras 3's aliases "mean" (<see cref="Reduction.SumOverBatchSize"/>) and
    /// "mean_with_sample_weight" (<see cref="Reduction.WeightedMean"/>).</summary>
    public static Reduction Parse(string name, string argumentName = "reduction") => name switch
    {
        "none" => Reduction.None,
        "sum" => Reduction.Sum,
        "sum_over_batch_size" or "mean" => Reduction.SumOverBatchSize,
        "weighted_mean" or "mean_with_sample_weight" => Reduction.WeightedMean,
        _ => throw new ArgumentException(
            $"Argument `{argumentName}` must be one of {Names}. " +
            $"Received: {argumentName}={name}", argumentName),
    };
}
