namespace Cdsr.Onnx.Runtime;

/// <summary>
/// A failure reported by ONNX Runtime (an <c>OrtStatus</c>, surfaced by the package as its own exception) or found by
/// this wrapper before calling it. <see cref="Code"/> is ORT's OrtErrorCode (0 when the wrapper itself raised the error).
/// </summary>
public sealed class OnnxRuntimeException(int code, string message, string function, Exception? inner = null)
    : Exception($"onnxruntime {function} failed ({CodeName(code)}): {message}", inner)
{
    /// <summary>ORT's OrtErrorCode: 1 FAIL, 2 INVALID_ARGUMENT, 3 NO_SUCHFILE, 4 NO_MODEL, 5 ENGINE_ERROR,
    /// 6 RUNTIME_EXCEPTION, 7 INVALID_PROTOBUF, 8 MODEL_LOADED, 9 NOT_IMPLEMENTED, 10 INVALID_GRAPH, 11 EP_FAIL.</summary>
    public int Code { get; } = code;
    /// <summary>ORT's message alone, without the function prefix.</summary>
    public string NativeMessage { get; } = message;
    /// <summary>The ORT step (C API function or wrapper step) that failed: CreateSession, CreateSessionFromArray, Run, ...</summary>
    public string Function { get; } = function;

    internal static string CodeName(int code) => code switch
    {
        0 => "binding",
        1 => "FAIL",
        2 => "INVALID_ARGUMENT",
        3 => "NO_SUCHFILE",
        4 => "NO_MODEL",
        5 => "ENGINE_ERROR",
        6 => "RUNTIME_EXCEPTION",
        7 => "INVALID_PROTOBUF",
        8 => "MODEL_LOADED",
        9 => "NOT_IMPLEMENTED",
        10 => "INVALID_GRAPH",
        11 => "EP_FAIL",
        _ => $"code {code}",
    };

    // The package's exception carries the code only inside its message, as "[ErrorCode:InvalidArgument] ..."
    // (Microsoft.ML.OnnxRuntime 1.32, Exceptions.shared.cs; its ErrorCode enum is internal).
    private static readonly Dictionary<string, int> PackageCodes = new(StringComparer.Ordinal)
    {
        ["Ok"] = 0, ["Fail"] = 1, ["InvalidArgument"] = 2, ["NoSuchFile"] = 3, ["NoModel"] = 4, ["EngineError"] = 5,
        ["RuntimeException"] = 6, ["InvalidProtobuf"] = 7, ["ModelLoaded"] = 8, ["NotImplemented"] = 9,
        ["InvalidGraph"] = 10, ["EPFail"] = 11, ["ExecutionProviderFailure"] = 11,
    };

    /// <summary>Wraps the package's exception, keeping ORT's code and message (on one line) and naming <paramref name="function"/>.</summary>
    internal static OnnxRuntimeException From(Microsoft.ML.OnnxRuntime.OnnxRuntimeException e, string function)
    {
        const string prefix = "[ErrorCode:";
        string text = e.Message;
        int code = 1;
        if (text.StartsWith(prefix, StringComparison.Ordinal) && text.IndexOf(']') is var end and > 0)
        {
            if (!PackageCodes.TryGetValue(text[prefix.Length..end], out code)) code = 1;
            text = text[(end + 1)..].TrimStart();
        }
        // ORT spreads some messages over lines ("...for the following indices\n index: 1 Got: 4 Expected: 3\n Please fix...");
        // one line reads better in a log or a CLI error and keeps every word.
        text = string.Join(' ', text.Split((char[])['\r', '\n', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
        return new OnnxRuntimeException(code, text, function, e);
    }
}
