using System.Diagnostics;

namespace Vrrp.Linux.Tests;

/// <summary>
/// inotify on a directory as track_file uses it: a file written and closed, replaced by a
/// rename, deleted, a subdirectory left out, the directory itself removed, an overflow.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DirectoryWatcherTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vrrp-watch-").FullName;

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Waits for the descriptor through an epoll and reads until <paramref name="count"/> events came or the time is up.</summary>
    private static List<FileEvent> ReadEvents(DirectoryWatcher watcher, int count)
    {
        using var epoll = new Epoll();
        epoll.Add(watcher.Handle, 1);
        var all = new List<FileEvent>();
        var batch = new List<FileEvent>();
        Span<EpollEvent> ready = stackalloc EpollEvent[1];
        for (var clock = Stopwatch.StartNew(); all.Count < count && clock.Elapsed < TimeSpan.FromSeconds(5);)
        {
            if (epoll.Wait(ready, 100) == 0) continue;
            watcher.Read(batch);
            all.AddRange(batch);
        }
        return all;
    }

    [Fact]
    public void Writes_renames_and_deletes_in_the_directory_are_reported_by_name()
    {
        using var watcher = new DirectoryWatcher();
        int watch = watcher.Watch(_dir);
        Assert.True(watch >= 0);
        Assert.Equal(watch, watcher.Watch(_dir));

        File.WriteAllText(Path.Combine(_dir, "prio"), "5\n");
        Assert.Equal([new FileEvent(watch, "prio", FileEventKind.Written)], ReadEvents(watcher, 1));

        File.WriteAllText(Path.Combine(_dir, "prio.tmp"), "7\n");
        File.Move(Path.Combine(_dir, "prio.tmp"), Path.Combine(_dir, "prio"), overwrite: true);
        Assert.Equal(
            [new FileEvent(watch, "prio.tmp", FileEventKind.Written), new FileEvent(watch, "prio.tmp", FileEventKind.MovedOut), new FileEvent(watch, "prio", FileEventKind.MovedIn)],
            ReadEvents(watcher, 3));

        Directory.CreateDirectory(Path.Combine(_dir, "sub"));
        File.Delete(Path.Combine(_dir, "prio"));
        Assert.Equal([new FileEvent(watch, "prio", FileEventKind.Deleted)], ReadEvents(watcher, 1));

        Directory.Delete(_dir, recursive: true);
        Assert.Contains(new FileEvent(watch, "", FileEventKind.DirectoryGone), ReadEvents(watcher, 1));
    }

    [Fact]
    public void A_missing_directory_cannot_be_watched()
    {
        using var watcher = new DirectoryWatcher();
        Assert.Equal(-Errno.ENOENT, watcher.Watch(Path.Combine(_dir, "missing")));
        File.WriteAllText(Path.Combine(_dir, "file"), "");
        Assert.Equal(-20, watcher.Watch(Path.Combine(_dir, "file"))); // ENOTDIR
    }

    [Fact]
    public void Nothing_waiting_reads_nothing_and_an_overflow_is_reported()
    {
        using var watcher = new DirectoryWatcher();
        var events = new List<FileEvent> { new(1, "stale", FileEventKind.Written) };
        watcher.Read(events);
        Assert.Empty(events);

        byte[] overflow = new byte[16];
        BitConverter.TryWriteBytes(overflow.AsSpan(0), -1);
        BitConverter.TryWriteBytes(overflow.AsSpan(4), 0x4000u); // IN_Q_OVERFLOW
        DirectoryWatcher.Decode(overflow, events);
        Assert.Equal([new FileEvent(-1, "", FileEventKind.Overflow)], events);
    }
}
