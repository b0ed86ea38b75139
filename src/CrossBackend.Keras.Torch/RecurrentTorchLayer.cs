using CrossBackend.Backends.Torch;
using CrossBackend.Keras;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CrossBackend.Keras.Torch;

/// <summary>
/// LSTM / GRU / SimpleRNN as Keras's step loop of TorchSharp ops, the weights as Keras stores them (parameters <c>kernel</c>
/// (features, gates·units), <c>recurrent_kernel</c> (units, gates·units), <c>bias</c>; gate blocks in Keras's order) and
/// any Keras activation and recurrent activation. Not nn.LSTM / nn.GRU: those fix tanh and sigmoid and have no GRU with
/// the reset gate before the recurrent product (Keras's <c>reset_after=False</c>); <see cref="KerasLayout.LstmToTorch"/>
/// and <see cref="KerasLayout.GruToTorch"/> convert the weights for them where they apply. The input arrives
/// channels-first (batch, features, time) and is read as (batch, time, features); a returned sequence goes back
/// channels-first (batch, units, time). Additions follow Keras's order (see the numerics runtime's loop).
/// </summary>
internal sealed class RecurrentTorchLayer : TorchLayer
{
    private readonly Parameter kernel;
    private readonly Parameter recurrent_kernel;
    private readonly Parameter? bias;
    private readonly KerasLayer _layer;
    private readonly RecurrentSpec _spec;

    public RecurrentTorchLayer(KerasLayer layer, ScalarType dtype) : base(layer.Name)
    {
        _layer = layer;
        _spec = (RecurrentSpec)layer.Spec;
        kernel = Load(layer.Weights[0], dtype, "kernel");
        recurrent_kernel = Load(layer.Weights[1], dtype, "recurrent_kernel");
        if (_spec.UseBias) bias = Load(layer.Weights[2], dtype, "bias");
        RegisterComponents();
    }

    private Parameter Load(KerasWeight weight, ScalarType dtype, string what)
    {
        var p = new Parameter(zeros(weight.Shape, dtype));
        Assign(p, Array(weight), _layer.Name, what);
        return p;
    }

    public override Tensor forward(Tensor[] inputs) => Run(inputs[0], null);

    /// <summary>With Keras's mask (batch, time), as Keras's <c>backend.rnn</c> loop: a masked row keeps its states and
    /// outputs the previous output (its kept h, zeros before its first unmasked step), or zeros with
    /// <c>zero_output_for_mask</c>; the mask is read in processing order (reversed with go_backwards).</summary>
    public override Tensor ForwardMasked(Tensor[] inputs, Tensor? mask) => Run(inputs[0], mask);

    private Tensor Run(Tensor input, Tensor? mask)
    {
        Tensor x = input.movedim([1], [2]);   // (batch, time, features)
        long batch = x.size(0), steps = x.size(1);
        KerasRuntimeShapes.EnsureTimesteps(_layer, steps);
        int units = _spec.Units;
        // A reset_after GRU's bias is (2, 3u): row 0 goes with the input product, row 1 with the recurrent one.
        Tensor? inputBias = bias is null ? null : _spec.ResetAfter ? bias[0] : bias;
        Tensor? recurrentBias = bias is not null && _spec.ResetAfter ? bias[1] : null;
        Tensor xw = x.matmul(kernel);   // every step's x·W at once: (batch, time, gates·units)
        // GRU and SimpleRNN add the input bias to x·W before anything else; the LSTM adds it after the recurrent product.
        if (_spec.Kind != KerasRecurrentKind.Lstm && inputBias is not null) xw = xw.add(inputBias, alpha: HeldScalars.One);
        Tensor h = zeros(batch, units, x.dtype, x.device), c = h, last = h;
        var outputs = new List<Tensor>();
        for (long s = 0; s < steps; s++)
        {
            // Each step's temporaries go with the step; only the new states move out to the module's scope.
            using (DisposeScope step = NewDisposeScope())
            {
                long t = _spec.GoBackwards ? steps - 1 - s : s;
                Tensor xt = xw.select(1, t);
                Tensor nextH, nextC = c;
                if (_spec.Kind == KerasRecurrentKind.Lstm) (nextH, nextC) = LstmStep(xt, h, c, inputBias);
                else if (_spec.Kind == KerasRecurrentKind.Gru) nextH = GruStep(xt, h, recurrentBias, units);
                else nextH = Act(xt.add(h.matmul(recurrent_kernel), alpha: HeldScalars.One));   // SimpleRNN: act((x·W + b) + h·U)
                Tensor output = nextH;
                if (mask is not null)
                {
                    // Masked rows keep the states; their output is the kept h (Keras's previous output) or zeros.
                    Tensor keep = mask.select(1, t).unsqueeze(1);
                    nextH = where(keep, nextH, h);
                    if (_spec.Kind == KerasRecurrentKind.Lstm) nextC = where(keep, nextC, c);
                    output = _spec.ZeroOutputForMask ? where(keep, nextH, zeros(1, nextH.dtype, nextH.device)) : nextH;
                }
                (h, c) = (nextH, nextC);
                h.MoveToOuterDisposeScope();
                if (_spec.Kind == KerasRecurrentKind.Lstm) c.MoveToOuterDisposeScope();
                last = ReferenceEquals(output, h) ? h : output.MoveToOuterDisposeScope();
            }
            if (_spec.ReturnSequences) outputs.Add(last);   // processing order: reversed with go_backwards, as Keras returns it
        }
        return _spec.ReturnSequences ? stack(outputs, 1).movedim([2], [1]) : last;
    }

    private Tensor Act(Tensor x) => TorchActivation.Apply(x, _spec.Activation, -1);

    private Tensor Gate(Tensor x) => TorchActivation.Apply(x, _spec.RecurrentActivation, -1);

    /// <summary>z = (x·W + h·U) + b split into i, f, g, o; c = f ⊙ c + i ⊙ act(g); h = o ⊙ act(c).</summary>
    private (Tensor H, Tensor C) LstmStep(Tensor xw, Tensor h, Tensor c, Tensor? b)
    {
        Tensor z = xw.add(h.matmul(recurrent_kernel), alpha: HeldScalars.One);
        if (b is not null) z = z.add(b, alpha: HeldScalars.One);
        Tensor[] gates = z.chunk(4, 1);
        Tensor i = Gate(gates[0]), f = Gate(gates[1]), g = Act(gates[2]), o = Gate(gates[3]);
        Tensor next = f.mul(c).add_(i.mul(g), alpha: HeldScalars.One);
        return (o.mul(Act(next)), next);
    }

    /// <summary>z, r = σ(x + h·U (+ b_rec)); h̃ = act(x_h + r ⊙ (h·U_h + b_h)) with reset_after, act(x_h + (r ⊙ h)·U_h)
    /// without; h = z ⊙ h + (1 − z) ⊙ h̃.</summary>
    private Tensor GruStep(Tensor xw, Tensor h, Tensor? recurrentBias, int units)
    {
        Tensor[] x = xw.chunk(3, 1);
        Tensor product = _spec.ResetAfter ? h.matmul(recurrent_kernel) : h.matmul(recurrent_kernel.narrow(1, 0, 2 * units));
        if (recurrentBias is not null) product = product.add(recurrentBias, alpha: HeldScalars.One);
        Tensor z = Gate(x[0].add(product.narrow(1, 0, units), alpha: HeldScalars.One));
        Tensor r = Gate(x[1].add(product.narrow(1, units, units), alpha: HeldScalars.One));
        Tensor recurrentH = _spec.ResetAfter ? r.mul(product.narrow(1, 2 * units, units))
            : r.mul(h).matmul(recurrent_kernel.narrow(1, 2 * units, units));
        Tensor candidate = Act(x[2].add(recurrentH, alpha: HeldScalars.One));
        Tensor oneMinusZ = z.neg().add_(HeldScalars.One, alpha: HeldScalars.One);
        return z.mul(h).add_(oneMinusZ.mul(candidate), alpha: HeldScalars.One);
    }
}
