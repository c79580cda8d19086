using Cdsr.Onnx.Export;
using Cdsr.Onnx.Model;
using Cdsr.Onnx.Runtime;
using Cdsr.Torch.Tracing;
using static Cdsr.Torch.torch;

namespace Cdsr.Tests.Onnx;

/// <summary>Every op with an ONNX mapping, traced inside one forward and run in ONNX Runtime at a batch size other than the
/// trace's: each output must equal libtorch's (so a wrong mapping is caught here, not in some future model's export).</summary>
[NonParallelizable]
public class TraceOpCoverageTests
{
    private sealed class Everything : nn.Module<Tensor, Tensor>
    {
        public readonly Cdsr.Torch.Modules.Parameter w = new(randn(6, 6) * 0.3);
        public Everything() : base(nameof(Everything)) => RegisterComponents();

        // x [B, 6] (values in (-2, 2)), ids [B, 3] (0..5) -> outputs, each [B, *]
        public Tensor[] Forward(Tensor x, Tensor ids)
        {
            var pos = x.abs() + 0.5;                                                           // [B, 6] > 0
            var outs = new List<Tensor>
            {
                x.neg().exp() + pos.log() + pos.sqrt() + pos.rsqrt() + x.sigmoid() + x.tanh() + x.relu() + x.square() + pos.reciprocal(),
                x.sin() + x.cos() + x.floor() + x.ceil() + x.sign(),
                x.div(pos) + pos.pow(x) + x.maximum(x.flip(1)) + x.minimum(x * 0.5) + x.pow(2.0) + (1.0 - x) + (2.0 / pos) + (x - 0.25) / 3.0,
                where(x.gt(0.0).logical_and(x.lt(1.0)).logical_or(x.eq(x.flip(1))).logical_xor(x.ge(pos)), x, -x)
                    + x.masked_fill(x.le(-0.5), 7.0) + x.ne(0.25).to(ScalarType.Float32) + x.lt(pos).to(ScalarType.Float32),
                x.sum(1, keepdim: true) + x.mean(1, keepdim: true) + x.sum([0L, 1L]) + x.mean() + x.cumsum(1) + x.clamp(-0.5, 0.5) + x.clamp_min(0.1) + x.clamp_max(0.2),
                nn.functional.softmax(x, 1) + nn.functional.log_softmax(x, -1) + nn.functional.gelu(x, "tanh") + nn.functional.gelu(x),
                x.matmul(w) + x.mm(w.t()) + x.unsqueeze(1).bmm(w.unsqueeze(0).expand(x.size(0), -1, -1)).squeeze(1),
                x.reshape(-1, 2, 3).transpose(1, 2).permute(0, 2, 1).flatten(1) + cat([x.narrow(1, 0, 3), x.narrow(1, 3, 3)], 1),
                x.gather(1, ids) + x.index_select(1, tensor(new long[] { 5, 0, 2 })) + x.select(1, 2).unsqueeze(1) + nn.functional.embedding(ids, w).sum(2),
                nn.functional.scaled_dot_product_attention(x.view(x.size(0), 2, 3), x.view(x.size(0), 2, 3), x.view(x.size(0), 2, 3), is_causal: true).flatten(1),
                x.isnan().to(ScalarType.Float32) + x.to(ScalarType.Int64).to(ScalarType.Float32) + x.contiguous() + x.clone() + x.detach().alias(),
            };
            return outs.ToArray();
        }

        public override Tensor forward(Tensor input) => throw new NotSupportedException();
    }

    [Test]
    public void EveryMappedOpRunsInOnnxRuntimeLikeLibtorch()
    {
        manual_seed(3);
        using var m = new Everything();
        using var scope = NewDisposeScope();
        var example = rand(37, 6) * 4.0 - 2.0;
        var exampleIds = randint(0, 6, [37, 3]);
        var names = Enumerable.Range(0, 11).Select(i => $"y{i}").ToArray();
        var trace = Tracer.Trace(m, [("x", example), ("ids", exampleIds)], a => m.Forward(a[0], a[1]), names);
        var shapes = new Dictionary<string, OnnxDim[]> { ["x"] = ["batch", 6], ["ids"] = ["batch", 3] };
        using (no_grad())
        {
            var probe = m.Forward(example, exampleIds);
            for (int i = 0; i < names.Length; i++) shapes[names[i]] = ["batch", .. probe[i].shape.Skip(1).Select(d => (OnnxDim)d)];
        }
        var model = TraceToOnnx.Convert(trace, "everything", shapes, dynamicSizes: [new DynamicSize(37, "x", 0)]);
        using var s = OnnxSession.FromModel(model);

        var x = rand(5, 6) * 4.0 - 2.0;
        var ids = randint(0, 6, [5, 3]);
        Tensor[] expected;
        using (no_grad()) expected = m.Forward(x, ids);
        var got = s.Run([NamedTensor.Float("x", x.data<float>(), 5, 6), NamedTensor.Int64("ids", ids.data<long>(), 5, 3)]);
        for (int i = 0; i < names.Length; i++)
        {
            Assert.That(got[i].Shape, Is.EqualTo(expected[i].shape), names[i]);
            var diff = OnnxTestModels.MaxAbsDiff(got[i].Floats, expected[i].data<float>());
            Assert.That(diff, Is.LessThanOrEqualTo(2e-5f), $"{names[i]}: max |onnx - libtorch| = {diff}");
        }
    }
}
