using Vrrp.Core.Wire;

namespace Vrrp.Core.Router;

/// <summary>
/// A fixed table from (family, VRID) to the object serving it: two arrays of 256, so a lookup
/// is an index, and nothing allocates after construction. A host keeps one per receive
/// endpoint to find the router a parsed advertisement is for.
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
}
