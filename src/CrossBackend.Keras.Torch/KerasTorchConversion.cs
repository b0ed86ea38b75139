using CrossBackend.Keras;

namespace CrossBackend.Keras.Torch;

/// <summary>What each Keras layer becomes in a <see cref="KerasTorchModule"/>, in words (for <c>crossbackend keras inspect</c>).</summary>
public static class KerasTorchConversion
{
    /// <summary>One line per layer: the TorchSharp module and the weight conversions applied at load.</summary>
    /// <param name="graph">The architecture.</param>
    public static IReadOnlyDictionary<string, string> Describe(KerasGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        Dictionary<string, long[]?> flattened = KerasTorchModule.FlattenOrders(graph);
        return graph.Layers.ToDictionary(l => l.Name, l => Describe(l, flattened), StringComparer.Ordinal);
    }

    /// <summary>A shape as Keras prints it: an unknown length (−1) is <c>None</c>.</summary>
    private static string Shape(IEnumerable<long> shape) => "(" + string.Join(", ", shape.Select(n => n < 0 ? "None" : n.ToString())) + ")";

    /// <summary>The layout names of an item of <paramref name="rank"/> axes (batch excluded), channels first and last:
    /// a sequence is NCL / NLC, an image NCHW / NHWC, a volume NCDHW / NDHWC.</summary>
    private static (string First, string Last) Layouts(int rank) => rank switch
    {
        2 => ("NCL", "NLC"),
        3 => ("NCHW", "NHWC"),
        4 => ("NCDHW", "NDHWC"),
        _ => ("channels-first", "channels-last"),
    };

    /// <summary>"same" pads per axis, and how they are applied: asymmetric pads need an explicit F.pad.</summary>
    private static string SamePads((int Before, int After)?[] pads)
    {
        if (pads.Any(p => p is null)) return "same: pads computed per call (unknown input size)";
        string text = "same: pads " + string.Join(" x ", pads.Select(p => $"({p!.Value.Before}, {p.Value.After})"));
        return text + (pads.Any(p => p!.Value.Before != p.Value.After) ? ", asymmetric: explicit F.pad (PyTorch pads symmetrically)" : "");
    }

    private static long[] ExpectedAlpha(KerasLayer layer) => layer.ExpectedWeights.Count > 0 ? layer.ExpectedWeights[0].Shape : [];

    private static string Describe(KerasLayer layer, Dictionary<string, long[]?> flattened)
    {
        long[] input = layer.InputShapes.Count > 0 ? layer.InputShapes[0] : [];
        switch (layer.Spec)
        {
            case InputSpec i:
                if (!i.DType.IsFloatingPoint()) return $"input token ids {Shape(i.Shape)} (Keras's layout: no channels axis)";
                if (i.Shape.Length < 2) return $"input {Shape(i.Shape)}";
                (string first, string last) = Layouts(i.Shape.Length);
                return $"input {first} {Shape([i.Shape[^1], .. i.Shape[..^1]])} (Keras {last} {Shape(i.Shape)})";
            case ConvSpec c:
            {
                string kind = $"Conv{c.Rank}d";
                string kernel = string.Join(", ", c.KernelSize.Select(k => k.ToString()));
                string padding = c.Padding switch
                {
                    KerasPadding.Valid => "no padding",
                    KerasPadding.Causal => $"explicit causal pad ({(c.KernelSize[0] - 1) * c.Dilation[0]}, 0)",
                    _ => SamePads(Enumerable.Range(0, c.Rank).Select(d => input[d] < 0 ? ((int, int)?)null
                        : KerasLayout.SamePadding((int)input[d], c.KernelSize[d], c.Strides[d], c.Dilation[d])).ToArray()),
                };
                return $"nn.{kind}({input[^1]}, {c.Filters}, kernel ({kernel}), stride ({string.Join(", ", c.Strides)})); weight (k.., in, out) -> (out, in, k..); {padding}" +
                       (c.Activation.IsIdentity ? "" : $"; {c.Activation}");
            }
            case DenseSpec d:
            {
                string rows = flattened.GetValueOrDefault(layer.Inbound[0]) is { } before
                    ? $"; rows permuted (h, w, c) -> (c, h, w) for the Flatten of {Shape(before)}" : "";
                return $"nn.Linear({input[^1]}, {d.Units}); weight (in, out) -> (out, in){rows}" + (d.Activation.IsIdentity ? "" : $"; {d.Activation}");
            }
            case FlattenSpec:
                return flattened.ContainsKey(layer.Name) ? "flatten in (c, h, w) order (the next Dense's rows are permuted instead)"
                    : input.Length >= 2 ? "channels moved last, then flatten (Keras's (h, w, c) order)" : "identity";
            case ReshapeSpec:
                return $"reshape in Keras's channels-last order to {Shape(layer.OutputShape)}";
            case PoolingSpec p:
            {
                string padding = p.Padding == KerasPadding.Valid ? "no padding" : SamePads(Enumerable.Range(0, p.Rank).Select(d => input[d] < 0 ? ((int, int)?)null
                    : KerasLayout.SamePadding((int)input[d], p.PoolSize[d], p.Strides[d])).ToArray());
                string count = p.Kind == KerasPoolingKind.Average && p.Padding == KerasPadding.Same ? "; divides by the real cells (TensorFlow), not the full window" : "";
                string onImage = p.Rank == 1 ? " over (N, C, L, 1)" : "";
                string op = $"{(p.Kind == KerasPoolingKind.Max ? "max_pool" : "avg_pool")}{(p.Rank == 3 ? 3 : 2)}d";
                return $"{op}{onImage}, window ({string.Join(", ", p.PoolSize)}) stride ({string.Join(", ", p.Strides)}); {padding}{count}";
            }
            case GlobalPoolingSpec when layer.MaskRole == KerasMaskRole.MaskedAverage:
                return "sum over the unmasked steps / their count (a fully masked row is 0/0 = NaN, as in Keras)";
            case GlobalPoolingSpec g:
                return $"{(g.Kind == KerasPoolingKind.Max ? "amax" : "mean")} over {g.Rank switch { 1 => "(L)", 2 => "(H, W)", _ => "(D, H, W)" }}{(g.KeepDims ? ", keepdim" : "")}";
            case PermuteSpec p:
                return $"Keras's Permute ({string.Join(", ", p.Dims)}) as permute({string.Join(", ", TorchAxes.PermuteOrder(p.Dims, layer.Name))}) of the channels-first tensor";
            case RepeatVectorSpec r:
                return $"unsqueeze(-1).repeat(1, 1, {r.N}): Keras's (n, features) is (features, n) channels-first";
            case BatchNormSpec b:
            {
                int axis = KerasAxes.NonBatch(b.Axis, input.Length) ?? input.Length - 1;
                string moved = axis == input.Length - 1 ? ""
                    : $"; Keras axis {b.Axis} (dimension {TorchAxes.ChannelsFirst(b.Axis, input.Length, layer.Name)} here) moved to dimension 1 and back";
                return $"nn.BatchNorm{(input.Length <= 2 ? 1 : input.Length - 1)}d({input[axis]}, eps={b.Epsilon:R} (Keras's, not PyTorch's 1e-5), momentum={Math.Round(1 - b.Momentum, 10):R}); " +
                       $"{(b.Scale ? "gamma" : "gamma=1")}, {(b.Center ? "beta" : "beta=0")}, running mean/var as stored{moved}";
            }
            case DropoutSpec:
                return layer.ClassName switch
                {
                    "SpatialDropout1D" => "nn.Dropout1d, whole channels (identity in eval mode)",
                    "SpatialDropout2D" => "nn.Dropout2d, whole channels (identity in eval mode)",
                    "SpatialDropout3D" => "nn.Dropout3d, whole channels (identity in eval mode)",
                    "GaussianDropout" => "x * N(1, rate / (1 - rate)) noise in train mode (identity in eval mode)",
                    "GaussianNoise" => "x + N(0, stddev^2) noise in train mode (identity in eval mode)",
                    _ => "nn.Dropout (identity in eval mode)",
                };
            case ActivationSpec a when a.Activation.IsSoftmaxOffLastAxis(input.Length):
                return $"{a.Activation}: over channels-first dimension(s) " +
                       string.Join(", ", a.Activation.SoftmaxAxes.Select(k => TorchAxes.ChannelsFirst(k, input.Length, layer.Name)));
            case ActivationSpec a:
                return a.Activation.ToString();
            case PReLUSpec:
                return $"relu(x) - alpha * relu(-x); alpha {Shape(layer.Weights.Count > 0 ? layer.Weights[0].Shape : ExpectedAlpha(layer))} moved channels-first";
            case ZeroPaddingSpec z:
                return z.Rank switch
                {
                    1 => $"F.pad (left {z.Before[0]}, right {z.After[0]})",
                    2 => $"F.pad (left {z.Before[1]}, right {z.After[1]}, top {z.Before[0]}, bottom {z.After[0]})",
                    _ => $"F.pad (left {z.Before[2]}, right {z.After[2]}, top {z.Before[1]}, bottom {z.After[1]}, front {z.Before[0]}, back {z.After[0]})",
                };
            case CroppingSpec c:
                return "narrow " + string.Join(", ", Enumerable.Range(0, c.Rank).Select(d => $"dim {2 + d} by ({c.Before[d]}, {c.After[d]})"));
            case UpSamplingSpec { Interpolation: KerasUpSampling.Bilinear } u:
                return $"F.interpolate bilinear, align_corners=False (TensorFlow's half-pixel centres) to {u.Size[0]}x the height and {u.Size[1]}x the width";
            case UpSamplingSpec u:
                return "repeat_interleave " + string.Join(", ", Enumerable.Range(0, u.Rank).Select(d => $"{u.Size[d]}x on dim {2 + d}")) + " (nearest)";
            case MergeSpec m:
            {
                string op = m.Op switch
                {
                    KerasMergeOp.Add => "sum", KerasMergeOp.Subtract => "difference", KerasMergeOp.Multiply => "product",
                    KerasMergeOp.Average => "sum / count", KerasMergeOp.Maximum => "torch.maximum", _ => "torch.minimum",
                };
                return layer.InputShapes.Any(s => s.Length < layer.OutputShape.Length)
                    ? $"{op}; lower-rank inputs gain length-1 axes after the batch axis (Keras's expand_dims(x, 1)), placed channels-first"
                    : op;
            }
            case ConcatenateSpec c:
                return $"torch.cat along the channels-first axis for Keras axis {c.Axis}";
            case DepthwiseConv2DSpec { Rank: 1 } or Conv2DTransposeSpec { Rank: 1 }:
            {
                int pad = KerasConv1DLayers.CausalPad(layer);
                return $"as the 2-D layer on (N, C, 1, L) with a (1, k) kernel{(pad > 0 ? $", after a causal pad of {pad} steps on the left" : "")}: " +
                       Describe(KerasConv1DLayers.As2D(layer), flattened);
            }
            case DepthwiseConv2DSpec d:
            {
                long depth = input[^1] * d.DepthMultiplier;
                string padding = d.Padding == KerasPadding.Valid ? "no padding"
                    : SamePads(Enumerable.Range(0, 2).Select(k => input[k] < 0 ? ((int, int)?)null
                        : KerasLayout.SamePadding((int)input[k], d.KernelSize[k], d.Strides[k], d.Dilation[k])).ToArray());
                string text = $"nn.Conv2d({input[^1]}, {depth}, kernel ({string.Join(", ", d.KernelSize)}), stride ({string.Join(", ", d.Strides)}), groups={input[^1]}); " +
                              $"depthwise kernel (kh, kw, in, {d.DepthMultiplier}) -> ({depth}, 1, kh, kw), channel c*{d.DepthMultiplier} + m; {padding}";
                if (d.PointwiseFilters is int filters)
                    text += $"; then nn.Conv2d({depth}, {filters}, 1) with the pointwise kernel (1, 1, in, out) -> (out, in, 1, 1)" + (d.UseBias ? " and the bias" : "");
                return text + (d.Activation.IsIdentity ? "" : $"; {d.Activation}");
            }
            case Conv2DTransposeSpec t:
            {
                string lengths = string.Join(" x ", Enumerable.Range(0, t.Rank).Select(k => input[k] < 0 ? "per call"
                    : $"{ShapeInference.TransposeOutputLength(input[k], t.KernelSize[k], t.Strides[k], t.Padding)}"));
                string window = t.Rank == 3 ? "kd, kh, kw" : "kh, kw";
                return $"nn.ConvTranspose{t.Rank}d({input[^1]}, {t.Filters}, kernel ({string.Join(", ", t.KernelSize)}), stride ({string.Join(", ", t.Strides)})), no padding, one item at a time; " +
                       $"weight ({window}, out, in) -> (in, out, {window}); full result ((n - 1)*s + k per axis) cut to Keras's {lengths} " +
                       (t.Padding == KerasPadding.Same ? "(same: from the same-conv's before-pad, zeros past the end)"
                           : "(valid: kept from its first cell, zeros past the end where the kernel is shorter than the stride)") +
                       ", then the bias" + (t.Activation.IsIdentity ? "" : $"; {t.Activation}");
            }
            case LayerNormSpec n:
            {
                long[] dims = n.Axes.Select(a => TorchAxes.ChannelsFirst(a, input.Length, layer.Name)).ToArray();
                return $"F.layer_norm over Keras axis {string.Join(", ", n.Axes)} (dimension {string.Join(", ", dims)} here, moved last and back), " +
                       $"eps={n.Epsilon:R} (Keras's, not PyTorch's 1e-5); {(n.Scale ? "gamma" : "no gamma")}, {(n.Center ? "beta" : "no beta")} " +
                       $"{Shape(ShapeInference.LayerNormAxes(n, input, layer.Name, layer.ClassName).Select(a => input[a]))}";
            }
            case GroupNormSpec g:
            {
                (int axis, int groups) = KerasNormShapes.GroupAxis(g, input, layer.Name, layer.ClassName);
                long dim = TorchAxes.ChannelsFirst(g.Axis, input.Length, layer.Name);
                return $"F.group_norm({groups} groups of {input[axis] / groups}) over Keras axis {g.Axis}" + (dim == 1 ? " (dimension 1 here)" : $" (dimension {dim} here, moved to 1 and back)") +
                       $", eps={g.Epsilon:R} (Keras's, not PyTorch's 1e-5); {(g.Scale ? "gamma" : "no gamma")}, {(g.Center ? "beta" : "no beta")} ({input[axis]})";
            }
            case UnitNormSpec u:
                return $"x * rsqrt(max(sum(x^2), 1e-12)) over Keras axis {string.Join(", ", u.Axes)} (dimension " +
                       $"{string.Join(", ", u.Axes.Select(a => TorchAxes.ChannelsFirst(a, input.Length, layer.Name)))} here)";
            case DotSpec d:
                return "batch_dot: both inputs moved to Keras's layout" + d.Normalization switch
                {
                    KerasDotNormalize.ClampedSquaredSum => ", each x * rsqrt(max(sum(x^2), 1e-12)) along its axis (tf.keras 2)",
                    KerasDotNormalize.ClampedInverseNorm => ", each x * min(rsqrt(sum(x^2)), 1e7) along its axis (Keras 3.6+)",
                    _ => "",
                } + $", dot axes [{string.Join(", ", d.Axes)}] as a bmm of (batch, m, k) by (batch, k, n), output {Shape(layer.OutputShape)} moved channels-first";
            case EmbeddingSpec e:
                return $"nn.Embedding({e.InputDim}, {e.OutputDim}); table as stored; output moved channels-first" +
                       (e.MaskZero ? "; mask ids != 0 carried to the layers after it" : "");
            case MultiHeadAttentionSpec m:
                return $"{m.NumHeads} heads: query/key/value EinsumDense kernels (d, heads, dim) as (d, heads*dim) matmuls (key_dim {m.KeyDim}, value_dim {m.ValueDim}" +
                       $"{(m.UseBias ? ", with biases" : ", no biases")}), query times 1/sqrt({m.KeyDim}) before q.k^T, softmax over the keys, weights.v, " +
                       $"output kernel (heads, {m.ValueDim}, {layer.OutputShape[^1]}) as a matmul; steps moved last and back" +
                       (layer.MaskRole == KerasMaskRole.Attends ? "; Keras masks: scores kept where query, value and key steps are unmasked (-inf elsewhere, a fully masked row uniform)" : "");
            case AttentionSpec a:
                return a.Score switch
                {
                    KerasAttentionScore.Dot => $"q.k^T{(a.UseScale ? " * scale" : "")}",
                    KerasAttentionScore.Concat => $"concat_score_weight * sum(tanh({(a.UseScale ? "scale * " : "")}(q + k)))",
                    _ => $"sum({(a.UseScale ? "scale * " : "")}tanh(q + k))",
                } + ", softmax over the value steps, weights.value; steps moved last and back" +
                       (layer.MaskRole == KerasMaskRole.Attends ? "; Keras masks: masked value steps -inf (a fully masked row uniform), output times the query mask" : "");
            case RescalingSpec r:
                return $"x * scale + offset (scale {string.Join(", ", r.Scale)}, offset {string.Join(", ", r.Offset)}{(r.Scale.Length > 1 || r.Offset.Length > 1 ? ", per channel" : "")}), in the module's dtype";
            case NormalizationSpec n:
                return (n.Invert ? "mean + x * max(sqrt(variance), 1e-7)" : "(x - mean) / max(sqrt(variance), 1e-7)") +
                       (n.Mean is null ? ", mean and variance as adapted (weights)" : ", mean and variance from the config") + ", moved channels-first";
            case CenterCropSpec:
                return Describe(KerasPreprocessing.AsCropping(layer), flattened);
            case IdentitySpec:
                return "the identity (inference)";
            case ResizingSpec r:
                return (r.CropToAspectRatio ? "narrow to the target's aspect ratio (centred), then " : "") +
                       (r.Nearest ? $"index_select of TensorFlow's half-pixel nearest rows and columns to {r.Height}x{r.Width}"
                           : $"F.interpolate bilinear, align_corners=False (TensorFlow's half-pixel centres) to {r.Height}x{r.Width}");
            case MaskingSpec m:
                return $"x * mask, mask = any(x != {m.MaskValue:R}) over the channels, carried to the layers after it";
            case RecurrentSpec r:
            {
                string gates = r.Kind switch { KerasRecurrentKind.Lstm => "gates i, f, c, o", KerasRecurrentKind.Gru => "gates z, r, h", _ => "h = act((x·W + b) + h·U)" };
                string reset = r.Kind == KerasRecurrentKind.Gru ? r.ResetAfter ? "; reset gate after the recurrent product" : "; reset gate before the recurrent product" : "";
                string recurrent = r.Kind == KerasRecurrentKind.SimpleRnn ? "" : $", recurrent {r.RecurrentActivation}";
                return $"{layer.ClassName} step loop over (batch, time, {input[^1]}) read from channels-first; kernel ({input[^1]}, {r.Gates * r.Units}), recurrent_kernel ({r.Units}, {r.Gates * r.Units}) as stored, {gates}; " +
                       $"{r.Activation}{recurrent}{reset}{(r.GoBackwards ? "; last step first" : "")}" +
                       (r.ReturnSequences ? "; sequence moved channels-first" : "; last output") +
                       (layer.MaskRole == KerasMaskRole.Recurrent ? $"; masked steps keep the states{(r.ZeroOutputForMask ? " and output zeros" : " and repeat the previous output")}" : "");
            }
            case BidirectionalSpec b:
            {
                (KerasLayer forward, KerasLayer backward) = KerasWrappedLayers.Bidirectional(layer);
                string merge = b.Merge switch
                {
                    KerasBidirectionalMerge.Concat => "torch.cat along the channels (forward first)",
                    KerasBidirectionalMerge.Sum => "sum", KerasBidirectionalMerge.Mul => "product", _ => "(y + y_rev) / 2",
                };
                return $"forward_layer ({b.ForwardName}): {Describe(forward, flattened)} | backward_layer ({b.BackwardName}): {Describe(backward, flattened)} | " +
                       (b.Forward.ReturnSequences ? "backward sequence flipped along time, then " : "") + merge;
            }
            case TFOpSpec op:
                return op.Label + op.Op switch
                {
                    KerasTFOp.ClipByValue => $" to [{op.Constant:R}, {op.ClipMax:R}] rounded to the tensor's dtype (minimum, then maximum)",
                    KerasTFOp.ReduceMean or KerasTFOp.ReduceSum or KerasTFOp.ReduceMax or KerasTFOp.ReduceMin or KerasTFOp.Slice or KerasTFOp.ExpandDims
                        or KerasTFOp.Squeeze or KerasTFOp.Softmax => " on the tensor moved to Keras's layout (channels last), then moved back",
                    KerasTFOp.MatMul => op.ConstantArray is { } m
                        ? $" with a constant of shape ({string.Join(", ", m.Shape)}) rounded to the tensor's dtype{(op.ConstantFirst ? " as the first operand" : "")}, on the tensor moved to Keras's layout (channels last), then moved back"
                        : " of two tensors moved to Keras's layout (channels last), then moved back" +
                          (op.TransposeFirst || op.TransposeSecond ? ", the transposed operand's last two axes swapped" : ""),
                    KerasTFOp.Cast => " (integer ids, held in Keras's layout, to floats with the channels moved to dim 1; floats unchanged)",
                    _ when op.ElementWiseUnary => "",
                    _ when op.Constant is double c => $" with the number {c:R} rounded to the tensor's dtype{(op.ConstantFirst ? " as the first operand" : "")}",
                    _ when op.ConstantArray is { } a => $" with a constant of shape ({string.Join(", ", a.Shape)}) rounded to the tensor's dtype, its last axis moved to the channels" +
                                                        (op.ConstantFirst ? " as the first operand" : ""),
                    _ => " of two tensors of one rank (their axes moved alike)",
                };
            case TimeDistributedSpec t:
                return $"time merged into the batch axis, then layer ({t.InnerClassName} `{t.InnerName}`): {Describe(KerasWrappedLayers.TimeDistributed(layer), [])}; " +
                       "then split into (batch, time) with time after the channels";
            default:
                return layer.ClassName;
        }
    }
}
