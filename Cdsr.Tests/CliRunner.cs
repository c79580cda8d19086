using Cdsr.Cli.Commands;

namespace Cdsr.Tests;

/// <summary>Runs the <c>cdsr</c> command line in-process, as the CLI tests do: exit code and both streams.</summary>
internal static class CliRunner
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CdsrCommandLine.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }
}
