namespace Cdsr.Semantics.OpenAi;

/// <summary>Token, request and cost counter of one run (thread-safe). Cache hits cost nothing and are counted apart.</summary>
public sealed class UsageMeter(decimal inputPricePerMillion = 0, decimal outputPricePerMillion = 0)
{
    private long _requests, _retries, _cacheHits, _input, _output;

    public long Requests => Interlocked.Read(ref _requests);
    public long Retries => Interlocked.Read(ref _retries);
    public long CacheHits => Interlocked.Read(ref _cacheHits);
    public long InputTokens => Interlocked.Read(ref _input);
    public long OutputTokens => Interlocked.Read(ref _output);
    /// <summary>USD at the configured prices.</summary>
    public decimal Cost => (InputTokens * inputPricePerMillion + OutputTokens * outputPricePerMillion) / 1_000_000m;

    internal void Request() => Interlocked.Increment(ref _requests);
    internal void Retry() => Interlocked.Increment(ref _retries);
    internal void CacheHit(int n = 1) => Interlocked.Add(ref _cacheHits, n);
    internal void Tokens(long input, long output) { Interlocked.Add(ref _input, input); Interlocked.Add(ref _output, output); }

    public override string ToString() =>
        $"{Requests} requests ({Retries} retries), {CacheHits} cache hits, {InputTokens} input + {OutputTokens} output tokens, ${Cost:0.0000}";
}
