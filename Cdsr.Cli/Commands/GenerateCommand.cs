using System.CommandLine;
using Cdsr.Data.Synthetic;

namespace Cdsr.Cli.Commands;

/// <summary><c>cdsr data generate --out DIR [--seed N] [--users N] [--items-a N] [--items-b N] [--topics N]
/// [--single-domain-share X] [--min-length N] [--max-length N] [--domain-a NAME] [--domain-b NAME] [--gzip]</c>:
/// writes a seeded synthetic two-domain raw dump (Amazon 2018 review + metadata JSON lines) with planted
/// cross-domain tastes; every unspecified setting keeps <see cref="SyntheticOptions"/>' default.</summary>
public static class GenerateCommand
{
    public static Command Create(CliContext context)
    {
        var d = new SyntheticOptions();
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write the four raw files into", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Seed; the same options give the same bytes", DefaultValueFactory = _ => d.Seed };
        var users = new Option<int>("--users") { Description = "Number of users", DefaultValueFactory = _ => d.Users };
        var itemsA = new Option<int>("--items-a") { Description = "Items of domain A", DefaultValueFactory = _ => d.ItemsA };
        var itemsB = new Option<int>("--items-b") { Description = "Items of domain B", DefaultValueFactory = _ => d.ItemsB };
        var topics = new Option<int>("--topics") { Description = "Latent topics shared by both domains (1-64)", DefaultValueFactory = _ => d.Topics };
        var single = new Option<double>("--single-domain-share") { Description = "Share of users active in one domain only", DefaultValueFactory = _ => d.SingleDomainShare };
        var minLength = new Option<int>("--min-length") { Description = "Shortest user sequence (both domains)", DefaultValueFactory = _ => d.MinLength };
        var maxLength = new Option<int>("--max-length") { Description = "Longest user sequence (both domains)", DefaultValueFactory = _ => d.MaxLength };
        var domainA = new Option<string>("--domain-a") { Description = "Name of domain A (file names and category root)", DefaultValueFactory = _ => d.DomainA };
        var domainB = new Option<string>("--domain-b") { Description = "Name of domain B", DefaultValueFactory = _ => d.DomainB };
        var gzip = new Option<bool>("--gzip") { Description = "Write .json.gz files" };

        var cmd = new Command("generate", "Write a seeded synthetic two-domain raw dump (Amazon 2018 JSON lines) with planted cross-domain structure");
        foreach (var o in new Option[] { output, seed, users, itemsA, itemsB, topics, single, minLength, maxLength, domainA, domainB, gzip }) cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            var options = d with
            {
                Seed = p.GetValue(seed),
                Users = p.GetValue(users),
                ItemsA = p.GetValue(itemsA),
                ItemsB = p.GetValue(itemsB),
                Topics = p.GetValue(topics),
                SingleDomainShare = p.GetValue(single),
                MinLength = p.GetValue(minLength),
                MaxLength = p.GetValue(maxLength),
                DomainA = p.GetValue(domainA)!,
                DomainB = p.GetValue(domainB)!,
                Compress = p.GetValue(gzip),
            };
            try { options.Validate(); }
            catch (ArgumentException e) { throw new CliException(e.Message, 2); }
            var dir = p.GetValue(output)!;
            var r = SyntheticGenerator.Generate(options, dir.FullName);
            context.Out.WriteLine($"generated seed {options.Seed}: {r.Users:N0} users ({r.OverlappedUsers:N0} in both domains), " +
                $"{r.InteractionsA:N0} {options.DomainA} and {r.InteractionsB:N0} {options.DomainB} reviews, {options.ItemsA:N0} + {options.ItemsB:N0} items");
            foreach (var f in new[] { r.ReviewsA, r.MetaA, r.ReviewsB, r.MetaB }) context.Out.WriteLine("wrote " + f);
            return 0;
        });
        return cmd;
    }
}
