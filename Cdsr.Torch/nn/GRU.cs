using Cdsr.Torch.Native;
using static Cdsr.Torch.torch;

namespace Cdsr.Torch.Modules;

/// <summary>
/// Multi-layer gated recurrent unit (Cho et al., 2014) through libtorch's fused at::gru:
/// r = sigma(W_ir x + b_ir + W_hr h + b_hr), z = sigma(W_iz x + b_iz + W_hz h + b_hz),
/// n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h' = (1 - z) * n + z * h.
/// Parameters per layer k (suffix "_reverse" for the backward direction): weight_ih_l{k} [3H, in], weight_hh_l{k} [3H, H],
/// bias_ih_l{k} [3H], bias_hh_l{k} [3H], all initialised U(-1/sqrt(H), 1/sqrt(H)) as PyTorch.
/// </summary>
public sealed class GRU : nn.Module<Tensor, Tensor?, (Tensor output, Tensor h_n)>
{
    private readonly List<Parameter> flat = new();

    public long input_size { get; }
    public long hidden_size { get; }
    public long num_layers { get; }
    public bool bias { get; }
    public bool batch_first { get; }
    public double dropout { get; }
    public bool bidirectional { get; }

    internal GRU(long input_size, long hidden_size, long num_layers, bool bias, bool batch_first, double dropout, bool bidirectional) : base(nameof(GRU))
    {
        if (input_size <= 0 || hidden_size <= 0 || num_layers <= 0)
            throw new ArgumentException($"GRU: input_size, hidden_size and num_layers must be positive, got {input_size}, {hidden_size}, {num_layers}");
        if (!(dropout >= 0 && dropout <= 1)) throw new ArgumentOutOfRangeException(nameof(dropout), $"GRU: dropout must be in [0, 1], got {dropout}");
        (this.input_size, this.hidden_size, this.num_layers, this.bias, this.batch_first, this.dropout, this.bidirectional) =
            (input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional);
        var dirs = bidirectional ? 2 : 1;
        var bound = 1 / Math.Sqrt(hidden_size);
        using var scope = NewDisposeScope();
        for (long layer = 0; layer < num_layers; layer++)
        for (int dir = 0; dir < dirs; dir++)
        {
            var suffix = $"_l{layer}" + (dir == 1 ? "_reverse" : "");
            var layerInput = layer == 0 ? input_size : hidden_size * dirs;
            Add("weight_ih" + suffix, new[] { 3 * hidden_size, layerInput });
            Add("weight_hh" + suffix, new[] { 3 * hidden_size, hidden_size });
            if (bias)
            {
                Add("bias_ih" + suffix, new[] { 3 * hidden_size });
                Add("bias_hh" + suffix, new[] { 3 * hidden_size });
            }
        }

        void Add(string name, long[] shape)
        {
            var p = new Parameter(empty(shape));
            nn.init.uniform_(p, -bound, bound);
            register_parameter(name, p);
            flat.Add(p);
        }
    }

    /// <summary>input [B, L, in] (batch_first) or [L, B, in]; h0 [layers*dirs, B, H] or null (zeros).
    /// Returns output [B, L, dirs*H] (or [L, B, dirs*H]), the top layer's state at every step, and h_n [layers*dirs, B, H].</summary>
    public override unsafe (Tensor output, Tensor h_n) forward(Tensor input, Tensor? h0 = null)
    {
        var handles = new IntPtr[flat.Count];
        for (int i = 0; i < handles.Length; i++) handles[i] = flat[i].Handle.DangerousGetHandle();
        int status;
        IntPtr output, hN;
        fixed (IntPtr* p = handles)
            status = LibCdsrTorch.cdsr_nn_gru(input.Handle, LibCdsrTorch.Opt(h0), p, handles.Length, bias ? 1 : 0, num_layers, dropout,
                training ? 1 : 0, bidirectional ? 1 : 0, batch_first ? 1 : 0, out output, out hN);
        GC.KeepAlive(h0);
        GC.KeepAlive(flat);
        LibCdsrTorch.Check(status);
        var result = (Tensor.FromNative(output), Tensor.FromNative(hN));
        if (Tracing.TraceHooks.Active)
            Tracing.TraceHooks.Record("gru", [input, h0, .. flat], [result.Item1, result.Item2],
                [hidden_size, num_layers, bias ? 1 : 0, batch_first ? 1 : 0, bidirectional ? 1 : 0, training ? 1 : 0], [dropout]);
        return result;
    }

    /// <summary>forward(input, null).</summary>
    public (Tensor output, Tensor h_n) forward(Tensor input) => forward(input, null);
}
