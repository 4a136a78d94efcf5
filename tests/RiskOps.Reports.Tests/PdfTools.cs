using System.Diagnostics;

namespace RiskOps.Reports.Tests;

/// <summary>poppler-utils and the test-artefact folder.</summary>
internal static class PdfTools
{
    /// <summary>The folder for artefacts a person should look at (RISKOPS_TEST_ARTIFACTS, else a temp folder).</summary>
    public static string ArtifactDir(string name)
    {
        var root = Environment.GetEnvironmentVariable("RISKOPS_TEST_ARTIFACTS");
        if (string.IsNullOrWhiteSpace(root))
        {
            root = Path.Combine(Path.GetTempPath(), "riskops-test-artifacts");
        }

        var dir = Path.Combine(root, name);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>pdftotext -layout of a file.</summary>
    public static string PdfToText(string pdfPath) => Run("pdftotext", "-layout", "-enc", "UTF-8", pdfPath, "-");

    /// <summary>pdffonts output.</summary>
    public static string PdfFonts(string pdfPath) => Run("pdffonts", pdfPath);

    /// <summary>pdfinfo output.</summary>
    public static string PdfInfo(string pdfPath) => Run("pdfinfo", pdfPath);

    /// <summary>Renders every page to PNG (<c>prefix-N.png</c>) at 60 dpi.</summary>
    public static void PdfToPng(string pdfPath, string dir, string prefix) =>
        Run("pdftoppm", "-png", "-r", "60", pdfPath, Path.Combine(dir, prefix));

    public static string Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} timed out");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed ({process.ExitCode}): {stderr.Result}");
        }

        return stdout.Result;
    }
}
