using System.Runtime.InteropServices;

namespace Vrrp.Linux.Interop;

// Routes and policy rules over rtnetlink (linux/rtnetlink.h, linux/fib_rules.h), under their C names.
#pragma warning disable CA1707 // C names keep their underscores so they can be looked up in the headers.

/// <summary>rtnetlink route and rule messages, groups, attributes and values.</summary>
internal static class Rtm
{
    public const ushort RTM_NEWROUTE = 24;
    public const ushort RTM_DELROUTE = 25;
    public const ushort RTM_GETROUTE = 26;
    public const ushort RTM_NEWRULE = 32;
    public const ushort RTM_DELRULE = 33;
    public const ushort RTM_GETRULE = 34;

    public const int RTNLGRP_IPV4_ROUTE = 7;
    public const int RTNLGRP_IPV4_RULE = 8;
    public const int RTNLGRP_IPV6_ROUTE = 11;
    public const int RTNLGRP_IPV6_RULE = 19;

    public const ushort RTA_DST = 1;
    public const ushort RTA_SRC = 2;
    public const ushort RTA_OIF = 4;
    public const ushort RTA_GATEWAY = 5;
    public const ushort RTA_PRIORITY = 6;
    public const ushort RTA_PREFSRC = 7;
    public const ushort RTA_METRICS = 8;
    public const ushort RTA_TABLE = 15;

    public const ushort RTAX_LOCK = 1;
    public const ushort RTAX_MTU = 2;

    public const byte RT_TABLE_UNSPEC = 0;
    public const byte RT_TABLE_MAIN = 254;

    public const byte RT_SCOPE_NOWHERE = 255;

    public const uint RTNH_F_ONLINK = 4;

    public const ushort FRA_DST = 1;
    public const ushort FRA_SRC = 2;
    public const ushort FRA_IFNAME = 3;
    public const ushort FRA_GOTO = 4;
    public const ushort FRA_PRIORITY = 6;
    public const ushort FRA_FWMARK = 10;
    public const ushort FRA_SUPPRESS_PREFIXLEN = 14;
    public const ushort FRA_TABLE = 15;
    public const ushort FRA_FWMASK = 16;
    public const ushort FRA_OIFNAME = 17;
    public const ushort FRA_PROTOCOL = 21;

    public const uint FIB_RULE_INVERT = 0x2;
}

/// <summary><c>struct rtmsg</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct RtMsg
{
    public byte Family;
    public byte DestinationLength;
    public byte SourceLength;
    public byte Tos;
    public byte Table;
    public byte Protocol;
    public byte Scope;
    public byte Type;
    public uint Flags;
}

/// <summary><c>struct fib_rule_hdr</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FibRuleHdr
{
    public byte Family;
    public byte DestinationLength;
    public byte SourceLength;
    public byte Tos;
    public byte Table;
    public byte Reserved1;
    public byte Reserved2;
    public byte Action;
    public uint Flags;
}
