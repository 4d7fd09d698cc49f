using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Vrrp.Core.Wire;
using Vrrp.Linux.Interop;
using Vrrp.Linux.Netlink;

namespace Vrrp.Linux;

/// <summary>What a policy rule does with a packet it matches (the kernel's FR_ACT_* values).</summary>
public enum RuleAction : byte
{
    /// <summary>Look the route up in <see cref="IpRule.Table"/> (<c>table</c>, <c>lookup</c>).</summary>
    ToTable = 1,
    /// <summary>Go on with the rule of preference <see cref="IpRule.GotoTarget"/>.</summary>
    Goto = 2,
    /// <summary>Do nothing (<c>nop</c>).</summary>
    Nop = 3,
    /// <summary>Drop silently.</summary>
    Blackhole = 6,
    /// <summary>Drop with ICMP network unreachable.</summary>
    Unreachable = 7,
    /// <summary>Drop with ICMP communication administratively prohibited.</summary>
    Prohibit = 8,
}

/// <summary>
/// A routing policy rule as <c>ip rule</c> describes it: what <see cref="RuleManager"/> adds
/// and removes and what it reads back. Unset prefixes have <see cref="IpFamily.None"/> and
/// match everything (<c>all</c>).
/// </summary>
public readonly record struct IpRule
{
    /// <summary>IPv4 or IPv6.</summary>
    public IpFamily Family { get; init; }

    /// <summary>The source prefix (<c>from</c>), or none for all.</summary>
    public IpAddr From { get; init; }

    /// <summary>The length of <see cref="From"/>.</summary>
    public byte FromPrefixLength { get; init; }

    /// <summary>The destination prefix (<c>to</c>), or none for all.</summary>
    public IpAddr To { get; init; }

    /// <summary>The length of <see cref="To"/>.</summary>
    public byte ToPrefixLength { get; init; }

    /// <summary>The selector is inverted (<c>not</c>).</summary>
    public bool Invert { get; init; }

    /// <summary>The TOS the rule matches, 0 for any.</summary>
    public byte Tos { get; init; }

    /// <summary>The preference (<c>priority</c>, <c>order</c>); null lets the kernel choose.</summary>
    public uint? Priority { get; init; }

    /// <summary>What the rule does; 0 means <see cref="RuleAction.ToTable"/>.</summary>
    public RuleAction Action { get; init; }

    /// <summary>The table of <see cref="RuleAction.ToTable"/>; 0 means main (254).</summary>
    public uint Table { get; init; }

    /// <summary>The preference <see cref="RuleAction.Goto"/> jumps to.</summary>
    public uint GotoTarget { get; init; }

    /// <summary>The firewall mark to match, or null.</summary>
    public uint? FwMark { get; init; }

    /// <summary>The mask applied to the mark before comparing, or null for all bits.</summary>
    public uint? FwMask { get; init; }

    /// <summary>The input interface (<c>iif</c>, <c>dev</c>), or null.</summary>
    public string? InputInterface { get; init; }

    /// <summary>The output interface (<c>oif</c>), or null.</summary>
    public string? OutputInterface { get; init; }

    /// <summary>Who installed the rule (FRA_PROTOCOL), 0 for unknown; <see cref="RouteManager.ProtocolTag"/> for vrrpd's tracked rules.</summary>
    public byte Protocol { get; init; }

    /// <summary>Reject routing decisions with a prefix this long or shorter (<c>suppress_prefixlength</c>), or null.</summary>
    public int? SuppressPrefixLength { get; init; }

    /// <summary>The action the kernel uses: a table lookup when <see cref="Action"/> is 0.</summary>
    public RuleAction EffectiveAction => Action == 0 ? RuleAction.ToTable : Action;

    /// <summary>The table the kernel uses for a lookup: 254 (main) when <see cref="Table"/> is 0.</summary>
    public uint EffectiveTable => EffectiveAction != RuleAction.ToTable ? 0 : Table == 0 ? Rtm.RT_TABLE_MAIN : Table;

    /// <summary>
    /// True if <paramref name="found"/> (read from the kernel) is this rule: family, preference,
    /// selectors, action and protocol; a preference this rule leaves unset matches any.
    /// </summary>
    public bool Matches(in IpRule found) =>
        Family == found.Family && (Priority is not uint p || found.Priority == p)
        && From == found.From && FromPrefixLength == found.FromPrefixLength
        && To == found.To && ToPrefixLength == found.ToPrefixLength
        && Invert == found.Invert && Tos == found.Tos
        && EffectiveAction == found.EffectiveAction && EffectiveTable == found.EffectiveTable
        && (EffectiveAction != RuleAction.Goto || GotoTarget == found.GotoTarget)
        && (FwMark ?? 0) == (found.FwMark ?? 0)
        && InputInterface == found.InputInterface && OutputInterface == found.OutputInterface
        && Protocol == found.Protocol;

    /// <summary>The rule as <c>ip rule</c> prints it (allocates; for messages).</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        if (Priority is uint priority)
            text.Append(CultureInfo.InvariantCulture, $"{priority}: ");
        if (Invert)
            text.Append("not ");
        text.Append(From.Family == IpFamily.None ? "from all" : $"from {From}/{FromPrefixLength}");
        if (To.Family != IpFamily.None)
            text.Append(CultureInfo.InvariantCulture, $" to {To}/{ToPrefixLength}");
        if (Tos != 0)
            text.Append(CultureInfo.InvariantCulture, $" tos 0x{Tos:x}");
        if (FwMark is uint mark)
            text.Append(CultureInfo.InvariantCulture, $" fwmark 0x{mark:x}{(FwMask is uint mask && mask != uint.MaxValue ? $"/0x{mask:x}" : "")}");
        if (InputInterface is not null)
            text.Append(" iif ").Append(InputInterface);
        if (OutputInterface is not null)
            text.Append(" oif ").Append(OutputInterface);
        text.Append(EffectiveAction switch
        {
            RuleAction.ToTable => $" lookup {EffectiveTable}",
            RuleAction.Goto => $" goto {GotoTarget}",
            RuleAction.Nop => " nop",
            RuleAction.Blackhole => " blackhole",
            RuleAction.Unreachable => " unreachable",
            RuleAction.Prohibit => " prohibit",
            _ => $" action {(byte)EffectiveAction}",
        });
        if (SuppressPrefixLength is int suppress)
            text.Append(CultureInfo.InvariantCulture, $" suppress_prefixlength {suppress}");
        if (Protocol != 0)
            text.Append(CultureInfo.InvariantCulture, $" proto {Protocol}");
        if (Family == IpFamily.IPv6 && From.Family == IpFamily.None && To.Family == IpFamily.None)
            text.Insert(0, "inet6 ");
        return text.ToString();
    }

    /// <summary>Reads an RTM_NEWRULE / RTM_DELRULE message; false if malformed or not IPv4/IPv6. Interface names allocate.</summary>
    public static bool TryRead(in NetlinkMessage message, out IpRule rule)
    {
        rule = default;
        if (!message.TryReadHeader(out FibRuleHdr header)) return false;
        IpFamily family = NetlinkBatch.FamilyOf(header.Family);
        if (family == IpFamily.None) return false;
        IpAddr from = default, to = default;
        uint table = header.Table, gotoTarget = 0;
        uint? priority = null, mark = null, mask = null;
        string? iif = null, oif = null;
        byte protocol = 0;
        int? suppress = null;
        var attributes = message.Attributes(Unsafe.SizeOf<FibRuleHdr>());
        while (attributes.TryRead(out NetlinkAttribute a))
        {
            switch (a.Type)
            {
                case Rtm.FRA_SRC: a.TryGetAddress(out from); break;
                case Rtm.FRA_DST: a.TryGetAddress(out to); break;
                case Rtm.FRA_PRIORITY: priority = a.AsUInt32(); break;
                case Rtm.FRA_TABLE: table = a.AsUInt32(); break;
                case Rtm.FRA_GOTO: gotoTarget = a.AsUInt32(); break;
                case Rtm.FRA_FWMARK: mark = a.AsUInt32(); break;
                case Rtm.FRA_FWMASK: mask = a.AsUInt32(); break;
                case Rtm.FRA_IFNAME: iif = a.AsString(); break;
                case Rtm.FRA_OIFNAME: oif = a.AsString(); break;
                case Rtm.FRA_PROTOCOL: protocol = a.AsByte(); break;
                case Rtm.FRA_SUPPRESS_PREFIXLEN: suppress = (int)a.AsUInt32(); break;
            }
        }
        if (attributes.IsMalformed) return false;
        var action = (RuleAction)header.Action;
        rule = new IpRule
        {
            Family = family,
            From = from,
            FromPrefixLength = from.Family == IpFamily.None ? (byte)0 : header.SourceLength,
            To = to,
            ToPrefixLength = to.Family == IpFamily.None ? (byte)0 : header.DestinationLength,
            Invert = (header.Flags & Rtm.FIB_RULE_INVERT) != 0,
            Tos = header.Tos,
            Priority = priority,
            Action = action,
            Table = action == RuleAction.ToTable ? table : 0,
            GotoTarget = gotoTarget,
            // The kernel reports no mark as 0 and a mark without a mask with mask 0xffffffff.
            FwMark = mark is 0 ? null : mark,
            FwMask = mark is null or 0 || mask == uint.MaxValue ? null : mask,
            InputInterface = iif,
            OutputInterface = oif,
            Protocol = protocol,
            SuppressPrefixLength = suppress is -1 ? null : suppress,
        };
        return true;
    }
}
