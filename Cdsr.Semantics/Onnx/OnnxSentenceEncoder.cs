using System.Security.Cryptography;
using Cdsr.Onnx.Runtime;
using Cdsr.Semantics.Embeddings;

namespace Cdsr.Semantics.Onnx;

/// <summary>Local encoder settings.</summary>
public sealed record OnnxEncoderOptions
{
    /// <summary>Texts per ONNX Runtime call.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Tokenizer settings (lower-casing, sequence cap).</summary>
    public WordPieceOptions Tokenizer { get; init; } = new();
    /// <summary>Session settings (execution provider, threads).</summary>
    public OnnxSessionOptions? Session { get; init; }

    public void Validate()
    {
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "at least 1");
        Tokenizer.Validate();
    }
}

/// <summary>
/// A sentence-transformers model exported to ONNX (<c>model.onnx</c> + <c>vocab.txt</c>), run through Cdsr.Onnx's
/// <see cref="OnnxSession"/> (one Microsoft.ML.OnnxRuntime InferenceSession, reused for every batch):
/// <code>
/// ids, mask, types = WordPiece(texts)                          // [B, L] int64 each, L = longest in the batch
/// H = model(input_ids, attention_mask[, token_type_ids])       // [B, L, H] (last_hidden_state / token_embeddings)
/// e_b = Σ_t mask[b,t] · H[b,t,:] / Σ_t mask[b,t]              // attention-masked mean pooling, [B, H]
/// e_b ← e_b / ‖e_b‖                                            // L2-normalised float32
/// </code>
/// A model whose first output is already pooled ([B, H], e.g. "sentence_embedding") is normalised as is.
/// <see cref="Model"/> includes the SHA-256 of model.onnx, so cached vectors never outlive a model change.
/// </summary>
public sealed class OnnxSentenceEncoder : ITextEmbedder, IDisposable
{
    private readonly OnnxSession _session;
    private readonly WordPieceTokenizer _tokenizer;
    private readonly OnnxEncoderOptions _options;
    private readonly string _output;
    private readonly bool _hasTypes;
    private int _dimension;

    public OnnxSentenceEncoder(OnnxSession session, WordPieceTokenizer tokenizer, string modelName, OnnxEncoderOptions? options = null)
    {
        _options = options ?? new OnnxEncoderOptions();
        _options.Validate();
        _session = session; _tokenizer = tokenizer; Model = modelName;
        var inputs = session.Inputs.Select(i => i.Name).ToHashSet();
        foreach (var need in new[] { "input_ids", "attention_mask" })
            if (!inputs.Contains(need)) throw new SemanticsException($"ONNX encoder {modelName}: the model has no input '{need}' (inputs: {string.Join(", ", session.Inputs)})");
        _hasTypes = inputs.Contains("token_type_ids");
        var unknown = inputs.Except(["input_ids", "attention_mask", "token_type_ids"]).ToArray();
        if (unknown.Length > 0) throw new SemanticsException($"ONNX encoder {modelName}: unsupported input(s) {string.Join(", ", unknown)}");
        var outs = session.Outputs;
        var chosen = outs.FirstOrDefault(o => o.Name is "last_hidden_state" or "token_embeddings") ?? outs.FirstOrDefault(o => o.Name == "sentence_embedding") ?? outs[0];
        if (chosen.Dims.Count is not (2 or 3)) throw new SemanticsException($"ONNX encoder {modelName}: output {chosen} must be [B, L, H] or [B, H]");
        _output = chosen.Name;
        _dimension = chosen.Dims[^1] > 0 ? (int)chosen.Dims[^1] : 0;
    }

    /// <summary>Loads <c>model.onnx</c> and <c>vocab.txt</c> from <paramref name="directory"/>.</summary>
    public static OnnxSentenceEncoder FromDirectory(string directory, OnnxEncoderOptions? options = null)
    {
        options ??= new OnnxEncoderOptions();
        var model = Path.Combine(directory, "model.onnx");
        var vocab = Path.Combine(directory, "vocab.txt");
        if (!File.Exists(model)) throw new SemanticsException($"{directory}: no model.onnx (export a sentence-transformers model to ONNX there)");
        var tokenizer = WordPieceTokenizer.FromFile(vocab, options.Tokenizer);
        // The cache key covers everything that changes the vectors: the model's bytes, the vocabulary's bytes and the
        // tokenizer options (lower-casing, truncation length, word length limit).
        string hash;
        using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            sha.AppendData(File.ReadAllBytes(model));
            sha.AppendData(File.ReadAllBytes(vocab));
            var t = options.Tokenizer;
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes($"lower={t.Lowercase};max_tokens={t.MaxTokens};max_chars={t.MaxCharsPerWord}"));
            hash = Convert.ToHexStringLower(sha.GetHashAndReset())[..16];
        }
        var session = OnnxSession.FromFile(model, options.Session);
        try { return new OnnxSentenceEncoder(session, tokenizer, $"{Path.GetFileName(Path.GetFullPath(directory).TrimEnd('/'))}@{hash}", options); }
        catch { session.Dispose(); throw; }
    }

    public string Provider => "onnx";
    public string Model { get; }
    public int Dimension => _dimension;
    public WordPieceTokenizer Tokenizer => _tokenizer;
    /// <summary>Which execution provider runs the model and why (print it where a user sees it).</summary>
    public string ProviderMessage => _session.ProviderMessage;

    public Task<EmbeddingMatrix> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        for (int i = 0; i < texts.Count; i++)
            if (string.IsNullOrWhiteSpace(texts[i])) throw new SemanticsException($"text {i} is empty: report such items instead of embedding them");
        float[]? data = null;
        int dims = 0;
        for (int start = 0; start < texts.Count; start += _options.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int b = Math.Min(_options.BatchSize, texts.Count - start);
            var batch = Enumerable.Range(start, b).Select(i => texts[i]).ToArray();
            var (ids, mask, types, len) = _tokenizer.EncodeBatch(batch);
            var inputs = new List<NamedTensor> { NamedTensor.Int64("input_ids", ids, b, len), NamedTensor.Int64("attention_mask", mask, b, len) };
            if (_hasTypes) inputs.Add(NamedTensor.Int64("token_type_ids", types, b, len));
            NamedTensor y;
            try { y = _session.Run(inputs, [_output])[0]; }
            catch (OnnxRuntimeException e) { throw new SemanticsException($"ONNX encoder {Model}: texts {start}..{start + b - 1}: {e.Message}", e); }
            var h = y.Floats;
            int hd = (int)y.Shape[^1];
            if (data is null) { dims = hd; data = new float[texts.Count * dims]; }
            else if (hd != dims) throw new SemanticsException($"ONNX encoder {Model}: batch at text {start} has {hd} dims, earlier ones {dims}");
            if (y.Shape.Length == 3)
            {
                if (y.Shape[0] != b || y.Shape[1] != len) throw new SemanticsException($"ONNX encoder {Model}: output {_output} has shape [{string.Join(", ", y.Shape)}], expected [{b}, {len}, H]");
                for (int r = 0; r < b; r++)                                      // masked mean over tokens: [B, L, H] -> [B, H]
                {
                    var row = data.AsSpan((start + r) * dims, dims);
                    long count = 0;
                    for (int t = 0; t < len; t++)
                    {
                        if (mask[r * len + t] == 0) continue;
                        count++;
                        var ht = h.Slice((r * len + t) * dims, dims);
                        for (int j = 0; j < dims; j++) row[j] += ht[j];
                    }
                    for (int j = 0; j < dims; j++) row[j] /= count;
                }
            }
            else
            {
                if (y.Shape[0] != b) throw new SemanticsException($"ONNX encoder {Model}: output {_output} has shape [{string.Join(", ", y.Shape)}], expected [{b}, H]");
                h.CopyTo(data.AsSpan(start * dims, b * dims));
            }
        }
        if (data is null) return Task.FromResult(new EmbeddingMatrix([], 0, Math.Max(1, _dimension)));
        _dimension = dims;
        return Task.FromResult(new EmbeddingMatrix(data, texts.Count, dims).NormalizeRows(i => $"text {i}"));
    }

    public void Dispose() => _session.Dispose();
}
