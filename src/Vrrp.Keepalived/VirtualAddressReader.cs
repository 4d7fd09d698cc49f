using System.Globalization;
using Vrrp.Core.Wire;

namespace Vrrp.Keepalived;

/// <summary>Entries of <c>virtual_ipaddress</c> and <c>virtual_ipaddress_excluded</c>: <c>IP[/prefix] [dev IF] [label L] [scope S] [brd B] ...</c></summary>
internal static partial class InstanceReader
{
    private static readonly string[] AddressOptions =
        ["dev", "label", "scope", "brd", "broadcast", "home", "nodad", "-nodad", "mngtmpaddr", "noprefixroute", "autojoin",
         "peer", "no_track", "preferred_lft", "use_vmac", "track_group"];

    private static void ReadAddresses(State s, ConfigNode block, List<(VirtualAddressConfig, ConfigNode)> list, bool advertised)
    {
        foreach (ConfigNode entry in BlockReader.Entries(block, s.Values))
        {
            if (advertised)
                s.VipEntries++;
            if (ReadAddress(s.Values, entry, block.Keyword) is not VirtualAddressConfig address)
                continue;
            if (advertised)
            {
                SetFamily(s, entry, address.Address.Family, $"virtual address {address.Address}");
                if (s.Family != address.Address.Family)
                    continue;
            }
            if (s.Vips.Concat(s.ExcludedVips).FirstOrDefault(v => v.Address.Address == address.Address && v.Address.Device == address.Device) is ({ } same, { } first))
            {
                s.Values.Warning(entry, $"virtual address {address.Address} is already listed at {first.Location}; this entry is ignored");
                continue;
            }
            list.Add((address, entry));
        }
    }

    public static VirtualAddressConfig? ReadAddress(ValueReader values, ConfigNode entry, string block)
    {
        string text = entry.Keyword;
        int slash = text.IndexOf('/');
        string addressText = slash < 0 ? text : text[..slash];
        if (!ValueReader.TryParseAddress(addressText, out IpAddr address))
        {
            values.Error(entry, $"{block} '{text}': not an IPv4 or IPv6 address");
            return null;
        }
        int maxPrefix = address.IsIPv4 ? 32 : 128;
        int prefix = maxPrefix;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > maxPrefix))
        {
            values.Error(entry, $"{block} '{text}': prefix length must be 0..{maxPrefix}");
            return null;
        }
        if (address == (address.IsIPv4 ? IpAddr.FromV4(0) : IpAddr.FromV6(0, 0)) || address.IsMulticast)
        {
            values.Error(entry, $"{block} {address}: a virtual address must be a unicast address");
            return null;
        }

        var result = new VirtualAddressConfig { Address = address, PrefixLength = (byte)prefix };
        bool ok = true;
        for (int i = 0; i < entry.ArgumentCount; i++)
        {
            string option = entry.Argument(i);
            string? Value()
            {
                if (i + 1 < entry.ArgumentCount)
                    return entry.Argument(++i);
                values.Error(entry, $"{block} {address}: '{option}' needs a value");
                ok = false;
                return null;
            }
            switch (option)
            {
                case "dev":
                    if (Value() is string device)
                        result = result with { Device = values.InterfaceName(entry, $"{block} {address} dev", device) };
                    break;
                case "label":
                    if (Value() is not string label)
                        break;
                    if (label.Length > 15)
                    {
                        values.Error(entry, $"{block} {address} label '{label}': at most 15 characters");
                        ok = false;
                    }
                    else if (address.IsIPv6)
                    {
                        values.Warning(entry, $"{block} {address}: labels apply to IPv4 addresses only; ignored");
                    }
                    else
                    {
                        result = result with { Label = label };
                    }
                    break;
                case "scope":
                    if (Value() is string scopeText)
                    {
                        if (ParseScope(scopeText) is AddressScope scope)
                            result = result with { Scope = scope };
                        else
                        {
                            values.Error(entry, $"{block} {address} scope '{scopeText}': must be global, site, link, host or nowhere");
                            ok = false;
                        }
                    }
                    break;
                case "brd" or "broadcast":
                    if (Value() is string broadcastText)
                    {
                        IpAddr? broadcast = Broadcast(address, prefix, broadcastText);
                        if (broadcast is null)
                        {
                            values.Error(entry, $"{block} {address} brd '{broadcastText}': must be an IPv4 address, '+' or '-' (IPv4 addresses only)");
                            ok = false;
                        }
                        result = result with { Broadcast = broadcast };
                    }
                    break;
                case "home":
                    result = result with { Flags = result.Flags | AddressFlags.HomeAddress };
                    break;
                case "nodad" or "-nodad":
                    result = result with { Flags = result.Flags | AddressFlags.NoDad };
                    break;
                case "mngtmpaddr":
                    result = result with { Flags = result.Flags | AddressFlags.ManageTempAddress };
                    break;
                case "noprefixroute":
                    result = result with { Flags = result.Flags | AddressFlags.NoPrefixRoute };
                    break;
                case "autojoin":
                    result = result with { Flags = result.Flags | AddressFlags.McAutoJoin };
                    break;
                case "peer" or "no_track" or "preferred_lft" or "use_vmac" or "track_group":
                    values.Error(entry, $"{block} {address}: option '{option}' is not supported by vrrpd");
                    ok = false;
                    if (option is "peer" or "preferred_lft" or "track_group")
                        i++;
                    break;
                default:
                    string? suggestion = NearMiss.Suggest(option, AddressOptions);
                    values.Error(entry, $"{block} {address}: unknown option '{option}'" + (suggestion is null ? "" : $"; did you mean '{suggestion}'?"));
                    ok = false;
                    break;
            }
        }
        if (address.IsIPv4 && (result.Flags & (AddressFlags.HomeAddress | AddressFlags.NoDad | AddressFlags.ManageTempAddress)) != 0)
            values.Warning(entry, $"{block} {address}: home, nodad and mngtmpaddr apply to IPv6 addresses only");
        return ok ? result : null;
    }

    private static AddressScope? ParseScope(string text) => text switch
    {
        "global" or "universe" => AddressScope.Global,
        "site" => AddressScope.Site,
        "link" => AddressScope.Link,
        "host" => AddressScope.Host,
        "nowhere" => AddressScope.Nowhere,
        _ => null,
    };

    // "brd +" sets the host bits of the address, "brd -" clears them (as ip-address(8)).
    private static IpAddr? Broadcast(IpAddr address, int prefix, string text)
    {
        if (!address.IsIPv4)
            return null;
        uint hostMask = prefix == 32 ? 0u : uint.MaxValue >> prefix;
        return text switch
        {
            "+" => IpAddr.FromV4(address.V4Value | hostMask),
            "-" => IpAddr.FromV4(address.V4Value & ~hostMask),
            _ => ValueReader.TryParseAddress(text, out IpAddr broadcast) && broadcast.IsIPv4 ? broadcast : null,
        };
    }
}
