using System.Text.Json.Nodes;
using Cdsr.Trainers.Models;
using Cdsr.Trainers.Training;

namespace Cdsr.Tests.Trainers;

public class OptionsTests
{
    [Test]
    public void Overrides_parse_as_the_option_types_and_leave_unknown_keys_to_the_caller()
    {
        var overrides = new Dictionary<string, string> { ["hidden-size"] = "64", ["Dropout"] = "0.25", ["loss"] = "cross_entropy", ["epochs"] = "3" };
        var (gru, rest) = OptionsJson.Apply(new Gru4RecOptions(), overrides, "gru4rec options");
        Assert.That(gru, Is.EqualTo(new Gru4RecOptions { HiddenSize = 64, Dropout = 0.25, Loss = Gru4RecLoss.CrossEntropy }));
        Assert.That(rest.Keys, Is.EqualTo(new[] { "epochs" }));
        var (trainer, none) = OptionsJson.Apply(new TrainerOptions(), rest, "trainer options");
        Assert.That(trainer.Epochs, Is.EqualTo(3));
        Assert.That(none, Is.Empty);
        var (withKs, _) = OptionsJson.Apply(new TrainerOptions(), new Dictionary<string, string> { ["cutoffs"] = "5,20", ["select_metric"] = "HR@20" }, "trainer");
        Assert.That(withKs.Cutoffs, Is.EqualTo(new[] { 5, 20 }));
        Assert.DoesNotThrow(withKs.Validate);
    }

    [Test]
    public void Bad_values_and_unknown_keys_in_json_are_errors_naming_the_key()
    {
        var e = Assert.Throws<ArgumentException>(() => OptionsJson.Apply(new SasRecOptions(), new Dictionary<string, string> { ["blocks"] = "1.5" }, "sasrec options"));
        Assert.That(e!.Message, Does.StartWith("sasrec options:").And.Contain("blocks"));
        e = Assert.Throws<ArgumentException>(() => OptionsJson.Apply(new Gru4RecOptions(), new Dictionary<string, string> { ["loss"] = "hinge" }, "gru4rec options"));
        Assert.That(e!.Message, Does.Contain("loss"));
        var json = OptionsJson.Write(new SasRecOptions());
        json["colour"] = "blue";
        e = Assert.Throws<ArgumentException>(() => ModelCatalog.Get("sasrec").ReadOptions(json));
        Assert.That(e!.Message, Does.Contain("colour"));
        e = Assert.Throws<ArgumentException>(() => new SasRecOptions { Heads = 3 }.Validate());
        Assert.That(e!.Message, Is.EqualTo("sasrec: heads must divide hidden_size 128, got 3"));
    }

    [Test]
    public void Options_round_trip_through_json_with_snake_case_keys()
    {
        var o = new SasRecOptions { HiddenSize = 48, Blocks = 3 };
        var json = OptionsJson.Write(o);
        Assert.That(json.Select(kv => kv.Key), Is.EqualTo(new[] { "hidden_size", "blocks", "heads", "dropout", "max_length", "layer_norm_eps" }));
        Assert.That(ModelCatalog.Get("SASRec").ReadOptions(JsonNode.Parse(json.ToJsonString())!.AsObject()), Is.EqualTo(o));
    }
}
