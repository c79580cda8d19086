using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cdsr.Trainers.Data;
using Cdsr.Trainers.Evaluation;
using Cdsr.Trainers.Models;

namespace Cdsr.Trainers.Training;

/// <summary>A run folder that is missing, corrupt or does not fit the data it is used with. The message is one line
/// naming the file and the problem.</summary>
public sealed class CdsrRunException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>What a run trains: model and options, trainer options, sequence view and the dataset it was trained on
/// (path, name and content hash). Persisted as config.json.</summary>
public sealed record RunConfig(string Model, ISequentialModelOptions ModelOptions, TrainerOptions Trainer, SequenceView View,
    string DataPath, string DataName, string DataHash)
{
    public const string Format = "cdsr-run";
    public const int Version = 1;

    public JsonObject ToJson() => new()
    {
        ["format"] = Format,
        ["version"] = Version,
        ["model"] = Model,
        ["view"] = View.Name(),
        ["data"] = new JsonObject { ["path"] = DataPath, ["name"] = DataName, ["content_hash"] = DataHash },
        ["model_options"] = OptionsJson.Write(ModelOptions),
        ["trainer"] = OptionsJson.Write(Trainer),
    };

    /// <summary>Parses config.json; every problem is a <see cref="CdsrRunException"/> naming <paramref name="path"/>.</summary>
    public static RunConfig FromJson(JsonObject o, string path)
    {
        try
        {
            string Str(JsonNode? n, string field) => n?.GetValue<string>() ?? throw new FormatException($"missing field '{field}'");
            if (Str(o["format"], "format") != Format) throw new FormatException($"'format' is not '{Format}'");
            int version = o["version"]?.GetValue<int>() ?? throw new FormatException("missing field 'version'");
            if (version != Version) throw new FormatException($"version {version} is not supported (this build reads {Version})");
            var spec = ModelCatalog.Get(Str(o["model"], "model"));
            var view = SequenceViews.Parse(Str(o["view"], "view"));
            var data = o["data"] as JsonObject ?? throw new FormatException("missing object 'data'");
            var modelOptions = spec.ReadOptions(o["model_options"] as JsonObject ?? throw new FormatException("missing object 'model_options'"));
            var trainer = OptionsJson.Read<TrainerOptions>(o["trainer"] as JsonObject ?? throw new FormatException("missing object 'trainer'"),
                typeof(TrainerOptions), "trainer options");
            return new RunConfig(spec.Name, modelOptions, trainer, view, Str(data["path"], "data.path"), Str(data["name"], "data.name"),
                Str(data["content_hash"], "data.content_hash"));
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or JsonException)
        {
            throw new CdsrRunException($"{path}: {e.Message.Split('\n')[0]}", e);
        }
    }
}

/// <summary>
/// The files of one run:
/// <code>
/// config.json                    RunConfig (format cdsr-run, version 1)
/// metrics.jsonl                  one JSON object per epoch ({"epoch", "loss", "seconds", "valid"?}), then {"event": "test", ...}
/// checkpoints/last.safetensors   weights + optimizer + RNG + trainer state after the latest epoch (atomic)
/// checkpoints/best.safetensors   weights of the best validation epoch
/// result.json                    best epoch, stop reason, valid and test metrics of the best checkpoint
/// evaluations/NAME.json          'cdsr evaluate --save NAME': the best checkpoint scored again (e.g. on other candidates)
/// </code>
/// </summary>
public sealed class RunFolder(string directory)
{
    public string Directory { get; } = Path.GetFullPath(directory);
    public string ConfigPath => Path.Combine(Directory, "config.json");
    public string MetricsPath => Path.Combine(Directory, "metrics.jsonl");
    public string ResultPath => Path.Combine(Directory, "result.json");
    public string CheckpointDirectory => Path.Combine(Directory, "checkpoints");
    public string LastCheckpoint => Path.Combine(CheckpointDirectory, "last.safetensors");
    public string BestCheckpoint => Path.Combine(CheckpointDirectory, "best.safetensors");

    /// <summary>Creates the folder and writes config.json; refuses a folder that already holds a run.</summary>
    public void Create(RunConfig config)
    {
        if (File.Exists(ConfigPath)) throw new CdsrRunException($"{Directory}: already holds a run (config.json); use --resume or another --out");
        System.IO.Directory.CreateDirectory(CheckpointDirectory);
        WriteAtomic(ConfigPath, config.ToJson().ToJsonString(OptionsJson.Settings));
        File.WriteAllText(MetricsPath, "");
    }

    /// <summary>Path of the saved evaluation <paramref name="name"/> (letters, digits, '.', '-', '_').</summary>
    public string EvaluationPath(string name)
    {
        if (name.Length == 0 || name.Length > 100 || name.StartsWith('.') || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
            throw new CdsrRunException($"evaluation name '{name}': use 1-100 letters, digits, '.', '-' or '_', not starting with '.'");
        return Path.Combine(Directory, "evaluations", name + ".json");
    }

    /// <summary>Writes a saved evaluation: the result plus what it was scored on.</summary>
    public void WriteEvaluation(string name, JsonObject evaluation)
    {
        var path = EvaluationPath(name);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        WriteAtomic(path, evaluation.ToJsonString(OptionsJson.Settings));
    }

    public JsonObject ReadEvaluation(string name)
    {
        var path = EvaluationPath(name);
        if (!File.Exists(path)) throw new CdsrRunException($"{path}: file not found (no evaluation saved as '{name}': 'cdsr evaluate --run {Directory} --save {name}' writes it)");
        return ReadObject(path);
    }

    public RunConfig ReadConfig()
    {
        if (!System.IO.Directory.Exists(Directory)) throw new CdsrRunException($"{Directory}: run folder not found");
        if (!File.Exists(ConfigPath)) throw new CdsrRunException($"{ConfigPath}: file not found (not a run folder written by 'cdsr train')");
        return RunConfig.FromJson(ReadObject(ConfigPath), ConfigPath);
    }

    public void AppendMetrics(JsonObject line)
    {
        using var w = File.AppendText(MetricsPath);
        w.WriteLine(line.ToJsonString());
    }

    /// <summary>Keeps only the epoch lines of metrics.jsonl up to <paramref name="epoch"/> (a resumed run rewrites later ones).</summary>
    public void TruncateMetrics(int epoch)
    {
        if (!File.Exists(MetricsPath)) { File.WriteAllText(MetricsPath, ""); return; }
        var keep = new List<string>();
        int lineNo = 0;
        foreach (var line in File.ReadLines(MetricsPath))
        {
            lineNo++;
            if (line.Length == 0) continue;
            JsonObject o;
            try { o = JsonNode.Parse(line)?.AsObject() ?? throw new JsonException("null"); }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                // A line cut by a kill mid-write can only be the last one.
                if (lineNo == File.ReadLines(MetricsPath).Count()) break;
                throw new CdsrRunException($"{MetricsPath}:{lineNo}: invalid JSON line");
            }
            if (o["epoch"] is JsonNode e2 && e2.GetValue<int>() <= epoch && o["event"] is null) keep.Add(line);
        }
        WriteAtomic(MetricsPath, keep.Count == 0 ? "" : string.Join('\n', keep) + "\n");
    }

    /// <summary>Epoch lines of metrics.jsonl.</summary>
    public List<JsonObject> ReadMetrics()
    {
        var result = new List<JsonObject>();
        if (!File.Exists(MetricsPath)) return result;
        int lineNo = 0;
        foreach (var line in File.ReadLines(MetricsPath))
        {
            lineNo++;
            if (line.Length == 0) continue;
            try { result.Add(JsonNode.Parse(line)?.AsObject() ?? throw new JsonException("null")); }
            catch (Exception e) when (e is JsonException or InvalidOperationException) { throw new CdsrRunException($"{MetricsPath}:{lineNo}: invalid JSON line"); }
        }
        return result;
    }

    public void WriteResult(JsonObject result) => WriteAtomic(ResultPath, result.ToJsonString(OptionsJson.Settings));

    public JsonObject ReadResult()
    {
        if (!File.Exists(ResultPath)) throw new CdsrRunException($"{ResultPath}: file not found (the run has not finished; 'cdsr train --resume' completes it)");
        return ReadObject(ResultPath);
    }

    private static JsonObject ReadObject(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new CdsrRunException($"{path}: not a JSON object");
        }
        catch (JsonException e)
        {
            throw new CdsrRunException($"{path}:{(e.LineNumber ?? 0) + 1}: invalid JSON: {e.Message.Split('\n')[0]}");
        }
    }

    internal static void WriteAtomic(string path, string text)
    {
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, text);
        File.Move(tmp, path, overwrite: true);
    }

    internal static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
