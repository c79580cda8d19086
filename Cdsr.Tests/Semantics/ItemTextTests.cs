using Cdsr.Data.Model;
using Cdsr.Semantics.Text;

namespace Cdsr.Tests.Semantics;

public class ItemTextTests
{
    [Test]
    public void Renders_known_fields_in_order_and_skips_unknown_ones()
    {
        var r = new ItemTextRenderer();
        var t = r.Render(new ItemInfo("B01", Title: "Cast Iron Skillet", Brand: "Lodge", Categories: ["Kitchen", "Cookware"], Description: null));
        Assert.That(t, Is.EqualTo("title: Cast Iron Skillet; brand: Lodge; categories: Kitchen > Cookware"));
        Assert.That(r.Render(new ItemInfo("B02", Title: "Tea")), Is.EqualTo("title: Tea"));
    }

    [Test]
    public void Item_without_text_renders_null_and_is_reported_not_embedded_as_empty()
    {
        var r = new ItemTextRenderer();
        Assert.That(r.Render(new ItemInfo("B03", Title: " \t\u0007 ", Categories: ["", " "])), Is.Null);
        Assert.That(r.Render(ItemInfo.Empty), Is.Null);
    }

    [Test]
    public void Length_is_bounded_at_a_word_boundary()
    {
        var r = new ItemTextRenderer(new ItemTextOptions { MaxChars = 40 });
        var t = r.Render(new ItemInfo("B04", Title: "Stainless steel mixing bowls with lids set of five nesting bowls"))!;
        Assert.That(t.Length, Is.LessThanOrEqualTo(40));
        Assert.That(t, Is.EqualTo("title: Stainless steel mixing bowls with"));
        Assert.That(ItemTextRenderer.Bound(new string('x', 100), 20), Has.Length.EqualTo(20), "a single long word is cut hard");
    }

    [Test]
    public void Surrogate_pairs_are_not_split_by_the_bound()
    {
        var s = new string('a', 19) + "\U0001F600" + "b";
        var t = ItemTextRenderer.Bound(s, 20);
        Assert.That(t, Is.EqualTo(new string('a', 19)));
    }

    [Test]
    public void Invalid_options_are_rejected_with_the_field_name()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ItemTextRenderer(new ItemTextOptions { MaxChars = 3 }));
        Assert.That(e!.Message, Does.Contain("MaxChars"));
    }
}
