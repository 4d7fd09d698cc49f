using Vrrp.Core.Wire;

namespace Vrrp.Linux;

/// <summary>
/// Finds which virtual router a received frame is for, from two header bytes, before any full
/// parse: the daemon looks up the router by (family, VRID) and lets it parse and count.
/// </summary>
public static class VrrpDemux
{
    /// <summary>
    /// Reads the family and VRID of a VRRP frame as <see cref="Bpf.VrrpFilter"/> passes it
    /// (Ethernet + IPv4/IPv6 + VRRP). False if the frame is too short to hold them.
    /// </summary>
    public static bool TryPeek(ReadOnlySpan<byte> frame, out IpFamily family, out byte vrid)
    {
        family = IpFamily.None;
        vrid = 0;
        if (frame.Length < 14) return false;
        int offset;
        switch ((frame[12] << 8) | frame[13])
        {
            case 0x0800 when frame.Length > 14:
                offset = 14 + ((frame[14] & 0x0F) * 4);
                family = IpFamily.IPv4;
                break;
            case 0x86DD:
                offset = 14 + 40;
                family = IpFamily.IPv6;
                break;
            default:
                return false;
        }
        // VRRP: version/type, then the VRID.
        if (frame.Length < offset + 2)
        {
            family = IpFamily.None;
            return false;
        }
        vrid = frame[offset + 1];
        return true;
    }
}

/// <summary>
/// A fixed table from (family, VRID) to the object serving it: two arrays of 256, so a lookup
/// is an index, and nothing allocates after construction.
/// </summary>
public sealed class VridTable<T> where T : class
{
    private readonly T?[] _v4 = new T?[256];
    private readonly T?[] _v6 = new T?[256];

    /// <summary>The entry for (family, VRID), or null.</summary>
    public T? this[IpFamily family, byte vrid]
    {
        get => family switch
        {
            IpFamily.IPv4 => _v4[vrid],
            IpFamily.IPv6 => _v6[vrid],
            _ => null,
        };
        set
        {
            switch (family)
            {
                case IpFamily.IPv4: _v4[vrid] = value; break;
                case IpFamily.IPv6: _v6[vrid] = value; break;
                default: throw new ArgumentOutOfRangeException(nameof(family), family, "IPv4 or IPv6");
            }
        }
    }

    /// <summary>The entry for a received frame (see <see cref="VrrpDemux.TryPeek"/>), or null.</summary>
    public T? Find(ReadOnlySpan<byte> frame) =>
        VrrpDemux.TryPeek(frame, out IpFamily family, out byte vrid) ? this[family, vrid] : null;
}
