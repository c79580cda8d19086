using System.Globalization;
using System.IO.Compression;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Cdsr.Data.Synthetic;

/// <summary>What <see cref="SyntheticGenerator.Generate"/> wrote, and the planted truth behind it.</summary>
/// <param name="ReviewsA">Review file of domain A (Amazon 2018 JSON lines).</param>
/// <param name="MetaA">Metadata file of domain A (Amazon 2018 JSON lines).</param>
/// <param name="ReviewsB">Review file of domain B.</param>
/// <param name="MetaB">Metadata file of domain B.</param>
/// <param name="Users">Users written (each has at least <see cref="SyntheticOptions.MinLength"/> interactions).</param>
/// <param name="OverlappedUsers">Users with interactions in both domains.</param>
/// <param name="InteractionsA">Review lines in domain A.</param>
/// <param name="InteractionsB">Review lines in domain B.</param>
/// <param name="ItemTopicsA">Planted topic of each domain-A item (index = item number in its ASIN).</param>
/// <param name="ItemTopicsB">Planted topic of each domain-B item.</param>
public sealed record SyntheticDataset(
    string ReviewsA, string MetaA, string ReviewsB, string MetaB,
    int Users, int OverlappedUsers, int InteractionsA, int InteractionsB,
    IReadOnlyList<int> ItemTopicsA, IReadOnlyList<int> ItemTopicsB);

/// <summary>
/// Writes a seeded two-domain raw dump in the Amazon 2018 review format (one JSON object a line:
/// <c>overall, verified, reviewTime, reviewerID, asin, reviewerName, reviewText, summary, unixReviewTime</c>) and the
/// 2018 metadata format (<c>asin, title, brand, main_cat, category[], description[], price</c>).
/// Users' topic tastes are shared across the two domains, so a user's history in one domain predicts their next
/// item in the other: the cross-domain signal every CDSR model should be able to exploit.
/// Item ASINs are <c>A</c>/<c>B</c> + 9 digits (domain letter + item number); reviewer ids are <c>U</c> + 7 digits + <c>SYN</c>.
/// Review lines are ordered by (asin, time, reviewer) as in the real dumps, so readers must sort by time themselves.
/// </summary>
public static class SyntheticGenerator
{
    private static readonly string[] TopicLabels =
    [
        "Running", "Hiking", "Cycling", "Swimming", "Yoga", "Camping", "Fishing", "Tennis",
        "Winter", "Golf", "Climbing", "Boxing", "Soccer", "Basketball", "Skating", "Rowing",
    ];
    private static readonly string[] NounsA = ["Shirt", "Jacket", "Socks", "Shorts", "Cap", "Shoes", "Leggings", "Hoodie"];
    private static readonly string[] NounsB = ["Bottle", "Bag", "Mat", "Gloves", "Helmet", "Rope", "Light", "Watch"];
    private static readonly string[] Adjectives = ["Lightweight", "Classic", "Pro", "Ultra", "Compact", "Breathable", "Durable", "Essential"];
    private static readonly string[] Brands = ["Northpeak", "Velora", "Kestrel", "Tidewell", "Ironfern", "Lumio", "Sablewood", "Quanta"];
    private static readonly string[] Verdicts = ["Great value", "Works as described", "Would buy again", "Fits well", "Solid quality", "Not bad"];

    /// <summary>Topic label used in item titles and categories (the first 16 are named; beyond that "Theme N").</summary>
    public static string TopicLabel(int topic) => topic < TopicLabels.Length ? TopicLabels[topic] : $"Theme {topic + 1}";

    /// <summary>File name of a domain's review dump.</summary>
    public static string ReviewFileName(string domain, bool compress) => domain + (compress ? ".json.gz" : ".json");

    /// <summary>File name of a domain's metadata dump.</summary>
    public static string MetaFileName(string domain, bool compress) => "meta_" + domain + (compress ? ".json.gz" : ".json");

    /// <summary>Generates the four files into <paramref name="outDir"/> (created if missing; files are overwritten).</summary>
    public static SyntheticDataset Generate(SyntheticOptions options, string outDir)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Directory.CreateDirectory(outDir);

        var catalogs = new[]
        {
            BuildCatalog(options, options.ItemsA, SeededRandom.Stream(options.Seed, 1)),
            BuildCatalog(options, options.ItemsB, SeededRandom.Stream(options.Seed, 2)),
        };
        LinkSuccessors(catalogs, SeededRandom.Stream(options.Seed, 3));

        var records = new[] { new List<Review>(), new List<Review>() };
        int overlapped = SimulateUsers(options, catalogs, records, SeededRandom.Stream(options.Seed, 4));

        string[] domains = [options.DomainA, options.DomainB];
        string[] letters = ["A", "B"];
        var reviewPaths = new string[2];
        var metaPaths = new string[2];
        for (int d = 0; d < 2; d++)
        {
            reviewPaths[d] = Path.Combine(outDir, ReviewFileName(domains[d], options.Compress));
            metaPaths[d] = Path.Combine(outDir, MetaFileName(domains[d], options.Compress));
            var text = SeededRandom.Stream(options.Seed, 10UL + (ulong)d);
            WriteReviews(reviewPaths[d], options.Compress, records[d], letters[d], catalogs[d], d, text);
            WriteMeta(metaPaths[d], options.Compress, domains[d], letters[d], catalogs[d], d, text);
        }

        return new SyntheticDataset(reviewPaths[0], metaPaths[0], reviewPaths[1], metaPaths[1],
            options.Users, overlapped, records[0].Count, records[1].Count, catalogs[0].Topic, catalogs[1].Topic);
    }

    private sealed class Catalog
    {
        public required int[] Topic;                  // planted topic per item
        public required int[] LabelTopic;             // topic named by the metadata (noisy)
        public required int[][] ByTopic;              // items of each topic, most popular first
        public required double[][] PopularityCdf;     // cumulative Zipf weights aligned with ByTopic
        public int[][] Successor = [];                // [item][domain] -> planted successor item
    }

    private readonly record struct Review(int User, int Item, long Time, int Rating);

    private static Catalog BuildCatalog(SyntheticOptions o, int items, SeededRandom rng)
    {
        // Round-robin topics, then shuffled: every topic gets items even for small catalogues.
        var topic = new int[items];
        for (int i = 0; i < items; i++) topic[i] = i % o.Topics;
        rng.Shuffle(topic);
        var label = new int[items];
        for (int i = 0; i < items; i++)
        {
            label[i] = topic[i];
            if (o.Topics > 1 && rng.Bernoulli(o.CategoryNoise)) label[i] = (topic[i] + 1 + rng.NextInt(o.Topics - 1)) % o.Topics;
        }
        var byTopic = new int[o.Topics][];
        var cdf = new double[o.Topics][];
        for (int t = 0; t < o.Topics; t++)
        {
            var members = Enumerable.Range(0, items).Where(i => topic[i] == t).ToArray();
            rng.Shuffle(members); // popularity rank inside the topic
            byTopic[t] = members;
            cdf[t] = new double[members.Length];
            double acc = 0;
            for (int r = 0; r < members.Length; r++) cdf[t][r] = acc += 1.0 / Math.Pow(r + 1, o.PopularitySkew);
        }
        return new Catalog { Topic = topic, LabelTopic = label, ByTopic = byTopic, PopularityCdf = cdf };
    }

    private static void LinkSuccessors(Catalog[] catalogs, SeededRandom rng)
    {
        foreach (var c in catalogs)
        {
            c.Successor = new int[c.Topic.Length][];
            for (int i = 0; i < c.Topic.Length; i++)
            {
                c.Successor[i] = new int[2];
                for (int d = 0; d < 2; d++)
                {
                    var pool = catalogs[d].ByTopic[c.Topic[i]];
                    c.Successor[i][d] = pool[rng.NextInt(pool.Length)];
                }
            }
        }
    }

    private static int SimulateUsers(SyntheticOptions o, Catalog[] catalogs, List<Review>[] records, SeededRandom rng)
    {
        int overlapped = 0;
        var taste = new double[o.Topics];
        var seen = new[] { new HashSet<int>(), new HashSet<int>() };
        var order = new List<int>();
        for (int u = 0; u < o.Users; u++)
        {
            // Taste: 3/4 of TasteFocus on a favourite topic, 1/4 on a second one, the rest uniform.
            int fav1 = rng.NextInt(o.Topics);
            int fav2 = o.Topics > 1 ? (fav1 + 1 + rng.NextInt(o.Topics - 1)) % o.Topics : fav1;
            double acc = 0;
            for (int t = 0; t < o.Topics; t++)
            {
                double w = (1 - o.TasteFocus) / o.Topics + (t == fav1 ? 0.75 * o.TasteFocus : 0) + (t == fav2 ? 0.25 * o.TasteFocus : 0);
                taste[t] = acc += w;
            }

            int length = rng.NextInt(o.MinLength, o.MaxLength);
            int countA;
            if (rng.Bernoulli(o.SingleDomainShare)) countA = rng.Bernoulli(0.5) ? length : 0;
            else
            {
                double shareA = o.MinDomainAShare + (o.MaxDomainAShare - o.MinDomainAShare) * rng.NextDouble();
                countA = Math.Clamp((int)Math.Round(length * shareA), o.MinPerDomain, length - o.MinPerDomain);
                overlapped++;
            }
            order.Clear();
            for (int k = 0; k < length; k++) order.Add(k < countA ? 0 : 1);
            rng.Shuffle(order); // random interleaving of the two domains

            seen[0].Clear(); seen[1].Clear();
            long time = o.StartUnixTime + 86_400L * rng.NextInt(0, 364);
            int prevTopic = -1, prevDomain = -1, prevItem = -1;
            foreach (int d in order)
            {
                var cat = catalogs[d];
                int item = -1;
                if (prevItem >= 0 && rng.Bernoulli(o.SuccessorProbability))
                {
                    int succ = catalogs[prevDomain].Successor[prevItem][d];
                    if (!seen[d].Contains(succ)) item = succ;
                }
                if (item < 0)
                {
                    int topic = prevTopic >= 0 && rng.Bernoulli(o.TopicStickiness) ? prevTopic : rng.Sample(taste);
                    item = DrawUnseen(cat, topic, seen[d], rng);
                }
                seen[d].Add(item);
                time += 86_400L * rng.NextInt(1, o.MaxGapDays);
                int rating = 1 + rng.Sample([0.05, 0.10, 0.20, 0.45, 1.0]);
                records[d].Add(new Review(u, item, time, rating));
                prevTopic = cat.Topic[item]; prevDomain = d; prevItem = item;
            }
        }
        return overlapped;
    }

    private static int DrawUnseen(Catalog cat, int topic, HashSet<int> seen, SeededRandom rng)
    {
        var pool = cat.ByTopic[topic];
        for (int attempt = 0; attempt < 32; attempt++)
        {
            int item = pool[rng.Sample(cat.PopularityCdf[topic])];
            if (!seen.Contains(item)) return item;
        }
        foreach (int item in pool) if (!seen.Contains(item)) return item;
        for (int item = 0; item < cat.Topic.Length; item++) if (!seen.Contains(item)) return item; // topic exhausted
        throw new InvalidOperationException("synthetic generator: a user ran out of unseen items (MaxLength exceeds the catalogue)");
    }

    private static string Asin(string letter, int item) => letter + item.ToString("D9", CultureInfo.InvariantCulture);

    private static string ReviewerId(int user) => "U" + user.ToString("D7", CultureInfo.InvariantCulture) + "SYN";

    private static string Title(Catalog cat, int domain, int item)
    {
        var nouns = domain == 0 ? NounsA : NounsB;
        // Deterministic from the item number: adjective and noun cycle, the topic word comes from the (noisy) label.
        return $"{Brands[item % Brands.Length]} {Adjectives[(item / 7) % Adjectives.Length]} {TopicLabel(cat.LabelTopic[item])} {nouns[(item / 3) % nouns.Length]}";
    }

    private static JsonWriterOptions WriterOptions => new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private static Stream OpenWrite(string path, bool compress)
    {
        Stream file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        return compress ? new GZipStream(file, CompressionLevel.Optimal, leaveOpen: false) : file;
    }

    private static void WriteReviews(string path, bool compress, List<Review> reviews, string letter, Catalog cat, int domain, SeededRandom rng)
    {
        var sorted = reviews.OrderBy(r => r.Item).ThenBy(r => r.Time).ThenBy(r => r.User).ToList();
        using var stream = OpenWrite(path, compress);
        using var w = new Utf8JsonWriter(stream, WriterOptions);
        foreach (var r in sorted)
        {
            var date = DateTimeOffset.FromUnixTimeSeconds(r.Time).UtcDateTime;
            string verdict = Verdicts[rng.NextInt(Verdicts.Length)];
            w.WriteStartObject();
            w.WritePropertyName("overall"); w.WriteRawValue(r.Rating.ToString(CultureInfo.InvariantCulture) + ".0", skipInputValidation: true);
            w.WriteBoolean("verified", rng.Bernoulli(0.9));
            w.WriteString("reviewTime", $"{date.Month:D2} {date.Day}, {date.Year}");
            w.WriteString("reviewerID", ReviewerId(r.User));
            w.WriteString("asin", Asin(letter, r.Item));
            w.WriteString("reviewerName", $"Synthetic User {r.User}");
            w.WriteString("reviewText", $"{verdict}. My {Title(cat, domain, r.Item).ToLowerInvariant()} for {TopicLabel(cat.LabelTopic[r.Item]).ToLowerInvariant()}.");
            w.WriteString("summary", verdict);
            w.WriteNumber("unixReviewTime", r.Time);
            w.WriteEndObject();
            w.Flush();
            stream.WriteByte((byte)'\n');
            w.Reset(stream);
        }
    }

    private static void WriteMeta(string path, bool compress, string domainName, string letter, Catalog cat, int domain, SeededRandom rng)
    {
        string root = domainName.Replace('_', ' ');
        using var stream = OpenWrite(path, compress);
        using var w = new Utf8JsonWriter(stream, WriterOptions);
        for (int item = 0; item < cat.Topic.Length; item++)
        {
            string label = TopicLabel(cat.LabelTopic[item]);
            w.WriteStartObject();
            w.WriteStartArray("category"); w.WriteStringValue(root); w.WriteStringValue(label); w.WriteEndArray();
            w.WriteStartArray("description"); w.WriteStringValue($"Made for {label.ToLowerInvariant()}."); w.WriteEndArray();
            w.WriteString("title", Title(cat, domain, item));
            w.WriteString("brand", Brands[item % Brands.Length]);
            w.WriteString("main_cat", root);
            w.WriteString("price", "$" + (5 + rng.NextInt(0, 9500) / 100.0).ToString("F2", CultureInfo.InvariantCulture));
            w.WriteString("asin", Asin(letter, item));
            w.WriteEndObject();
            w.Flush();
            stream.WriteByte((byte)'\n');
            w.Reset(stream);
        }
    }
}
