using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Vrrp.Keepalived;
using Vrrpd.Trackers;

namespace vrrpd.Tests.Trackers;

/// <summary>
/// track_file's service on real files: init_file (create, overwrite, not on a reload), values
/// reported as files are written, a number out of range keeping the previous value, two blocks
/// on one file.
/// </summary>
public sealed class FileTrackerServiceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vrrpd-filetracker-").FullName;
    private readonly ConcurrentQueue<(string Name, long Value)> _reports = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private TrackFileConfig File(string name, string file, TrackFileInit? init = null) =>
        new() { Name = name, Path = Path.Combine(_dir, file), Init = init };

    private FileTrackerService Start(bool reload, params TrackFileConfig[] files) =>
        FileTrackerService.Start(files, reload, NullLogger.Instance, (name, value) => _reports.Enqueue((name, value)));

    private bool WaitFor(string name, long value)
    {
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(5); Thread.Sleep(20))
        {
            if (_reports.Any(r => r == (name, value)))
                return true;
        }
        return false;
    }

    [Fact]
    public void Init_file_creates_overwrites_and_leaves_alone_as_keepalived()
    {
        System.IO.File.WriteAllText(Path.Combine(_dir, "kept"), "7\n");
        System.IO.File.WriteAllText(Path.Combine(_dir, "over"), "7\n");
        using (FileTrackerService s = Start(false, File("new", "new", new(3, false)), File("kept", "kept", new(3, false)), File("over", "over", new(-4, true))))
        {
            Assert.Equal([3L, 7L, -4L], [s.Value("new")!.Value, s.Value("kept")!.Value, s.Value("over")!.Value]);
            Assert.Equal("3\n", System.IO.File.ReadAllText(Path.Combine(_dir, "new")));
            Assert.Null(s.Value("other"));
        }
        // A reload writes only missing files, overwrite or not.
        System.IO.File.WriteAllText(Path.Combine(_dir, "over"), "9\n");
        System.IO.File.Delete(Path.Combine(_dir, "new"));
        using FileTrackerService again = Start(true, File("new", "new", new(3, true)), File("over", "over", new(-4, true)));
        Assert.Equal([3L, 9L], [again.Value("new")!.Value, again.Value("over")!.Value]);
    }

    [Fact]
    public void Written_values_are_reported_and_one_out_of_range_is_ignored()
    {
        using FileTrackerService s = Start(false, File("a", "shared"), File("b", "shared"));
        Assert.Contains(("a", 0L), _reports);   // every value once at the start
        System.IO.File.WriteAllText(Path.Combine(_dir, "shared"), "12\n");
        Assert.True(WaitFor("a", 12) && WaitFor("b", 12));
        System.IO.File.WriteAllText(Path.Combine(_dir, "shared"), "99999999999");
        System.IO.File.WriteAllText(Path.Combine(_dir, "shared"), "-3");
        Assert.True(WaitFor("a", -3));
        Assert.DoesNotContain(_reports, r => r.Value == 99999999999);
        _reports.Clear();
        System.IO.File.Delete(Path.Combine(_dir, "shared"));
        Assert.True(WaitFor("b", 0));
        Assert.Equal(0, s.Value("b"));
    }
}
