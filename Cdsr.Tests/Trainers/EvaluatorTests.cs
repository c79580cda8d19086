using Cdsr.Data;
using Cdsr.Data.Evaluation;
using Cdsr.Data.Model;
using Cdsr.Trainers.Data;
using Cdsr.Trainers.Evaluation;
using Cdsr.Trainers.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Tests.Trainers;

/// <summary>Scores every item by a fixed table, whatever the history: ranks can be worked out by hand.</summary>
internal sealed class FixedScoreModel : SequentialRecommender
{
    private readonly Tensor table;

    public FixedScoreModel(float[] scoresBySharedId, int maxLength) : base(nameof(FixedScoreModel), scoresBySharedId.Length - 1, maxLength)
    {
        table = tensor(scoresBySharedId).DetachFromDisposeScope();
        register_buffer("table", table);
    }

    public override Tensor Encode(Tensor items) => zeros(items.size(0), items.size(1), 1);
    public override Tensor ItemEmbeddings(Tensor items) => table.index_select(0, items.flatten()).reshape([.. items.shape, 1]);
    public override Tensor Loss(TrainBatch batch) => zeros(1).sum();

    public override Tensor Score(Tensor histories, Tensor candidates)
    {
        using var scope = NewDisposeScope();
        var s = table.index_select(0, candidates.flatten()).reshape(candidates.shape);
        if (candidates.dim() == 1) s = s.unsqueeze(0).expand(histories.size(0), candidates.size(0));
        return s.contiguous().MoveToOuterDisposeScope();
    }
}

public class EvaluatorTests
{
    private static Interaction A(int item, long t) => new(t, item, Domain.A);
    private static Interaction B(int item, long t) => new(t, item, Domain.B);

    // Shared ids: Food 1..5, Kitchen 6..9.  Food scores 0.5 0.9 0.1 0.7 0.3; Kitchen 0.2 0.8 0.8 0.4.
    private static readonly float[] Scores = [0f, 0.5f, 0.9f, 0.1f, 0.7f, 0.3f, 0.2f, 0.8f, 0.8f, 0.4f];

    /// <summary>Four test users (target = last item) with hand-written candidate rows of 2 negatives:
    /// u0 A1 A2 [A3]  row A3 | A1 A5 -> 0.1 below 0.5, 0.3: rank 2
    /// u1 A3 A1 [A2]  row A2 | A4 A5 -> 0.9 above both:     rank 0
    /// u2 B1 [B2]     row B2 | B3 B4 -> 0.8 ties B3 (pessimistic), above B4: rank 1
    /// u3 A1 B4 [B1]  row B1 | B2 B4 -> 0.2 below 0.8, 0.4: rank 2</summary>
    private static CdsrDataset Fixture()
    {
        var b = new DatasetBuilder("fixture", "test", TimeKind.UnixSeconds) { DomainA = TinyDatasets.Vocab("Food", 5), DomainB = TinyDatasets.Vocab("Kitchen", 4) };
        b.AddUser("u0", [A(1, 1), A(2, 2), A(3, 3)]);
        b.AddUser("u1", [A(3, 1), A(1, 2), A(2, 3)]);
        b.AddUser("u2", [B(1, 1), B(2, 2)]);
        b.AddUser("u3", [A(1, 1), B(4, 2), B(1, 3)]);
        b.AddInstance(new Instance(0, 2, 2, SplitPart.Test));
        b.AddInstance(new Instance(1, 2, 2, SplitPart.Test));
        b.AddInstance(new Instance(2, 1, 1, SplitPart.Test));
        b.AddInstance(new Instance(3, 2, 2, SplitPart.Test));
        var data = b.Build();
        return data.WithCandidates(new CandidateSets(2, NegativeExclusion.Target, 0, "hand", [0, 1, 2, 3], [3, 1, 5, 2, 4, 5, 2, 3, 4, 1, 2, 4]));
    }

    private static double Log2(double x) => Math.Log(x) / Math.Log(2);

    [Test]
    public void Sampled_metrics_per_domain_match_hand_computed_ranks()
    {
        using var model = new FixedScoreModel(Scores, 4);
        var data = SequenceData.Build(Fixture(), SequenceView.Mixed, 4);
        var r = Evaluator.Evaluate(model, data, SplitPart.Test, new EvaluationOptions { Cutoffs = [1, 2] });
        Assert.That(r.Mode, Is.EqualTo("2 negatives"));
        var food = r.PerDomain["Food"];
        var kitchen = r.PerDomain["Kitchen"];
        Assert.That((food.Count, kitchen.Count, r.Overall.Count), Is.EqualTo((2L, 2L, 4L)));
        // Food ranks {2, 0}; Kitchen ranks {1, 2}.
        Assert.That(food["HR@1"], Is.EqualTo(0.5));
        Assert.That(food["HR@2"], Is.EqualTo(0.5));
        Assert.That(food["NDCG@2"], Is.EqualTo(0.5));
        Assert.That(food["MRR"], Is.EqualTo((1.0 / 3 + 1) / 2).Within(1e-12));
        Assert.That(kitchen["HR@1"], Is.EqualTo(0.0));
        Assert.That(kitchen["HR@2"], Is.EqualTo(0.5));
        Assert.That(kitchen["NDCG@2"], Is.EqualTo(1 / Log2(3) / 2).Within(1e-12));
        Assert.That(kitchen["MRR"], Is.EqualTo((0.5 + 1.0 / 3) / 2).Within(1e-12));
        Assert.That(r.Overall["MRR"], Is.EqualTo((1.0 / 3 + 1 + 0.5 + 1.0 / 3) / 4).Within(1e-12));
        Assert.That(r.Overall["HR@2"], Is.EqualTo(0.5));
    }

    [Test]
    public void User_groups_split_each_domain_by_whether_the_history_touches_the_other_domain()
    {
        using var model = new FixedScoreModel(Scores, 4);
        // u0, u1: Food targets, Food-only histories; u2: Kitchen, Kitchen-only; u3: Kitchen target after A1 and B4.
        foreach (var view in new[] { SequenceView.Mixed, SequenceView.B })
        {
            var r = Evaluator.Evaluate(model, SequenceData.Build(Fixture(), view, 4), SplitPart.Test, new EvaluationOptions { Cutoffs = [2] });
            var g = r.UserGroups!;
            // u3 counts as overlapped under view B too, although the model only sees its Kitchen item B4.
            Assert.That(g["Kitchen, single-domain users"].Count, Is.EqualTo(1), view.Name());
            Assert.That(g["Kitchen, single-domain users"]["HR@2"], Is.EqualTo(1.0), "u2 ranks 1");
            Assert.That(g["Kitchen, overlapped users"].Count, Is.EqualTo(1));
            Assert.That(g["Kitchen, overlapped users"]["HR@2"], Is.EqualTo(0.0), "u3 ranks 2");
            Assert.That(g.ContainsKey("Food, overlapped users"), Is.False, "empty groups are left out");
            if (view == SequenceView.Mixed)
            {
                Assert.That(g["Food, single-domain users"].Count, Is.EqualTo(2));
                Assert.That(g["Food, single-domain users"]["MRR"], Is.EqualTo(r.PerDomain["Food"]["MRR"]));
            }
            else Assert.That(g.Keys.Any(k => k.StartsWith("Food")), Is.False, "view B evaluates Kitchen targets only");
            var back = EvaluationResult.FromJson(r.ToJson());
            Assert.That(back.UserGroups!.Keys, Is.EquivalentTo(g.Keys));
            Assert.That(r.Format(), Does.Contain("Kitchen, overlapped users"));
        }
    }

    [Test]
    public void Full_ranking_ranks_against_the_whole_target_domain()
    {
        // Target exclusion: u0 0.1 below all 4 other Food items (rank 4); u1 rank 0; u2 0.8 ties B3, above 0.2 and 0.4
        // (rank 1); u3 0.2 below 0.8, 0.8, 0.4 (rank 3).
        using var model = new FixedScoreModel(Scores, 4);
        var data = SequenceData.Build(Fixture(), SequenceView.Mixed, 4);
        var r = Evaluator.Evaluate(model, data, SplitPart.Test, new EvaluationOptions { Cutoffs = [1, 5], Negatives = 0 });
        Assert.That(r.Mode, Is.EqualTo("full"));
        Assert.That(r.PerDomain["Food"]["MRR"], Is.EqualTo((0.2 + 1) / 2).Within(1e-12));
        Assert.That(r.PerDomain["Kitchen"]["MRR"], Is.EqualTo((0.5 + 0.25) / 2).Within(1e-12));
        Assert.That(r.PerDomain["Food"]["NDCG@5"], Is.EqualTo((1 / Log2(6) + 1) / 2).Within(1e-12));
        Assert.That(r.PerDomain["Kitchen"]["HR@1"], Is.EqualTo(0.0));
    }

    [Test]
    public void Full_ranking_under_history_exclusion_drops_the_users_other_items()
    {
        var d = Fixture();
        d = d.WithCandidates(new CandidateSets(0, NegativeExclusion.History, 0, "full", [0, 1, 2, 3], []));
        // u0: A1, A2 excluded -> competitors A4 0.7, A5 0.3: rank 2.  u3: B4 excluded -> B2, B3 (0.8): rank 2.
        using var model = new FixedScoreModel(Scores, 4);
        var r = Evaluator.Evaluate(model, SequenceData.Build(d, SequenceView.Mixed, 4), SplitPart.Test, new EvaluationOptions { Cutoffs = [1], Negatives = 0 });
        Assert.That(r.PerDomain["Food"]["MRR"], Is.EqualTo((1.0 / 3 + 1) / 2).Within(1e-12));
        Assert.That(r.PerDomain["Kitchen"]["MRR"], Is.EqualTo((0.5 + 1.0 / 3) / 2).Within(1e-12));
    }

    [Test]
    public void Single_domain_view_reports_only_its_targets_and_fewer_negatives_take_a_prefix()
    {
        using var model = new FixedScoreModel(Scores, 4);
        var data = SequenceData.Build(Fixture(), SequenceView.B, 4);
        // One negative per row: u2 row B2 | B3 -> tie -> rank 1; u3 row B1 | B2 -> rank 1.
        var r = Evaluator.Evaluate(model, data, SplitPart.Test, new EvaluationOptions { Cutoffs = [1], Negatives = 1 });
        Assert.That(r.PerDomain.Keys, Is.EqualTo(new[] { "Kitchen" }));
        Assert.That(r.Overall.Count, Is.EqualTo(2));
        Assert.That(r.Overall["MRR"], Is.EqualTo(0.5));
        Assert.That(r.Mode, Is.EqualTo("1 negatives"));
    }

    [Test]
    public void Asking_for_more_negatives_than_stored_or_a_missing_candidate_set_is_an_error()
    {
        using var model = new FixedScoreModel(Scores, 4);
        var data = SequenceData.Build(Fixture(), SequenceView.Mixed, 4);
        var e = Assert.Throws<CdsrDataException>(() => Evaluator.Evaluate(model, data, SplitPart.Test, new EvaluationOptions { Negatives = 999 }));
        Assert.That(e!.Message, Does.Contain("stores 2 negatives per instance, fewer than the 999 asked for"));
        var bare = SequenceData.Build(Fixture().WithCandidates(null), SequenceView.Mixed, 4);
        e = Assert.Throws<CdsrDataException>(() => Evaluator.Evaluate(model, bare, SplitPart.Test));
        Assert.That(e!.Message, Does.Contain("has no persisted sampled candidate sets"));
    }

    [Test]
    public void Results_round_trip_through_json()
    {
        using var model = new FixedScoreModel(Scores, 4);
        var r = Evaluator.Evaluate(model, SequenceData.Build(Fixture(), SequenceView.Mixed, 4), SplitPart.Test);
        var back = EvaluationResult.FromJson(System.Text.Json.Nodes.JsonNode.Parse(r.ToJson().ToJsonString())!.AsObject());
        Assert.That(back.Overall.Values, Is.EqualTo(r.Overall.Values));
        Assert.That(back.PerDomain["Kitchen"].Values, Is.EqualTo(r.PerDomain["Kitchen"].Values));
        Assert.That(r.Format(), Does.Contain("Kitchen").And.Contain("NDCG@10"));
    }
}
