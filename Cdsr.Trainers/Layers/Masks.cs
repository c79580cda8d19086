using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Trainers.Layers;

/// <summary>
/// Attention masks in one convention: <b>true = may not attend</b> (nn.MultiheadAttention's attn_mask and
/// key_padding_mask). <see cref="MultiHeadSelfAttention"/> turns them into SDPA's opposite convention
/// (true = may attend) in one place. Item id 0 is padding throughout Cdsr.
/// </summary>
public static class Masks
{
    /// <summary>Bool [L, L]: true above the diagonal, i.e. position i may not attend to a later position j &gt; i.</summary>
    public static Tensor Causal(long length, Device? device = null)
    {
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length), $"causal mask: length must be >= 0, got {length}");
        return ones(length, length, ScalarType.Bool, device ?? CPU).triu(1);
    }

    /// <summary>key padding mask for item ids [B, L]: bool [B, L], true where the id is <paramref name="padding"/>.</summary>
    public static Tensor Padding(Tensor ids, long padding = 0) => ids.eq(padding);
}
