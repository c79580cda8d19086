namespace Cdsr.Semantics.OpenAi;

/// <summary>
/// Settings of an OpenAI-compatible server (OpenAI, DeepSeek, Ollama, vLLM, ...). The API key is never a setting: it is
/// read from the environment variable named by <see cref="ApiKeyVariable"/> when a client is built, passed to the SDK
/// only, and never logged, cached or written into run folders (<see cref="ToString"/> names the variable, not the key).
/// </summary>
public sealed record OpenAiOptions
{
    /// <summary>Base URL of the API (the part before /embeddings, /chat/completions).</summary>
    public Uri Endpoint { get; init; } = new("https://api.openai.com/v1");
    /// <summary>Embedding model name.</summary>
    public string EmbeddingModel { get; init; } = "text-embedding-3-small";
    /// <summary>Chat model name.</summary>
    public string ChatModel { get; init; } = "gpt-4o-mini";
    /// <summary>Environment variable holding the API key (servers that need none accept any value).</summary>
    public string ApiKeyVariable { get; init; } = "OPENAI_API_KEY";
    /// <summary>Texts per embeddings request.</summary>
    public int BatchSize { get; init; } = 64;
    /// <summary>Requests in flight at once.</summary>
    public int MaxConcurrency { get; init; } = 4;
    /// <summary>Attempts per request (first try included) before giving up on 429, 5xx, timeouts and lost connections.</summary>
    public int MaxAttempts { get; init; } = 6;
    /// <summary>Backoff before the second attempt; doubled per attempt up to <see cref="MaxBackoff"/>, with ±20% seeded jitter.
    /// A server's Retry-After is honoured when it asks for longer (capped by MaxBackoff).</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Time limit of one request attempt.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>USD per million input (prompt) tokens, for the run's cost counter (0 = not priced).</summary>
    public decimal InputPricePerMillion { get; init; }
    /// <summary>USD per million output (completion) tokens.</summary>
    public decimal OutputPricePerMillion { get; init; }
    /// <summary>Requested embedding size for models that can shorten it (null = the model's own).</summary>
    public int? Dimensions { get; init; }

    public void Validate()
    {
        if (!Endpoint.IsAbsoluteUri || Endpoint.Scheme is not ("http" or "https")) throw new ArgumentException($"Endpoint must be an absolute http(s) URL, got '{Endpoint}'");
        if (string.IsNullOrWhiteSpace(EmbeddingModel) || string.IsNullOrWhiteSpace(ChatModel)) throw new ArgumentException("model names must not be empty");
        if (string.IsNullOrWhiteSpace(ApiKeyVariable)) throw new ArgumentException("ApiKeyVariable must name an environment variable");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "at least 1");
        if (MaxConcurrency < 1) throw new ArgumentOutOfRangeException(nameof(MaxConcurrency), MaxConcurrency, "at least 1");
        if (MaxAttempts < 1) throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, "at least 1");
        if (InitialBackoff < TimeSpan.Zero || MaxBackoff < InitialBackoff) throw new ArgumentOutOfRangeException(nameof(MaxBackoff), "need 0 <= InitialBackoff <= MaxBackoff");
        if (RequestTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(RequestTimeout), RequestTimeout, "must be positive");
        if (InputPricePerMillion < 0 || OutputPricePerMillion < 0) throw new ArgumentOutOfRangeException(nameof(InputPricePerMillion), "prices must be non-negative");
        if (Dimensions is <= 0) throw new ArgumentOutOfRangeException(nameof(Dimensions), Dimensions, "must be positive");
    }

    /// <summary>Reads the key from the environment; the error names the variable, never a value.</summary>
    internal string ReadApiKey()
    {
        var key = Environment.GetEnvironmentVariable(ApiKeyVariable);
        if (string.IsNullOrEmpty(key))
            throw new SemanticsException($"environment variable {ApiKeyVariable} is not set: export the API key there (any non-empty value for servers that need no key)");
        return key;
    }
}
