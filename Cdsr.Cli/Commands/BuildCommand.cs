using System.CommandLine;
using Cdsr.Data.Model;
using Cdsr.Data.Scenario;
using Cdsr.Data.Storage;

namespace Cdsr.Cli.Commands;

/// <summary><c>cdsr data build --format amazon2018|amazon2014|csv --domain-a FILE --domain-b FILE [--meta-a FILE
/// --meta-b FILE] --out DIR [--kcore-user N] [--kcore-item N] [--kcore-scope overall|per-domain] [--min-per-domain N]
/// [--overlapped-only] [--ku X] [--split loo|users|time] [--max-len N] [--negatives N] [--seed N] ...</c>:
/// builds a two-domain scenario from raw dumps and writes a dataset folder (DatasetStore files, candidate sets,
/// and <c>scenario.json</c> with the build options, step counts and content hash).</summary>
public static class BuildCommand
{
    public static Command Create(CliContext context)
    {
        var d = new ScenarioOptions();
        var format = new Option<string>("--format") { Description = "Raw format: amazon2018|amazon2014|csv", Required = true };
        var reviewsA = new Option<FileInfo>("--domain-a") { Description = "Review file of domain A (plain or .gz)", Required = true };
        var reviewsB = new Option<FileInfo>("--domain-b") { Description = "Review file of domain B (plain or .gz)", Required = true };
        var metaA = new Option<FileInfo?>("--meta-a") { Description = "Metadata file of domain A (with --meta-b)" };
        var metaB = new Option<FileInfo?>("--meta-b") { Description = "Metadata file of domain B (with --meta-a)" };
        var output = new Option<DirectoryInfo>("--out") { Description = "Dataset folder to write", Required = true };
        var name = new Option<string?>("--name") { Description = "Dataset name (default: the output folder's name)" };
        var nameA = new Option<string>("--name-a") { Description = "Display name of domain A", DefaultValueFactory = _ => d.DomainAName };
        var nameB = new Option<string>("--name-b") { Description = "Display name of domain B", DefaultValueFactory = _ => d.DomainBName };
        var kUser = new Option<int>("--kcore-user") { Description = "Least interactions of a kept user (0 = off)" };
        var kItem = new Option<int>("--kcore-item") { Description = "Least interactions of a kept item (0 = off)" };
        var kScope = new Option<string>("--kcore-scope") { Description = "Count a user's interactions overall or per-domain", DefaultValueFactory = _ => "overall" };
        var minPer = new Option<int>("--min-per-domain") { Description = "Remove a user's domain part with fewer interactions (0 = off)" };
        var overlapped = new Option<bool>("--overlapped-only") { Description = "Keep only users active in both domains" };
        var ku = new Option<double?>("--ku") { Description = "Non-overlap ratio K_u in [0, 1]: share of single-domain users kept in train/valid (test keeps all)" };
        var split = new Option<string>("--split") { Description = "loo (leave-one-out), users (user-disjoint), time (cut timestamps)", DefaultValueFactory = _ => "loo" };
        var trainFraction = new Option<double>("--train-fraction") { Description = "users split: share of train users", DefaultValueFactory = _ => d.TrainFraction };
        var validFraction = new Option<double>("--valid-fraction") { Description = "users split: share of valid users", DefaultValueFactory = _ => d.ValidFraction };
        var validFrom = new Option<long?>("--valid-from") { Description = "time split: start of the valid period (Unix seconds)" };
        var testFrom = new Option<long?>("--test-from") { Description = "time split: start of the test period (Unix seconds)" };
        var timeFrom = new Option<long?>("--time-from") { Description = "Keep reviews at or after this Unix time" };
        var timeTo = new Option<long?>("--time-to") { Description = "Keep reviews before this Unix time" };
        var maxLen = new Option<int>("--max-len") { Description = "Keep each user's latest N interactions (0 = all)" };
        var keepDup = new Option<bool>("--keep-duplicates") { Description = "Keep repeated (user, item, timestamp) reviews" };
        var negatives = new Option<int>("--negatives") { Description = "Sampled negatives per valid/test instance (0 = full ranking)", DefaultValueFactory = _ => d.Negatives };
        var exclude = new Option<string>("--exclude") { Description = "Never sample as negatives: target or history", DefaultValueFactory = _ => "target" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the user split, K_u selection and candidates", DefaultValueFactory = _ => d.Seed };

        var cmd = new Command("build", "Build a two-domain scenario from raw review dumps into a dataset folder");
        foreach (var o in new Option[] { format, reviewsA, reviewsB, metaA, metaB, output, name, nameA, nameB, kUser, kItem, kScope, minPer, overlapped, ku,
                     split, trainFraction, validFraction, validFrom, testFrom, timeFrom, timeTo, maxLen, keepDup, negatives, exclude, seed })
            cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            var dir = p.GetValue(output)!;
            string formatName = Choice("--format", p.GetValue(format)!, "amazon2018", "amazon2014", "csv");
            string scopeName = Choice("--kcore-scope", p.GetValue(kScope)!, "overall", "per-domain");
            string splitName = Choice("--split", p.GetValue(split)!, "loo", "users", "time");
            string excludeName = Choice("--exclude", p.GetValue(exclude)!, "target", "history");
            var options = new ScenarioOptions
            {
                Name = p.GetValue(name) ?? dir.Name,
                DomainAName = p.GetValue(nameA)!,
                DomainBName = p.GetValue(nameB)!,
                Deduplicate = !p.GetValue(keepDup),
                TimeFrom = p.GetValue(timeFrom),
                TimeTo = p.GetValue(timeTo),
                KCoreUser = p.GetValue(kUser),
                KCoreItem = p.GetValue(kItem),
                KCoreScope = scopeName == "per-domain" ? KCoreScope.PerDomain : KCoreScope.Overall,
                MinPerDomain = p.GetValue(minPer),
                OverlappedOnly = p.GetValue(overlapped),
                NonOverlapRatio = p.GetValue(ku),
                MaxLength = p.GetValue(maxLen),
                Split = splitName switch { "users" => SplitMode.UserDisjoint, "time" => SplitMode.Time, _ => SplitMode.LeaveOneOut },
                TrainFraction = p.GetValue(trainFraction),
                ValidFraction = p.GetValue(validFraction),
                ValidFrom = p.GetValue(validFrom),
                TestFrom = p.GetValue(testFrom),
                Negatives = p.GetValue(negatives),
                Exclusion = excludeName == "history" ? NegativeExclusion.History : NegativeExclusion.Target,
                Seed = p.GetValue(seed),
            };
            try { options.Validate(); }
            catch (Cdsr.Data.CdsrDataException e) { throw new CliException(e.Message.Replace("scenario option ", "invalid option: "), 2); }
            var files = new RawScenarioFiles(RawScenario.ParseFormat(formatName), p.GetValue(reviewsA)!.FullName, p.GetValue(reviewsB)!.FullName,
                p.GetValue(metaA)?.FullName, p.GetValue(metaB)?.FullName);
            if ((files.MetaA is null) != (files.MetaB is null)) throw new CliException("give both --meta-a and --meta-b, or neither", 2);

            ScenarioResult result;
            try { result = RawScenario.Build(options, files); }
            catch (Cdsr.Data.Raw.RawDataException e) { throw new CliException(e.Message); } // already names file:line:reason
            var data = result.Dataset;
            DatasetStore.Write(data, dir.FullName, config: result.Manifest.ConfigJson());
            result.Manifest.Write(Path.Combine(dir.FullName, ScenarioManifest.FileName));

            var c = result.Manifest.Counts;
            context.Out.WriteLine($"built {data.Name}: {c.Users:N0} users ({c.OverlappedUsers:N0} overlapped, {c.OnlyAUsers:N0} only {data.DomainA.Name}, {c.OnlyBUsers:N0} only {data.DomainB.Name}), " +
                $"items {c.Items[0]:N0} / {c.Items[1]:N0}, interactions {c.Interactions[0]:N0} / {c.Interactions[1]:N0}");
            context.Out.WriteLine($"split {options.Split}: train {c.Instances[0]:N0}, valid {c.Instances[1]:N0}, test {c.Instances[2]:N0} instances" +
                (data.Candidates is { IsFullRanking: false } cand ? $"; candidates 1 + {cand.Negatives} per valid/test instance" : "; full ranking"));
            foreach (var n in data.Notes) context.Out.WriteLine("note: " + n);
            if (c.DuplicateMetadata.Sum() > 0) context.Out.WriteLine($"note: metadata repeated {c.DuplicateMetadata[0]} (A) + {c.DuplicateMetadata[1]} (B) ASINs; first entries kept");
            context.Out.WriteLine($"content hash {result.Manifest.ContentHash}");
            context.Out.WriteLine($"wrote {dir.FullName}");
            return 0;
        });
        return cmd;
    }

    /// <summary>A one-line usage error for a value outside <paramref name="allowed"/>.</summary>
    private static string Choice(string option, string value, params string[] allowed) =>
        allowed.Contains(value) ? value : throw new CliException($"{option} must be one of {string.Join(", ", allowed)}; got '{value}'", 2);
}
