using System.CommandLine;
using System.Text.Json.Nodes;
using Cdsr.Data.Storage;
using Cdsr.Semantics.Caching;
using Cdsr.Semantics.Embeddings;
using Cdsr.Semantics.Features;
using Cdsr.Semantics.Glove;
using Cdsr.Semantics.Onnx;
using Cdsr.Semantics.OpenAi;
using Cdsr.Semantics.Text;

namespace Cdsr.Cli.Commands;

/// <summary>
/// <c>cdsr embed items --provider glove|openai|onnx --data DIR [--out FILE]</c>: renders every item's text, embeds it
/// and writes the item feature file (Parquet: domain, item_id, v0..) plus a JSON sidecar with provider, model and
/// coverage. Items without text (or that the provider cannot embed) are listed, never embedded as empty strings.
/// </summary>
public static class EmbedItemsCommand
{
    public static Command Create(CliContext context)
    {
        var provider = new Option<string>("--provider") { Description = "glove (offline default), openai (OpenAI-compatible server) or onnx (local sentence encoder)", DefaultValueFactory = _ => "glove" };
        provider.AcceptOnlyFromAmong("glove", "openai", "onnx");
        var data = new Option<DirectoryInfo>("--data") { Description = "Dataset folder written by 'cdsr data import'", Required = true };
        var output = new Option<FileInfo?>("--out") { Description = "Feature file to write (default: artifacts/embeddings/<dataset>.<provider>.parquet)" };
        var maxChars = new Option<int>("--max-chars") { Description = "Upper bound on an item's text in characters", DefaultValueFactory = _ => 512 };
        var requireAll = new Option<bool>("--require-full-coverage") { Description = "Exit with an error when any item gets no vector" };
        var cache = new Option<DirectoryInfo?>("--cache") { Description = "Embedding cache folder for openai/onnx (default: $CDSR_CACHE/semantic or ~/.cache/cdsr/semantic)" };
        var endpoint = new Option<string>("--endpoint") { Description = "openai: base URL of the API", DefaultValueFactory = _ => "https://api.openai.com/v1" };
        var model = new Option<string>("--model") { Description = "openai: embedding model", DefaultValueFactory = _ => "text-embedding-3-small" };
        var keyEnv = new Option<string>("--key-env") { Description = "openai: environment variable holding the API key (the key itself is never a flag)", DefaultValueFactory = _ => "OPENAI_API_KEY" };
        var batch = new Option<int>("--batch-size") { Description = "openai: texts per request", DefaultValueFactory = _ => 64 };
        var concurrency = new Option<int>("--concurrency") { Description = "openai: requests in flight", DefaultValueFactory = _ => 4 };
        var modelDir = new Option<DirectoryInfo?>("--model-dir") { Description = "onnx: folder with model.onnx and vocab.txt (a sentence-transformers export)" };
        var cmd = new Command("items", "Embed every item's text into an item feature file and report coverage");
        foreach (var o in new Option[] { provider, data, output, maxChars, requireAll, cache, endpoint, model, keyEnv, batch, concurrency, modelDir }) cmd.Options.Add(o);
        cmd.SetAction(p => EmbedCommand.Guard(() =>
        {
            var dir = p.GetValue(data)!;
            if (!dir.Exists) throw new CliException($"{dir.FullName}: dataset folder not found");
            var dataset = DatasetStore.Read(dir.FullName);
            string prov = p.GetValue(provider)!;
            var semCache = p.GetValue(cache) is { } c ? new SemanticCache(c.FullName) : SemanticCache.Default();
            UsageMeter? meter = null;
            ITextEmbedder embedder;
            IDisposable? owned = null;
            switch (prov)
            {
                case "glove":
                    embedder = new SifEmbedder(GloveStore.Open(context.Error));
                    break;
                case "openai":
                    var oa = new OpenAiEmbedder(new OpenAiOptions
                    {
                        Endpoint = new Uri(p.GetValue(endpoint)!), EmbeddingModel = p.GetValue(model)!, ApiKeyVariable = p.GetValue(keyEnv)!,
                        BatchSize = p.GetValue(batch), MaxConcurrency = p.GetValue(concurrency),
                    });
                    meter = oa.Meter;
                    embedder = new CachedEmbedder(oa, semCache);
                    break;
                default:
                    var md = p.GetValue(modelDir) ?? throw new CliException("--provider onnx needs --model-dir <folder with model.onnx and vocab.txt>", 2);
                    var encoder = OnnxSentenceEncoder.FromDirectory(md.FullName);
                    owned = encoder;
                    context.Error.WriteLine(encoder.ProviderMessage);
                    embedder = new CachedEmbedder(encoder, semCache);
                    break;
            }
            var sw = System.Diagnostics.Stopwatch.StartNew();
            ItemEmbeddingResult result;
            try { result = ItemEmbedding.EmbedAsync(dataset, embedder, new ItemTextOptions { MaxChars = p.GetValue(maxChars) }).GetAwaiter().GetResult(); }
            finally { owned?.Dispose(); }
            string outPath = p.GetValue(output)?.FullName
                ?? Path.GetFullPath(Path.Combine("artifacts", "embeddings", $"{dataset.Name}.{prov}.parquet"));
            ItemFeatureFile.Write(outPath, result.Features);
            var perDomain = new JsonObject();
            foreach (var d in new[] { Cdsr.Data.Model.Domain.A, Cdsr.Data.Model.Domain.B })
            {
                var v = dataset.Vocabulary(d);
                int covered = result.Items.Count(k => k.Domain == d);
                perDomain[v.Name] = new JsonObject { ["items"] = v.Count, ["covered"] = covered };
                context.Out.WriteLine($"{v.Name}: {covered:N0} of {v.Count:N0} items embedded ({100.0 * covered / v.Count:0.00}%)");
            }
            context.Out.WriteLine($"coverage: {result.Covered:N0} of {result.TotalItems:N0} items; {result.Uncovered.Count} without a vector");
            foreach (var u in result.Uncovered.Take(10)) context.Out.WriteLine($"  not embedded: {dataset.Vocabulary(u.Item.Domain).Name} item {u.Item.Item} ({u.Item.OriginalId}): {u.Reason}");
            if (result.Uncovered.Count > 10) context.Out.WriteLine($"  ... and {result.Uncovered.Count - 10} more (all listed in {ItemFeatureFile.SidecarPath(outPath)})");
            ItemFeatureFile.WriteSidecar(outPath, new JsonObject
            {
                ["format"] = "cdsr-item-features", ["version"] = 1, ["dataset"] = dataset.Name, ["dataset_hash"] = DatasetHash(dir.FullName),
                ["provider"] = embedder.Provider, ["model"] = embedder.Model, ["dims"] = result.Features.Vectors.Dims,
                ["text"] = "ItemTextRenderer (title; brand; categories; description)", ["max_chars"] = p.GetValue(maxChars),
                ["rows"] = result.Covered, ["items"] = result.TotalItems, ["domains"] = perDomain,
                ["uncovered"] = new JsonArray(result.Uncovered.Select(u => (JsonNode)new JsonObject
                {
                    ["domain"] = dataset.Vocabulary(u.Item.Domain).Name, ["item"] = u.Item.Item, ["item_id"] = u.Item.OriginalId, ["reason"] = u.Reason,
                }).ToArray()),
            });
            context.Out.WriteLine($"wrote {outPath} ({result.Covered:N0} x {result.Features.Vectors.Dims}, {embedder.Provider} {embedder.Model}) in {sw.Elapsed.TotalSeconds:0.0} s");
            if (meter is not null) context.Out.WriteLine($"usage: {meter}");
            if (embedder is CachedEmbedder ce) context.Out.WriteLine($"cache: {ce.Cache.Hits} hits, {ce.Cache.Misses} misses, {ce.Cache.Corrupt} corrupt entries recomputed ({ce.Cache.Root})");
            if (p.GetValue(requireAll) && result.Uncovered.Count > 0)
                throw new CliException($"{result.Uncovered.Count} of {result.TotalItems} items have no vector (--require-full-coverage)");
            return 0;
        }));
        return cmd;
    }

    private static string? DatasetHash(string dir)
    {
        var m = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, DatasetStore.ManifestFile)));
        return m?["content_hash"]?.GetValue<string>();
    }
}
