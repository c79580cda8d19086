using System.ClientModel;
using System.ClientModel.Primitives;
using Cdsr.Semantics.Embeddings;
using OpenAI;
using OpenAI.Embeddings;

namespace Cdsr.Semantics.OpenAi;

/// <summary>
/// Embeddings from an OpenAI-compatible <c>/embeddings</c> endpoint through the official OpenAI .NET SDK: texts are sent
/// in batches of <see cref="OpenAiOptions.BatchSize"/>, at most <see cref="OpenAiOptions.MaxConcurrency"/> batches in
/// flight, each retried by <see cref="RetryRunner"/> (the SDK's own retries are switched off so there is one policy).
/// Every response is checked (one vector per text, by index, same size, finite, non-zero) and rows are L2-normalised.
/// Wrap it in <see cref="Caching.CachedEmbedder"/> so a rerun sends nothing.
/// </summary>
public sealed class OpenAiEmbedder : ITextEmbedder
{
    private readonly OpenAiOptions _options;
    private readonly EmbeddingClient _client;
    private int _dimension;

    public OpenAiEmbedder(OpenAiOptions options, UsageMeter? meter = null)
    {
        options.Validate();
        _options = options;
        Meter = meter ?? new UsageMeter(options.InputPricePerMillion, options.OutputPricePerMillion);
        _client = new EmbeddingClient(options.EmbeddingModel, new ApiKeyCredential(options.ReadApiKey()), ClientOptions(options));
        _dimension = options.Dimensions ?? 0;
    }

    internal static OpenAIClientOptions ClientOptions(OpenAiOptions o) => new()
    {
        Endpoint = o.Endpoint,
        RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        NetworkTimeout = o.RequestTimeout,
    };

    public string Provider => "openai";
    public string Model => $"{_options.EmbeddingModel}@{_options.Endpoint.Host}{(_options.Dimensions is { } d ? $"/d{d}" : "")}";
    public int Dimension => _dimension;
    public UsageMeter Meter { get; }

    public async Task<EmbeddingMatrix> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        for (int i = 0; i < texts.Count; i++)
            if (string.IsNullOrWhiteSpace(texts[i])) throw new SemanticsException($"text {i} is empty: report such items instead of embedding them");
        int batches = (texts.Count + _options.BatchSize - 1) / _options.BatchSize;
        var results = new float[batches][][];
        using var gate = new SemaphoreSlim(_options.MaxConcurrency);
        var tasks = Enumerable.Range(0, batches).Select(async b =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try { results[b] = await EmbedBatch(texts, b, batches, cancellationToken).ConfigureAwait(false); }
            finally { gate.Release(); }
        }).ToArray();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        if (texts.Count == 0) return new EmbeddingMatrix([], 0, Math.Max(1, _dimension));
        int dims = results[0][0].Length;
        var data = new float[texts.Count * dims];
        for (int b = 0; b < batches; b++)
            for (int j = 0; j < results[b].Length; j++)
            {
                int i = b * _options.BatchSize + j;
                if (results[b][j].Length != dims)
                    throw new SemanticsException($"embeddings of {_options.EmbeddingModel}: text {i} came back with {results[b][j].Length} dims, text 0 with {dims}");
                results[b][j].CopyTo(data.AsSpan(i * dims, dims));
            }
        _dimension = dims;
        return new EmbeddingMatrix(data, texts.Count, dims).NormalizeRows(i => $"text {i}");
    }

    private async Task<float[][]> EmbedBatch(IReadOnlyList<string> texts, int b, int batches, CancellationToken ct)
    {
        int start = b * _options.BatchSize, count = Math.Min(_options.BatchSize, texts.Count - start);
        var input = Enumerable.Range(start, count).Select(i => texts[i]).ToArray();
        string label = $"embeddings request {b + 1}/{batches} (texts {start}..{start + count - 1}, model {_options.EmbeddingModel})";
        var genOptions = new EmbeddingGenerationOptions { Dimensions = _options.Dimensions };
        var collection = await RetryRunner.RunAsync(label, _options, Meter, async t =>
        {
            var r = await _client.GenerateEmbeddingsAsync(input, genOptions, t).ConfigureAwait(false);
            return r.Value;
        }, ct).ConfigureAwait(false);
        Meter.Tokens(collection.Usage?.InputTokenCount ?? 0, 0);
        if (collection.Count != count)
            throw new SemanticsException($"{label}: the server returned {collection.Count} embeddings for {count} texts");
        var rows = new float[count][];
        foreach (var e in collection)
        {
            if (e.Index < 0 || e.Index >= count || rows[e.Index] is not null)
                throw new SemanticsException($"{label}: embedding index {e.Index} is out of range or repeated");
            var v = e.ToFloats().ToArray();
            if (v.Length == 0) throw new SemanticsException($"{label}: empty embedding for text {start + e.Index}");
            foreach (var x in v) if (!float.IsFinite(x)) throw new SemanticsException($"{label}: non-finite value in the embedding of text {start + e.Index}");
            rows[e.Index] = v;
        }
        return rows;
    }
}
