using Vrrp.Linux.Hosting;

namespace Vrrpd.Control;

/// <summary>Everything <c>vrrpd status</c> shows: the host's snapshot and the daemon's own facts; formatted elsewhere.</summary>
internal sealed record StatusSnapshot(int ProcessId, string ConfigFile, HostStatus Host)
{
    public DateTimeOffset StartedAt => Host.StartedAt;
    public DateTimeOffset TakenAt => Host.TakenAt;
    public long Reloads => Host.Reloads;
    public DateTimeOffset? LastReload => Host.LastReload;
    public IReadOnlyList<InstanceStatus> Instances => Host.Instances;
    public IReadOnlyList<InterfaceStatus> Interfaces => Host.Interfaces;
    public IReadOnlyList<UnicastStatus> Unicast => Host.Unicast;
    public IReadOnlyList<SyncGroupStatus> SyncGroups => Host.SyncGroups;
    public RuntimeStatus Runtime => Host.Runtime;
}
