using System.Text;
using Vrrp.Core.Wire;

namespace Vrrp.Linux;

/// <summary>
/// Accept_Mode off (RFC 5798 6.1; keepalived's <c>no_accept</c>): a Master that is not the
/// address owner must not accept packets addressed to the virtual addresses (RFC 5798 6.4.3),
/// yet answers ARP for them and, for IPv6, Neighbor Solicitations. Done as keepalived does it,
/// with an nftables table of our own (<c>inet vrrpd</c>) whose input chain drops packets to a
/// set of addresses; ARP is not IP and passes, Neighbor Solicitations are let through. An
/// address that is not local (a Backup's) never reaches the input hook, so the set can hold
/// every no_accept address whatever the state: it changes with the configuration, not with
/// transitions. Each change is one nft transaction (the table is replaced whole), through the
/// nft command of the nftables package.
/// </summary>
public sealed class AcceptModeFilter
{
    /// <summary>The nftables table (family inet) this filter owns.</summary>
    public const string TableName = "vrrpd";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(10);
    private readonly string _nft;

    /// <summary>Drives nftables through the nft command at <paramref name="nftPath"/>.</summary>
    public AcceptModeFilter(string nftPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(nftPath);
        _nft = nftPath;
    }

    /// <summary>The nft command of the nftables package, or null when it is not installed.</summary>
    public static string? FindNft() => Executables.Find("nft");

    /// <summary>
    /// Replaces our table with one that drops packets addressed to <paramref name="addresses"/>
    /// (IPv6 Neighbor Solicitations excepted); with none, removes the table.
    /// </summary>
    /// <exception cref="InvalidOperationException">nft could not be run or refused the change.</exception>
    public void Apply(IReadOnlyCollection<IpAddr> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        if (addresses.Count == 0)
        {
            Remove();
            return;
        }
        Run(Script(addresses), "replace the table inet " + TableName);
    }

    /// <summary>Removes our table if it exists (also one a previous run left behind).</summary>
    /// <exception cref="InvalidOperationException">nft could not be run or refused the change.</exception>
    public void Remove() => Run($"add table inet {TableName}; delete table inet {TableName}", "delete the table inet " + TableName);

    /// <summary>The nft script of <see cref="Apply"/>: one transaction that replaces the table whole.</summary>
    public static string Script(IReadOnlyCollection<IpAddr> addresses)
    {
        var script = new StringBuilder();
        // "add" first so that "delete" succeeds whether or not the table exists.
        script.Append($"add table inet {TableName}; delete table inet {TableName}; add table inet {TableName}; ");
        AddSet(script, "no_accept4", "ipv4_addr", addresses.Where(a => a.IsIPv4));
        AddSet(script, "no_accept6", "ipv6_addr", addresses.Where(a => a.IsIPv6));
        // Priority -1: before the usual filter chains (0), so that their accept cannot let it through.
        script.Append($"add chain inet {TableName} input {{ type filter hook input priority -1; policy accept; }}; ");
        // RFC 5798 6.4.3: the Master MUST respond to Neighbor Solicitations for the virtual
        // addresses; unicast ones (neighbour unreachability detection) are addressed to them.
        script.Append($"add rule inet {TableName} input ip6 daddr @no_accept6 icmpv6 type nd-neighbor-solicit accept; ");
        script.Append($"add rule inet {TableName} input ip daddr @no_accept4 drop; ");
        script.Append($"add rule inet {TableName} input ip6 daddr @no_accept6 drop");
        return script.ToString();
    }

    private static void AddSet(StringBuilder script, string name, string type, IEnumerable<IpAddr> members)
    {
        string elements = string.Join(", ", members.Distinct().Select(a => a.ToString()));
        // nft refuses an empty element list: leave it out.
        script.Append($"add set inet {TableName} {name} {{ type {type}; {(elements.Length > 0 ? $"elements = {{ {elements} }}; " : "")}}}; ");
    }

    private void Run(string script, string what)
    {
        int error = ChildProcess.TryStart(_nft, [_nft, script], [], out ChildProcess? child);
        if (error != 0 || child is null)
            throw new InvalidOperationException($"could not run {_nft} to {what}: errno {error}");
        using (child)
        {
            if (!child.WaitForExit(CommandTimeout))
            {
                child.SignalGroup(ProcessGroup.SIGKILL);
                child.Reap();
                throw new InvalidOperationException($"{_nft} did not {what} within {CommandTimeout.TotalSeconds:0} s");
            }
            ChildExit exit = child.Reap();
            if (!exit.Succeeded)
                throw new InvalidOperationException($"{_nft} could not {what} ({exit}): nft {script}");
        }
    }
}
