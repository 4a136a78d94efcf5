using RiskOps.Cli;

return await CliApp.RunAsync(args);
