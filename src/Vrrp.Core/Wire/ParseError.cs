namespace Vrrp.Core.Wire;

/// <summary>
/// Why a received frame or packet was rejected. Each reason is distinct so it can be counted
/// and shown in <c>vrrpd status</c>; <see cref="None"/> means the input was accepted.
/// </summary>
public enum ParseError : byte
{
    /// <summary>Accepted.</summary>
    None = 0,
    /// <summary>Shorter than the headers it must contain.</summary>
    Truncated,
    /// <summary>The Ethernet type is neither IPv4 nor IPv6.</summary>
    UnsupportedEtherType,
    /// <summary>The IP version nibble does not match the Ethernet type.</summary>
    BadIpVersion,
    /// <summary>The IPv4 header length is below 20 bytes or past the end of the packet.</summary>
    BadIpHeaderLength,
    /// <summary>The IPv4 header checksum does not verify.</summary>
    BadIpHeaderChecksum,
    /// <summary>The IP total/payload length does not match the bytes received.</summary>
    IpLengthMismatch,
    /// <summary>An IPv4 fragment; VRRP packets are never fragmented.</summary>
    Fragmented,
    /// <summary>The IP protocol / next header is not VRRP (112).</summary>
    NotVrrp,
    /// <summary>TTL (IPv4) or hop limit (IPv6) is not 255 (RFC 5798 7.1).</summary>
    BadTtl,
    /// <summary>IPv6 source address of an advertisement to the multicast group is not link-local (RFC 5798 5.1.2.1).</summary>
    SourceNotLinkLocal,
    /// <summary>VRRP version is not 2 or 3, or not the configured one.</summary>
    BadVersion,
    /// <summary>VRRPv2 over IPv6, which RFC 3768 does not define.</summary>
    VersionFamilyMismatch,
    /// <summary>VRRP type is not Advertisement (1).</summary>
    BadType,
    /// <summary>VRRP checksum does not verify in any accepted convention.</summary>
    BadChecksum,
    /// <summary>The address count does not match the message length.</summary>
    AddressCountMismatch,
    /// <summary>The address count is zero.</summary>
    NoAddresses,
    /// <summary>VRRPv3 Max Advertise Interval is zero (or VRRPv2 Adver Int is zero).</summary>
    ZeroAdvertInterval,
    /// <summary>VRRPv2 authentication type differs from the configured one.</summary>
    AuthTypeMismatch,
    /// <summary>VRRPv2 authentication data (simple password) differs from the configured one.</summary>
    AuthMismatch,
    /// <summary>An ARP packet that is not Ethernet/IPv4 (hardware type 1, protocol 0x0800, sizes 6 and 4) or whose operation is not request or reply.</summary>
    BadArpFormat,
    /// <summary>An ARP packet whose sender and target protocol addresses differ, so it announces nothing.</summary>
    NotGratuitousArp,
    /// <summary>The IPv6 next header is not ICMPv6, or the ICMPv6 message is not a neighbour advertisement (type 136, code 0).</summary>
    NotNeighborAdvertisement,
    /// <summary>A neighbour advertisement that breaks RFC 4861 7.1.2: multicast target, Solicited flag to a multicast destination, or a malformed option.</summary>
    BadNeighborAdvertisement,
    /// <summary>
    /// A VRRPv2 authentication type other than 0 (none), 1 (simple text) or 2 (IP Authentication
    /// Header), the types RFC 3768 5.3.6 keeps from RFC 2338: Cisco's MD5 authentication (254, a
    /// trailer after the addresses) among them. Not checked further.
    /// </summary>
    UnsupportedAuthType,
    /// <summary>Bytes after the addresses (and the VRRPv2 authentication data) that the address count does not account for.</summary>
    TrailingData,
    /// <summary>
    /// The frame carries its IP packet in an encapsulation vrrpd does not read (802.1ah PBB,
    /// MPLS, or 802.1Q/802.1ad tags where untagged frames are expected).
    /// </summary>
    UnsupportedEncapsulation,
    /// <summary>
    /// The IP source address is unspecified (0.0.0.0 or ::). RFC 5798 5.1.1.1 (RFC 3768 5.1.1.1):
    /// the source is the sending interface's primary address, and 6.4.3 compares it to elect the
    /// Master; an unspecified source names no router, so even its priority 0 cannot be the current
    /// Master's.
    /// </summary>
    ZeroSourceAddress,
    /// <summary>A captured frame of a link type <c>vrrpd inspect</c> does not read (only Ethernet and Linux cooked captures are).</summary>
    UnsupportedLinkType,
}
