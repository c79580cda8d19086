#nullable enable
// MSBuild task (RoslynCodeTaskFactory): lets TorchSharp 0.107's libLibTorchSharp.so load on a libstdc++ older than
// GCC 13's (Debian 12 ships GLIBCXX_3.4.30). That library asks for version GLIBCXX_3.4.32 only because GCC 13's
// <iostream> emits a reference to the marker symbol _ZSt21ios_base_library_initv; no relocation uses it. Marking
// that one version-need entry weak (VER_FLG_WEAK in .gnu.version_r) makes the dynamic loader accept its absence.
//
// The task patches the copy in the build output, never the NuGet cache; it refuses unless the only dynamic symbol
// bound to the version is the marker; it re-reads the file to verify; it is idempotent; and it does nothing where
// the machine's libstdc++ already defines the version (a newer distribution).
using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class WeakenGlibcxxNeed : Task
{
    [Required] public string Library { get; set; } = "";
    public string Version { get; set; } = "GLIBCXX_3.4.32";
    public string MarkerSymbol { get; set; } = "_ZSt21ios_base_library_initv";
    public string LibStdCxx { get; set; } = "";

    const uint ShtDynsym = 11, ShtVerneed = 0x6ffffffe, ShtVersym = 0x6fffffff;
    const ushort VerFlgWeak = 0x2;

    public override bool Execute()
    {
        if (!File.Exists(Library)) return true; // nothing copied: nothing to do
        string? std = FindLibStdCxx();
        if (std != null && Contains(File.ReadAllBytes(std), Encoding.ASCII.GetBytes(Version + "\0")))
        {
            Log.LogMessage(MessageImportance.Low, $"{std} defines {Version}: {Library} needs no patch");
            return true;
        }
        byte[] elf = File.ReadAllBytes(Library);
        var entry = Find(elf, out string? problem);
        if (entry is not int at) { Log.LogError($"{Library}: cannot weaken {Version}: {problem}"); return false; }
        ushort flags = BitConverter.ToUInt16(elf, at + 4);
        if ((flags & VerFlgWeak) != 0) return true; // already patched
        BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(elf, at + 4);
        string tmp = Library + ".weaken.tmp";
        File.WriteAllBytes(tmp, elf);
        File.Replace(tmp, Library, null); // rename(2) over the copy
        var check = Find(File.ReadAllBytes(Library), out problem);
        if (check is not int again || (BitConverter.ToUInt16(File.ReadAllBytes(Library), again + 4) & VerFlgWeak) == 0)
        {
            Log.LogError($"{Library}: the {Version} need is not weak after patching ({problem ?? "flag not set"})");
            return false;
        }
        Log.LogMessage(MessageImportance.Normal,
            $"{Path.GetFileName(Library)}: marked its {Version} need weak ({std ?? "libstdc++.so.6"} lacks it; only {MarkerSymbol} is bound to it; see README 'TorchSharp on Debian 12')");
        return true;
    }

    string? FindLibStdCxx()
    {
        if (LibStdCxx.Length > 0) return File.Exists(LibStdCxx) ? LibStdCxx : null;
        string[] dirs = { "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib/aarch64-linux-gnu", "/usr/lib" };
        return dirs.Select(d => Path.Combine(d, "libstdc++.so.6")).FirstOrDefault(File.Exists);
    }

    // Offset of the Elf64_Vernaux entry naming Version, or null with the reason.
    int? Find(byte[] b, out string? problem)
    {
        problem = null;
        if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F' || b[4] != 2 || b[5] != 1)
        { problem = "not a little-endian ELF64 file"; return null; }
        long shoff = BitConverter.ToInt64(b, 0x28);
        int shentsize = BitConverter.ToUInt16(b, 0x3A), shnum = BitConverter.ToUInt16(b, 0x3C);
        (uint type, long off, long size, int link, int info, long entsize) Sec(int i)
        {
            int o = checked((int)(shoff + (long)i * shentsize));
            return (BitConverter.ToUInt32(b, o + 4), BitConverter.ToInt64(b, o + 24), BitConverter.ToInt64(b, o + 32),
                (int)BitConverter.ToUInt32(b, o + 40), (int)BitConverter.ToUInt32(b, o + 44), BitConverter.ToInt64(b, o + 56));
        }
        var secs = Enumerable.Range(0, shnum).Select(Sec).ToArray();
        string Str(int table, long at)
        {
            long s = secs[table].off + at; long e = s;
            while (b[e] != 0) e++;
            return Encoding.ASCII.GetString(b, (int)s, (int)(e - s));
        }
        int vn = Array.FindIndex(secs, s => s.type == ShtVerneed);
        if (vn < 0) { problem = "no .gnu.version_r section"; return null; }
        int? found = null; ushort index = 0;
        long off = secs[vn].off;
        for (int n = 0; n < secs[vn].info; n++)
        {
            int cnt = BitConverter.ToUInt16(b, (int)off + 2);
            long a = off + BitConverter.ToUInt32(b, (int)off + 8);
            for (int k = 0; k < cnt; k++)
            {
                if (Str(secs[vn].link, BitConverter.ToUInt32(b, (int)a + 8)) == Version)
                { found = (int)a; index = BitConverter.ToUInt16(b, (int)a + 6); }
                a += BitConverter.ToUInt32(b, (int)a + 12);
            }
            off += BitConverter.ToUInt32(b, (int)off + 12);
        }
        if (found == null) { problem = $"it does not ask for {Version}"; return null; }
        int ds = Array.FindIndex(secs, s => s.type == ShtDynsym), vs = Array.FindIndex(secs, s => s.type == ShtVersym);
        if (ds < 0 || vs < 0) { problem = "no .dynsym or .gnu.version section"; return null; }
        long count = secs[ds].size / secs[ds].entsize;
        for (long i = 0; i < count; i++)
        {
            ushort v = (ushort)(BitConverter.ToUInt16(b, (int)(secs[vs].off + 2 * i)) & 0x7fff);
            if (v != index) continue;
            string name = Str(secs[ds].link, BitConverter.ToUInt32(b, (int)(secs[ds].off + i * secs[ds].entsize)));
            if (name != MarkerSymbol) { problem = $"symbol {name} is bound to it, so the need is real"; return null; }
        }
        return found;
    }

    static bool Contains(byte[] hay, byte[] needle)
    {
        for (int i = 0; i <= hay.Length - needle.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && hay[i + j] == needle[j]) j++;
            if (j == needle.Length) return true;
        }
        return false;
    }
}
