using System.Runtime.CompilerServices;
using Vrrp.Core.Wire;

namespace Vrrp.Keepalived;

/// <summary>
/// The entries of <c>virtual_rules</c>, read as keepalived 2.2.7 reads them (<c>ip rule</c>
/// syntax), reporting as <see cref="RouteReader"/> does: keepalived's dropped entries are
/// warnings and left out, what vrrpd does not implement (realms, uidrange, ports...) an error.
/// </summary>
internal static class RuleReader
{
    private const uint FirstDefaultPreference = 16384; // keepalived's RULE_START_PRIORITY

    private static readonly string[] Unsupported =
        ["realms", "suppress_ifgroup", "sup_group", "tunnel-id", "uidrange", "l3mdev", "ipproto", "sport", "dport", "track_group"];

    // keepalived numbers rules without a preference from 16384 down, per family, across the
    // whole configuration (in the order read): one counter pair per load.
    private static readonly ConditionalWeakTable<ValueReader, uint[]> NextDefaultPreference = [];

    public static void Read(ValueReader values, ConfigNode block, List<(VirtualRuleConfig Rule, ConfigNode Node)> into)
    {
        foreach (ConfigNode entry in BlockReader.Entries(block, values))
        {
            if (ReadRule(values, entry) is VirtualRuleConfig rule)
                into.Add((rule, entry));
        }
    }

    private static VirtualRuleConfig? ReadRule(ValueReader values, ConfigNode entry)
    {
        var words = new RoutingWords(values, entry, "virtual_rules", "rule specification has mixed IPv4 and IPv6");
        var rule = new VirtualRuleConfig();
        IpFamily family = IpFamily.None;
        VirtualRuleAction? action = null;
        uint? priority = null;
        bool tableOption = false, protocolGiven = false;
        try
        {
            while (words.More)
            {
                string word = words.Next();
                switch (word)
                {
                    case "inet" or "inet6":
                        words.SetFamily(ref family, word == "inet6" ? IpFamily.IPv6 : IpFamily.IPv4, $"{word} specified for {(word == "inet6" ? "IPv4" : "IPv6")} rule");
                        words.SkipAfterFamilyWord(word);
                        break;
                    case "from":
                        (IpAddr from, byte fromLength) = words.Prefix(ref family, "Invalid rule from address {0}", out bool anyFrom);
                        rule = rule with { From = anyFrom || fromLength == 0 ? null : from, FromPrefixLength = anyFrom ? (byte)0 : fromLength };
                        break;
                    case "to":
                        (IpAddr to, byte toLength) = words.Prefix(ref family, "Invalid rule to address {0}", out bool anyTo);
                        rule = rule with { To = anyTo || toLength == 0 ? null : to, ToPrefixLength = anyTo ? (byte)0 : toLength };
                        break;
                    case "table" or "lookup":
                        uint table = words.Table(word, "Routing table {0} not found for rule");
                        if (table == 0)
                            words.Drop("Table 0 is not valid");
                        SetAction(words, ref action, VirtualRuleAction.ToTable);
                        rule = rule with { Table = table };
                        break;
                    case "not":
                        rule = rule with { Invert = true };
                        break;
                    case "preference" or "order" or "priority":
                        priority = (uint)words.Number(word, uint.MaxValue, "Invalid rule preference {0} specified");
                        break;
                    case "tos" or "dsfield":
                        rule = rule with { Tos = words.Named(RoutingNames.TryTos, word, "TOS value {0} is invalid") };
                        break;
                    case "fwmark":
                        (uint mark, uint? mask) = FwMark(words);
                        rule = rule with { FwMark = mark, FwMask = mask };
                        break;
                    case "suppress_prefixlength" or "sup_pl":
                        rule = rule with { SuppressPrefixLength = (int)words.Number(word, int.MaxValue, "Invalid suppress_prefixlength {0} specified") };
                        tableOption = true;
                        break;
                    case "dev" or "iif":
                        rule = rule with { InputInterface = words.Interface(word) };
                        break;
                    case "oif":
                        rule = rule with { OutputInterface = words.Interface(word) };
                        break;
                    case "protocol":
                        // keepalived reports a bad protocol and keeps the rule.
                        string text = words.Value(word);
                        if (RoutingNames.TryNumber(text, byte.MaxValue, out ulong protocol))
                        {
                            rule = rule with { Protocol = (byte)protocol };
                            protocolGiven = true;
                        }
                        else
                        {
                            words.Warning($"Invalid protocol {text}; ignored, as keepalived does");
                        }
                        break;
                    case "no_track":
                        rule = rule with { Track = false };
                        break;
                    default:
                        if (Unsupported.Contains(word))
                            words.Refuse($"rule option '{word}' is not supported by vrrpd");
                        if (word == "type")
                            word = words.Value(word);
                        switch (word)
                        {
                            case "goto":
                                rule = rule with { GotoTarget = (uint)words.Number(word, uint.MaxValue, "Invalid target {0} specified") };
                                SetAction(words, ref action, VirtualRuleAction.Goto);
                                break;
                            case "nop":
                                SetAction(words, ref action, VirtualRuleAction.Nop);
                                break;
                            case "blackhole" or "unreachable" or "prohibit":
                                SetAction(words, ref action, word == "blackhole" ? VirtualRuleAction.Blackhole : word == "unreachable" ? VirtualRuleAction.Unreachable : VirtualRuleAction.Prohibit);
                                break;
                            default:
                                words.Drop(RoutingNames.TryRouteType(word, out _) ? $"Invalid rule action {word}" : $"Unknown rule option {word}");
                                break;
                        }
                        break;
                }
            }
            if (action == VirtualRuleAction.Goto)
            {
                if (priority is not uint p)
                    words.Drop($"Invalid rule - goto target {rule.GotoTarget} specified without preference");
                else if (p >= rule.GotoTarget)
                    words.Drop($"Invalid rule - preference {p} >= goto target {rule.GotoTarget}");
            }
            if (action is null)
                words.Drop("No action specified for rule - ignoring");
            if (action != VirtualRuleAction.ToTable && tableOption)
                words.Drop("suppressor/realm specified for non table action - skipping");
        }
        catch (RoutingWords.Dropped)
        {
            return null;
        }

        rule = rule with { Action = action!.Value, Family = family == IpFamily.None ? IpFamily.IPv4 : family };
        if (rule.Track)
        {
            if (protocolGiven && rule.Protocol != 18)
                words.Warning("Rule cannot be tracked if protocol is not RTPROT_KEEPALIVED(18), resetting protocol");
            rule = rule with { Protocol = 18 };
        }
        if (priority is null)
        {
            uint[] next = NextDefaultPreference.GetValue(values, static _ => [FirstDefaultPreference, FirstDefaultPreference]);
            priority = next[rule.Family == IpFamily.IPv6 ? 1 : 0]--;
            words.Warning($"Rule has no preference specified - setting to {priority}. This is probably not what you want.");
        }
        return rule with { Priority = priority.Value };
    }

    private static void SetAction(RoutingWords words, ref VirtualRuleAction? action, VirtualRuleAction wanted)
    {
        if (action is not null)
            words.Drop("Cannot specify more than one of table/nop/goto/blackhole/prohibit/unreachable/l3mdev for rule");
        action = wanted;
    }

    // fwmark VALUE[/MASK], each as strtoul with base 0 reads it.
    private static (uint Mark, uint? Mask) FwMark(RoutingWords words)
    {
        string text = words.Value("fwmark");
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        string markText = slash < 0 ? text : text[..slash];
        if (!RoutingNames.TryNumber(markText, uint.MaxValue, out ulong mark))
            words.Drop($"Invalid rule fwmark {text} specified");
        if (slash < 0)
            return ((uint)mark, null);
        if (!RoutingNames.TryNumber(text[(slash + 1)..], uint.MaxValue, out ulong mask))
            words.Drop($"Invalid rule fwmark {text} specified");
        return ((uint)mark, (uint)mask);
    }
}
