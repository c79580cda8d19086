using BenchmarkDotNet.Running;

// Runs the benchmark classes of this assembly; pass --filter '*Name*' to pick some.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
