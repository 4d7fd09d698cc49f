using Microsoft.Extensions.Logging;
using Vrrp.Core.Router;
using Vrrp.Linux.Hosting;
using Vrrp.Keepalived;
using Vrrpd.Logging;

namespace Vrrpd.Scripts;

/// <summary>
/// The host's external trackers as keepalived's vrrp_scripts: one <see cref="TrackScriptRunner"/>
/// per configuration, each built from the previous one on reload so scripts keep their state
/// by name; every change goes to the host.
/// </summary>
internal sealed class TrackScriptSource(ILogger logger, ScriptOptions? options = null) : ITrackerStates, IDisposable
{
    private TrackScriptRunner? _runner;

    /// <summary>Replaces the running scripts by those of <paramref name="config"/> (states carried over) and starts them.</summary>
    public void Configure(KeepalivedConfig config, VrrpHost host)
    {
        TrackScriptRunner? previous = _runner;
        var next = new TrackScriptRunner(config, logger, (script, up) =>
        {
            Log.ScriptChanged(logger, script, up ? "succeeded" : "failed");
            host.SetTrackerState(script, up);
        }, previous, options);
        previous?.Dispose();
        _runner = next;
        next.Start();
    }

    /// <summary>
    /// Up, or still waiting for its first result (keepalived's INIT, see
    /// <see cref="TrackScriptState.Init"/>) without init_fail; a script refused by
    /// enable_script_security counts as up, so a weight-0 tracker of it changes nothing, as in
    /// keepalived (which removes such a tracker).
    /// </summary>
    public bool IsUp(string name) =>
        _runner?.State(name) is not TrackScriptState.Down;

    public void Dispose() => _runner?.Dispose();
}

/// <summary>
/// The host's observer: a <see cref="Notifier"/> that lives as long as the daemon and takes
/// each reloaded configuration; routers and groups are found in it by name.
/// </summary>
internal sealed class NotificationSink(ILogger logger, ScriptOptions? options = null) : IVrrpHostObserver, IDisposable
{
    private Notifier? _notifier;
    private KeepalivedConfig? _config;

    public void Configure(KeepalivedConfig config)
    {
        if (_notifier is null)
            _notifier = new Notifier(config.Global, logger, options);
        else
            _notifier.Reload(config.Global);
        _config = config;
    }

    public void RouterStateChanged(RouterDefinition router, RouterState state, byte priority)
    {
        if (_config?.FindInstance(router.Name) is { } instance)
            _notifier?.InstanceChanged(instance, ToNotify(state), priority);
    }

    public void RouterPriorityChanged(RouterDefinition router, RouterState state, byte priority)
    {
        if (_config?.FindInstance(router.Name) is { } instance)
            _notifier?.InstancePriorityChanged(instance, state == RouterState.Master, priority);
    }

    public void SyncGroupStateChanged(SyncGroupDefinition group, RouterState state)
    {
        if (_config?.FindSyncGroup(group.Name) is { } config)
            _notifier?.GroupChanged(config, ToNotify(state));
    }

    public bool Drain(TimeSpan timeout) => _notifier?.Drain(timeout) ?? true;

    public void Dispose() => _notifier?.Dispose();

    // Initialize after running means stopped: keepalived's STOP.
    private static NotifyState ToNotify(RouterState state) => state switch
    {
        RouterState.Master => NotifyState.Master,
        RouterState.Backup => NotifyState.Backup,
        RouterState.Fault => NotifyState.Fault,
        _ => NotifyState.Stop,
    };
}
