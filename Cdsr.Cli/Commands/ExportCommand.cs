using System.CommandLine;
using Cdsr.Onnx.Export;
using Cdsr.Onnx.Recommenders;
using Cdsr.Trainers.Serialization;
using Cdsr.Trainers.Models;
using Cdsr.Trainers.Training;

namespace Cdsr.Cli.Commands;

/// <summary><c>cdsr export --run RUN --out model.onnx [--data DATASET]</c>: traces the run's best checkpoint's own Score
/// and writes it as an ONNX scorer (inputs histories [batch, L], candidates [batch, C]; output scores [batch, C]; see
/// Cdsr.Onnx/README.md). The dataset (default: the run's) gives the item count and must match the run's content hash.</summary>
public static class ExportCommand
{
    public static Command Create(CliContext context)
    {
        var run = new Option<DirectoryInfo>("--run") { Description = "Run folder written by 'cdsr train'", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "ONNX file to write", Required = true };
        var data = new Option<DirectoryInfo?>("--data") { Description = "Dataset folder (default: the one the run was trained on; its content must match)" };
        var cmd = new Command("export", "Export a run's best checkpoint as an ONNX scorer for ONNX Runtime");
        foreach (var o in new Option[] { run, output, data }) cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            var folder = new RunFolder(p.GetValue(run)!.FullName);
            var config = TrainCommand.Guard(folder.ReadConfig);
            var dataset = TrainCommand.ReadDataset(p.GetValue(data)?.FullName ?? config.DataPath);
            TrainCommand.Guard(() => { Trainer.CheckDataset(config, dataset); return 0; });
            if (!File.Exists(folder.BestCheckpoint)) throw new CliException($"{folder.BestCheckpoint}: file not found (no validated checkpoint yet)");
            var spec = ModelCatalog.Get(config.Model);
            using var model = TrainCommand.Guard(() => spec.Create(config.ModelOptions, dataset.SharedItemCount));
            TrainCommand.Guard(() => Checkpoint.Load(folder.BestCheckpoint, model, restore_rng: false));
            var path = p.GetValue(output)!.FullName;
            try
            {
                var onnx = RecommenderOnnx.Export(model, verify: false, provenance: new RecommenderProvenance
                {
                    Model = config.Model, Dataset = config.DataName, DatasetHash = config.DataHash, Run = folder.Directory,
                    ItemIds = ExternalIds(dataset),
                });
                var diff = RecommenderOnnx.Verify(model, onnx);
                onnx.Save(path);
                context.Out.WriteLine($"{config.Model} ({config.DataName}, {dataset.SharedItemCount} items, L = {model.MaxLength}) -> {path} " +
                                      $"({new FileInfo(path).Length:N0} bytes, {onnx.Nodes.Count} nodes, {onnx.Initializers.Count} initializers); " +
                                      $"ONNX Runtime vs libtorch on fresh batches: max |diff| = {diff:G3}");
            }
            catch (Exception e) when (e is OnnxExportException or Cdsr.Onnx.Runtime.OnnxRuntimeException or IOException or UnauthorizedAccessException)
            {
                throw new CliException($"export of {config.Model} failed: {e.Message.ReplaceLineEndings(" ")}");
            }
            return 0;
        });
        return cmd;
    }

    /// <summary>Each shared item id's original id (ASIN, source id), or null when an item has none.</summary>
    private static string[]? ExternalIds(Cdsr.Data.Model.CdsrDataset dataset)
    {
        var ids = new string[dataset.SharedItemCount];
        for (int s = 1; s <= ids.Length; s++)
        {
            var (domain, item) = dataset.FromSharedId(s);
            if (dataset.Vocabulary(domain)[item].OriginalId is not { } id) return null;
            ids[s - 1] = id;
        }
        return ids;
    }
}
