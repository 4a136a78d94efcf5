namespace RiskOps.Web.Tests;

/// <summary>Files a person may want to look at (rendered pages), under $RISKOPS_TEST_ARTIFACTS/web-pages when set.</summary>
internal static class Artifacts
{
    public static void Save(string name, string content)
    {
        var root = Environment.GetEnvironmentVariable("RISKOPS_TEST_ARTIFACTS");
        if (string.IsNullOrEmpty(root))
        {
            return;
        }

        var folder = Path.Combine(root, "web-pages");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, name), content);
    }
}
