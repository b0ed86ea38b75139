using TorchSharp;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace CrossBackend.Benchmarks;

/// <summary>
/// The loss catalogue's inputs and hand-written TorchSharp baselines, shared by the <c>catalogue</c> benchmark and the
/// native-tensor-count test (the test project compiles this file in, so both judge our call against the same code).
/// Inputs: every registered loss (<see cref="LossRegistry.All"/>) with its default options, seeded data in the loss's
/// valid domain, at (rows, classes) or the loss's natural shape (dice_score: rank 3; circle: B×B pairs; ctc: logits
/// over time). A loss added later gets a recipe from its label kind and prints "no hand-written baseline" until
/// someone writes one in <see cref="HandWritten"/>.
/// </summary>
public static class LossCatalogueCases
{
    /// <summary>Keras's probability clip.</summary>
    public const double Eps = 1e-7;

    /// <summary>One loss's call: channels-last y_pred and labels (float for same-shape labels, int64 otherwise).</summary>
    public sealed record LossCase(LossDefinition Loss, float[] Pred, long[] Shape, Array? True, long[]? TrueShape, string Note)
    {
        public string Name => Loss.Name;

        /// <summary>y_pred and y_true on <paramref name="engine"/> (y_pred moved to its layout, index labels as given).</summary>
        public (object Pred, object? True) On(ITensorEngine engine)
        {
            object pred = engine.FromChannelsLast(Pred, Shape);
            object? yTrue = True switch
            {
                null => null,
                float[] f => engine.FromChannelsLast(f, TrueShape ?? Shape),
                _ => engine.FromArray(True, TrueShape!),
            };
            return (pred, yTrue);
        }

        /// <summary>Our call: the registry entry with default options.</summary>
        public object Ours(object pred, object? yTrue) => Loss.Compute(pred, yTrue);
    }

    /// <summary>Every registered loss's case; (rows, classes) is the shape of the element-wise losses.</summary>
    public static IEnumerable<LossCase> All(int rows, int classes) => LossRegistry.All.Select(l => For(l, rows, classes));

    /// <summary>The case of one loss: its recipe by name, else by its label kind.</summary>
    public static LossCase For(LossDefinition loss, int rows, int classes)
    {
        var random = new Random(42);
        long[] shape = [rows, classes];
        switch (loss.Name)
        {
            case "binary_crossentropy" or "binary_focal_crossentropy" or "focal_loss":
                // Probabilities away from the clip, 0/1 labels.
                return new(loss, Fill(rows * classes, () => 0.01f + 0.98f * random.NextSingle()), shape,
                    Fill(rows * classes, () => random.Next(2)), null, "p in (0.01, 0.99), bits");
            case "hinge" or "squared_hinge":
                // Keras's {0, 1} labels (converted to {-1, 1} inside), scores in (-1, 1).
                return new(loss, Fill(rows * classes, () => 2 * random.NextSingle() - 1), shape,
                    Fill(rows * classes, () => random.Next(2)), null, "scores in (-1, 1), {0, 1} labels");
            case "categorical_crossentropy" or "categorical_focal_crossentropy" or "categorical_hinge" or "kl_divergence"
                or "poisson" or "dice" or "tversky":
            {
                (float[] p, float[] y, _) = Probabilities(rows, classes, random);
                return new(loss, p, shape, y, null, "softmax-like rows, one-hot");
            }
            case "dice_score":
            {
                // (Batch, H·W, C) channels-last masks: 64 images of 1024 pixels when rows = 65536.
                (float[] p, float[] y, _) = Probabilities(rows, classes, random);
                int images = Math.Max(1, rows / 1024);
                return new(loss, p, [images, rows / images, classes], y, null, "segmentation masks (B, HW, C)");
            }
            case "circle":
            {
                // Every pair of the batch is compared (B×B): 1024 embeddings of `classes` values, 16 identities.
                int batch = Math.Min(rows, 1024), dim = classes;
                var e = new float[batch * dim];
                for (int b = 0; b < batch; b++)
                {
                    double norm = 0;
                    for (int d = 0; d < dim; d++) norm += Math.Pow(e[b * dim + d] = (float)(random.NextDouble() * 2 - 1), 2);
                    for (int d = 0; d < dim; d++) e[b * dim + d] /= (float)Math.Sqrt(norm);
                }
                long[] labels = Enumerable.Range(0, batch).Select(_ => (long)random.Next(16)).ToArray();
                return new(loss, e, [batch, dim], labels, [batch], "unit embeddings (1024, D), 16 identities");
            }
            case "ctc":
            {
                // Keras: (Batch, Time, Classes) logits, labels padded with 0 (the blank).
                int batch = 64, time = 50, symbols = 32, maxLength = 20;
                float[] logits = Fill(batch * time * symbols, () => 8 * random.NextSingle() - 4);
                var labels = new long[batch * maxLength];
                for (int b = 0; b < batch; b++)
                {
                    int length = random.Next(10, maxLength + 1);
                    for (int s = 0; s < length; s++) labels[b * maxLength + s] = random.Next(1, symbols);
                }
                return new(loss, logits, [batch, time, symbols], labels, [batch, maxLength], "logits (64, 50, 32), labels ≤ 20");
            }
        }
        switch (loss.Labels)
        {
            case LossLabels.ClassIndices:
            {
                (float[] p, _, long[] index) = Probabilities(rows, classes, random);
                return new(loss, p, shape, index, [rows], "softmax-like rows, class indices");
            }
            case LossLabels.None:
                return new(loss, Fill(rows * classes, () => 2 * random.NextSingle() - 1), shape, null, null, "parameters in (-1, 1)");
            case LossLabels.SameShape:
                // Regression: positive targets (mape divides by them, msle/poisson take logs).
                return new(loss, Fill(rows * classes, () => random.NextSingle()), shape,
                    Fill(rows * classes, () => 0.05f + random.NextSingle()), null, "uniform [0, 1) vs [0.05, 1.05)");
            default:
                throw new NotSupportedException($"No input recipe for loss `{loss.Name}` ({loss.Labels} labels): add one to LossCatalogueCases.For.");
        }
    }

    private static float[] Fill(int n, Func<float> next)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = next();
        return a;
    }

    private static (float[] Pred, float[] OneHot, long[] Index) Probabilities(int rows, int classes, Random random)
    {
        var p = new float[rows * classes];
        var y = new float[rows * classes];
        var index = new long[rows];
        for (int r = 0; r < rows; r++)
        {
            int o = r * classes;
            float sum = 0;
            for (int c = 0; c < classes; c++) sum += p[o + c] = random.NextSingle() + 1e-3f;
            for (int c = 0; c < classes; c++) p[o + c] /= sum;
            index[r] = random.Next(classes);
            y[o + index[r]] = 1;
        }
        return (p, y, index);
    }

    // ---------------------------------------------------------------- hand-written TorchSharp

    /// <summary>
    /// The best hand-written TorchSharp code we could write for each loss's maths with its default options and
    /// reduction (sum_over_batch_size: the mean of the per-sample losses), on channels-first inputs (class axis 1):
    /// PyTorch's own functional where its maths is the same, otherwise one B×C temporary updated in place, algebra
    /// where it saves a pass (tversky's missed/extra terms from Σy, Σp and TP). y_true is float labels, int64 indices or
    /// null, as the case holds. A loss missing here prints "no hand-written baseline".
    /// </summary>
    public static IReadOnlyDictionary<string, Func<Tensor, Tensor?, Tensor>> HandWritten { get; } =
        new Dictionary<string, Func<Tensor, Tensor?, Tensor>>
        {
            ["categorical_crossentropy"] = (x, y) =>
            {
                Tensor q = x.div(x.sum(1, keepdim: true));
                q.clamp_(Eps, 1 - Eps).log_().mul_(y!);
                return q.sum(1).neg_().mean();
            },
            // Renormalise, clip and log only the picked entry: one B×1 gather instead of a B×C pass.
            ["sparse_categorical_crossentropy"] = (x, y) =>
                x.gather(1, y!.unsqueeze(1)).div_(x.sum(1, keepdim: true)).clamp_(Eps, 1 - Eps).log_().mean().neg_(),
            // After the clip the log never reaches PyTorch's −100 floor: the same maths as Keras's.
            // Keras's maths, log(1 − p) of the rounded 1 − p (libtorch's binary_cross_entropy takes log1p(−p), another number).
            ["binary_crossentropy"] = (x, y) => KerasBinaryCrossentropy(x.clamp(Eps, 1 - Eps), y!).mean(),
            ["mean_squared_error"] = (x, y) => nn.functional.mse_loss(x, y!),
            ["mean_absolute_error"] = (x, y) => nn.functional.l1_loss(x, y!),
            ["hinge"] = (x, y) => SignedLabels(y!).mul_(x).neg_().add_(1).clamp_min_(0).mean(),
            ["squared_hinge"] = (x, y) => SignedLabels(y!).mul_(x).neg_().add_(1).clamp_min_(0).pow_(2).mean(),
            ["categorical_hinge"] = (x, y) =>
            {
                Tensor t = y!.mul(x);
                Tensor pos = t.sum(1);
                return t.neg_().add_(x).amax(1).sub_(pos).add_(1).clamp_min_(0).mean();   // (1 − y)·x = x − y·x
            },
            // gamma 2, no class balancing: (1 − p_t)^γ · bce, 1 − p_t = p + y·(1 − 2p).
            ["binary_focal_crossentropy"] = (x, y) => BinaryFocal(x, y!, alpha: null).mean(),
            ["categorical_focal_crossentropy"] = (x, y) =>
            {
                Tensor q = x.div(x.sum(1, keepdim: true)).clamp_(Eps, 1 - Eps);
                Tensor log = q.log();
                return q.neg_().add_(1).pow_(2).mul_(log).mul_(y!).sum(1).mean().mul_(-0.25);   // α = 0.25, γ = 2
            },
            // Keras's p = Σ y_pred·one_hot(label) (NaN from any non-finite class of the row), q = 0.5.
            ["categorical_generalized_cross_entropy"] = (x, y) =>
                x.mul(nn.functional.one_hot(y!, x.size(1))).sum(1).pow_(0.5).neg_().add_(1).mean().div_(0.5),
            // FastEstimator: α_t·(1 − p_t)^γ·bce / max(Σy, 1) per sample, summed over the shape, mean over the batch.
            ["focal_loss"] = (x, y) => BinaryFocal(x, y!, alpha: 0.25).sum(1).div_(y!.sum(1).clamp_min_(1)).mean(),
            ["mean_absolute_percentage_error"] = (x, y) => y!.sub(x).div_(y!.abs().clamp_min_(Eps)).abs_().mean().mul_(100),
            ["mean_squared_logarithmic_error"] = (x, y) =>
                nn.functional.mse_loss(x.clamp_min(Eps).log1p_(), y!.clamp_min(Eps).log1p_()),
            // PyTorch ≥ 1.12 normalises each side by max(‖v‖, eps): Keras's l2_normalize with its 1e-7 floor. That maths in
            // four calls (row dot products over the two floored row norms): nn.functional.cosine_similarity(x, y, 1, Eps)
            // is two native tensors but measured 20–40× slower at (65536, 100) on this machine (session 19).
            // Row norms by Tensor.norm(dim, keepdim, p), whose p reaches libtorch as a float: linalg.vector_norm(x, 2, [1])
            // is the same linalg_vector_norm but makes its order an implicit Scalar that a GC on another thread may
            // finalise mid-call ("Unknown scalar type", seen in a CI run of TorchLossNativeTensorCountTests).
            ["cosine_similarity"] = (x, y) =>
            {
                using Scalar eps = Eps.ToScalar();
                Tensor norms = x.norm(1, false, 2f).clamp_min_(eps).mul_(y!.norm(1, false, 2f).clamp_min_(eps));
                return linalg.vecdot(x, y!, 1).div_(norms).mean().neg_();
            },
            // Keras's ≤ delta and PyTorch's < delta agree at |e| = delta (the branches meet there).
            ["huber"] = (x, y) => nn.functional.huber_loss(x, y!, delta: 1.0),
            ["log_cosh"] = (x, y) =>
            {
                Tensor a = x.sub(y!).abs_();
                return a.mul(-2).exp_().log1p_().add_(a).mean().sub_(Math.Log(2));
            },
            // Not nn.functional.poisson_nll_loss(log_input: false): TorchSharp's P/Invoke passes its eps as a float where
            // the native THSNN_poisson_loss takes a double, so libtorch does not see 1e-7 (p = y = 0 gives NaN, p = 0 < y
            // gives +∞, where p − y·log(p + ε) is 0 and finite): not the same maths. One temporary updated in place.
            ["poisson"] = (x, y) => x.add(Eps).log_().mul_(y!).neg_().add_(x).mean(),
            ["kl_divergence"] = (x, y) =>
            {
                Tensor t = y!.clamp(Eps, 1);
                return x.clamp(Eps, 1).reciprocal_().mul_(t).log_().mul_(t).sum(1).mean();   // y·log(y / p)
            },
            ["l1_loss"] = (x, y) => nn.functional.l1_loss(x, y!),
            ["smooth_l1_loss"] = (x, y) => nn.functional.smooth_l1_loss(x, y!, beta: 1.0),
            // FastEstimator's huber(beta) is PyTorch's huber_loss(delta = beta).
            ["fe_huber"] = (x, y) => nn.functional.huber_loss(x, y!, delta: 1.0),
            // beta = 0.01. Row norms squared, then summed: the one-call linalg.vector_norm(x) over every element is
            // 2.4e-4 off Σx² at (65536, 100) float32 (the row form 5.7e-8), so it is not the same maths within the float32
            // tolerance. The Scalars are held by `using` and the norm's order is a float (as for cosine_similarity): an
            // implicit Scalar that nothing references during the native call may be finalised by a GC on another thread
            // mid-call ("Unknown scalar type", seen once).
            ["l2_regularization"] = (x, _) =>
            {
                using Scalar two = 2.0.ToScalar(), factor = (0.5 * 0.01).ToScalar();
                return x.norm((int)x.dim() - 1, false, 2f).pow_(two).sum().mul_(factor);
            },
            // Over every axis (Keras's default): dot products of the flattened tensors, no B×C temporary.
            ["dice"] = (x, y) =>
            {
                Tensor intersection = x.reshape(-1).dot(y!.reshape(-1));
                return intersection.mul_(-2).div_(x.sum().add_(y!.sum()).add_(Eps)).add_(1);
            },
            ["tversky"] = (x, y) =>
            {
                Tensor tp = x.reshape(-1).dot(y!.reshape(-1));
                // TP + α(Σy − TP) + β(Σp − TP) with α = β = 0.5.
                Tensor denominator = y!.sum().add_(x.sum()).mul_(0.5).add_(Eps);
                return tp.div(denominator).neg_().add_(1);
            },
            // FastEstimator defaults: hard Dice per (sample, channel) over the spatial axes, no averaging.
            ["dice_score"] = (x, y) =>
            {
                Tensor numerator = x.mul(y!).sum(2).mul_(2);
                return numerator.div_(x.sum(2).add_(y!.sum(2)).add_(1e-6));
            },
            // Keras's defaults (γ = 80, m = 0.4, the diagonal removed), the batch as its own reference set; the mean over
            // the queries with a loss (Keras masks the zeros out). The two B×B terms are updated in place; −d + c = c − d.
            ["circle"] = (x, y) =>
            {
                using Scalar one = 1.0.ToScalar(), zero = 0.0.ToScalar(), excluded = double.NegativeInfinity.ToScalar();
                using Scalar m = 0.4.ToScalar(), onePlus = 1.4.ToScalar(), oneMinus = 0.6.ToScalar(), g = 80.0.ToScalar(), minusG = (-80.0).ToScalar();
                Tensor d = x.matmul(x.t()).neg_().add_(one).clamp_min_(zero);
                Tensor same = y!.unsqueeze(1).eq(y!.unsqueeze(0));
                Tensor f = d.neg().add_(m);
                Tensor positive = d.add(m).clamp_min_(zero).mul_(f).mul_(minusG).masked_fill_(same.logical_not(), excluded);
                positive.diagonal().fill_(excluded);
                Tensor loss = positive.logsumexp(1);
                f.copy_(d).neg_().add_(oneMinus);
                loss.add_(d.neg_().add_(onePlus).clamp_min_(zero).mul_(f).mul_(g).masked_fill_(same, excluded).logsumexp(1));
                loss = nn.functional.softplus(loss);
                return loss.sum().div_(loss.gt(zero).sum());
            },
            // PyTorch's ctc_loss takes (Time, Batch, Classes) log-probabilities; Keras's label length counts non-zeros.
            ["ctc"] = (x, y) =>
            {
                Tensor logProbabilities = x.permute(2, 0, 1).log_softmax(2);
                Tensor targetLengths = y!.ne(0).sum(1);
                Tensor inputLengths = torch.full([x.shape[0]], x.shape[2], dtype: ScalarType.Int64);
                return nn.functional.ctc_loss(logProbabilities, y!, inputLengths, targetLengths, blank: 0,
                    reduction: nn.Reduction.None).mean();
            },
        };

    /// <summary>Keras's hinge labels: {0, 1} → {−1, 1} when every label is 0 or 1, as given otherwise.</summary>
    private static Tensor SignedLabels(Tensor y)
    {
        Tensor binary = y.eq(0).logical_or_(y.eq(1)).all();
        return torch.where(binary, y.mul(2).sub_(1), y);
    }

    /// <summary>(1 − p_t)^2·bce (· α_t), element-wise, p clipped to [ε, 1 − ε].</summary>
    /// <summary>−(y·log p + (1 − y)·log(1 − p)) in two native tensors, <paramref name="p"/>'s memory reused.</summary>
    private static Tensor KerasBinaryCrossentropy(Tensor p, Tensor y)
    {
        Tensor loss = p.log().mul_(y);
        return loss.add_(p.neg_().add_(1).log_().mul_(y.neg().add_(1))).neg_();
    }

    private static Tensor BinaryFocal(Tensor x, Tensor y, double? alpha)
    {
        Tensor p = x.clamp(Eps, 1 - Eps);
        Tensor focal = p.mul(-2).add_(1).mul_(y).add_(p).pow_(2);   // 1 − p_t = p + y(1 − 2p)
        focal.mul_(KerasBinaryCrossentropy(p, y));
        return alpha is { } a ? focal.mul_(y.mul(2 * a - 1).add_(1 - a)) : focal;
    }
}
