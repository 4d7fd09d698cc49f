using Microsoft.Extensions.Logging;
using Vrrp.Core.Router;
using Vrrp.Linux.Hosting;
using Vrrpd.Daemon;
using Vrrpd.Scripts;

namespace Vrrpd.Trackers;

/// <summary>
/// The host's external trackers: track scripts (<see cref="TrackScriptSource"/>), tracked
/// processes (<see cref="ProcessTrackerService"/>) and tracked files
/// (<see cref="FileTrackerService"/>), each running off the event loop and reporting to the
/// host by kind and name. <see cref="Configure"/> takes each configuration (startup, reload).
/// </summary>
internal sealed class ExternalTrackers(ILogger logger, ScriptOptions? options = null) : ITrackerStates, IDisposable
{
    public const string ProcessKind = "process";
    public const string FileKind = "file";

    private readonly TrackScriptSource _scripts = new(logger, options);
    private ProcessTrackerService? _processes;
    private FileTrackerService? _files;
    private bool _configured;

    /// <summary>
    /// Replaces the running trackers by those <paramref name="loaded"/> uses and starts them;
    /// scripts keep their states by name, processes and files are read again.
    /// </summary>
    public void Configure(DaemonConfiguration loaded, VrrpHost host)
    {
        _scripts.Configure(loaded.Config, host);
        HashSet<string> processes = Used(loaded, ProcessKind), files = Used(loaded, FileKind);
        _processes?.Dispose();
        _processes = ProcessTrackerService.Start([.. loaded.Config.TrackProcesses.Where(p => processes.Contains(p.Name))],
            loaded.Config.Global.ProcessEventsFromHostNamespace, logger,
            (name, up) => host.SetTrackerState(ProcessKind, name, up));
        _files?.Dispose();
        _files = FileTrackerService.Start([.. loaded.Config.TrackFiles.Where(f => files.Contains(f.Name))], reload: _configured, logger,
            (name, value) => host.SetTrackerValue(FileKind, name, value));
        _configured = true;
    }

    // The blocks some router tracks (keepalived runs the others too, to no effect).
    private static HashSet<string> Used(DaemonConfiguration loaded, string kind) =>
        [.. loaded.Host.Routers.SelectMany(r => r.Trackers).Where(t => t.Source == TrackerSource.External && t.KindText == kind).Select(t => t.Name)];

    /// <inheritdoc/>
    public bool IsUp(string name) => _scripts.IsUp(name);

    /// <inheritdoc/>
    public bool IsUp(TrackerDefinition tracker) => tracker.KindText == ProcessKind
        ? _processes?.HasQuorum(tracker.Name) ?? false
        : _scripts.IsUp(tracker.Name);

    /// <inheritdoc/>
    public long Value(TrackerDefinition tracker) => tracker.KindText == FileKind ? _files?.Value(tracker.Name) ?? 0 : 0;

    public void Dispose()
    {
        _scripts.Dispose();
        _processes?.Dispose();
        _files?.Dispose();
    }
}
