using Vrrp.Core.Router;
using Vrrp.Keepalived;

namespace Vrrpd.Host;

/// <summary>
/// Where state changes go besides the log: notify_* scripts, <c>notify</c> and notify_fifo.
/// Called on the loop thread; implementations queue and return at once.
/// </summary>
internal interface INotificationSink : IDisposable
{
    /// <summary>The configuration (global notify_fifo, scripts) in force from now on.</summary>
    void Configure(KeepalivedConfig config);

    /// <summary>An instance entered <paramref name="state"/>; <see cref="RouterState.Initialize"/> means it stopped.</summary>
    void InstanceChanged(VrrpInstanceConfig instance, RouterState state, byte priority);

    /// <summary>The effective priority changed (reported only with <c>notify_priority_changes</c>).</summary>
    void PriorityChanged(VrrpInstanceConfig instance, RouterState state, byte priority);

    /// <summary>A sync group entered <paramref name="state"/>.</summary>
    void GroupChanged(SyncGroupConfig group, RouterState state);

    /// <summary>Waits up to <paramref name="timeout"/> for queued notifications to finish (shutdown); false if some did not.</summary>
    bool Drain(TimeSpan timeout);
}

/// <summary>
/// Runs the configuration's <c>vrrp_script</c>s off the loop and reports each one's state
/// changes (after fall/rise) through the callback, on any thread.
/// </summary>
internal interface ITrackScriptSource : IDisposable
{
    /// <summary>Starts (or, on reload, restarts) the scripts of <paramref name="config"/>.</summary>
    void Configure(KeepalivedConfig config, Action<string, bool> changed);

    /// <summary>The script's current state (before its first result: up unless <c>init_fail</c>).</summary>
    bool IsUp(string script);
}
