using System.Globalization;
using Microsoft.Extensions.Logging;
using Vrrp.Keepalived;
using Vrrp.Linux;

namespace Vrrpd.Trackers;

/// <summary>
/// The <c>track_file</c> blocks of one configuration: each file's number (<see cref="TrackFileValue"/>),
/// read at the start (after <c>init_file</c> wrote it) and again whenever inotify on its
/// directory says it was written, replaced, moved away or deleted (0), on a
/// <see cref="WatchThread"/> (no polling). Each new value goes to <c>report(name, value)</c>,
/// called on its thread, never after <see cref="Dispose"/> returned. <see cref="Value"/> may be
/// called from any thread.
/// </summary>
internal sealed class FileTrackerService : IDisposable
{
    private sealed class Tracked(TrackFileConfig config)
    {
        public TrackFileConfig Config { get; } = config;
        public string Path = "";
        public string FileName = "";
        public int Watch = -1;
        public long Value;
    }

    private readonly Lock _lock = new();
    private readonly Tracked[] _files;
    private readonly DirectoryWatcher? _watcher;
    private readonly WatchThread? _thread;
    private readonly ILogger _log;
    private readonly Action<string, long> _report;
    private readonly List<FileEvent> _events = [];
    private bool _disposed;

    private FileTrackerService(IReadOnlyList<TrackFileConfig> files, bool reload, ILogger log, Action<string, long> report)
    {
        _log = log;
        _report = report;
        _files = [.. files.Select(f => new Tracked(f))];
        if (_files.Length == 0) return;
        _watcher = new DirectoryWatcher();
        foreach (Tracked f in _files)
        {
            int errno = DirectoryWatcher.Resolve(f.Config.Path, out string directory, out string name);
            if (errno != 0)
            {
                TrackerLog.FileProblem(log, f.Config.Name, $"{f.Config.Path}: {Errno.Describe(errno)}; it reads 0 and is not watched");
                continue;
            }
            f.Path = System.IO.Path.Combine(directory, name);
            f.FileName = name;
            Initialise(f, reload);
            f.Watch = _watcher.Watch(directory);
            if (f.Watch < 0)
                TrackerLog.FileProblem(log, f.Config.Name, $"cannot watch {directory}: {Errno.Describe(-f.Watch)}");
            Reread(f, initial: true);
            TrackerLog.FileValue(log, f.Config.Name, f.Path, f.Value);
        }
        _thread = new WatchThread("track_file", _watcher.Handle, OnReadable, static () => { }, static () => long.MaxValue, log);
    }

    /// <summary>
    /// Writes the <c>init_file</c> values (on a reload only into missing files), reads every
    /// file and starts watching; every value is reported once at once (routers kept across a
    /// reload hear the current one).
    /// </summary>
    public static FileTrackerService Start(IReadOnlyList<TrackFileConfig> files, bool reload, ILogger log, Action<string, long> report)
    {
        var service = new FileTrackerService(files, reload, log, report);
        foreach (Tracked f in service._files)
            report(f.Config.Name, f.Value);
        service._thread?.Start();
        return service;
    }

    /// <summary>The value of a tracked file as last reported; null for a name this service does not track.</summary>
    public long? Value(string name)
    {
        lock (_lock)
            return _files.FirstOrDefault(f => f.Config.Name == name)?.Value;
    }

    // keepalived's init_file: create the file with the value if it is missing; with overwrite
    // write it anyway (a regular file only, and not on a reload).
    private void Initialise(Tracked f, bool reload)
    {
        if (f.Config.Init is not TrackFileInit init) return;
        int errno = FileStatus.TryGet(f.Path, followLinks: true, out FileStatus status);
        if (errno == 0)
        {
            if (!init.Overwrite) return;
            if (status.Kind != FileKind.Regular)
            {
                TrackerLog.FileProblem(_log, f.Config.Name, $"cannot initialise {f.Path}: it is not a regular file");
                return;
            }
            if (reload) return;
        }
        try
        {
            File.WriteAllText(f.Path, init.Value.ToString(CultureInfo.InvariantCulture) + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TrackerLog.FileProblem(_log, f.Config.Name, $"unable to initialise {f.Path}: {e.Message}");
        }
    }

    private void OnReadable()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _watcher!.Read(_events);
            foreach (FileEvent e in _events)
            {
                foreach (Tracked f in _files)
                {
                    if (e.Kind == FileEventKind.Overflow)
                    {
                        Reread(f);
                    }
                    else if (f.Watch == e.Watch && e.Kind == FileEventKind.DirectoryGone)
                    {
                        TrackerLog.FileProblem(_log, f.Config.Name, $"its directory went away; {f.Path} is no longer watched");
                        Reread(f);
                    }
                    else if (f.Watch == e.Watch && f.FileName == e.Name)
                    {
                        // Written or moved in: read it; deleted or moved away: 0, as keepalived does.
                        if (e.Kind is FileEventKind.Written or FileEventKind.MovedIn)
                            Reread(f);
                        else
                            Set(f, 0);
                    }
                }
            }
        }
    }

    private void Reread(Tracked f, bool initial = false)
    {
        if (f.Path.Length == 0) return;
        TrackFileValue.Reading reading = TrackFileValue.Read(f.Path);
        if (reading.Invalid is string invalid)
        {
            TrackerLog.FileInvalidNumber(_log, invalid, f.Path);
            return;
        }
        if (initial)
            f.Value = reading.Value;
        else
            Set(f, reading.Value);
    }

    // Under the lock, so Dispose cannot return while a report is in flight.
    private void Set(Tracked f, long value)
    {
        if (f.Value == value) return;
        f.Value = value;
        TrackerLog.FileValue(_log, f.Config.Name, f.Path, value);
        _report(f.Config.Name, value);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
        }
        _thread?.Dispose();
        _watcher?.Dispose();
    }
}
