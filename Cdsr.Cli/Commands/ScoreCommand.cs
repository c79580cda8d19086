using System.CommandLine;
using System.Text.Json;
using Cdsr.Onnx.Recommenders;
using Cdsr.Onnx.Runtime;

namespace Cdsr.Cli.Commands;

/// <summary>
/// <c>cdsr score --model model.onnx --input histories.jsonl|- [--candidates all|FILE] [--top 10] [--out FILE|-] [--device cpu|cuda]</c>:
/// scores JSON lines with an exported model through ONNX Runtime. Each input line is
/// <c>{"user": "u1", "history": [ids], "candidates": [ids]}</c>; each output line
/// <c>{"user": "u1", "top": [{"item": id, "score": s}, ...]}</c> (see <see cref="JsonLinesScorer"/>). "-" reads stdin / writes
/// stdout, so it works in a pipe. --candidates gives candidates to lines without their own: "all" (every item) or a file
/// holding one JSON array of ids. The first bad line stops with a one-line error naming the line, the field and the id.
/// --device cuda runs on ONNX Runtime's CUDA execution provider; where it cannot (a build without
/// Microsoft.ML.OnnxRuntime.Gpu, no CUDA libraries, no GPU) it stops with a one-line error saying which, rather than
/// scoring on the CPU behind the user's back. The provider in use is printed to stderr either way.
/// </summary>
public static class ScoreCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "ONNX file written by 'cdsr export'", Required = true };
        var input = new Option<string>("--input") { Description = "JSON lines of requests, or - for stdin", Required = true };
        var candidates = new Option<string?>("--candidates") { Description = "Candidates for lines without their own: all, or a file holding one JSON array of item ids" };
        var top = new Option<int>("--top") { Description = "Items per answer", DefaultValueFactory = _ => 10 };
        var output = new Option<string>("--out") { Description = "Where answers go: a file, or - for stdout", DefaultValueFactory = _ => "-" };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads (0 = its default)", DefaultValueFactory = _ => 0 };
        var device = new Option<string>("--device")
        {
            Description = "Where ONNX Runtime scores: cpu, or cuda (needs a build with -p:CdsrCuda=true, the CUDA 13 libraries and a GPU)",
            DefaultValueFactory = _ => "cpu",
        };
        device.AcceptOnlyFromAmong("cpu", "cuda");
        var eachLine = new Option<bool>("--each-line") { Description = "Answer and flush every line at once (a client sending one request and waiting); default: batch consecutive lines" };
        var cmd = new Command("score", "Score users' histories with an exported ONNX model (JSON lines in, JSON lines out)");
        foreach (var o in new Option[] { model, input, candidates, top, output, threads, device, eachLine }) cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            int k = p.GetValue(top);
            if (k < 1) throw new CliException($"--top: must be >= 1, got {k}", 2);
            if (p.GetValue(threads) < 0) throw new CliException($"--threads: must be >= 0, got {p.GetValue(threads)}", 2);
            string inPath = p.GetValue(input)!, outPath = p.GetValue(output)!;
            if (inPath != "-" && !File.Exists(inPath)) throw new CliException($"{inPath}: file not found");
            OnnxRecommender recommender;
            try
            {
                var provider = p.GetValue(device) == "cuda" ? OnnxExecutionProvider.Cuda : OnnxExecutionProvider.Cpu;
                recommender = OnnxRecommender.Load(p.GetValue(model)!, new OnnxSessionOptions { IntraOpThreads = p.GetValue(threads), Provider = provider });
            }
            catch (Exception e) when (e is OnnxRecommenderException or OnnxRuntimeException)
            {
                throw new CliException(e.Message.ReplaceLineEndings(" "));
            }
            using (recommender)
            {
                context.Error.WriteLine($"cdsr score: {recommender.Model}, {recommender.ItemCount} items, L = {recommender.MaxLength}; {recommender.ProviderMessage}");
                try
                {
                    var scorer = new JsonLinesScorer(recommender) { Top = k, AnswerEachLine = p.GetValue(eachLine), SharedCandidates = ReadCandidates(p.GetValue(candidates), recommender) };
                    using var reader = inPath == "-" ? null : new StreamReader(inPath);
                    using var writer = outPath == "-" ? null : new StreamWriter(outPath);
                    scorer.Run(reader ?? Console.In, writer ?? context.Out);
                }
                catch (Exception e) when (e is OnnxRecommenderException or OnnxRuntimeException)
                {
                    throw new CliException($"{(inPath == "-" ? "stdin" : inPath)}: {e.Message.ReplaceLineEndings(" ")}");
                }
            }
            return 0;
        });
        return cmd;
    }

    private static long[]? ReadCandidates(string? spec, OnnxRecommender model)
    {
        if (spec is null) return null;
        if (spec == "all") return JsonLinesScorer.AllItems(model);
        if (!File.Exists(spec)) throw new CliException($"--candidates: {spec}: file not found (give 'all' or a file holding one JSON array of item ids)", 2);
        try
        {
            var ids = JsonSerializer.Deserialize<long[]>(File.ReadAllText(spec)) ?? throw new JsonException("null");
            if (ids.Length == 0) throw new CliException($"--candidates: {spec}: the list is empty");
            return ids;
        }
        catch (JsonException e)
        {
            throw new CliException($"--candidates: {spec}: expected one JSON array of integer item ids: {e.Message.Split('\n')[0]}");
        }
    }
}
