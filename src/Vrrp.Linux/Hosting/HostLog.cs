using Microsoft.Extensions.Logging;

namespace Vrrp.Linux.Hosting;

/// <summary>
/// Every line the host logs, source-generated. State changes read like keepalived's
/// (<c>(mape) Entering MASTER STATE</c>) so existing log searches keep working.
/// </summary>
internal static partial class HostLog
{
    [LoggerMessage(1, LogLevel.Information, "({Name}) Entering {State} STATE ({Reason})")]
    public static partial void StateEntered(ILogger logger, string name, string state, string reason);

    [LoggerMessage(2, LogLevel.Information, "({Name}) Stopped (was {State})")]
    public static partial void InstanceStopped(ILogger logger, string name, string state);

    // keepalived's line, then which member moved the group: a search for keepalived's text still matches.
    [LoggerMessage(3, LogLevel.Information, "VRRP_Group({Group}) Syncing instances to {State} state (because of {Cause})")]
    public static partial void GroupEntered(ILogger logger, string group, string state, string cause);

    [LoggerMessage(4, LogLevel.Information, "({Name}) effective priority {From} -> {To}")]
    public static partial void PriorityChanged(ILogger logger, string name, byte from, byte to);

    [LoggerMessage(5, LogLevel.Information, "Starting {Count} VRRP instances from {File}")]
    public static partial void Started(ILogger logger, int count, string file);

    [LoggerMessage(6, LogLevel.Information, "Delaying startup for {Seconds} s (vrrp_startup_delay)")]
    public static partial void StartupDelayed(ILogger logger, double seconds);

    [LoggerMessage(7, LogLevel.Information, "{Reason}: stopping")]
    public static partial void StopRequested(ILogger logger, string reason);

    [LoggerMessage(10, LogLevel.Warning, "{Message}")]
    public static partial void InstanceWarning(ILogger logger, string message);

    [LoggerMessage(11, LogLevel.Warning, "({Name}) vrrpd accepts unicast advertisements only from the unicast_peer addresses (as check_unicast_src)")]
    public static partial void UnicastSourceChecked(ILogger logger, string name);

    [LoggerMessage(12, LogLevel.Warning, "Sync group {Group} has fewer than two instances running; ignored, as keepalived does")]
    public static partial void SyncGroupTooSmall(ILogger logger, string group);

    [LoggerMessage(20, LogLevel.Information, "({Name}) created VMAC {Vmac} on {Parent} ({Mac})")]
    public static partial void VmacCreated(ILogger logger, string name, string vmac, string parent, string mac);

    [LoggerMessage(21, LogLevel.Information, "Deleted VMAC {Vmac}")]
    public static partial void VmacDeleted(ILogger logger, string vmac);

    [LoggerMessage(22, LogLevel.Error, "Could not delete VMAC {Vmac}: {Message}")]
    public static partial void VmacDeleteFailed(ILogger logger, string vmac, string message);

    [LoggerMessage(70, LogLevel.Information, "no_accept: packets to {Count} virtual addresses dropped by nftables table inet {Table} (Neighbor Solicitations excepted)")]
    public static partial void AcceptFilterApplied(ILogger logger, int count, string table);

    [LoggerMessage(71, LogLevel.Error, "no_accept: {Message}")]
    public static partial void AcceptFilterFailed(ILogger logger, string message);

    [LoggerMessage(23, LogLevel.Warning, "Removed {Address}/{Prefix} from {Interface}, left behind by an earlier run")]
    public static partial void LeftoverRemoved(ILogger logger, string address, byte prefix, string @interface);

    [LoggerMessage(24, LogLevel.Error, "Could not remove addresses left behind by an earlier run: {Message}")]
    public static partial void LeftoverFailed(ILogger logger, string message);

    [LoggerMessage(25, LogLevel.Error, "({Name}) {Message}")]
    public static partial void AddressFailed(ILogger logger, string name, string message);

    [LoggerMessage(26, LogLevel.Warning, "({Name}) virtual address {Address}/{Prefix} was removed from {Interface} by someone else while MASTER; put back")]
    public static partial void AddressRestored(ILogger logger, string name, string address, byte prefix, string @interface);

    [LoggerMessage(30, LogLevel.Warning, "{Interface}: dropped a frame from {Mac}: {Reason} (+{Suppressed} not logged)")]
    public static partial void FrameRejected(ILogger logger, string @interface, string mac, string reason, long suppressed);

    [LoggerMessage(31, LogLevel.Warning, "{Interface}: dropped a unicast packet: {Reason} (+{Suppressed} not logged)")]
    public static partial void PacketRejected(ILogger logger, string @interface, string reason, long suppressed);

    [LoggerMessage(32, LogLevel.Warning, "{Interface}: {Count} more frames dropped: {Reason}")]
    public static partial void FramesSuppressed(ILogger logger, string @interface, long count, string reason);

    [LoggerMessage(33, LogLevel.Warning, "({Name}) dropped an advertisement from {Source}: {Reason} (+{Suppressed} not logged)")]
    public static partial void AdvertRejected(ILogger logger, string name, string source, string reason, long suppressed);

    [LoggerMessage(34, LogLevel.Debug, "({Name}) ignored an advertisement from {Source} while not active (+{Suppressed} not logged)")]
    public static partial void AdvertIgnored(ILogger logger, string name, string source, long suppressed);

    [LoggerMessage(35, LogLevel.Warning, "({Name}) {Count} more advertisements dropped: {Reason}")]
    public static partial void AdvertsSuppressed(ILogger logger, string name, long count, string reason);

    [LoggerMessage(36, LogLevel.Warning, "({Name}) advertisement from {Source} lists other virtual addresses than ours (RFC 5798 7.1)")]
    public static partial void AddressListMismatch(ILogger logger, string name, string source);

    [LoggerMessage(40, LogLevel.Information, "Link {Interface} is {State}")]
    public static partial void LinkChanged(ILogger logger, string @interface, string state);

    [LoggerMessage(41, LogLevel.Warning, "Netlink notifications overflowed (ENOBUFS, {Overflows} so far); links and addresses re-read")]
    public static partial void NetlinkResynchronized(ILogger logger, long overflows);

    [LoggerMessage(42, LogLevel.Error, "Netlink monitor: {Message}")]
    public static partial void NetlinkError(ILogger logger, string message);

    [LoggerMessage(54, LogLevel.Information, "Reloaded: {Kept} instances unchanged, {Retuned} changed in place, {Rebuilt} rebuilt, {Added} added, {Removed} removed")]
    public static partial void Reloaded(ILogger logger, int kept, int retuned, int rebuilt, int added, int removed);

    [LoggerMessage(80, LogLevel.Debug, "Garbage of the configuration collected (heap {Heap:0.0} MB): resident memory {Before:0.0} -> {After:0.0} MB in {Milliseconds:0.0} ms")]
    public static partial void MemoryTrimmed(ILogger logger, double heap, double before, double after, double milliseconds);

    [LoggerMessage(81, LogLevel.Debug, "Garbage of the configuration left to the collector (heap {Heap:0.0} MB)")]
    public static partial void MemoryLeft(ILogger logger, double heap);

    [LoggerMessage(60, LogLevel.Error, "Internal error in the event loop")]
    public static partial void LoopError(ILogger logger, Exception exception);
}
