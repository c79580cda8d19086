namespace Cdsr.Data.Model;

/// <summary>One supervised example: predict the interaction at <see cref="TargetIndex"/> of
/// <see cref="User"/>'s sequence from the history, which is the user's interactions [0, <see cref="HistoryEnd"/>)
/// without the target. Leave-one-out style splits have HistoryEnd == TargetIndex (history = the prefix); splits
/// whose history is "everything else" (AMID's rows) have HistoryEnd == sequence length.</summary>
public readonly record struct Instance(int User, int TargetIndex, int HistoryEnd, SplitPart Part);
