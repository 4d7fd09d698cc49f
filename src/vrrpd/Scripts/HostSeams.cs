using Microsoft.Extensions.Logging;
using Vrrp.Core.Router;
using Vrrp.Keepalived;
using Vrrpd.Host;

namespace Vrrpd.Scripts;

/// <summary>
/// The host's track script source: one <see cref="TrackScriptRunner"/> per configuration, each
/// built from the previous one on reload so scripts keep their state by name.
/// </summary>
internal sealed class TrackScriptSource(ILogger logger, ScriptOptions? options = null) : ITrackScriptSource
{
    private TrackScriptRunner? _runner;

    /// <summary>Replaces the running scripts by those of <paramref name="config"/> (states carried over) and starts them.</summary>
    public void Configure(KeepalivedConfig config, Action<string, bool> changed)
    {
        TrackScriptRunner? previous = _runner;
        var next = new TrackScriptRunner(config, logger, changed, previous, options);
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
    public bool IsUp(string script) =>
        _runner?.State(script) is not TrackScriptState.Down;

    public void Dispose() => _runner?.Dispose();
}

/// <summary>The host's notification sink: a <see cref="Notifier"/> that lives as long as the daemon and takes each reloaded configuration.</summary>
internal sealed class NotificationSink(ILogger logger, ScriptOptions? options = null) : INotificationSink
{
    private Notifier? _notifier;

    public void Configure(KeepalivedConfig config)
    {
        if (_notifier is null)
            _notifier = new Notifier(config.Global, logger, options);
        else
            _notifier.Reload(config.Global);
    }

    public void InstanceChanged(VrrpInstanceConfig instance, RouterState state, byte priority) =>
        _notifier?.InstanceChanged(instance, ToNotify(state), priority);

    public void PriorityChanged(VrrpInstanceConfig instance, RouterState state, byte priority) =>
        _notifier?.InstancePriorityChanged(instance, state == RouterState.Master, priority);

    public void GroupChanged(SyncGroupConfig group, RouterState state) =>
        _notifier?.GroupChanged(group, ToNotify(state));

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
