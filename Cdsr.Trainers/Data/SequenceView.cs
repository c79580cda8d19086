using Cdsr.Data.Model;

namespace Cdsr.Trainers.Data;

/// <summary>Which interactions a single-sequence model sees: one domain's sequence, or both domains merged in time
/// order. With a single-domain view only instances whose target lies in that domain are trained and evaluated
/// (target-domain filtering); the mixed view trains on every instance and reports metrics per target domain.</summary>
public enum SequenceView : byte
{
    /// <summary>Domain A's interactions only (e.g. Food, Cloth).</summary>
    A = 0,
    /// <summary>Domain B's interactions only (e.g. Kitchen, Sport).</summary>
    B = 1,
    /// <summary>Both domains in one time-ordered sequence.</summary>
    Mixed = 2,
}

public static class SequenceViews
{
    /// <summary>True when the view keeps interactions of <paramref name="domain"/>.</summary>
    public static bool Includes(this SequenceView view, Domain domain) =>
        view == SequenceView.Mixed || (view == SequenceView.A ? domain == Domain.A : domain == Domain.B);

    /// <summary>"A", "B" or "mixed" (the command-line spelling).</summary>
    public static string Name(this SequenceView view) => view switch
    {
        SequenceView.A => "A",
        SequenceView.B => "B",
        _ => "mixed",
    };

    /// <summary>Parses "A", "B" or "mixed" (case-insensitive).</summary>
    public static SequenceView Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "a" => SequenceView.A,
        "b" => SequenceView.B,
        "mixed" => SequenceView.Mixed,
        _ => throw new ArgumentException($"unknown sequence view '{text}': expected A, B or mixed"),
    };
}
