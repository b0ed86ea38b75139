namespace CrossBackend;

/// <summary>How <see cref="Metrics.Precision{TPred,TTrue}(TPred,TTrue,ClassAverage,double?,object?,int?,int?)"/>,
/// <see cref="Metrics.Recall{TPred,TTrue}(TPred,TTrue,ClassAverage,double?,object?,int?,int?)"/>,
/// <see cref="Metrics.F1Score{TPred,TTrue}"/> and <see cref="Metrics.FBetaScore{TPred,TTrue}"/> count a batch
/// (scikit-learn's and Keras's <c>average</c>).</summary>
public enum ClassAverage
{
    /// <summary>One positive class: y_pred holds probabilities of it, y_true 0/1 labels of any matching shape; every
    /// element counts (Keras's <c>Precision()</c>/<c>Recall()</c>, scikit-learn's <c>average="binary"</c>).</summary>
    Binary,
    /// <summary>Multi-class: the metric of each class (a (C,) result; Keras's <c>average=None</c>).</summary>
    PerClass,
    /// <summary>Multi-class: the unweighted mean of the per-class metrics over all C classes (a class that never occurs
    /// and is never predicted scores 0 and still counts, as with scikit-learn's <c>labels=range(C)</c>).</summary>
    Macro,
    /// <summary>Multi-class: the counts summed over the classes first, then the metric.</summary>
    Micro,
    /// <summary>Multi-class: the per-class metrics averaged with weights equal to each class's support (true count).</summary>
    Weighted,
}
