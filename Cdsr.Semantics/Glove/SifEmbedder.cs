using System.Numerics.Tensors;
using Cdsr.Semantics.Embeddings;
using Cdsr.Semantics.Numerics;

namespace Cdsr.Semantics.Glove;

/// <summary>SIF sentence-embedding options (Arora, Liang and Ma, "A Simple but Tough-to-Beat Baseline for Sentence
/// Embeddings", ICLR 2017).</summary>
public sealed record SifOptions
{
    /// <summary>The smoothing parameter a in a / (a + p(w)); the paper's recommended 1e-3.</summary>
    public double A { get; init; } = 1e-3;
    /// <summary>Remove the projection on the first principal component of the sentence vectors (the paper's step 2).</summary>
    public bool RemoveFirstComponent { get; init; } = true;
    /// <summary>Below this many texts the common component is not estimated from the input (it would be the texts
    /// themselves); a fitted <see cref="SifEmbedder.FitComponent"/> is used if present.</summary>
    public int MinTextsForComponent { get; init; } = 16;

    public void Validate()
    {
        if (!(A > 0)) throw new ArgumentOutOfRangeException(nameof(A), A, "a must be positive");
        if (MinTextsForComponent < 2) throw new ArgumentOutOfRangeException(nameof(MinTextsForComponent), MinTextsForComponent, "at least 2");
    }
}

/// <summary>
/// Offline sentence embedder over GloVe word vectors by smooth inverse frequency:
/// <code>
/// v_s = (1/|s|) Σ_{w∈s} a / (a + p(w)) · v_w        (s = GloveTokenizer.KnownTokens: known words and pieces)
/// v_s ← v_s − u uᵀ v_s                                u = first principal direction of {v_s} (uncentred)
/// v_s ← v_s / ‖v_s‖                                   float32, unit L2 norm
/// </code>
/// The package carries no word counts, only each word's frequency rank r (0-based; GloVe's vocabulary is sorted by
/// corpus frequency), so p(w) is the Zipf estimate p(r) = 1 / ((r + 1) · H_N), H_N = Σ_{k=1..N} 1/k over the N words.
/// The common component u is estimated from the texts of one <see cref="EmbedAsync"/> call (embed a whole corpus at
/// once, as the paper does), or fixed beforehand by <see cref="FitComponent"/>.
/// </summary>
public sealed class SifEmbedder : ITextEmbedder
{
    private readonly GloveVectors _glove;
    private readonly SifOptions _options;
    private readonly GloveTokenizer _tokenizer;
    private readonly float[] _weights; // [Rows] a / (a + p(rank))
    private double[]? _component;

    public SifEmbedder(GloveVectors glove, SifOptions? options = null)
    {
        _glove = glove;
        _options = options ?? new SifOptions();
        _options.Validate();
        _tokenizer = new GloveTokenizer(w => glove.Rank(w) >= 0);
        int n = glove.Rows;
        double h = 0;
        for (int k = 1; k <= n; k++) h += 1.0 / k;
        _weights = new float[n];
        for (int r = 0; r < n; r++)
        {
            double p = 1.0 / ((r + 1) * h);
            _weights[r] = (float)(_options.A / (_options.A + p));
        }
    }

    public string Provider => "glove";
    public string Model => $"{GloveStore.PackageName}@{GloveStore.PackageVersion}+sif(a={_options.A:R},pc={(_options.RemoveFirstComponent ? 1 : 0)})";
    public int Dimension => _glove.Dims;
    public GloveTokenizer Tokenizer => _tokenizer;

    /// <summary>The SIF weight of a word (0 when out of vocabulary).</summary>
    public float Weight(string word) => _glove.Rank(word) is var r and >= 0 ? _weights[r] : 0f;

    public string? WhyNotEmbeddable(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "empty text";
        return _tokenizer.KnownTokens(text).Count > 0 ? null : "no word or word piece of the text is in the GloVe vocabulary";
    }

    /// <summary>Estimates and keeps the common component from <paramref name="corpus"/>; later calls remove it instead of
    /// estimating one from their own input.</summary>
    public void FitComponent(IReadOnlyList<string> corpus)
    {
        var m = Weighted(corpus);
        _component = PrincipalComponents.Fit(m, corpus.Count, Dimension, 1, center: false).Components[0];
    }

    public Task<EmbeddingMatrix> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        int d = Dimension, n = texts.Count;
        var m = Weighted(texts);
        if (_options.RemoveFirstComponent)
        {
            var u = _component;
            if (u is null && n >= _options.MinTextsForComponent) u = PrincipalComponents.Fit(m, n, d, 1, center: false).Components[0];
            if (u is not null) PrincipalComponents.RemoveComponent(m, n, d, u);
        }
        var result = new EmbeddingMatrix(m, n, d);
        result.NormalizeRows(i => $"text {i} ('{Short(texts[i])}')");
        return Task.FromResult(result);
    }

    /// <summary>Weighted averages before component removal: [n, d].</summary>
    private float[] Weighted(IReadOnlyList<string> texts)
    {
        int d = Dimension;
        var m = new float[texts.Count * d];
        for (int i = 0; i < texts.Count; i++)
        {
            var row = m.AsSpan(i * d, d);
            int used = 0;
            foreach (var t in _tokenizer.KnownTokens(texts[i]))
            {
                int r = _glove.Rank(t);
                TensorPrimitives.MultiplyAdd(_glove.Vector(r), _weights[r], row, row);
                used++;
            }
            if (used == 0)
                throw new SemanticsException($"text {i} ('{Short(texts[i])}'): no word is in the GloVe vocabulary, so it has no embedding (ask WhyNotEmbeddable first to report such texts)");
            TensorPrimitives.Divide(row, used, row);
        }
        return m;
    }

    internal static string Short(string s) => s.Length <= 60 ? s : s[..57] + "...";
}
