using Microsoft.Extensions.Logging;
using Vrrp.Core.Wire;

namespace Vrrp.Linux.Hosting;

/// <summary>
/// Accept_Mode off (RFC 5798 6.1, keepalived <c>no_accept</c>): packets to the addresses of every
/// non-owner router without Accept_Mode are dropped by an nftables table of our own
/// (<see cref="AcceptModeFilter"/>). The table changes only when that set of addresses does.
/// </summary>
internal sealed class AcceptFilterSync(ILogger log)
{
    private readonly Lock _lock = new();
    private AcceptModeFilter? _filter;
    private HashSet<IpAddr> _applied = [];

    // At startup with no such address, a table a previous run left is removed off the startup
    // path (running nft takes longer than the host's own startup), unless a reload has applied
    // one meanwhile. Every nft run holds _lock.
    /// <exception cref="HostBuildException">A router needs the filter and nft is missing or failed.</exception>
    public void Update(HostConfiguration config, bool startup)
    {
        RouterDefinition? first = null;
        var addresses = new HashSet<IpAddr>();
        foreach (RouterDefinition d in config.Routers.Where(d => !d.Options.AcceptMode && !d.Options.IsAddressOwner))
        {
            first ??= d;
            foreach (IpAddr a in d.Addresses.Count > 0 ? d.Addresses.Select(a => a.Address) : d.Options.VirtualAddresses)
                addresses.Add(a);
        }
        lock (_lock)
        {
            if (!startup && addresses.SetEquals(_applied))
                return;
            _filter ??= AcceptModeFilter.FindNft() is string nft ? new AcceptModeFilter(nft) : null;
            if (_filter is null)
            {
                if (first is not null)
                    throw new HostBuildException(first.Name,
                        $"no_accept needs the nft command of nftables (apt-get install nftables): vrrpd drops traffic to the virtual addresses with its own table inet {AcceptModeFilter.TableName}");
            }
            else if (startup && addresses.Count == 0)
            {
                ThreadPool.UnsafeQueueUserWorkItem(_ => Remove(stale: true), null);
            }
            else
            {
                try
                {
                    _filter.Apply(addresses);
                }
                catch (InvalidOperationException e)
                {
                    if (first is not null)
                        throw new HostBuildException(first.Name, $"no_accept: {e.Message}");
                    HostLog.AcceptFilterFailed(log, e.Message);
                    return; // the old set stands, so the next reload tries again
                }
                if (first is not null)
                    HostLog.AcceptFilterApplied(log, addresses.Count, AcceptModeFilter.TableName);
            }
            _applied = addresses;
        }
    }

    // At shutdown the table goes; a stale one (startup) goes only while nothing was applied.
    public void Remove(bool stale)
    {
        lock (_lock)
        {
            if (_filter is null || (stale ? _applied.Count > 0 : _applied.Count == 0))
                return;
            try
            {
                _filter.Remove();
                _applied = [];
            }
            catch (InvalidOperationException e)
            {
                HostLog.AcceptFilterFailed(log, e.Message);
            }
        }
    }
}
