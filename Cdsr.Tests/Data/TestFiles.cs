namespace Cdsr.Tests.Data;

/// <summary>A temporary folder for files written by a test; deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cdsr-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string name, string text)
    {
        var p = System.IO.Path.Combine(Path, name);
        File.WriteAllText(p, text);
        return p;
    }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Real datasets under ../shared/datasets; a test that needs one is ignored, with the path, when absent.</summary>
internal static class RealData
{
    public static string Require(string name)
    {
        var path = System.IO.Path.Combine(SharedData.DatasetsRoot, name);
        if (!Directory.Exists(path)) Assert.Ignore($"shared dataset not found: {path} (expected ../shared/datasets beside the repository)");
        return path;
    }
}

/// <summary>Small, well-formed releases of each format, written by the tests.</summary>
internal static class Fixtures
{
    /// <summary>C2DSR: 3 Food + 2 Kitchen items (Kitchen offset 3); user 0 in valid (file order not time order),
    /// user 1 in test.</summary>
    public static void C2dsr(TempDir d)
    {
        d.Write("Alist.txt", "10\tFA\t0\n11\tFB\t1\n12\tFC\t2\n");
        d.Write("Blist.txt", "20\tKA\t0\n21\tKB\t1\n");
        d.Write("userlist.txt", "R0\t0\nR1\t1\n");
        d.Write("validdata_new.txt", "0\t5\t0|100|d|\t3|300|d|\t1|200|d|\n");
        d.Write("testdata_new.txt", "1\t6\t2|10|d|\t4|20|d|\t0|30|d|\t1|30|d|\n");
    }

    /// <summary>ABXI: 2 Food (ids 1-2) + 3 Kitchen (ids 3-5); two users of 4 interactions.</summary>
    public static void Abxi(TempDir d)
    {
        d.Write("map_item_50.txt", "{\"FA\": [1, 0], \"FB\": [2, 0], \"KA\": [3, 1], \"KB\": [4, 1], \"KC\": [5, 1]}");
        d.Write("map_user_50.txt", "{\"R0\": 0, \"R1\": 1}");
        d.Write("items.tsv", "id\tdomain\tasin\ttitle\n1\t0\tFA\tTea\n2\t0\tFB\t\n3\t1\tKA\tPan\n4\t1\tKB\tPot\n5\t1\tKC\t\n");
        d.Write("afk_50_preprocessed.txt", "0 1|10 3|20 2|30 4|40\n1 5|1 4|2 3|3 1|4\n");
    }

    /// <summary>LLMCDSR: 2 Food (0-1) + 3 Kitchen (2-4 shared, 0-2 local).</summary>
    public static void Llmcdsr(TempDir d)
    {
        d.Write("num.txt", "2\n3\n");
        d.Write("instance_num.txt", "1\n1\n1\n");
        d.Write("items_A.tsv", "id\tasin\ttitle\n0\tFA\tTea\n1\tFB\tRice\n");
        d.Write("items_B.tsv", "id\tasin\ttitle\n0\tKA\tPan\n1\tKB\tPot\n2\tKC\tCup\n");
        d.Write("train_A.txt", "1\t0,1,0\n");
        d.Write("train_B.txt", "1\t2,3\n");
        d.Write("train_overlap.txt", "1\t0,2,1,4\n");
        d.Write("valid.txt", "1\t1,3,0\n");
        d.Write("test.txt", "1\t0,4,3\n");
    }

    /// <summary>AMID: user 7 has two rows (Cloth and Sport target), user 8 one Cloth-only row; the test file
    /// repeats user 7 (same lists) with a Sport target and adds user 9. Id 50 is both a Cloth and a Sport id.</summary>
    public static void Amid(TempDir d, int ku = 25)
    {
        d.Write($"cloth_sport_train{ku}.csv",
            "user_id,seq_d1,seq_d2,domain_id\n" +
            "7,\"[10, 50, 11]\",\"[60, 61]\",0\n" +
            "7,\"[10, 50, 11]\",\"[60, 61]\",1\n" +
            "8,\"[12, 10]\",[],0\n");
        d.Write("cloth_sport_test.csv",
            "user_id,seq_d1,seq_d2,domain_id\n" +
            "7,\"[10, 50, 11]\",\"[60, 61]\",1\n" +
            "9,[],\"[50, 62]\",1\n");
    }
}
