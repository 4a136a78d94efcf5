namespace RiskOps.Reports;

internal static class ReportsAssembly
{
}
