using System.ClientModel;
using System.Text;
using System.Text.Json;
using Cdsr.Semantics.Caching;
using Cdsr.Semantics.Text;
using OpenAI.Chat;

namespace Cdsr.Semantics.OpenAi;

/// <summary>A chat answer: the text, its tokens (0 when served from the cache) and whether it came from the cache.</summary>
public sealed record ChatReply(string Text, long InputTokens, long OutputTokens, bool FromCache);

/// <summary>
/// Chat completions from an OpenAI-compatible server (same SDK, key handling and retries as
/// <see cref="OpenAiEmbedder"/>). A request is a <see cref="PromptTemplate"/> (trusted system message) plus one item's
/// text, delimited by <see cref="PromptSafety"/>. Replies are cached by (provider, model, template key, messages); a
/// template that <see cref="PromptTemplate.ExpectsJson"/> asks for a JSON object and <see cref="CompleteJsonAsync"/>
/// parses it, with an error naming the request when the model answered something else. Temperature is 0.
/// </summary>
public sealed class OpenAiChatClient
{
    private readonly OpenAiOptions _options;
    private readonly ChatClient _client;
    private readonly SemanticCache? _cache;
    private readonly SemaphoreSlim _gate;

    public OpenAiChatClient(OpenAiOptions options, SemanticCache? cache = null, UsageMeter? meter = null)
    {
        options.Validate();
        _options = options;
        _cache = cache;
        _gate = new SemaphoreSlim(options.MaxConcurrency);
        Meter = meter ?? new UsageMeter(options.InputPricePerMillion, options.OutputPricePerMillion);
        _client = new ChatClient(options.ChatModel, new ApiKeyCredential(options.ReadApiKey()), OpenAiEmbedder.ClientOptions(options));
    }

    public UsageMeter Meter { get; }
    private string Model => $"{_options.ChatModel}@{_options.Endpoint.Host}";

    /// <summary>Asks <paramref name="template"/> about one item; <paramref name="requestLabel"/> (e.g. "Food item 17
    /// (B000123)") names the request in errors.</summary>
    public async Task<ChatReply> CompleteAsync(PromptTemplate template, string requestLabel, string itemText, CancellationToken ct = default)
    {
        string system = template.SystemMessage, user = template.UserMessage(requestLabel, itemText);
        var key = CacheKey.Create("openai-chat", Model, template.Key, $"{system}\u0000{user}\u0000json={template.ExpectsJson}");
        if (_cache is not null && _cache.TryGet(key, out var hit))
        {
            Meter.CacheHit();
            return new ChatReply(Encoding.UTF8.GetString(hit), 0, 0, true);
        }
        var opts = new ChatCompletionOptions { Temperature = 0f };
        if (template.ExpectsJson) opts.ResponseFormat = ChatResponseFormat.CreateJsonObjectFormat();
        ChatMessage[] messages = [new SystemChatMessage(system), new UserChatMessage(user)];
        string label = $"chat request for {requestLabel} (template {template.Key}, model {_options.ChatModel})";
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        ChatCompletion completion;
        try
        {
            completion = await RetryRunner.RunAsync(label, _options, Meter, async t =>
                (await _client.CompleteChatAsync(messages, opts, t).ConfigureAwait(false)).Value, ct).ConfigureAwait(false);
        }
        finally { _gate.Release(); }
        long inTok = completion.Usage?.InputTokenCount ?? 0, outTok = completion.Usage?.OutputTokenCount ?? 0;
        Meter.Tokens(inTok, outTok);
        if (completion.Content is not { Count: > 0 } || completion.Content[0].Text is not { } text)
            throw new SemanticsException($"{label}: the reply has no text content (finish reason {completion.FinishReason})");
        if (completion.FinishReason == ChatFinishReason.Length)
            throw new SemanticsException($"{label}: the reply was cut off at the token limit (finish reason 'length'); not cached");
        if (template.ExpectsJson) ParseJson(label, text); // never cache an answer that cannot be used
        _cache?.Put(key, Encoding.UTF8.GetBytes(text));
        return new ChatReply(text, inTok, outTok, false);
    }

    /// <summary>Like <see cref="CompleteAsync"/> for a template that expects JSON; returns the parsed object.</summary>
    public async Task<JsonElement> CompleteJsonAsync(PromptTemplate template, string requestLabel, string itemText, CancellationToken ct = default)
    {
        if (!template.ExpectsJson) throw new ArgumentException($"template {template.Key} does not ask for JSON (ExpectsJson = false)");
        var reply = await CompleteAsync(template, requestLabel, itemText, ct).ConfigureAwait(false);
        return ParseJson($"chat request for {requestLabel} (template {template.Key}, model {_options.ChatModel})", reply.Text);
    }

    private static JsonElement ParseJson(string label, string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new SemanticsException($"{label}: expected a JSON object, the model returned a JSON {doc.RootElement.ValueKind}: {RetryRunner.Short(text)}");
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new SemanticsException($"{label}: the model returned non-JSON where JSON was asked ({e.Message}): {RetryRunner.Short(text)}", e);
        }
    }
}
