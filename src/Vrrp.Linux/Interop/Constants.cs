namespace Vrrp.Linux.Interop;

// Linux UAPI constants under their C names (x86_64 and aarch64 share all of these).
#pragma warning disable CA1707 // C names keep their underscores so they can be looked up in the headers.

/// <summary>Socket families, types, levels and options.</summary>
internal static class Sock
{
    public const int AF_UNSPEC = 0;
    public const int AF_INET = 2;
    public const int AF_INET6 = 10;
    public const int AF_NETLINK = 16;
    public const int AF_PACKET = 17;

    public const int SOCK_DGRAM = 2;
    public const int SOCK_RAW = 3;
    public const int SOCK_NONBLOCK = 0x800;
    public const int SOCK_CLOEXEC = 0x80000;

    public const int SOL_SOCKET = 1;
    public const int SO_ERROR = 4;
    public const int SO_SNDBUF = 7;
    public const int SO_RCVBUF = 8;
    public const int SO_PRIORITY = 12;
    public const int SO_BINDTODEVICE = 25;
    public const int SO_ATTACH_FILTER = 26;
    public const int SO_SNDBUFFORCE = 32;
    public const int SO_RCVBUFFORCE = 33;
    public const int SO_BINDTOIFINDEX = 62;

    public const int MSG_TRUNC = 0x20;
    public const int MSG_DONTWAIT = 0x40;
    public const int MSG_CTRUNC = 0x08;
}

/// <summary>AF_PACKET (linux/if_packet.h, linux/if_ether.h).</summary>
internal static class Packet
{
    public const int ETH_P_ALL = 0x0003;
    public const int ETH_P_IP = 0x0800;
    public const int ETH_P_IPV6 = 0x86DD;
    public const int ETH_P_ARP = 0x0806;

    public const int SOL_PACKET = 263;
    public const int PACKET_ADD_MEMBERSHIP = 1;
    public const int PACKET_DROP_MEMBERSHIP = 2;
    public const int PACKET_RX_RING = 5;
    public const int PACKET_STATISTICS = 6;
    public const int PACKET_VERSION = 10;
    public const int PACKET_IGNORE_OUTGOING = 23;

    public const int TPACKET_V2 = 1;
    public const uint TP_STATUS_KERNEL = 0;
    public const uint TP_STATUS_USER = 1;

    public const int PACKET_MR_MULTICAST = 0;

    public const byte PACKET_HOST = 0;
    public const byte PACKET_BROADCAST = 1;
    public const byte PACKET_MULTICAST = 2;
    public const byte PACKET_OTHERHOST = 3;
    public const byte PACKET_OUTGOING = 4;
}

/// <summary>IP-level socket options (linux/in.h, linux/in6.h).</summary>
internal static class Ip
{
    public const int IPPROTO_IP = 0;
    public const int IPPROTO_IPV6 = 41;
    public const int IPPROTO_VRRP = 112;

    public const int IP_TOS = 1;
    public const int IP_TTL = 2;
    public const int IP_MULTICAST_TTL = 33;
    public const int IP_MULTICAST_LOOP = 34;

    public const int IPV6_UNICAST_HOPS = 16;
    public const int IPV6_MULTICAST_HOPS = 18;
    public const int IPV6_MULTICAST_LOOP = 19;
    public const int IPV6_RECVPKTINFO = 49;
    public const int IPV6_PKTINFO = 50;
    public const int IPV6_RECVHOPLIMIT = 51;
    public const int IPV6_HOPLIMIT = 52;
    public const int IPV6_TCLASS = 67;
}

/// <summary>epoll (sys/epoll.h).</summary>
internal static class EpollNative
{
    public const int EPOLL_CLOEXEC = 0x80000;
    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const int EPOLL_CTL_MOD = 3;
}

/// <summary>timerfd, eventfd and clocks.</summary>
internal static class Fd
{
    public const int CLOCK_MONOTONIC = 1;
    public const int TFD_NONBLOCK = 0x800;
    public const int TFD_CLOEXEC = 0x80000;
    public const int TFD_TIMER_ABSTIME = 1;
    public const int EFD_NONBLOCK = 0x800;
    public const int EFD_CLOEXEC = 0x80000;
    public const int O_RDONLY = 0;
    public const int O_CLOEXEC = 0x80000;
    public const int CLONE_NEWNET = 0x40000000;
}

/// <summary>mmap (sys/mman.h).</summary>
internal static class Mem
{
    public const int PROT_READ = 1;
    public const int PROT_WRITE = 2;
    public const int MAP_SHARED = 1;
}

/// <summary>Netlink (linux/netlink.h).</summary>
internal static class Nl
{
    public const int NETLINK_ROUTE = 0;
    public const int SOL_NETLINK = 270;
    public const int NETLINK_ADD_MEMBERSHIP = 1;
    public const int NETLINK_DROP_MEMBERSHIP = 2;
    public const int NETLINK_NO_ENOBUFS = 5;
    public const int NETLINK_CAP_ACK = 10;
    public const int NETLINK_EXT_ACK = 11;
    public const int NETLINK_GET_STRICT_CHK = 12;

    public const ushort NLM_F_REQUEST = 0x01;
    public const ushort NLM_F_MULTI = 0x02;
    public const ushort NLM_F_ACK = 0x04;
    public const ushort NLM_F_ROOT = 0x100;
    public const ushort NLM_F_MATCH = 0x200;
    public const ushort NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
    public const ushort NLM_F_REPLACE = 0x100;
    public const ushort NLM_F_EXCL = 0x200;
    public const ushort NLM_F_CREATE = 0x400;
    public const ushort NLM_F_CAPPED = 0x100;
    public const ushort NLM_F_ACK_TLVS = 0x200;
    public const ushort NLM_F_DUMP_INTR = 0x10;

    public const ushort NLMSG_NOOP = 1;
    public const ushort NLMSG_ERROR = 2;
    public const ushort NLMSG_DONE = 3;
    public const ushort NLMSG_OVERRUN = 4;

    public const ushort NLMSGERR_ATTR_MSG = 1;
    public const ushort NLMSGERR_ATTR_OFFS = 2;

    public const ushort NLA_F_NESTED = 0x8000;
    public const ushort NLA_TYPE_MASK = 0x3FFF;
}

/// <summary>rtnetlink messages, groups and attributes (linux/rtnetlink.h, if_addr.h, if_link.h).</summary>
internal static class Rtnl
{
    public const ushort RTM_NEWLINK = 16;
    public const ushort RTM_DELLINK = 17;
    public const ushort RTM_GETLINK = 18;
    public const ushort RTM_SETLINK = 19;
    public const ushort RTM_NEWADDR = 20;
    public const ushort RTM_DELADDR = 21;
    public const ushort RTM_GETADDR = 22;

    public const int RTNLGRP_LINK = 1;
    public const int RTNLGRP_IPV4_IFADDR = 5;
    public const int RTNLGRP_IPV6_IFADDR = 9;

    public const byte RT_SCOPE_UNIVERSE = 0;
    public const byte RT_SCOPE_SITE = 200;
    public const byte RT_SCOPE_LINK = 253;
    public const byte RT_SCOPE_HOST = 254;

    public const ushort IFA_ADDRESS = 1;
    public const ushort IFA_LOCAL = 2;
    public const ushort IFA_LABEL = 3;
    public const ushort IFA_BROADCAST = 4;
    public const ushort IFA_CACHEINFO = 6;
    public const ushort IFA_FLAGS = 8;
    public const ushort IFA_PROTO = 11;

    public const uint IFA_F_SECONDARY = 0x01;
    public const uint IFA_F_NODAD = 0x02;
    public const uint IFA_F_DADFAILED = 0x08;
    public const uint IFA_F_TENTATIVE = 0x40;
    public const uint IFA_F_PERMANENT = 0x80;
    public const uint IFA_F_NOPREFIXROUTE = 0x200;

    public const ushort IFLA_ADDRESS = 1;
    public const ushort IFLA_BROADCAST = 2;
    public const ushort IFLA_IFNAME = 3;
    public const ushort IFLA_MTU = 4;
    public const ushort IFLA_LINK = 5;
    public const ushort IFLA_OPERSTATE = 16;
    public const ushort IFLA_LINKINFO = 18;
    public const ushort IFLA_AF_SPEC = 26;
    public const ushort IFLA_CARRIER = 33;

    public const ushort IFLA_INFO_KIND = 1;
    public const ushort IFLA_INFO_DATA = 2;
    public const ushort IFLA_MACVLAN_MODE = 1;

    public const ushort IFLA_INET_CONF = 1;
    public const ushort IFLA_INET6_ADDR_GEN_MODE = 8;

    // IPV4_DEVCONF_* are 1-based indexes into IFLA_INET_CONF (linux/ip.h).
    public const ushort IPV4_DEVCONF_RP_FILTER = 8;
    public const ushort IPV4_DEVCONF_PROMOTE_SECONDARIES = 20;
    public const ushort IPV4_DEVCONF_ARPFILTER = 13;
    public const ushort IPV4_DEVCONF_ARP_ANNOUNCE = 18;
    public const ushort IPV4_DEVCONF_ARP_IGNORE = 19;
    public const ushort IPV4_DEVCONF_ACCEPT_LOCAL = 23;

    public const uint IFF_UP = 0x1;
    public const uint IFF_BROADCAST = 0x2;
    public const uint IFF_LOOPBACK = 0x8;
    public const uint IFF_RUNNING = 0x40;
    public const uint IFF_PROMISC = 0x100;
    public const uint IFF_MULTICAST = 0x1000;
    public const uint IFF_LOWER_UP = 0x10000;
}
