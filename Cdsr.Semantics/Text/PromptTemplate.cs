namespace Cdsr.Semantics.Text;

/// <summary>
/// A versioned prompt: a fixed instruction written by the library (trusted) plus one delimited block of untrusted
/// item text. <see cref="Version"/> is part of every cache key, so changing the wording (and bumping the version)
/// invalidates exactly the responses made with the old wording.
/// </summary>
/// <param name="Name">Short identifier, e.g. "llmedt-item-augment".</param>
/// <param name="Version">Bumped whenever <see cref="Instruction"/> changes meaning.</param>
/// <param name="Instruction">The trusted instruction (system message).</param>
/// <param name="ExpectsJson">Whether the model is asked for a JSON object (the chat client then parses it).</param>
public sealed record PromptTemplate(string Name, int Version, string Instruction, bool ExpectsJson = false)
{
    /// <summary>Identity used in cache keys: "name@vN".</summary>
    public string Key => $"{Name}@v{Version}";

    /// <summary>The system message: the instruction followed by <see cref="PromptSafety.DataNotice"/>.</summary>
    public string SystemMessage => Instruction.TrimEnd() + "\n\n" + PromptSafety.DataNotice;

    /// <summary>The user message: the item's text inside one delimited block labelled <paramref name="itemLabel"/>.</summary>
    public string UserMessage(string itemLabel, string itemText) => PromptSafety.Delimit(itemLabel, itemText);

    /// <summary>Identity of the template used by plain embeddings (no instruction): version 1.</summary>
    public static readonly PromptTemplate PlainEmbedding = new("embed-item-text", 1, "(none: the item text is embedded as is)");
}
