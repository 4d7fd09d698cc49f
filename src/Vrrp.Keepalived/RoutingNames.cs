using System.Globalization;

namespace Vrrp.Keepalived;

/// <summary>
/// The names <c>ip route</c> and keepalived accept for tables, protocols, scopes and TOS values:
/// numbers (decimal, or 0x hexadecimal), iproute2's built-in names, and those of
/// /etc/iproute2/rt_tables, rt_protos, rt_scopes and rt_dsfield (and their .d/*.conf), read
/// once, as keepalived reads them.
/// </summary>
internal static class RoutingNames
{
    private const string Directory = "/etc/iproute2";

    private static readonly Lazy<Dictionary<string, uint>> Tables = new(() => Load("rt_tables", new()
    {
        ["unspec"] = 0, ["default"] = 253, ["main"] = 254, ["local"] = 255,
    }));

    private static readonly Lazy<Dictionary<string, uint>> Protocols = new(() => Load("rt_protos", new()
    {
        ["unspec"] = 0, ["redirect"] = 1, ["kernel"] = 2, ["boot"] = 3, ["static"] = 4, ["gated"] = 8, ["ra"] = 9,
        ["mrt"] = 10, ["zebra"] = 11, ["bird"] = 12, ["dnrouted"] = 13, ["xorp"] = 14, ["ntk"] = 15, ["dhcp"] = 16,
        ["keepalived"] = 18, ["babel"] = 42, ["openr"] = 99, ["bgp"] = 186, ["isis"] = 187, ["ospf"] = 188, ["rip"] = 189, ["eigrp"] = 192,
    }));

    private static readonly Lazy<Dictionary<string, uint>> Scopes = new(() => Load("rt_scopes", new()
    {
        ["global"] = 0, ["universe"] = 0, ["site"] = 200, ["link"] = 253, ["host"] = 254, ["nowhere"] = 255,
    }));

    private static readonly Lazy<Dictionary<string, uint>> DsFields = new(() => Load("rt_dsfield", []));

    public static bool TryTable(string text, out uint table) => TryLookup(Tables.Value, text, uint.MaxValue, out table);

    public static bool TryProtocol(string text, out byte protocol) => TryByte(Protocols.Value, text, out protocol);

    public static bool TryScope(string text, out byte scope) => TryByte(Scopes.Value, text, out scope);

    public static bool TryTos(string text, out byte tos) => TryByte(DsFields.Value, text, out tos);

    /// <summary>A route type word (<c>blackhole</c>, ...), as <c>ip route</c> and keepalived know them.</summary>
    public static bool TryRouteType(string text, out VirtualRouteType type)
    {
        type = text switch
        {
            "unicast" => VirtualRouteType.Unicast,
            "local" => VirtualRouteType.Local,
            "broadcast" => VirtualRouteType.Broadcast,
            "anycast" => VirtualRouteType.Anycast,
            "multicast" => VirtualRouteType.Multicast,
            "blackhole" => VirtualRouteType.Blackhole,
            "unreachable" => VirtualRouteType.Unreachable,
            "prohibit" => VirtualRouteType.Prohibit,
            "throw" => VirtualRouteType.Throw,
            "nat" => VirtualRouteType.Nat,
            "xresolve" => VirtualRouteType.XResolve,
            _ => 0,
        };
        return type != 0;
    }

    /// <summary>An unsigned number as strtoul with base 0 reads it: decimal, 0x hexadecimal, 0 octal.</summary>
    public static bool TryNumber(string text, ulong max, out ulong value)
    {
        value = 0;
        if (text.Length == 0 || text[0] == '-')
            return false;
        bool ok = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
            : text.Length > 1 && text[0] == '0'
                ? TryOctal(text.AsSpan(1), out value)
                : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        return ok && value <= max;
    }

    private static bool TryOctal(ReadOnlySpan<char> digits, out ulong value)
    {
        value = 0;
        foreach (char c in digits)
        {
            if (c is < '0' or > '7' || value > ulong.MaxValue / 8)
                return false;
            value = value * 8 + (ulong)(c - '0');
        }
        return true;
    }

    private static bool TryByte(Dictionary<string, uint> names, string text, out byte value)
    {
        bool ok = TryLookup(names, text, byte.MaxValue, out uint number);
        value = (byte)number;
        return ok;
    }

    private static bool TryLookup(Dictionary<string, uint> names, string text, uint max, out uint value)
    {
        if (TryNumber(text, max, out ulong number))
        {
            value = (uint)number;
            return true;
        }
        return names.TryGetValue(text, out value) && value <= max;
    }

    // Lines "NUMBER NAME", # comments; the files' names are added to the built-in ones.
    private static Dictionary<string, uint> Load(string file, Dictionary<string, uint> names)
    {
        var paths = new List<string> { Path.Combine(Directory, file) };
        string dropIns = Path.Combine(Directory, file + ".d");
        if (System.IO.Directory.Exists(dropIns))
            paths.AddRange(System.IO.Directory.GetFiles(dropIns, "*.conf").Order(StringComparer.Ordinal));
        foreach (string path in paths)
        {
            string[] lines;
            try
            {
                lines = File.ReadAllLines(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            foreach (string line in lines)
            {
                string[] words = line.Split('#')[0].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                // A name given several numbers means the lowest, as iproute2 looks names up
                // (FRR's rt_protos.d names 196 "static" too; "static" stays 4).
                if (words.Length >= 2 && TryNumber(words[0], uint.MaxValue, out ulong number)
                    && (!names.TryGetValue(words[1], out uint known) || number < known))
                    names[words[1]] = (uint)number;
            }
        }
        return names;
    }
}
