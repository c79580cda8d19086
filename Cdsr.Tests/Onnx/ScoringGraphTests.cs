using Cdsr.Onnx.Export;
using Cdsr.Onnx.Recommenders;
using Cdsr.Onnx.Runtime;
using Cdsr.Tests.Trainers;
using Cdsr.Trainers.Data;
using Cdsr.Trainers.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Tests.Onnx;

/// <summary>
/// The pieces of <see cref="ScoringGraph"/> that differ most from a plain translation: a query whose keys are all
/// blocked (a history of padding only) attends to nothing instead of producing ONNX's NaN softmax, in every model's
/// graph; and a model type without a builder is refused by name. (The tracer's op-coverage test checked each traced
/// op's mapping; the builders' pieces are checked here and through the parity tests of each model.)
/// </summary>
[NonParallelizable]
public class ScoringGraphTests
{
    private sealed class NoBuilder : SequentialRecommender
    {
        private readonly TorchSharp.Modules.Embedding item_embedding = nn.Embedding(11, 4);
        public NoBuilder() : base(nameof(NoBuilder), 10, 5) => RegisterComponents();
        public override Tensor Encode(Tensor items) => item_embedding.forward(items);
        public override Tensor ItemEmbeddings(Tensor items) => item_embedding.forward(items);
        public override Tensor Loss(TrainBatch batch) => throw new NotSupportedException();
    }

    private static SequentialRecommender Model(string name)
    {
        if (name != "cdsrnp") return ExportTestModels.Create(name);
        var data = SequenceData.Build(TinyDatasets.Planted(users: 60), SequenceView.Mixed, 12);
        manual_seed(4);
        var m = new CdsrNp(new CdsrNpOptions { HiddenSize = 16, DomainLength = 5, MaxLength = 12, SupportSize = 8 }, data.ItemCount);
        m.Attach(data);
        m.eval();
        return m;
    }

    [TestCase("sasrec")]
    [TestCase("gru4rec")]
    [TestCase("cdsrnp")]
    public void A_history_of_padding_only_scores_finite_and_like_the_eager_model(string name)
    {
        using var model = Model(name);
        using var session = OnnxSession.FromModel(RecommenderOnnx.Export(model, new RecommenderProvenance { Model = name }));
        int L = model.MaxLength;
        var hist = new long[2 * L];                                // row 0 all padding, row 1 one item
        hist[2 * L - 1] = 3;
        var cand = new long[] { 1, 2, 5, 7, 1, 2, 5, 7 };
        var got = session.Run([NamedTensor.Int64("histories", hist, 2, L), NamedTensor.Int64("candidates", cand, 2, 4)])[0].Floats.ToArray();
        Assert.That(got.All(float.IsFinite), Is.True, string.Join(", ", got));
        Assert.That(OnnxTestModels.MaxAbsDiff(got, ExportTestModels.TorchScores(model, hist, cand, 2)), Is.LessThanOrEqualTo(1e-5f));
    }

    [Test]
    public void A_model_without_a_builder_is_refused_by_name()
    {
        using var model = new NoBuilder();
        var e = Assert.Throws<OnnxExportException>(() => RecommenderOnnx.Export(model, new RecommenderProvenance { Model = "nobuilder" }));
        Assert.That(e!.Message, Does.StartWith("no ONNX builder for NoBuilder: add one to Cdsr.Onnx/Export"));
    }
}
