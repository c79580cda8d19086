using System.ClientModel;
using System.Text.Json;

namespace Cdsr.Semantics.OpenAi;

/// <summary>
/// Runs one API request with a per-attempt timeout and retries on the transient answers of OpenAI-compatible servers:
/// HTTP 429, 5xx, no response (connection lost) and timeouts. Backoff doubles from InitialBackoff up to MaxBackoff with
/// ±20% jitter from a seeded stream (deterministic per request label). Other HTTP errors and unreadable responses
/// fail at once; every failure names the request.
/// </summary>
internal static class RetryRunner
{
    public static async Task<T> RunAsync<T>(string request, OpenAiOptions o, UsageMeter meter, Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        var jitter = new Cdsr.Data.Evaluation.SplitMix64((ulong)request.GetHashCode(StringComparison.Ordinal) ^ 0x5EED);
        string last = "";
        for (int attempt = 1; ; attempt++)
        {
            TimeSpan? retryAfter = null;
            using (var cts = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                cts.CancelAfter(o.RequestTimeout);
                meter.Request();
                try
                {
                    return await call(cts.Token).ConfigureAwait(false);
                }
                catch (ClientResultException e) when (e.Status == 429 || e.Status >= 500 || e.Status == 0)
                {
                    last = e.Status == 0 ? $"no response ({Inner(e)})" : $"HTTP {e.Status}: {Short(e.Message)}";
                    retryAfter = RetryAfter(e);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    last = $"timed out after {o.RequestTimeout.TotalSeconds:0.###} s";
                }
                catch (ClientResultException e)
                {
                    throw new SemanticsException($"{request}: HTTP {e.Status} from {o.Endpoint}: {Short(e.Message)}", e);
                }
                catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException or ArgumentException or IndexOutOfRangeException or NullReferenceException)
                {
                    throw new SemanticsException($"{request}: malformed or truncated response from {o.Endpoint}: {Short(e.Message)}", e);
                }
            }
            if (attempt >= o.MaxAttempts)
                throw new SemanticsException($"{request}: failed after {attempt} attempt{(attempt > 1 ? "s" : "")} against {o.Endpoint}; last error: {last}");
            meter.Retry();
            double backoff = Math.Min(o.MaxBackoff.TotalMilliseconds, o.InitialBackoff.TotalMilliseconds * Math.Pow(2, attempt - 1));
            backoff *= 0.8 + 0.4 * jitter.NextDouble();
            if (retryAfter is { } ra) backoff = Math.Max(backoff, Math.Min(ra.TotalMilliseconds, o.MaxBackoff.TotalMilliseconds));
            await Task.Delay(TimeSpan.FromMilliseconds(backoff), ct).ConfigureAwait(false);
        }
    }

    private static TimeSpan? RetryAfter(ClientResultException e)
    {
        var r = e.GetRawResponse();
        if (r is not null && r.Headers.TryGetValue("Retry-After", out var v) && double.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out var s) && s >= 0)
            return TimeSpan.FromSeconds(s);
        return null;
    }

    private static string Inner(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return Short(e.Message);
    }

    internal static string Short(string s)
    {
        s = s.ReplaceLineEndings(" ").Trim();
        return s.Length <= 300 ? s : s[..297] + "...";
    }
}
