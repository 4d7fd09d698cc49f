using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vrrp.Core.Router;

namespace Vrrp.Linux.Hosting;

/// <summary>
/// Where state changes go besides the log (notification scripts, webhooks, metrics). Called on
/// the loop thread: implementations queue the work and return at once.
/// </summary>
public interface IVrrpHostObserver
{
    /// <summary>A router entered <paramref name="state"/>; <see cref="RouterState.Initialize"/> means it stopped.</summary>
    void RouterStateChanged(RouterDefinition router, RouterState state, byte priority);

    /// <summary>The effective priority changed (only for routers with <see cref="RouterDefinition.NotifyPriorityChanges"/>).</summary>
    void RouterPriorityChanged(RouterDefinition router, RouterState state, byte priority);

    /// <summary>A sync group entered <paramref name="state"/>.</summary>
    void SyncGroupStateChanged(SyncGroupDefinition group, RouterState state);
}

/// <summary>The states of external trackers when routers start (before any <see cref="VrrpHost.SetTrackerState(string, bool)"/>).</summary>
public interface ITrackerStates
{
    /// <summary>The tracker's current state; an unknown name counts as up.</summary>
    bool IsUp(string name);

    /// <summary>The current state of an up/down external tracker; by default <see cref="IsUp(string)"/> of its name.</summary>
    bool IsUp(TrackerDefinition tracker) => IsUp(tracker.Name);

    /// <summary>The current value of a value tracker (<see cref="TrackerInput.Value"/>); by default 0.</summary>
    long Value(TrackerDefinition tracker) => 0;
}

/// <summary>What a <see cref="VrrpHost"/> is built with; every part is optional.</summary>
public sealed class VrrpHostSettings
{
    /// <summary>Where the host logs (keepalived-style lines: <c>(VI_1) Entering MASTER STATE</c>).</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>Receives state and priority changes, or null.</summary>
    public IVrrpHostObserver? Observer { get; init; }

    /// <summary>Initial states of external trackers, or null for all up.</summary>
    public ITrackerStates? TrackerStates { get; init; }
}

/// <summary>A router the host cannot build as defined: a missing interface, no address to send from, a netlink error.</summary>
public sealed class HostBuildException(string router, string message) : Exception(message)
{
    /// <summary>The router's name (the caller can map it to a file and line).</summary>
    public string Router { get; } = router;
}
