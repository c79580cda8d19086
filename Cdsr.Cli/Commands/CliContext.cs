namespace Cdsr.Cli.Commands;

/// <summary>Where a command writes: standard output for results, standard error for the one-line errors.
/// Passed to every command factory so tests can run the CLI in-process with their own writers.</summary>
public sealed record CliContext(TextWriter Out, TextWriter Error);

/// <summary>A user-facing failure: printed as one line to stderr, exit code <see cref="ExitCode"/>.</summary>
public sealed class CliException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
