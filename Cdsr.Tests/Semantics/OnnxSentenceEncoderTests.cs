using Cdsr.Onnx.Model;
using Cdsr.Onnx.Runtime;
using Cdsr.Semantics;
using Cdsr.Semantics.Onnx;

namespace Cdsr.Tests.Semantics;

/// <summary>The WordPiece tokenizer and the ONNX sentence encoder against a tiny encoder the test builds itself:
/// H = tanh((E[input_ids] + T[token_type_ids]) · W), [B, L, 3]; the graph ignores attention_mask, so padding rows are
/// non-zero and only the encoder's masked pooling keeps them out.</summary>
public class OnnxSentenceEncoderTests
{
    internal static readonly string[] Vocab =
        ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "cast", "iron", "skill", "##et", "##s", "pan", "tea", "green", "-", "!", "caf", "##e", "the"];
    private const int Emb = 4, Hidden = 3;
    private static readonly float[] E = Cdsr.Tests.Onnx.OnnxTestModels.RandomFloats(Vocab.Length * Emb, 11);
    private static readonly float[] T = Cdsr.Tests.Onnx.OnnxTestModels.RandomFloats(2 * Emb, 12);
    private static readonly float[] W = Cdsr.Tests.Onnx.OnnxTestModels.RandomFloats(Emb * Hidden, 13);

    internal static OnnxModel TinyEncoder(bool withMask = true)
    {
        var g = new OnnxGraphBuilder("tiny_encoder");
        var ids = g.Input("input_ids", OnnxElementType.Int64, "batch", "seq");
        if (withMask) g.Input("attention_mask", OnnxElementType.Int64, "batch", "seq");
        var types = g.Input("token_type_ids", OnnxElementType.Int64, "batch", "seq");
        var e = g.Initializer(OnnxTensor.FromFloats("E", E, Vocab.Length, Emb));
        var t = g.Initializer(OnnxTensor.FromFloats("T", T, 2, Emb));
        var w = g.Initializer(OnnxTensor.FromFloats("W", W, Emb, Hidden));
        var x = g.Node("Add", g.Node("Gather", [e, ids], OnnxAttribute.Int("axis", 0)), g.Node("Gather", [t, types], OnnxAttribute.Int("axis", 0))); // [B, L, Emb]
        g.AddNode("Tanh", [g.Node("MatMul", x, w)], ["last_hidden_state"]);                                                                       // [B, L, H]
        g.Output("last_hidden_state", OnnxElementType.Float32, "batch", "seq", Hidden);
        return g.Build();
    }

    [Test]
    public void Wordpiece_splits_words_punctuation_accents_and_unknowns_like_bert()
    {
        var tok = new WordPieceTokenizer(Vocab);
        Assert.That(tok.BasicTokens("Cast-Iron  Skillets!"), Is.EqualTo(new[] { "cast", "-", "iron", "skillets", "!" }));
        Assert.That(tok.Pieces("skillets"), Is.EqualTo(new[] { "skill", "##et", "##s" }));
        Assert.That(tok.Encode("Cast-Iron Skillets!"), Is.EqualTo(new[] { 2, 4, 12, 5, 6, 7, 8, 13, 3 }));
        Assert.That(tok.Encode("Green TEA, Café"), Is.EqualTo(new[] { 2, 11, 10, 1, 14, 15, 3 }), "',' is unknown; 'café' loses its accent");
        Assert.That(tok.Encode("xyz\u0000 pan"), Is.EqualTo(new[] { 2, 1, 9, 3 }), "a word that cannot be fully matched is one [UNK]");
        var shortTok = new WordPieceTokenizer(Vocab, new WordPieceOptions { MaxTokens = 5 });
        Assert.That(shortTok.Encode("Cast-Iron Skillets!"), Is.EqualTo(new[] { 2, 4, 12, 5, 3 }), "truncated, [SEP] kept");
    }

    [Test]
    public void Vocabulary_without_special_tokens_is_an_error_naming_the_token()
    {
        var ex = Assert.Throws<SemanticsException>(() => new WordPieceTokenizer(["[PAD]", "[UNK]", "[CLS]", "tea"], source: "v.txt"));
        Assert.That(ex!.Message, Is.EqualTo("v.txt: special token [SEP] is missing"));
    }

    [Test]
    public async Task Encoder_output_equals_masked_mean_pooling_computed_directly()
    {
        string[] texts = ["Cast-Iron Skillets!", "the pan", "Green TEA, Café", "tea"];
        using var session = OnnxSession.FromModel(TinyEncoder());
        var tok = new WordPieceTokenizer(Vocab);
        using var enc = new OnnxSentenceEncoder(session, tok, "tiny", new OnnxEncoderOptions { BatchSize = 3 }); // batch 1 is padded
        var m = await enc.EmbedAsync(texts);
        Assert.That(m.Rows, Is.EqualTo(4));
        Assert.That(m.Dims, Is.EqualTo(Hidden));
        for (int i = 0; i < texts.Length; i++)
        {
            var ids = tok.Encode(texts[i]);
            var mean = new double[Hidden];
            foreach (var id in ids)
                for (int h = 0; h < Hidden; h++)
                {
                    double s = 0;
                    for (int k = 0; k < Emb; k++) s += (E[id * Emb + k] + T[k]) * W[k * Hidden + h];
                    mean[h] += Math.Tanh(s) / ids.Length;
                }
            double n = Math.Sqrt(mean.Sum(v => v * v));
            for (int h = 0; h < Hidden; h++) Assert.That(m.Row(i)[h], Is.EqualTo(mean[h] / n).Within(1e-5), $"text {i} dim {h}");
        }
        // the same text alone (no padding) gives the same vector as inside the padded batch
        var alone = await enc.EmbedAsync(["the pan"]);
        Assert.That(alone.Row(0).ToArray(), Is.EqualTo(m.Row(1).ToArray()).Within(1e-6));
    }

    [Test]
    public void A_model_without_attention_mask_input_is_rejected_with_its_inputs_listed()
    {
        using var session = OnnxSession.FromModel(TinyEncoder(withMask: false));
        var ex = Assert.Throws<SemanticsException>(() => new OnnxSentenceEncoder(session, new WordPieceTokenizer(Vocab), "nomask"));
        Assert.That(ex!.Message, Does.StartWith("ONNX encoder nomask: the model has no input 'attention_mask' (inputs: input_ids: Int64[batch, seq]"));
    }

    [Test]
    public void Encoder_loads_model_onnx_and_vocab_txt_from_a_folder_and_names_missing_files()
    {
        var dir = Directory.CreateTempSubdirectory("cdsr-onnxenc-").FullName;
        try
        {
            var ex = Assert.Throws<SemanticsException>(() => OnnxSentenceEncoder.FromDirectory(dir));
            Assert.That(ex!.Message, Does.Contain("no model.onnx"));
            File.WriteAllBytes(Path.Combine(dir, "model.onnx"), TinyEncoder().ToBytes());
            ex = Assert.Throws<SemanticsException>(() => OnnxSentenceEncoder.FromDirectory(dir));
            Assert.That(ex!.Message, Does.Contain("vocab.txt' does not exist"));
            File.WriteAllLines(Path.Combine(dir, "vocab.txt"), Vocab);
            using var enc = OnnxSentenceEncoder.FromDirectory(dir);
            Assert.That(enc.Model, Does.Match(@"^cdsr-onnxenc-\w+@[0-9a-f]{16}$"), "the model name carries the file's hash, so caches follow model changes");
            Assert.That(enc.Tokenizer.VocabularySize, Is.EqualTo(Vocab.Length));
            // Everything that changes the vectors changes the cache key: the vocabulary and the tokenizer options too.
            using var truncated = OnnxSentenceEncoder.FromDirectory(dir, new OnnxEncoderOptions { Tokenizer = new WordPieceOptions { MaxTokens = 8 } });
            Assert.That(truncated.Model, Is.Not.EqualTo(enc.Model));
            File.WriteAllLines(Path.Combine(dir, "vocab.txt"), Vocab.Reverse());
            using var reordered = OnnxSentenceEncoder.FromDirectory(dir);
            Assert.That(reordered.Model, Is.Not.EqualTo(enc.Model));
        }
        finally { Directory.Delete(dir, true); }
    }
}
