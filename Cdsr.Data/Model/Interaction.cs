using System.Runtime.InteropServices;

namespace Cdsr.Data.Model;

/// <summary>One interaction of a user: an item of <see cref="Domain"/> (dense id 1..n inside that domain's
/// vocabulary; 0 is padding and never appears here) at <see cref="Timestamp"/> (meaning given by
/// <see cref="CdsrDataset.TimeKind"/>). 16 bytes: Timestamp (8), Item (4), Domain (1), padding (3).</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct Interaction(long Timestamp, int Item, Domain Domain)
{
    public override string ToString() => $"{Domain}:{Item}@{Timestamp}";
}
