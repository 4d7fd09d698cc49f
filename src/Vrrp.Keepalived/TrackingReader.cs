namespace Vrrp.Keepalived;

/// <summary>Entries of <c>track_interface</c> and <c>track_script</c> blocks, shared by instances and sync groups.</summary>
internal static class TrackingReader
{
    public const int MaxWeight = 253;

    /// <summary>A track_script entry before the script's default weight is known.</summary>
    public sealed record ScriptReference(string Name, int? Weight, bool? Reverse, ConfigNode Node);

    /// <summary>"IF [weight N [reverse|noreverse]]"</summary>
    public static List<(TrackedInterfaceConfig Track, ConfigNode Node)> Interfaces(ConfigNode block, ValueReader values)
    {
        var result = new List<(TrackedInterfaceConfig, ConfigNode)>();
        foreach (ConfigNode entry in BlockReader.Entries(block, values))
        {
            string name = entry.Keyword;
            if (values.InterfaceName(entry, "track_interface", name) is null)
                continue;
            if (ReadWeightOptions(entry, values, "track_interface", out int? weight, out bool? reverse))
                result.Add((new TrackedInterfaceConfig(name, weight ?? 0, reverse ?? false), entry));
        }
        return result;
    }

    /// <summary>"SCRIPT [weight N [reverse|noreverse|no_reverse]]"</summary>
    public static List<ScriptReference> Scripts(ConfigNode block, ValueReader values)
    {
        var result = new List<ScriptReference>();
        foreach (ConfigNode entry in BlockReader.Entries(block, values))
        {
            if (ReadWeightOptions(entry, values, "track_script", out int? weight, out bool? reverse))
                result.Add(new ScriptReference(entry.Keyword, weight, reverse, entry));
        }
        return result;
    }

    private static bool ReadWeightOptions(ConfigNode entry, ValueReader values, string block, out int? weight, out bool? reverse)
    {
        weight = null;
        reverse = null;
        bool ok = true;
        for (int i = 0; i < entry.ArgumentCount; i++)
        {
            string option = entry.Argument(i);
            switch (option)
            {
                case "weight" when i + 1 < entry.ArgumentCount:
                    weight = values.Integer(entry, $"{block} {entry.Keyword} weight", entry.Argument(++i), -MaxWeight, MaxWeight);
                    ok &= weight is not null;
                    break;
                case "weight":
                    values.Error(entry, $"{block} {entry.Keyword}: 'weight' needs a value");
                    ok = false;
                    break;
                case "reverse":
                    reverse = true;
                    break;
                case "noreverse" or "no_reverse":
                    reverse = false;
                    break;
                default:
                    string? suggestion = NearMiss.Suggest(option, ["weight", "reverse", "noreverse", "no_reverse"]);
                    values.Error(entry, $"{block} {entry.Keyword}: unknown option '{option}'" + (suggestion is null ? "" : $"; did you mean '{suggestion}'?"));
                    ok = false;
                    break;
            }
        }
        return ok;
    }
}
