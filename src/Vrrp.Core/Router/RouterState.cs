namespace Vrrp.Core.Router;

/// <summary>The state of a virtual router (RFC 5798 6.4, plus keepalived's Fault).</summary>
public enum RouterState : byte
{
    /// <summary>Not running: before <see cref="VirtualRouter.HandleStartup"/> or after <see cref="VirtualRouter.HandleShutdown"/> (RFC 5798 6.4.1).</summary>
    Initialize = 0,
    /// <summary>Monitoring the Master; the virtual addresses are not installed (RFC 5798 6.4.2).</summary>
    Backup = 1,
    /// <summary>Forwarding for the virtual router; the virtual addresses are installed (RFC 5798 6.4.3).</summary>
    Master = 2,
    /// <summary>
    /// keepalived's FAULT: the interface is down or a tracker of weight 0 failed. Advertisements
    /// are ignored and none are sent until the fault clears, then the router enters Backup.
    /// </summary>
    Fault = 3,
}

/// <summary>Why a router changed state; carried by every <see cref="RouterActionKind.StateChanged"/> action.</summary>
public enum StateChangeReason : byte
{
    /// <summary>No transition has happened yet.</summary>
    None = 0,
    /// <summary>Startup as a Backup (RFC 5798 6.4.1).</summary>
    Startup,
    /// <summary>Startup or recovery of the address owner (priority 255), which becomes Master at once (RFC 5798 6.4.1).</summary>
    AddressOwner,
    /// <summary><c>state MASTER</c> configured: keepalived starts in Backup with a Master_Down timer that expires at once.</summary>
    InitialStateMaster,
    /// <summary>The Master_Down timer fired: no advertisement from a Master for Master_Down_Interval (RFC 5798 6.4.2).</summary>
    MasterDown,
    /// <summary>The Master_Down timer fired Skew_Time after the Master sent priority 0 (RFC 5798 6.4.2).</summary>
    MasterReleased,
    /// <summary>The Master_Down timer fired while this Backup discarded a lower-priority Master's advertisements (preemption, RFC 5798 6.4.2).</summary>
    Preempted,
    /// <summary>A Master received an advertisement of higher priority (RFC 5798 6.4.3).</summary>
    HigherPriority,
    /// <summary>A Master received an advertisement of equal priority from a greater primary address (RFC 5798 6.4.3).</summary>
    HigherAddress,
    /// <summary>The interface went down (keepalived FAULT).</summary>
    InterfaceDown,
    /// <summary>The interface came back up.</summary>
    InterfaceUp,
    /// <summary>A tracker of weight 0 failed (keepalived FAULT).</summary>
    TrackerFailed,
    /// <summary>Every tracker of weight 0 is up again.</summary>
    TrackerRecovered,
    /// <summary>Moved by its sync group because another member changed state (keepalived vrrp_sync_group).</summary>
    SyncGroup,
    /// <summary>Shutdown (RFC 5798 6.4.2, 6.4.3).</summary>
    Shutdown,
    /// <summary>
    /// The host asked the Master to give way (<see cref="VirtualRouter.HandleResign"/>): keepalived
    /// does so when a tracked virtual route or rule is deleted behind its back.
    /// </summary>
    Resigned,
}
