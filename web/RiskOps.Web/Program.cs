using RiskOps.Web;

return await WebHostEntry.RunAsync(args);
