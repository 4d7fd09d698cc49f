using System.Runtime.InteropServices;

namespace Vrrp.Linux.Interop;

// Blittable mirrors of the kernel structures, for LP64 Linux (x86_64 and aarch64).
// Byte-order sensitive fields are noted; the kernel wants network order where the C type is __be16.

/// <summary><c>struct sockaddr_ll</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SockAddrLl
{
    public ushort Family;
    public ushort Protocol; // network order
    public int IfIndex;
    public ushort HaType;
    public byte PktType;
    public byte HaLen;
    public fixed byte Addr[8];
}

/// <summary><c>struct packet_mreq</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PacketMreq
{
    public int IfIndex;
    public ushort Type;
    public ushort AddressLength;
    public fixed byte Address[8];
}

/// <summary><c>struct tpacket_stats</c>: read and reset by PACKET_STATISTICS.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TPacketStats
{
    public uint Packets;
    public uint Drops;
}

/// <summary><c>struct tpacket_req</c>: the geometry of a PACKET_RX_RING.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TPacketRequest
{
    public uint BlockSize;
    public uint BlockCount;
    public uint FrameSize;
    public uint FrameCount;
}

/// <summary><c>struct tpacket2_hdr</c>: the head of each slot of a TPACKET_V2 ring.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TPacket2Header
{
    public uint Status;
    public uint Length;
    public uint SnapLength;
    public ushort Mac;
    public ushort Net;
    public uint Seconds;
    public uint Nanoseconds;
    public ushort VlanTci;
    public ushort VlanTpid;
    public uint Padding;
}

/// <summary><c>struct sock_fprog</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SockFProg
{
    public ushort Length;
    public BpfInstruction* Filter;
}

/// <summary><c>struct iovec</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct IoVec
{
    public void* Base;
    public nuint Length;
}

/// <summary><c>struct msghdr</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MsgHdr
{
    public void* Name;
    public uint NameLength;
    public IoVec* Iov;
    public nuint IovLength;
    public void* Control;
    public nuint ControlLength;
    public int Flags;
}

/// <summary><c>struct mmsghdr</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MMsgHdr
{
    public MsgHdr Header;
    public uint Length;
}

/// <summary><c>struct cmsghdr</c>; the data follows, aligned to 8.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct CMsgHdr
{
    public nuint Length;
    public int Level;
    public int Type;
}

/// <summary><c>struct in6_pktinfo</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct In6PktInfo
{
    public fixed byte Address[16];
    public int IfIndex;
}

/// <summary><c>struct sockaddr_in</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SockAddrIn
{
    public ushort Family;
    public ushort Port; // network order
    public uint Address; // network order
    public fixed byte Zero[8];
}

/// <summary><c>struct sockaddr_in6</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SockAddrIn6
{
    public ushort Family;
    public ushort Port; // network order
    public uint FlowInfo;
    public fixed byte Address[16];
    public uint ScopeId;
}

/// <summary><c>struct timespec</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TimeSpec
{
    public long Seconds;
    public long Nanoseconds;
}

/// <summary><c>struct itimerspec</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ITimerSpec
{
    public TimeSpec Interval;
    public TimeSpec Value;
}

/// <summary><c>struct nlmsghdr</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NlMsgHdr
{
    public uint Length;
    public ushort Type;
    public ushort Flags;
    public uint Sequence;
    public uint PortId;
}

/// <summary><c>struct ifaddrmsg</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct IfAddrMsg
{
    public byte Family;
    public byte PrefixLength;
    public byte Flags;
    public byte Scope;
    public int Index;
}

/// <summary><c>struct ifinfomsg</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct IfInfoMsg
{
    public byte Family;
    public byte Pad;
    public ushort Type;
    public int Index;
    public uint Flags;
    public uint Change;
}

/// <summary><c>struct ifa_cacheinfo</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct IfaCacheInfo
{
    public uint Preferred;
    public uint Valid;
    public uint CreatedStamp;
    public uint UpdatedStamp;
}

/// <summary><c>struct sockaddr_nl</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SockAddrNl
{
    public ushort Family;
    public ushort Pad;
    public uint PortId;
    public uint Groups;
}
