using RiskOps.Reports.Delivery;

namespace RiskOps.Reports.Tests.Delivery;

public sealed class ReportArchiveTests : IDisposable
{
    private readonly string _lake = Directory.CreateTempSubdirectory("riskops-archive-").FullName;

    [Fact]
    public void Write_ThenListAndOpenRead_ReturnsTheSameBytes()
    {
        var archive = new ReportArchive(_lake);
        byte[] pdf = [0x25, 0x50, 0x44, 0x46, 1, 2, 3];

        var id = archive.Write("ops", "2026-W47", "calibration-pack-2026-W47-ops.pdf", pdf);

        var listed = Assert.Single(archive.List());
        Assert.Equal(id, listed.Id);
        Assert.Equal("ops", listed.Subscription);
        Assert.Equal("2026-W47", listed.Week);
        Assert.False(listed.Sent);
        Assert.StartsWith(Path.Combine(_lake, "_reports"), archive.Folder("ops", "2026-W47"));
        using var stream = archive.OpenRead(id) ?? throw new InvalidOperationException("missing");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        Assert.Equal(pdf, copy.ToArray());
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("ops/../../secret.pdf")]
    [InlineData("ops/2026-W47/../x.pdf")]
    [InlineData("/etc/passwd")]
    [InlineData("ops/2026-W47/missing.pdf")]
    [InlineData("ops/2026-W47/notes.txt")]
    [InlineData("")]
    public void OpenRead_IdOutsideArchiveOrUnknown_ReturnsNull(string id)
    {
        var archive = new ReportArchive(_lake);
        archive.Write("ops", "2026-W47", "a.pdf", [1]);

        Assert.Null(archive.OpenRead(id));
    }

    [Fact]
    public void Log_ConcurrentAppends_KeepsEveryLine()
    {
        var archive = new ReportArchive(_lake);

        Parallel.For(0, 40, i => archive.Log(new DeliveryRecord(DateTimeOffset.UnixEpoch.AddMinutes(i), "ops", "2026-W47", ["a@example.test"], "sent")));

        Assert.Equal(40, archive.Deliveries().Count);
        Assert.All(archive.Deliveries(), d => Assert.Equal(["a@example.test"], d.Recipients));
    }

    public void Dispose() => Directory.Delete(_lake, recursive: true);
}
