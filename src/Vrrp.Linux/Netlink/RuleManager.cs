using System.Runtime.InteropServices;
using Vrrp.Core.Wire;
using Vrrp.Linux.Interop;
using Vrrp.Linux.Netlink;

namespace Vrrp.Linux;

/// <summary>
/// Adds and removes routing policy rules over a request <see cref="NetlinkSocket"/>
/// (RTM_NEWRULE / RTM_DELRULE), one at a time or many in one batch. A rule is added with
/// NLM_F_EXCL, as keepalived does: without it the kernel would add a second identical rule.
/// </summary>
public sealed class RuleManager
{
    private const int ChunkSize = 256;
    private readonly NetlinkSocket _netlink;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private static readonly NetlinkRequestWriter<IpRule> WriteRequest = Write;

    /// <summary>Uses <paramref name="netlink"/> (a socket without groups) for its requests.</summary>
    public RuleManager(NetlinkSocket netlink) => _netlink = netlink ?? throw new ArgumentNullException(nameof(netlink));

    /// <summary>The kernel's extended-ACK message for the last failed request, if it gave one.</summary>
    public string? LastKernelMessage => _netlink.LastKernelMessage;

    /// <summary>Adds one rule.</summary>
    /// <exception cref="NetlinkException">The kernel refused (EEXIST if the same rule is there, ...).</exception>
    public void Add(in IpRule rule) => Single(rule, add: true);

    /// <summary>Removes one rule.</summary>
    /// <exception cref="NetlinkException">The kernel refused (ENOENT if absent, ...).</exception>
    public void Remove(in IpRule rule) => Single(rule, add: false);

    /// <summary>
    /// Adds every rule in as few system calls as possible. <paramref name="errnos"/>[i] gets 0
    /// or the errno for rule i; returns the number of failures.
    /// </summary>
    public int Add(ReadOnlySpan<IpRule> rules, Span<int> errnos) => NetlinkBatch.Run(_netlink, _buffer, ChunkSize, rules, errnos, add: true, WriteRequest);

    /// <summary>Removes every rule in as few system calls as possible; like <see cref="Add(ReadOnlySpan{IpRule}, Span{int})"/>.</summary>
    public int Remove(ReadOnlySpan<IpRule> rules, Span<int> errnos) => NetlinkBatch.Run(_netlink, _buffer, ChunkSize, rules, errnos, add: false, WriteRequest);

    /// <summary>The exception describing a failed add or remove of <paramref name="rule"/>.</summary>
    public static NetlinkException Error(in IpRule rule, bool add, int errno, string? kernelMessage = null) =>
        new(add ? "RTM_NEWRULE" : "RTM_DELRULE", rule.Describe(), errno, kernelMessage);

    /// <summary>The rules of one family or both.</summary>
    public List<IpRule> List(IpFamily family = IpFamily.None)
    {
        var writer = new NetlinkWriter(_buffer);
        writer.BeginMessage(Rtm.RTM_GETRULE, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP, _netlink.NextSequence());
        writer.WriteHeader(new FibRuleHdr { Family = NetlinkBatch.FamilyCode(family) });
        writer.EndMessage();
        var result = new List<IpRule>();
        _netlink.Dump(writer.Written, (in NetlinkMessage m) =>
        {
            if (m.Type == Rtm.RTM_NEWRULE && IpRule.TryRead(m, out IpRule r))
                result.Add(r);
        });
        return result;
    }

    /// <summary>
    /// Startup cleanup: removes every rule carrying <see cref="RouteManager.ProtocolTag"/> and
    /// every rule that <paramref name="configured"/> matches (an untracked rule carries no
    /// protocol, as keepalived's). Returns what was removed, for the log.
    /// </summary>
    public List<IpRule> RemoveLeftovers(ReadOnlySpan<IpRule> configured)
    {
        var stale = new List<IpRule>();
        foreach (IpRule r in List())
        {
            bool ours = r.Protocol == RouteManager.ProtocolTag;
            foreach (IpRule c in configured)
                ours |= c.Matches(r);
            if (ours)
                stale.Add(r);
        }
        var errnos = new int[stale.Count];
        Remove(CollectionsMarshal.AsSpan(stale), errnos);
        for (int i = errnos.Length - 1; i >= 0; i--)
        {
            if (errnos[i] is not (0 or Errno.ENOENT)) throw Error(stale[i], add: false, errnos[i], _netlink.LastKernelMessage);
            if (errnos[i] != 0) stale.RemoveAt(i);
        }
        return stale;
    }

    private void Single(in IpRule rule, bool add)
    {
        var writer = new NetlinkWriter(_buffer);
        Write(ref writer, rule, add, _netlink.NextSequence());
        int errno = _netlink.Request(writer.Written);
        if (errno != 0) throw Error(rule, add, errno, _netlink.LastKernelMessage);
    }

    private static void Write(ref NetlinkWriter writer, in IpRule rule, bool add, uint sequence)
    {
        if (rule.Family == IpFamily.None) throw new ArgumentException("A rule needs a family.", nameof(rule));
        ushort flags = Nl.NLM_F_REQUEST | Nl.NLM_F_ACK;
        if (add) flags |= Nl.NLM_F_CREATE | Nl.NLM_F_EXCL;
        writer.BeginMessage(add ? Rtm.RTM_NEWRULE : Rtm.RTM_DELRULE, flags, sequence);
        uint table = rule.EffectiveTable;
        writer.WriteHeader(new FibRuleHdr
        {
            Family = NetlinkBatch.FamilyCode(rule.Family),
            DestinationLength = rule.To.Family == IpFamily.None ? (byte)0 : rule.ToPrefixLength,
            SourceLength = rule.From.Family == IpFamily.None ? (byte)0 : rule.FromPrefixLength,
            Tos = rule.Tos,
            Table = table < 256 ? (byte)table : Rtm.RT_TABLE_UNSPEC,
            Action = (byte)rule.EffectiveAction,
            Flags = rule.Invert ? Rtm.FIB_RULE_INVERT : 0,
        });
        if (table >= 256) writer.WriteAttribute(Rtm.FRA_TABLE, table);
        if (rule.From.Family != IpFamily.None) writer.WriteAttribute(Rtm.FRA_SRC, rule.From);
        if (rule.To.Family != IpFamily.None) writer.WriteAttribute(Rtm.FRA_DST, rule.To);
        if (rule.Priority is uint priority) writer.WriteAttribute(Rtm.FRA_PRIORITY, priority);
        if (rule.FwMark is uint mark) writer.WriteAttribute(Rtm.FRA_FWMARK, mark);
        if (rule.FwMask is uint mask) writer.WriteAttribute(Rtm.FRA_FWMASK, mask);
        if (rule.InputInterface is { } iif) writer.WriteAttribute(Rtm.FRA_IFNAME, iif);
        if (rule.OutputInterface is { } oif) writer.WriteAttribute(Rtm.FRA_OIFNAME, oif);
        if (rule.EffectiveAction == RuleAction.Goto) writer.WriteAttribute(Rtm.FRA_GOTO, rule.GotoTarget);
        if (rule.SuppressPrefixLength is int suppress) writer.WriteAttribute(Rtm.FRA_SUPPRESS_PREFIXLEN, (uint)suppress);
        if (rule.Protocol != 0) writer.WriteAttribute(Rtm.FRA_PROTOCOL, rule.Protocol);
        writer.EndMessage();
    }
}
