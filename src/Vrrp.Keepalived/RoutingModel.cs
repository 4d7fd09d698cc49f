using Vrrp.Core.Wire;

namespace Vrrp.Keepalived;

/// <summary>The type of a virtual route (the kernel's RTN_* values, as <c>ip route</c> names them).</summary>
public enum VirtualRouteType : byte
{
    /// <summary><c>unicast</c>, the default.</summary>
    Unicast = 1,
    /// <summary><c>local</c>.</summary>
    Local = 2,
    /// <summary><c>broadcast</c>.</summary>
    Broadcast = 3,
    /// <summary><c>anycast</c>.</summary>
    Anycast = 4,
    /// <summary><c>multicast</c>.</summary>
    Multicast = 5,
    /// <summary><c>blackhole</c>: dropped silently.</summary>
    Blackhole = 6,
    /// <summary><c>unreachable</c>: dropped with ICMP unreachable.</summary>
    Unreachable = 7,
    /// <summary><c>prohibit</c>: dropped with ICMP administratively prohibited.</summary>
    Prohibit = 8,
    /// <summary><c>throw</c>: the lookup goes on in the next rule's table.</summary>
    Throw = 9,
    /// <summary><c>nat</c> (the kernel refuses it).</summary>
    Nat = 10,
    /// <summary><c>xresolve</c>.</summary>
    XResolve = 11,
}

/// <summary>What a virtual rule does (the kernel's FR_ACT_* values).</summary>
public enum VirtualRuleAction : byte
{
    /// <summary><c>table</c> / <c>lookup</c> T.</summary>
    ToTable = 1,
    /// <summary><c>goto</c> N.</summary>
    Goto = 2,
    /// <summary><c>nop</c>.</summary>
    Nop = 3,
    /// <summary><c>blackhole</c>.</summary>
    Blackhole = 6,
    /// <summary><c>unreachable</c>.</summary>
    Unreachable = 7,
    /// <summary><c>prohibit</c>.</summary>
    Prohibit = 8,
}

/// <summary>
/// One entry of <c>virtual_routes</c>, as keepalived 2.2.7 ends up with it: <c>[src IP] [to]
/// [TYPE] PREFIX|default [via IP] [dev IF] [table T] [metric N] [protocol P] [scope S] [onlink]
/// [no_track] ...</c>.
/// </summary>
public sealed record VirtualRouteConfig
{
    /// <summary>The destination (all zeros for <c>default</c>); its family is the route's.</summary>
    public required IpAddr Destination { get; init; }

    /// <summary>The destination prefix length.</summary>
    public required byte PrefixLength { get; init; }

    /// <summary>The type (leading <c>blackhole</c>, <c>unreachable</c>, ...).</summary>
    public VirtualRouteType Type { get; init; } = VirtualRouteType.Unicast;

    /// <summary><c>via</c> (or the deprecated <c>gw</c>): the next hop.</summary>
    public IpAddr? Gateway { get; init; }

    /// <summary><c>dev</c> / <c>oif</c>: the output interface.</summary>
    public string? Device { get; init; }

    /// <summary><c>src</c>: the preferred source address.</summary>
    public IpAddr? PreferredSource { get; init; }

    /// <summary><c>from</c> (IPv6 only): the source prefix of a source-specific route.</summary>
    public IpAddr? Source { get; init; }

    /// <summary>The length of <see cref="Source"/>.</summary>
    public byte SourcePrefixLength { get; init; }

    /// <summary><c>table</c>: 254 (main) unless given.</summary>
    public uint Table { get; init; } = 254;

    /// <summary><c>metric</c> / <c>priority</c> / <c>preference</c>, or null.</summary>
    public uint? Metric { get; init; }

    /// <summary><c>protocol</c>; 18 (keepalived) unless given, and always for a tracked route.</summary>
    public byte Protocol { get; init; } = 18;

    /// <summary><c>scope</c>, or null for global.</summary>
    public byte? Scope { get; init; }

    /// <summary><c>tos</c> / <c>dsfield</c>.</summary>
    public byte Tos { get; init; }

    /// <summary><c>onlink</c>.</summary>
    public bool OnLink { get; init; }

    /// <summary><c>mtu [lock] N</c>, or null.</summary>
    public uint? Mtu { get; init; }

    /// <summary><c>mtu lock</c>.</summary>
    public bool LockMtu { get; init; }

    /// <summary>False for <c>no_track</c>, and for a route without <c>dev</c> (keepalived cannot track it).</summary>
    public bool Track { get; init; } = true;

    /// <summary>The entry as <c>ip route</c> would print it.</summary>
    public override string ToString() =>
        $"{(Type == VirtualRouteType.Unicast ? "" : Type.ToString().ToLowerInvariant() + " ")}{Destination}/{PrefixLength}" +
        $"{(Gateway is { } g ? " via " + g : "")}{(Device is null ? "" : " dev " + Device)}{(Table == 254 ? "" : $" table {Table}")}{(Track ? "" : " no_track")}";
}

/// <summary>
/// One entry of <c>virtual_rules</c>, as keepalived 2.2.7 ends up with it: <c>[not] [from P]
/// [to P] [table|lookup T | goto N | nop | blackhole | prohibit | unreachable]
/// [preference|priority|order N] [fwmark V[/M]] [iif IF] [oif IF] [no_track] ...</c>.
/// </summary>
public sealed record VirtualRuleConfig
{
    /// <summary>IPv4 unless an address or <c>inet6</c> says IPv6.</summary>
    public IpFamily Family { get; init; } = IpFamily.IPv4;

    /// <summary><c>from</c>; null for <c>all</c>.</summary>
    public IpAddr? From { get; init; }

    /// <summary>The length of <see cref="From"/>.</summary>
    public byte FromPrefixLength { get; init; }

    /// <summary><c>to</c>; null for <c>all</c>.</summary>
    public IpAddr? To { get; init; }

    /// <summary>The length of <see cref="To"/>.</summary>
    public byte ToPrefixLength { get; init; }

    /// <summary><c>not</c>.</summary>
    public bool Invert { get; init; }

    /// <summary><c>tos</c> / <c>dsfield</c>.</summary>
    public byte Tos { get; init; }

    /// <summary>The preference; keepalived numbers rules without one from 16384 down (with a warning).</summary>
    public uint Priority { get; init; }

    /// <summary>What the rule does.</summary>
    public VirtualRuleAction Action { get; init; } = VirtualRuleAction.ToTable;

    /// <summary>The table of <see cref="VirtualRuleAction.ToTable"/>.</summary>
    public uint Table { get; init; }

    /// <summary>The target of <see cref="VirtualRuleAction.Goto"/>.</summary>
    public uint GotoTarget { get; init; }

    /// <summary><c>fwmark</c>, or null.</summary>
    public uint? FwMark { get; init; }

    /// <summary>The mask after <c>fwmark V/</c>, or null.</summary>
    public uint? FwMask { get; init; }

    /// <summary><c>iif</c> / <c>dev</c>.</summary>
    public string? InputInterface { get; init; }

    /// <summary><c>oif</c>.</summary>
    public string? OutputInterface { get; init; }

    /// <summary><c>protocol</c>; 18 (keepalived) for a tracked rule, else as given (0: none).</summary>
    public byte Protocol { get; init; }

    /// <summary><c>suppress_prefixlength</c>, or null.</summary>
    public int? SuppressPrefixLength { get; init; }

    /// <summary>False for <c>no_track</c>.</summary>
    public bool Track { get; init; } = true;

    /// <summary>The entry as <c>ip rule</c> would print it.</summary>
    public override string ToString() =>
        $"{Priority}: {(Invert ? "not " : "")}from {(From is { } f ? $"{f}/{FromPrefixLength}" : "all")}{(To is { } t ? $" to {t}/{ToPrefixLength}" : "")}" +
        $" {(Action == VirtualRuleAction.ToTable ? $"lookup {Table}" : Action == VirtualRuleAction.Goto ? $"goto {GotoTarget}" : Action.ToString().ToLowerInvariant())}{(Track ? "" : " no_track")}";
}
