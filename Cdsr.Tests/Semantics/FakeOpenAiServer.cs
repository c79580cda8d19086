using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cdsr.Tests.Semantics;

/// <summary>
/// An in-process HTTP server on 127.0.0.1 speaking the OpenAI wire format for <c>POST /v1/embeddings</c> and
/// <c>POST /v1/chat/completions</c>. Each request is first offered to <see cref="Script"/> (request number from 1,
/// path, body) which may return a canned failure (status, body, delay); otherwise it answers correctly:
/// embeddings are <see cref="VectorOf"/> each input (float or base64 encoding, as requested), chat replies are
/// <see cref="ChatContent"/>. Records every request.
/// </summary>
internal sealed class FakeOpenAiServer : IDisposable
{
    public const int Dims = 6;
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private int _count, _inFlight, _maxInFlight;

    public FakeOpenAiServer()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Endpoint = new Uri($"http://127.0.0.1:{port}/v1");
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _ = Task.Run(Loop);
    }

    public Uri Endpoint { get; }
    public int RequestCount => Volatile.Read(ref _count);
    /// <summary>Most requests the server was answering at the same time.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);
    /// <summary>Requests received and not yet answered.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);
    public List<(string Path, string Body, string? Authorization)> Requests { get; } = new();
    public Func<int, string, JsonNode, (int Status, string Body, int DelayMs)?> Script { get; set; } = (_, _, _) => null;
    public Func<string, string> ChatContent { get; set; } = user => "{\"category\": \"cookware\"}";

    /// <summary>The fake model's embedding of a text (deliberately not unit length).</summary>
    public static float[] VectorOf(string text)
    {
        var v = new float[Dims];
        v[0] = text.Length;
        for (int i = 0; i < text.Length; i++) v[1 + text[i] % (Dims - 1)] += 1;
        return v;
    }

    private async Task Loop()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch { return; }
            _ = Task.Run(() => Handle(ctx));
        }
    }

    private async Task Handle(HttpListenerContext ctx)
    {
        try
        {
            string body = await new StreamReader(ctx.Request.InputStream, Encoding.UTF8).ReadToEndAsync();
            int n = Interlocked.Increment(ref _count);
            int now = Interlocked.Increment(ref _inFlight);
            for (int m = Volatile.Read(ref _maxInFlight); now > m && Interlocked.CompareExchange(ref _maxInFlight, now, m) != m; m = Volatile.Read(ref _maxInFlight)) { }
            string path = ctx.Request.Url!.AbsolutePath;
            lock (Requests) Requests.Add((path, body, ctx.Request.Headers["Authorization"]));
            var json = JsonNode.Parse(body)!;
            var scripted = Script(n, path, json);
            int status; string reply;
            if (scripted is { } s)
            {
                if (s.DelayMs > 0) await Task.Delay(s.DelayMs, _stop.Token);
                (status, reply) = (s.Status, s.Body);
            }
            else (status, reply) = (200, path.EndsWith("/embeddings") ? Embeddings(json) : Chat(json));
            var bytes = Encoding.UTF8.GetBytes(reply);
            ctx.Response.StatusCode = status;
            ctx.Response.ContentType = "application/json";
            ctx.Response.ContentLength64 = bytes.Length;
            Interlocked.Decrement(ref _inFlight);
            await ctx.Response.OutputStream.WriteAsync(bytes);
            ctx.Response.Close();
        }
        catch (Exception)
        {
            try { ctx.Response.Abort(); } catch { }
        }
    }

    private static string Embeddings(JsonNode req)
    {
        var inputs = req["input"] is JsonArray a ? a.Select(x => x!.GetValue<string>()).ToArray() : [req["input"]!.GetValue<string>()];
        bool base64 = req["encoding_format"]?.GetValue<string>() == "base64";
        var data = new JsonArray();
        int tokens = 0;
        for (int i = 0; i < inputs.Length; i++)
        {
            var v = VectorOf(inputs[i]);
            tokens += inputs[i].Split(' ').Length;
            JsonNode emb = base64
                ? JsonValue.Create(Convert.ToBase64String(v.SelectMany(BitConverter.GetBytes).ToArray()))!
                : new JsonArray(v.Select(x => (JsonNode)JsonValue.Create(x)!).ToArray());
            data.Add(new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = emb });
        }
        return new JsonObject
        {
            ["object"] = "list", ["data"] = data, ["model"] = req["model"]!.GetValue<string>(),
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        }.ToJsonString();
    }

    private string Chat(JsonNode req)
    {
        var messages = req["messages"]!.AsArray();
        string user = messages.Last()!["content"] is JsonValue cv ? cv.GetValue<string>() : messages.Last()!["content"]![0]!["text"]!.GetValue<string>();
        return ChatResponse(req["model"]!.GetValue<string>(), ChatContent(user), 11, 7);
    }

    public static string ChatResponse(string model, string content, int promptTokens, int completionTokens, string finish = "stop") => new JsonObject
    {
        ["id"] = "chatcmpl-1", ["object"] = "chat.completion", ["created"] = 1700000000, ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0, ["finish_reason"] = finish,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content },
        }),
        ["usage"] = new JsonObject { ["prompt_tokens"] = promptTokens, ["completion_tokens"] = completionTokens, ["total_tokens"] = promptTokens + completionTokens },
    }.ToJsonString();

    public void Dispose()
    {
        _stop.Cancel();
        try { _listener.Stop(); _listener.Close(); } catch { }
    }
}
