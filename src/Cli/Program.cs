using HeyGenRender.Cli;

return await CliApplication.RunAsync(args, CliEnvironment.FromConsole()).ConfigureAwait(false);
