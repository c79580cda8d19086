using Cdsr.Torch;
using Cdsr.Torch.Modules;
using static Cdsr.Torch.torch;
using static Cdsr.Tests.Torch.NnTestHelpers;

namespace Cdsr.Tests.Torch;

/// <summary>The Module contract: registration and names, state_dict round trips and their errors, train/eval, dtype moves,
/// default initialisation, containers, and disposal of every owned tensor.</summary>
public class NnModuleTests
{
    [SetUp]
    public void Seed() => manual_seed(7);

    /// <summary>A user-defined model registering its fields automatically, as TorchSharp code does.</summary>
    private sealed class TwoTower : nn.Module<Tensor, Tensor>
    {
        private readonly Embedding items;
        private readonly Linear proj;
        private readonly Parameter temperature;
        private readonly Dropout drop;

        public TwoTower() : base(nameof(TwoTower))
        {
            items = nn.Embedding(10, 4, padding_idx: 0);
            proj = nn.Linear(4, 2);
            temperature = nn.Parameter(ones(1));
            drop = nn.Dropout(0.5);
            RegisterComponents();
        }

        /// <summary>ids [B, L] -> [B, L, 2].</summary>
        public override Tensor forward(Tensor ids) => drop.forward(proj.forward(items.forward(ids))) * temperature;
    }

    [Test]
    public void FieldsAreRegisteredUnderTheirNamesInDeclarationOrder()
    {
        using var m = new TwoTower();
        Assert.That(m.named_parameters().Select(p => p.name), Is.EqualTo(new[] { "temperature", "items.weight", "proj.weight", "proj.bias" }));
        Assert.That(m.named_modules().Select(x => x.name), Is.EqualTo(new[] { "", "items", "proj", "drop" }));
        Assert.That(m.named_children().Select(x => x.module.GetName()), Is.EqualTo(new[] { "Embedding", "Linear", "Dropout" }));
        Assert.That(m.parameters().Sum(p => p.numel()), Is.EqualTo(1 + 40 + 8 + 2));
    }

    [Test]
    public void TransformerEncoderNamesFollowPyTorch()
    {
        using var layer = nn.TransformerEncoderLayer(8, 2, 16);
        using var enc = nn.TransformerEncoder(layer, 2, nn.LayerNorm(8));
        var keys = enc.state_dict().Keys.ToList();
        Assert.That(keys.Take(12), Is.EqualTo(new[]
        {
            "layers.0.self_attn.in_proj_weight", "layers.0.self_attn.in_proj_bias", "layers.0.self_attn.out_proj.weight",
            "layers.0.self_attn.out_proj.bias", "layers.0.linear1.weight", "layers.0.linear1.bias", "layers.0.linear2.weight",
            "layers.0.linear2.bias", "layers.0.norm1.weight", "layers.0.norm1.bias", "layers.0.norm2.weight", "layers.0.norm2.bias",
        }));
        Assert.That(keys, Has.Count.EqualTo(26));
        Assert.That(keys[^2..], Is.EqualTo(new[] { "norm.weight", "norm.bias" }));
        // Like PyTorch's deep copy, every layer starts from the template's weights.
        Assert.That(enc.state_dict()["layers.1.linear1.weight"].data<float>(), Is.EqualTo(layer.linear1.weight.data<float>()));
    }

    [Test]
    public void StateDictRoundTripReproducesOutputs()
    {
        using var scope = NewDisposeScope();
        using var a = new TwoTower();
        using var b = new TwoTower();
        a.eval();
        b.eval();
        var ids = tensor(new long[] { 1, 2, 0, 9 }, new long[] { 2, 2 });
        Assert.That(b.forward(ids).data<float>(), Is.Not.EqualTo(a.forward(ids).data<float>()), "different random inits");
        var (missing, unexpected) = b.load_state_dict(a.state_dict());
        Assert.That(missing, Is.Empty);
        Assert.That(unexpected, Is.Empty);
        Assert.That(b.forward(ids).data<float>(), Is.EqualTo(a.forward(ids).data<float>()));
        // The copy is by value: changing a afterwards does not change b.
        nn.init.zeros_(a.named_parameters().First(p => p.name == "proj.bias").parameter);
        Assert.That(b.forward(ids).data<float>(), Is.Not.EqualTo(a.forward(ids).data<float>()));
    }

    [Test]
    public void LoadStateDictReportsEveryMismatch()
    {
        using var scope = NewDisposeScope();
        using var m = new TwoTower();
        var before = m.state_dict()["proj.weight"].data<float>();
        var bad = new Dictionary<string, Tensor>
        {
            ["temperature"] = ones(1),
            ["items.weight"] = zeros(10, 4),
            ["proj.weight"] = zeros(3, 4),
            ["proj.extra"] = zeros(1),
        };
        var ex = Assert.Throws<ArgumentException>(() => m.load_state_dict(bad))!;
        Assert.That(ex.Message, Does.Contain("error(s) loading state_dict for TwoTower"));
        Assert.That(ex.Message, Does.Contain("size mismatch for proj.weight: the checkpoint has shape [3, 4], the module expects [2, 4]"));
        Assert.That(ex.Message, Does.Contain("missing keys: proj.bias"));
        Assert.That(ex.Message, Does.Contain("unexpected keys: proj.extra"));
        Assert.That(m.state_dict()["items.weight"].data<float>().Any(v => v != 0), Is.True, "nothing is copied when loading fails");
        Assert.That(m.state_dict()["proj.weight"].data<float>(), Is.EqualTo(before));

        bad.Remove("proj.weight");
        var (missing, unexpected) = m.load_state_dict(bad, strict: false);
        Assert.That(missing, Is.EqualTo(new[] { "proj.weight", "proj.bias" }));
        Assert.That(unexpected, Is.EqualTo(new[] { "proj.extra" }));
        Assert.That(m.state_dict()["items.weight"].data<float>().All(v => v == 0), Is.True, "matching keys are loaded when not strict");
    }

    [Test]
    public void TrainAndEvalToggleDropoutRecursively()
    {
        using var scope = NewDisposeScope();
        using var m = nn.Sequential(nn.Linear(4, 4), nn.Sequential(nn.Dropout(0.5)));
        var inner = (Dropout)((Sequential)m[1])[0];
        var x = ones(64, 4);
        Assert.That(inner.training, Is.True);
        var trainOut = inner.forward(x).data<float>();
        Assert.That(trainOut.Count(v => v == 0), Is.GreaterThan(0), "dropout active while training");
        m.eval();
        Assert.That(inner.training, Is.False, "eval reaches nested modules");
        Assert.That(inner.forward(x).data<float>().All(v => v == 1), Is.True, "identity in eval mode");
        Assert.That(m.forward(x).data<float>(), Is.EqualTo(m.forward(x).data<float>()), "deterministic in eval mode");
        m.train();
        Assert.That(inner.training, Is.True);
    }

    [Test]
    public void ToDtypeKeepsParameterIdentityAndGradients()
    {
        using var scope = NewDisposeScope();
        using var m = nn.Linear(3, 2);
        var w = m.weight;
        var before = w.data<float>();
        m.forward(ones(1, 3)).backward(ones(1, 2));
        m.to(ScalarType.Float64);
        Assert.That(ReferenceEquals(w, m.weight), Is.True, "same parameter object");
        Assert.That(w.dtype, Is.EqualTo(ScalarType.Float64));
        Assert.That(w.requires_grad && w.is_leaf, Is.True);
        AssertClose(before.Select(v => (double)v).ToArray(), w.data<double>(), 0, "values kept");
        Assert.That(w.grad!.dtype, Is.EqualTo(ScalarType.Float64), "gradient converted too");
        m.zero_grad();
        Assert.That(w.grad, Is.Null);
        // Training continues in the new dtype with the same parameter objects.
        m.forward(ones(new long[] { 1, 3 }, ScalarType.Float64)).backward(ones(new long[] { 1, 2 }, ScalarType.Float64));
        Assert.That(w.grad!.dtype, Is.EqualTo(ScalarType.Float64));
        AssertClose(new double[] { 1, 1, 1, 1, 1, 1 }, w.grad!.data<double>(), 0, "d(sum W x)/dW with x = 1");
        var ex = Assert.Throws<ArgumentException>(() => m.to(ScalarType.Int64))!;
        Assert.That(ex.Message, Does.Contain("floating-point"));
    }

    [Test]
    public void DefaultInitialisationMatchesPyTorch()
    {
        using var lin = nn.Linear(100, 50);
        var bound = 1 / Math.Sqrt(100);
        var w = lin.weight.data<float>();
        Assert.That(w.Max(), Is.LessThanOrEqualTo(bound).And.GreaterThan(0.9 * bound), "kaiming_uniform(a=sqrt5) = U(-1/sqrt(in), 1/sqrt(in))");
        Assert.That(w.Min(), Is.GreaterThanOrEqualTo(-bound).And.LessThan(-0.9 * bound));
        Assert.That(lin.bias!.data<float>().All(v => Math.Abs(v) <= bound), Is.True);

        using var emb = nn.Embedding(200, 50);
        var e = emb.weight.data<float>();
        var mean = e.Average();
        var std = Math.Sqrt(e.Average(v => (v - mean) * (v - mean)));
        Assert.That(mean, Is.EqualTo(0).Within(0.05));
        Assert.That(std, Is.EqualTo(1).Within(0.05), "N(0, 1)");

        using var mha = nn.MultiheadAttention(16, 4);
        var xb = Math.Sqrt(6.0 / (16 + 48));
        Assert.That(mha.in_proj_weight.data<float>().All(v => Math.Abs(v) <= xb), Is.True, "xavier_uniform on [3E, E]");
        Assert.That(mha.in_proj_bias!.data<float>().All(v => v == 0) && mha.out_proj.bias!.data<float>().All(v => v == 0), Is.True);

        using var gru = nn.GRU(3, 25);
        Assert.That(gru.parameters().SelectMany(p => p.data<float>()).All(v => Math.Abs(v) <= 1 / Math.Sqrt(25) + 1e-7), Is.True);
        Assert.That(gru.named_parameters().Select(p => p.name), Is.EqualTo(new[] { "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0" }));

        using var ln = nn.LayerNorm(5);
        Assert.That(ln.weight!.data<float>().All(v => v == 1) && ln.bias!.data<float>().All(v => v == 0), Is.True);
    }

    [Test]
    public void InitFunctionsRespectTheirDistributions()
    {
        using var scope = NewDisposeScope();
        var t = empty(new long[] { 200, 100 });
        nn.init.trunc_normal_(t, mean: 0.5, std: 1, a: 0, b: 1);
        var v = t.data<float>();
        Assert.That(v.Min(), Is.GreaterThanOrEqualTo(0f));
        Assert.That(v.Max(), Is.LessThanOrEqualTo(1f));
        Assert.That(v.Average(), Is.EqualTo(0.5).Within(0.02), "symmetric truncation keeps the mean");
        nn.init.xavier_normal_(t);
        v = t.data<float>();
        Assert.That(Math.Sqrt(v.Average(x => x * x)), Is.EqualTo(Math.Sqrt(2.0 / 300)).Within(0.005));
        nn.init.kaiming_uniform_(t, nonlinearity: nn.init.NonlinearityType.ReLU);
        Assert.That(t.data<float>().Max(), Is.LessThanOrEqualTo(Math.Sqrt(2) * Math.Sqrt(3.0 / 100) + 1e-6));
        nn.init.ones_(t);
        Assert.That(t.data<float>().All(x => x == 1), Is.True);
        var p = nn.Parameter(zeros(3));
        nn.init.uniform_(p, 2, 3);
        Assert.That(p.requires_grad && p.is_leaf, Is.True, "init does not record autograd");
        Assert.That(p.data<float>().All(x => x >= 2 && x <= 3), Is.True);
        p.Dispose();
        var ex = Assert.Throws<ArgumentException>(() => nn.init.xavier_uniform_(zeros(3)))!;
        Assert.That(ex.Message, Does.Contain("at least 2 dimensions"));
    }

    [Test]
    public void GruMatchesTheGateEquationsComputedByHand()
    {
        using var scope = NewDisposeScope();
        using var gru = nn.GRU(1, 1, batchFirst: true).to(ScalarType.Float64);
        double[] wih = { 0.5, -0.3, 0.8 }, whh = { 0.2, 0.7, -0.4 }, bih = { 0.1, 0.0, -0.2 }, bhh = { -0.1, 0.3, 0.05 };
        gru.load_state_dict(new Dictionary<string, Tensor>
        {
            ["weight_ih_l0"] = tensor(wih, new long[] { 3, 1 }), ["weight_hh_l0"] = tensor(whh, new long[] { 3, 1 }),
            ["bias_ih_l0"] = tensor(bih), ["bias_hh_l0"] = tensor(bhh),
        });
        double Sig(double a) => 1 / (1 + Math.Exp(-a));
        double h = 0;
        var xs = new[] { 1.0, -2.0, 0.5 };
        var expected = new List<double>();
        foreach (var x in xs)
        {
            var r = Sig(wih[0] * x + bih[0] + whh[0] * h + bhh[0]);
            var z = Sig(wih[1] * x + bih[1] + whh[1] * h + bhh[1]);
            var n = Math.Tanh(wih[2] * x + bih[2] + r * (whh[2] * h + bhh[2]));
            h = (1 - z) * n + z * h;
            expected.Add(h);
        }
        var (output, hN) = gru.forward(tensor(xs, new long[] { 1, 3, 1 }));
        AssertClose(expected.ToArray(), output.data<double>(), 1e-12, "GRU output");
        Assert.That(hN.shape, Is.EqualTo(new long[] { 1, 1, 1 }));
        Assert.That(hN.item<double>(), Is.EqualTo(h).Within(1e-12));
        var ex = Assert.Throws<TorchException>(() => gru.forward(tensor(xs, new long[] { 1, 3, 1 }), zeros(new long[] { 2, 1, 1 }, ScalarType.Float64)))!;
        Assert.That(ex.Message, Does.Contain("hx must be [1, 1, 1], got [2, 1, 1]"));
    }

    [Test]
    public void ContainersRegisterTheirItems()
    {
        using var list = nn.ModuleList(nn.Linear(2, 2), nn.Linear(2, 3));
        Assert.That(list.named_parameters().Select(p => p.name), Is.EqualTo(new[] { "0.weight", "0.bias", "1.weight", "1.bias" }));
        Assert.That(list[1].out_features, Is.EqualTo(3));
        using var dict = nn.ModuleDict(("cloth", nn.Linear(2, 2, hasBias: false)), ("sport", nn.Linear(2, 2, hasBias: false)));
        Assert.That(dict.state_dict().Keys, Is.EqualTo(new[] { "cloth.weight", "sport.weight" }));
        Assert.That(dict["sport"].in_features, Is.EqualTo(2));
        var ex = Assert.Throws<KeyNotFoundException>(() => _ = dict["food"])!;
        Assert.That(ex.Message, Does.Contain("no module named 'food' (have: cloth, sport)"));
        using var seq = nn.Sequential(("encoder", nn.Linear(2, 4)), ("act", nn.ReLU()));
        Assert.That(seq.state_dict().Keys, Is.EqualTo(new[] { "encoder.weight", "encoder.bias" }));
    }

    [Test]
    public void DisposingAModuleReleasesEveryNativeTensor()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = Tensor.TotalCount;
        using (var scope = NewDisposeScope())
        {
            using var layer = nn.TransformerEncoderLayer(8, 2, 16, dropout: 0.1, batch_first: true);
            using var enc = nn.TransformerEncoder(layer, 2);
            var y = enc.forward(randn(2, 3, 8), functional_causal(), null);
            y.backward(ones(2, 3, 8));
            enc.zero_grad();
            layer.zero_grad();
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.That(Tensor.TotalCount, Is.EqualTo(before), "module, temporaries and gradients all released");

        static Tensor functional_causal() => nn.functional.causal_mask(3);
    }

    [Test]
    public void InvalidModuleArgumentsAreReported()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => nn.Linear(0, 3))!.Message, Does.Contain("must be positive, got 0 and 3"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => nn.Embedding(5, 2, padding_idx: 5))!.Message,
            Does.Contain("padding_idx 5 is out of range for 5 rows"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => nn.Dropout(1.2))!.Message, Does.Contain("p must be in [0, 1], got 1.2"));
        using var m = nn.Linear(2, 2);
        Assert.That(Assert.Throws<ArgumentException>(() => m.register_module("weight", nn.ReLU()))!.Message,
            Does.Contain("'weight' is already registered as another kind of member"));
        Assert.That(Assert.Throws<ArgumentException>(() => m.register_buffer("a.b", null))!.Message, Does.Contain("not a valid member name"));
    }

    [Test]
    public void BuffersAreSavedAndMovedWithTheModule()
    {
        using var scope = NewDisposeScope();
        using var m = nn.Linear(2, 2);
        m.register_buffer("running", tensor(new float[] { 1, 2 }));
        Assert.That(m.state_dict().Keys, Is.EqualTo(new[] { "weight", "bias", "running" }));
        Assert.That(m.parameters().Count(), Is.EqualTo(2), "a buffer is not a parameter");
        m.to(ScalarType.Float64);
        Assert.That(m.buffers().Single().dtype, Is.EqualTo(ScalarType.Float64));
    }

    [Test]
    public void EmbeddingModulePaddingRowStaysZeroAndHasNoGradient()
    {
        using var scope = NewDisposeScope();
        using var emb = nn.Embedding(4, 3, padding_idx: -1);
        Assert.That(emb.padding_idx, Is.EqualTo(3), "negative padding_idx counts from the end");
        Assert.That(emb.weight.data<float>()[9..12], Is.EqualTo(new float[3]));
        var ids = tensor(new long[] { 3, 1, 3 });
        var out0 = emb.forward(ids);
        Assert.That(out0.data<float>()[0..3], Is.EqualTo(new float[3]));
        out0.backward(ones(3, 3));
        Assert.That(emb.weight.grad!.data<float>()[9..12], Is.EqualTo(new float[3]));
        Assert.That(emb.weight.grad!.data<float>()[3..6], Is.EqualTo(new float[] { 1, 1, 1 }));
    }
}
