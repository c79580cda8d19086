namespace Cdsr.Tests;

/// <summary>Locates ../shared/datasets (beside the repository root). Tests that need a real dataset call
/// <see cref="Dataset"/>, which fails with the path it looked for when the folder is missing.</summary>
public static class SharedData
{
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Cdsr.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Cdsr.sln not found above " + TestContext.CurrentContext.TestDirectory);
        }
    }

    public static string DatasetsRoot => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "datasets"));

    /// <summary>Full path of ../shared/datasets/<paramref name="name"/>; fails the test naming the path if absent.</summary>
    public static string Dataset(string name)
    {
        var path = Path.Combine(DatasetsRoot, name);
        if (!Directory.Exists(path)) Assert.Fail($"shared dataset not found: {path} (the tests expect ../shared/datasets beside the repository)");
        return path;
    }
}
