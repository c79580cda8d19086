namespace Cdsr.Onnx.Runtime;

/// <summary>
/// A failure reported by ONNX Runtime (an <c>OrtStatus</c>) or found by this binding before calling it.
/// <see cref="Code"/> is ORT's OrtErrorCode (0 when the binding itself raised the error).
/// </summary>
public sealed class OnnxRuntimeException(int code, string message, string function)
    : Exception($"onnxruntime {function} failed ({CodeName(code)}): {message}")
{
    /// <summary>ORT's OrtErrorCode: 1 FAIL, 2 INVALID_ARGUMENT, 3 NO_SUCHFILE, 4 NO_MODEL, 5 ENGINE_ERROR,
    /// 6 RUNTIME_EXCEPTION, 7 INVALID_PROTOBUF, 8 MODEL_LOADED, 9 NOT_IMPLEMENTED, 10 INVALID_GRAPH, 11 EP_FAIL.</summary>
    public int Code { get; } = code;
    /// <summary>ORT's message alone, without the function prefix.</summary>
    public string NativeMessage { get; } = message;
    /// <summary>The C API function (or binding step) that failed.</summary>
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
}
