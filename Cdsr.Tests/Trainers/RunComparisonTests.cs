using Cdsr.Trainers.Data;
using Cdsr.Trainers.Evaluation;
using Cdsr.Trainers.Models;
using Cdsr.Trainers.Runs;
using Cdsr.Trainers.Training;

namespace Cdsr.Tests.Trainers;

public class RunComparisonTests
{
    private static RunSummary Run(string model, long seed, double foodNdcg, double kitchenNdcg)
    {
        ISequentialModelOptions options = model == "sasrec" ? new SasRecOptions() : new Gru4RecOptions();
        var config = new RunConfig(model, options, new TrainerOptions { Seed = seed }, SequenceView.Mixed, "/data", "fk", "abcdef0123456789");
        MetricSet Set(double v) => new(10, new Dictionary<string, double> { ["NDCG@10"] = v, ["HR@10"] = 2 * v, ["MRR"] = v / 2 });
        var test = new EvaluationResult("test", "999 negatives", Set((foodNdcg + kitchenNdcg) / 2),
            new Dictionary<string, MetricSet> { ["Food"] = Set(foodNdcg), ["Kitchen"] = Set(kitchenNdcg) });
        return new RunSummary($"/runs/{model}{seed}", config, seed, 1, test, test);
    }

    [Test]
    public void Rows_are_models_and_cells_are_mean_and_sample_std_over_seeds()
    {
        var table = RunComparison.Build([Run("sasrec", 1, 0.02, 0.04), Run("sasrec", 2, 0.04, 0.05), Run("sasrec", 3, 0.03, 0.06), Run("gru4rec", 1, 0.01, 0.02)],
            ["NDCG@10", "HR@10"]);
        Assert.That(table.Domains, Is.EqualTo(new[] { "Food", "Kitchen" }));
        Assert.That(table.Rows.Select(r => (r.Label, r.Runs)), Is.EqualTo(new[] { ("sasrec (mixed)", 3), ("gru4rec (mixed)", 1) }));
        var food = table.Rows[0].Cells[("Food", "NDCG@10")];
        Assert.That(food.Mean, Is.EqualTo(0.03).Within(1e-12));
        Assert.That(food.Std, Is.EqualTo(0.01).Within(1e-12), "sample std of 0.02, 0.04, 0.03");
        Assert.That(table.Rows[1].Cells[("Kitchen", "HR@10")], Is.EqualTo((0.04, 0.0, 1)));
        var text = table.Format();
        var sasrecLine = text.Split('\n').Single(l => l.StartsWith("| sasrec (mixed)"));
        Assert.That(sasrecLine, Does.Contain("3.00 ± 1.00"), "Food NDCG@10 in percent");
        Assert.That(text, Does.Contain("Kitchen HR@10"));
        var gruLine = text.Split('\n').Single(l => l.StartsWith("| gru4rec (mixed)"));
        Assert.That(gruLine, Does.EndWith(" 4.00 |").And.Not.Contain("±"), "one run has no spread to show");
    }

    [Test]
    public void Runs_of_one_model_with_other_settings_get_their_own_row_named_by_the_difference()
    {
        var plain = new[] { Run("sasrec", 1, 0.02, 0.04), Run("sasrec", 2, 0.04, 0.06) };
        RunSummary Variant(long seed, double v)
        {
            var r = Run("sasrec", seed, v, v);
            return r with { Config = r.Config with { ModelOptions = new SasRecOptions { Dropout = 0.3 }, Trainer = r.Config.Trainer with { LearningRate = 1e-4, TraceTest = true } } };
        }
        var table = RunComparison.Build([.. plain, Variant(1, 0.01), Variant(2, 0.03), Run("gru4rec", 1, 0.01, 0.02)], ["NDCG@10"]);
        Assert.That(table.Rows.Select(r => (r.Label, r.Runs)), Is.EqualTo(new[]
        {
            ("sasrec (mixed)", 2),
            ("sasrec (mixed) dropout=0.3, trainer.learning_rate=0.0001", 2),
            ("gru4rec (mixed)", 1),
        }), "seed and trace_test do not split a row; dropout and learning rate do, and only the non-default side names them");
        Assert.That(table.Rows[1].Cells[("Food", "NDCG@10")].Mean, Is.EqualTo(0.02).Within(1e-12));
    }

    [Test]
    public void Test_max_table_reads_the_traced_maximum_and_refuses_runs_without_it()
    {
        var plain = Run("sasrec", 1, 0.02, 0.04);
        MetricSet Set(double v) => new(10, new Dictionary<string, double> { ["NDCG@10"] = v, ["HR@10"] = 2 * v, ["MRR"] = v / 2 });
        var max = new EvaluationResult("test", "999 negatives, max over epochs", Set(0.05),
            new Dictionary<string, MetricSet> { ["Food"] = Set(0.03), ["Kitchen"] = Set(0.07) });
        var traced = plain with { TestMaxOverEpochs = max };
        var table = RunComparison.Build([traced], ["NDCG@10"], ComparedSplit.TestMaxOverEpochs);
        Assert.That(table.Rows[0].Cells[("Kitchen", "NDCG@10")].Mean, Is.EqualTo(0.07));
        Assert.That(RunComparison.Build([traced], ["NDCG@10"], ComparedSplit.Test).Rows[0].Cells[("Kitchen", "NDCG@10")].Mean, Is.EqualTo(0.04));
        var e = Assert.Throws<CdsrRunException>(() => RunComparison.Build([traced, Run("gru4rec", 2, 0.01, 0.02)], ["NDCG@10"], ComparedSplit.TestMaxOverEpochs));
        Assert.That(e!.Message, Does.Contain("/runs/gru4rec2").And.Contain("trace_test"));
    }

    [Test]
    public void User_group_columns_appear_only_when_asked_for()
    {
        MetricSet Set(double v) => new(10, new Dictionary<string, double> { ["NDCG@10"] = v });
        var run = Run("sasrec", 1, 0.02, 0.04);
        var grouped = run with { Test = run.Test with { UserGroups = new Dictionary<string, MetricSet> { ["Kitchen, single-domain users"] = Set(0.03) } } };
        Assert.That(RunComparison.Build([grouped], ["NDCG@10"], ComparedSplit.Test).Domains, Is.EqualTo(new[] { "Food", "Kitchen" }));
        var table = RunComparison.Build([grouped], ["NDCG@10"], ComparedSplit.Test, userGroups: true);
        Assert.That(table.Domains, Is.EqualTo(new[] { "Food", "Kitchen", "Kitchen, single-domain users" }));
        Assert.That(table.Rows[0].Cells[("Kitchen, single-domain users", "NDCG@10")].Mean, Is.EqualTo(0.03));
        var e = Assert.Throws<CdsrRunException>(() => RunComparison.Build([grouped, Run("gru4rec", 1, 0.01, 0.01)], ["NDCG@10"], ComparedSplit.Test, userGroups: true));
        Assert.That(e!.Message, Does.Contain("/runs/gru4rec1"));
    }
}
