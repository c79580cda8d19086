return Cdsr.Cli.Commands.CdsrCommandLine.Run(args, Console.Out, Console.Error);
