using BenchmarkDotNet.Running;

// Runs the benchmark classes of this assembly; pass --filter '*Name*' to pick some.
if (args.Length > 0 && args[0] == "profile-train") { Cdsr.Benchmarks.TrainingProfile.Run(args[1..]); return; }
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
