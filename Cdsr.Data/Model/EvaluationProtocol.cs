namespace Cdsr.Data.Model;

/// <summary>How a dataset's valid/test instances are ranked, as its source release does it.</summary>
/// <param name="Negatives">Sampled negatives per instance from the target's domain (100 or 999); 0 = full ranking
/// over the whole target domain.</param>
/// <param name="Exclusion">Which items are never drawn as negatives.</param>
/// <param name="Description">One line naming the source protocol (metrics, K).</param>
public sealed record EvaluationProtocol(int Negatives, NegativeExclusion Exclusion, string Description)
{
    /// <summary>999 negatives of the target domain, excluding only the target.</summary>
    public static readonly EvaluationProtocol Sampled999TargetOnly = new(999, NegativeExclusion.Target, "999 sampled negatives of the target domain, target excluded");

    public bool IsFullRanking => Negatives == 0;
}
