using Vrrp.Linux.Interop;

namespace Vrrp.Linux.Netlink;

/// <summary>C names of rtnetlink message types, for error messages.</summary>
internal static class RtnlNames
{
    public static string Of(ushort type) => type switch
    {
        Rtnl.RTM_NEWLINK => "RTM_NEWLINK",
        Rtnl.RTM_DELLINK => "RTM_DELLINK",
        Rtnl.RTM_GETLINK => "RTM_GETLINK",
        Rtnl.RTM_SETLINK => "RTM_SETLINK",
        Rtnl.RTM_NEWADDR => "RTM_NEWADDR",
        Rtnl.RTM_DELADDR => "RTM_DELADDR",
        Rtnl.RTM_GETADDR => "RTM_GETADDR",
        Rtm.RTM_NEWROUTE => "RTM_NEWROUTE",
        Rtm.RTM_DELROUTE => "RTM_DELROUTE",
        Rtm.RTM_GETROUTE => "RTM_GETROUTE",
        Rtm.RTM_NEWRULE => "RTM_NEWRULE",
        Rtm.RTM_DELRULE => "RTM_DELRULE",
        Rtm.RTM_GETRULE => "RTM_GETRULE",
        _ => $"netlink type {type}",
    };
}
