namespace Cdsr.Semantics;

/// <summary>A failure of the semantics layer that names what failed: the item, request, file or cache entry,
/// and what was expected. Never raised for a condition that is silently recoverable.</summary>
public sealed class SemanticsException : Exception
{
    public SemanticsException(string message) : base(message) { }
    public SemanticsException(string message, Exception inner) : base(message, inner) { }
}
