using System.Numerics.Tensors;
using CrossBackend.Backends.Numerics.Layers;

namespace CrossBackend.Keras.Numerics;

public sealed partial class KerasNumericsModel<T>
{
    /// <summary>
    /// LSTM / GRU / SimpleRNN as Keras's step loop with the weights as stored (gate blocks in Keras's order, no conversion), in the
    /// order of operations of Keras's default <c>implementation=2</c> cells (keras/src/layers/rnn/lstm.py and gru.py;
    /// tf.keras 2's standard_lstm / standard_gru add in the same order): LSTM z = (x·W + h·U) + b; GRU x·W + b_in
    /// first, then the recurrent product (+ b_rec with reset_after). x·W runs once for every step; each step is one
    /// product with U and element-wise work on (batch, units) blocks, so row activations (softmax) see whole rows.
    /// With a mask, Keras's <c>backend.rnn</c> loop (keras/src/backend/tensorflow/rnn.py; tf.keras 2 backend.rnn):
    /// a row whose step is masked keeps its states (h and c) and outputs the previous output, which is its kept h
    /// (zeros before the first unmasked step), or zeros with <c>zero_output_for_mask</c>; the mask is read in
    /// processing order, reversed with go_backwards. The last output is the last processed step's output.
    /// </summary>
    private static Func<object[], bool[]?, object> Recurrent(KerasLayer layer, RecurrentSpec r)
    {
        IReadOnlyList<KerasWeight> w = layer.Weights;
        int units = r.Units, width = r.Gates * units, features = checked((int)layer.InputShapes[0][^1]);
        T[] kernel = Vector(w[0]), recurrent = Vector(w[1]);
        T[]? bias = r.UseBias ? Vector(w[2]) : null;
        // A reset_after GRU's bias is (2, 3u): row 0 goes with the input product, row 1 with the recurrent one.
        T[]? inputBias = bias?[..width], recurrentBias = r.ResetAfter ? bias?[width..] : null;
        SpanAction<T>? act = Activation(r.Activation, units), gate = Activation(r.RecurrentActivation, units);
        return (v, mask) =>
        {
            Tensor<T> x = Float(v[0], layer.Name);
            int batch = (int)x.Lengths[0], steps = (int)x.Lengths[1];
            KerasRuntimeShapes.EnsureTimesteps(layer, steps);
            var xw = new T[(long)batch * steps * width];
            MatMulKernel.MatMul<T>(TensorToArray(x), features, kernel, width, xw, width, batch * steps, features, width);
            var cell = new RecurrentCell(r, units, batch, act, gate);
            T[]? sequence = r.ReturnSequences ? new T[(long)batch * steps * units] : null;
            T[] keptH = mask is null ? [] : new T[cell.H.Length], keptC = mask is null ? [] : new T[cell.C.Length];
            for (int s = 0; s < steps; s++)
            {
                int t = r.GoBackwards ? steps - 1 - s : s;
                if (mask is not null) { cell.H.CopyTo(keptH, 0); cell.C.CopyTo(keptC, 0); }
                if (r.Kind == KerasRecurrentKind.Lstm) cell.LstmStep(xw, t * width, steps * width, recurrent, inputBias);
                else if (r.Kind == KerasRecurrentKind.Gru) cell.GruStep(xw, t * width, steps * width, recurrent, inputBias, recurrentBias);
                else cell.SimpleStep(xw, t * width, steps * width, recurrent, inputBias);
                for (int b = 0; b < batch; b++)
                {
                    bool masked = mask is not null && !mask[b * steps + t];
                    if (masked)
                    {
                        keptH.AsSpan(b * units, units).CopyTo(cell.H.AsSpan(b * units, units));
                        keptC.AsSpan(b * units, units).CopyTo(cell.C.AsSpan(b * units, units));
                    }
                    // Keras stacks the outputs in processing order: with go_backwards the sequence comes out reversed.
                    if (sequence is not null && !(masked && r.ZeroOutputForMask))
                        cell.H.AsSpan(b * units, units).CopyTo(sequence.AsSpan(checked((b * steps + s) * units)));
                }
            }
            if (sequence is not null) return Tensor.Create(sequence, [batch, steps, units]);
            T[] last = (T[])cell.H.Clone();
            // zero_output_for_mask: the last output is the last processed step's output, zeros where that step is masked.
            int lastStep = r.GoBackwards ? 0 : steps - 1;
            if (mask is not null && r.ZeroOutputForMask)
                for (int b = 0; b < batch; b++) if (!mask[b * steps + lastStep]) last.AsSpan(b * units, units).Clear();
            return Tensor.Create(last, [batch, units]);
        };
    }

    /// <summary>One sequence's states and scratch blocks, each (batch, units) row-major.</summary>
    private sealed class RecurrentCell(RecurrentSpec r, int units, int batch, SpanAction<T>? act, SpanAction<T>? gate)
    {
        private readonly int _width = r.Gates * units;
        private readonly T[] _product = new T[batch * r.Gates * units];
        private readonly T[][] _blocks = [new T[batch * units], new T[batch * units], new T[batch * units], new T[batch * units]];
        private readonly T[] _c = new T[batch * units];
        private readonly T[] _input = new T[batch * r.Gates * units];

        /// <summary>The LSTM cell state c, zero before the first step (unused by a GRU).</summary>
        public T[] C => _c;

        /// <summary>The hidden state h (the layer's output), zero before the first step.</summary>
        public T[] H { get; } = new T[batch * units];

        /// <summary>c = f ⊙ c + i ⊙ act(g), h = o ⊙ act(c), with z = (x·W + h·U) + b split into i, f, g, o.</summary>
        public void LstmStep(T[] xw, int offset, int rowStride, T[] recurrent, T[]? bias)
        {
            MatMulKernel.MatMul<T>(H, units, recurrent, _width, _product, _width, batch, units, _width);
            for (int b = 0; b < batch; b++)
            {
                Span<T> row = _product.AsSpan(b * _width, _width);
                TensorPrimitives.Add(xw.AsSpan(b * rowStride + offset, _width), row, row);
                if (bias is not null) TensorPrimitives.Add(row, bias, row);
            }
            Split(_product, 0, _width, 4);
            (T[] i, T[] f, T[] g, T[] o) = (_blocks[0], _blocks[1], _blocks[2], _blocks[3]);
            gate?.Invoke(i);
            gate?.Invoke(f);
            act?.Invoke(g);
            gate?.Invoke(o);
            TensorPrimitives.Multiply(f, _c, _c);
            TensorPrimitives.Multiply(i, g, g);
            TensorPrimitives.Add(_c, g, _c);
            _c.CopyTo(g);
            act?.Invoke(g);
            TensorPrimitives.Multiply(o, g, H);
        }

        /// <summary>SimpleRNN: h = act((x·W + b) + h·U), Keras's order (simple_rnn.py: h = x·W; h += bias; output = h + prev·U).</summary>
        public void SimpleStep(T[] xw, int offset, int rowStride, T[] recurrent, T[]? bias)
        {
            T[] x = _input;
            for (int b = 0; b < batch; b++)
            {
                Span<T> row = x.AsSpan(b * units, units);
                xw.AsSpan(b * rowStride + offset, units).CopyTo(row);
                if (bias is not null) TensorPrimitives.Add(row, bias, row);
            }
            MatMulKernel.MatMul<T>(H, units, recurrent, units, _product, units, batch, units, units);
            TensorPrimitives.Add(x.AsSpan(0, batch * units), _product.AsSpan(0, batch * units), H);
            act?.Invoke(H);
        }

        /// <summary>z = σ(x_z + h·U_z), r = σ(x_r + h·U_r) (recurrent bias included with reset_after); h̃ = act(x_h + r ⊙ (h·U_h + b_h))
        /// with reset_after, act(x_h + (r ⊙ h)·U_h) without; h = z ⊙ h + (1 − z) ⊙ h̃. x·W has b_in added first.</summary>
        public void GruStep(T[] xw, int offset, int rowStride, T[] recurrent, T[]? inputBias, T[]? recurrentBias)
        {
            // Keras adds the input bias to x·W before anything else (matrix_x = x·W + input_bias).
            T[] x = _input;
            for (int b = 0; b < batch; b++)
            {
                Span<T> row = x.AsSpan(b * _width, _width);
                xw.AsSpan(b * rowStride + offset, _width).CopyTo(row);
                if (inputBias is not null) TensorPrimitives.Add(row, inputBias, row);
            }
            Split(x, 0, _width, 3);
            (T[] xz, T[] xr, T[] xh) = (_blocks[0], _blocks[1], _blocks[2]);
            // The recurrent product over all three blocks with reset_after, over z and r only without.
            int productWidth = r.ResetAfter ? _width : 2 * units;
            MatMulKernel.MatMul<T>(H, units, recurrent, _width, _product, productWidth, batch, units, productWidth);
            if (recurrentBias is not null)
                for (int b = 0; b < batch; b++) TensorPrimitives.Add(_product.AsSpan(b * productWidth, productWidth), recurrentBias, _product.AsSpan(b * productWidth, productWidth));
            T[] z = xz, rGate = xr, scratch = _blocks[3];
            AddBlock(_product, productWidth, 0, z);
            AddBlock(_product, productWidth, units, rGate);
            gate?.Invoke(z);
            gate?.Invoke(rGate);
            if (r.ResetAfter)
            {
                CopyBlock(_product, productWidth, 2 * units, scratch);
                TensorPrimitives.Multiply(rGate, scratch, scratch);
            }
            else
            {
                TensorPrimitives.Multiply(rGate, H, rGate);
                MatMulKernel.MatMul<T>(rGate, units, recurrent.AsSpan(2 * units), _width, scratch, units, batch, units, units);
            }
            TensorPrimitives.Add(xh, scratch, xh);
            act?.Invoke(xh);
            // h = z ⊙ h + (1 − z) ⊙ h̃, in Keras's order.
            TensorPrimitives.Multiply(z, H, H);
            TensorPrimitives.Subtract(T.One, z, z);
            TensorPrimitives.Multiply(z, xh, xh);
            TensorPrimitives.Add(H, xh, H);
        }

        /// <summary>Copies the first <paramref name="gates"/> unit blocks of each row of <paramref name="source"/> into the scratch blocks.</summary>
        private void Split(T[] source, int offset, int stride, int gates)
        {
            for (int k = 0; k < gates; k++) CopyBlock(source, stride, offset + k * units, _blocks[k]);
        }

        private void CopyBlock(T[] source, int stride, int offset, T[] block)
        {
            for (int b = 0; b < batch; b++) source.AsSpan(b * stride + offset, units).CopyTo(block.AsSpan(b * units, units));
        }

        private void AddBlock(T[] source, int stride, int offset, T[] block)
        {
            for (int b = 0; b < batch; b++)
                TensorPrimitives.Add(block.AsSpan(b * units, units), source.AsSpan(b * stride + offset, units), block.AsSpan(b * units, units));
        }
    }
}
