using Vrrp.Core.Wire;
using Vrrp.Linux.Interop;
using Vrrp.Linux.Netlink;

namespace Vrrp.Linux;

/// <summary>The state of a link that matters to VRRP, read without allocating (monitor events).</summary>
/// <param name="Index">Interface index.</param>
/// <param name="Flags">IFF_* flags (<c>ifi_flags</c>).</param>
/// <param name="OperState">RFC 2863 operational state (IF_OPER_*; 6 is up), 0 if not reported.</param>
/// <param name="Mtu">MTU, 0 if not reported.</param>
/// <param name="Mac">Hardware address, default if not a 6-byte address.</param>
public readonly record struct LinkState(int Index, uint Flags, byte OperState, int Mtu, MacAddress Mac)
{
    /// <summary>Administratively up (IFF_UP).</summary>
    public bool IsAdminUp => (Flags & Rtnl.IFF_UP) != 0;

    /// <summary>The physical layer has carrier (IFF_LOWER_UP).</summary>
    public bool HasCarrier => (Flags & Rtnl.IFF_LOWER_UP) != 0;

    /// <summary>
    /// Usable for VRRP: administratively up with carrier (IFF_UP and IFF_LOWER_UP). This is
    /// what a router's Fault input follows. IFF_LOWER_UP changes the moment the driver reports
    /// carrier; IFF_RUNNING (keepalived's test) waits for the kernel's linkwatch work, which
    /// can lag up to a second.
    /// </summary>
    public bool IsOperational => (Flags & (Rtnl.IFF_UP | Rtnl.IFF_LOWER_UP)) == (Rtnl.IFF_UP | Rtnl.IFF_LOWER_UP);

    /// <summary>Reads an RTM_NEWLINK / RTM_DELLINK message; false if malformed.</summary>
    public static bool TryRead(in NetlinkMessage message, out LinkState state)
    {
        state = default;
        if (!message.TryReadHeader(out IfInfoMsg info)) return false;
        byte operState = 0;
        int mtu = 0;
        MacAddress mac = default;
        var attributes = message.Attributes(System.Runtime.CompilerServices.Unsafe.SizeOf<IfInfoMsg>());
        while (attributes.TryRead(out NetlinkAttribute a))
        {
            switch (a.Type)
            {
                case Rtnl.IFLA_OPERSTATE: operState = a.AsByte(); break;
                case Rtnl.IFLA_MTU: mtu = (int)a.AsUInt32(); break;
                case Rtnl.IFLA_ADDRESS when a.Value.Length == MacAddress.Length: mac = MacAddress.FromBytes(a.Value); break;
            }
        }
        state = new LinkState(info.Index, info.Flags, operState, mtu, mac);
        return !attributes.IsMalformed;
    }
}

/// <summary>An interface as the kernel describes it (RTM_NEWLINK).</summary>
/// <param name="State">Index, flags, MTU, MAC.</param>
/// <param name="Name">Interface name.</param>
/// <param name="Kind">Link kind from IFLA_LINKINFO ("macvlan", "veth", "bridge", ...), null for plain devices.</param>
/// <param name="ParentIndex">IFLA_LINK: the lower device of a macvlan/VLAN/veth peer, 0 if none.</param>
/// <param name="MacvlanMode">IFLA_MACVLAN_MODE for a macvlan, else 0.</param>
public sealed record InterfaceInfo(LinkState State, string Name, string? Kind, int ParentIndex, uint MacvlanMode)
{
    /// <summary>Interface index.</summary>
    public int Index => State.Index;

    /// <summary>Hardware address.</summary>
    public MacAddress Mac => State.Mac;

    /// <summary>MTU.</summary>
    public int Mtu => State.Mtu;

    /// <summary>Reads an RTM_NEWLINK message (allocates the strings); null if malformed.</summary>
    public static InterfaceInfo? Read(in NetlinkMessage message)
    {
        if (!LinkState.TryRead(message, out LinkState state)) return null;
        string name = "";
        string? kind = null;
        int parent = 0;
        uint mode = 0;
        var attributes = message.Attributes(System.Runtime.CompilerServices.Unsafe.SizeOf<IfInfoMsg>());
        while (attributes.TryRead(out NetlinkAttribute a))
        {
            switch (a.Type)
            {
                case Rtnl.IFLA_IFNAME: name = a.AsString(); break;
                case Rtnl.IFLA_LINK: parent = (int)a.AsUInt32(); break;
                case Rtnl.IFLA_LINKINFO:
                    var info = a.Nested();
                    while (info.TryRead(out NetlinkAttribute i))
                    {
                        if (i.Type == Rtnl.IFLA_INFO_KIND) kind = i.AsString();
                        else if (i.Type == Rtnl.IFLA_INFO_DATA && kind == "macvlan")
                        {
                            var data = i.Nested();
                            while (data.TryRead(out NetlinkAttribute d))
                                if (d.Type == Rtnl.IFLA_MACVLAN_MODE) mode = d.AsUInt32();
                        }
                    }
                    break;
            }
        }
        return new InterfaceInfo(state, name, kind, parent, mode);
    }
}
