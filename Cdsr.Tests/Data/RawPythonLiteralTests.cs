using Cdsr.Data.Raw;

namespace Cdsr.Tests.Data;

public class RawPythonLiteralTests
{
    private RawTestFiles _files = null!;

    [SetUp]
    public void SetUp() => _files = new RawTestFiles();

    [TearDown]
    public void TearDown() => _files.Dispose();

    [Test]
    public void ScalarsParseLikePython()
    {
        Assert.That(PythonLiteral.Parse("True"), Is.EqualTo(true));
        Assert.That(PythonLiteral.Parse("False"), Is.EqualTo(false));
        Assert.That(PythonLiteral.Parse(" None "), Is.Null);
        Assert.That(PythonLiteral.Parse("-42"), Is.EqualTo(-42L));
        Assert.That(PythonLiteral.Parse("123L"), Is.EqualTo(123L));
        Assert.That(PythonLiteral.Parse("3.17"), Is.EqualTo(3.17));
        Assert.That(PythonLiteral.Parse("1e-3"), Is.EqualTo(0.001));
        Assert.That(PythonLiteral.Parse("1_000"), Is.EqualTo(1000L));
        Assert.That(PythonLiteral.Parse("99999999999999999999"), Is.EqualTo(1e20)); // beyond long: float
    }

    [TestCase(@"'plain'", "plain")]
    [TestCase(@"""Girls' Tutu""", "Girls' Tutu")]
    [TestCase(@"'Girls\' \""Tutu\""'", "Girls' \"Tutu\"")]
    [TestCase(@"'tab\there\nnew\\back'", "tab\there\nnew\\back")]
    [TestCase(@"'\a\b\f\v\r\0'", "\a\b\f\v\r\0")]
    [TestCase(@"'caf\xc3\xa9'", "café")]                    // Python 2 byte string: UTF-8 bytes
    [TestCase(@"'\xe2\x80\x99quoted\xe2\x80\x9d'", "\u2019quoted\u201d")]
    [TestCase(@"'non\xa0breaking'", "non\u00a0breaking")]    // not UTF-8 as bytes: code point U+00A0
    [TestCase(@"u'caf\xe9'", "café")]                        // unicode string: \x is a code point
    [TestCase(@"u'\u2013 \U0001F680'", "– 🚀")]
    [TestCase(@"'\ud83d\ude80'", "🚀")]                      // surrogate pair escapes
    [TestCase(@"'\101\102'", "AB")]                          // octal
    [TestCase(@"r'C:\new'", @"C:\new")]                      // raw string
    [TestCase(@"'keep \d unknown'", @"keep \d unknown")]     // unknown escapes stay verbatim
    [TestCase(@"'''triple 'quoted' text'''", "triple 'quoted' text")]
    [TestCase(@"'Zoë 東京'", "Zoë 東京")]                    // raw UTF-8 text
    public void StringsDecodeEscapesAndQuotes(string literal, string expected)
    {
        Assert.That(PythonLiteral.Parse(literal), Is.EqualTo(expected));
    }

    [Test]
    public void ContainersNest()
    {
        var v = PythonLiteral.Parse("{'a': [1, 2.5, ('x', None)], 'b': {'c': True}, 'd': {1, 2,}, 'e': [], 'f': {},}");
        var d = (Dictionary<string, object?>)v!;
        Assert.That(d.Keys, Is.EqualTo(new[] { "a", "b", "d", "e", "f" }));
        Assert.That(d["a"], Is.EqualTo(new List<object?> { 1L, 2.5, new List<object?> { "x", null } }));
        Assert.That(((Dictionary<string, object?>)d["b"]!)["c"], Is.EqualTo(true));
        Assert.That(d["d"], Is.EqualTo(new List<object?> { 1L, 2L }));
        Assert.That(d["e"], Is.Empty);
        Assert.That(d["f"], Is.Empty);
    }

    [TestCase("{'a': 1", "expected ',' or '}', found end of line")]
    [TestCase("{'a' 1}", "expected ',' or '}', found '1'")]
    [TestCase("{'a': 1, 'b' 2}", "expected ':'")]
    [TestCase("'unterminated", "unterminated string")]
    [TestCase("{'a': tru}", "unexpected 't'")]
    [TestCase("[1 2]", "expected ',' or ']'")]
    [TestCase("{'a': 1} extra", "after the value")]
    [TestCase("{1: 'x'}", "key must be a string")]
    [TestCase(@"'\x4'", "truncated escape")]
    [TestCase(@"'\xZZ'", "invalid hex escape")]
    [TestCase("12abc", "invalid number")]
    [TestCase("", "found end of line")]
    public void SyntaxErrorsSayWhatWasExpected(string text, string message)
    {
        var e = Assert.Throws<PythonLiteralException>(() => PythonLiteral.Parse(text))!;
        Assert.That(e.Message, Does.Contain(message));
        Assert.That(e.Position, Is.InRange(0, text.Length));
    }

    [Test]
    public void DeepNestingIsAnErrorNotAStackOverflow()
    {
        var e = Assert.Throws<PythonLiteralException>(() => PythonLiteral.Parse(new string('[', 100_000)))!;
        Assert.That(e.Message, Does.Contain("nesting deeper"));
    }

    private static readonly string[] Meta2014 =
    {
        @"{'asin': '0000031852', 'title': 'Girls Ballet Tutu Zebra Hot Pink', 'price': 3.17, 'imUrl': 'http://ecx.images-amazon.com/images/I/51fAmVkTbyL._SY300_.jpg', 'related': {'also_bought': ['B00JHONN1S', 'B002BZX8Z6'], 'bought_together': ['B002BZX8Z6']}, 'salesRank': {'Toys & Games': 211836}, 'brand': 'Coxlist', 'categories': [['Sports & Outdoors', 'Other Sports', 'Dance'], ['Sports & Outdoors', 'Clothing']]}",
        @"{'asin': '0000037214', 'description': ""Women's \""comfy\"" tee \xe2\x80\x93 size M"", 'title': u'Caf\xe9 Shirt', 'categories': [['Clothing, Shoes & Jewelry']]}",
        "",
        @"{'asin': 'B00X', 'brand': None, 'salesRank': {}, 'related': {'also_viewed': []}}",
    };

    [TestCase(false)]
    [TestCase(true)]
    public void Meta2014ParsesToExpectedRecords(bool gzip)
    {
        string path = _files.Write(gzip ? "meta.json.gz" : "meta.json", Meta2014, gzip);
        var reader = new Amazon2014MetaReader(path);
        var got = reader.ReadAll();
        Assert.That(got, Has.Count.EqualTo(3));
        Assert.That((got[0].ItemId, got[0].Title, got[0].Brand, got[0].Description, got[0].ImageUrl), Is.EqualTo(
            ("0000031852", "Girls Ballet Tutu Zebra Hot Pink", "Coxlist", (string?)null, "http://ecx.images-amazon.com/images/I/51fAmVkTbyL._SY300_.jpg")));
        Assert.That(got[0].Categories, Is.EqualTo(new[] { "Sports & Outdoors", "Other Sports", "Dance", "Clothing" }));
        Assert.That(got[1].Description, Is.EqualTo("Women's \"comfy\" tee – size M"));
        Assert.That(got[1].Title, Is.EqualTo("Café Shirt"));
        Assert.That(got[1].Categories, Is.EqualTo(new[] { "Clothing, Shoes & Jewelry" }));
        Assert.That((got[2].ItemId, got[2].Brand, got[2].Categories.Count), Is.EqualTo(("B00X", (string?)null, 0)));
        Assert.That(reader.Report.BlankLines, Is.EqualTo(1));
    }

    [Test]
    public void BadMeta2014LinesThrowNamingFileAndLine_OrAreCountedWhenLenient()
    {
        var cases = new (string Line, RawSkipReason Reason, string Detail)[]
        {
            ("{'asin': 'B1', 'title': 'unterminated}", RawSkipReason.MalformedLine, "unterminated string"),
            ("{\"asin\": \"B1\", \"title\": 5}", RawSkipReason.WrongType, "'title'"),
            ("{'asin': 'B1', 'brand': true}", RawSkipReason.MalformedLine, "unexpected 't'"), // JSON's true is not Python
            ("{'title': 'no asin'}", RawSkipReason.MissingField, "'asin'"),
            ("{'asin': 'B1', 'categories': ['flat', 'list']}", RawSkipReason.WrongType, "'categories'"),
            ("['not', 'a', 'dict']", RawSkipReason.MalformedLine, "expected '{'"),
            ("{'asin': 'B1'} {'asin': 'B2'}", RawSkipReason.MalformedLine, "after the value"),
        };
        foreach (var (bad, reason, detail) in cases)
        {
            string path = _files.Write("m.json", new[] { Meta2014[0], bad, Meta2014[3] });
            var e = Assert.Throws<RawDataException>(() => new Amazon2014MetaReader(path).ReadAll(), bad)!;
            Assert.That(e.Message, Does.StartWith($"{path}:2: {reason}:").And.Contain(detail), bad);
        }
        string all = _files.Write("all.json.gz", cases.Select(c => c.Line).Prepend(Meta2014[0]), gzip: true);
        var lenient = new Amazon2014MetaReader(all, RawReadOptions.LenientDefault);
        Assert.That(lenient.ReadAll().Select(m => m.ItemId), Is.EqualTo(new[] { "0000031852" }));
        foreach (var reason in Enum.GetValues<RawSkipReason>())
            Assert.That(lenient.Report.Skipped(reason), Is.EqualTo(cases.Count(c => c.Reason == reason)), reason.ToString());
    }
}
