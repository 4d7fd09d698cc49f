using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Vrrp.Core.Wire;

namespace Vrrp.Keepalived;

/// <summary>Reads <paramref name="text"/> as a name or number into <paramref name="value"/>.</summary>
internal delegate bool NameParser(string text, out byte value);

/// <summary>
/// The words of one <c>virtual_routes</c> or <c>virtual_rules</c> entry, read left to right as
/// keepalived reads them, and how each finding is reported: a <see cref="Drop"/> is what
/// keepalived reports and then leaves the entry out for (a warning: keepalived runs without
/// it); a missing value stops keepalived (an error); <see cref="Refuse"/> is for what vrrpd does
/// not implement (an error). Both end the entry with <see cref="Dropped"/>.
/// </summary>
internal sealed class RoutingWords(ValueReader values, ConfigNode entry, string block, string mixedFamilies)
{
    private readonly string[] _words = [entry.Keyword, .. entry.Arguments.Select(t => t.Text)];
    private int _index;

    /// <summary>The entry cannot be used; the reason is reported.</summary>
    public sealed class Dropped : Exception;

    public bool More => _index < _words.Length;

    public string Next() => _words[_index++];

    public void Back() => _index--;

    /// <summary>The word after <paramref name="keyword"/>; keepalived stops when it is missing.</summary>
    public string Value(string keyword)
    {
        if (More)
            return Next();
        values.Error(entry, $"{block} '{Text}': '{keyword}' needs a value");
        throw new Dropped();
    }

    public void Warning(string message) => values.Warning(entry, $"{block} '{Text}': {message}");

    /// <summary>keepalived's message, then the entry is left out as keepalived leaves it out.</summary>
    [DoesNotReturn]
    public void Drop(string message)
    {
        DropQuietly(message);
        throw new Dropped();
    }

    public void DropQuietly(string message) =>
        values.Warning(entry, $"{block} '{Text}': {message}; the entry is ignored, as keepalived does");

    [DoesNotReturn]
    public void Refuse(string message)
    {
        values.Error(entry, $"{block} '{Text}': {message}");
        throw new Dropped();
    }

    public void SetFamily(ref IpFamily family, IpFamily wanted, string mismatch)
    {
        if (family == IpFamily.None)
            family = wanted;
        else if (family != wanted)
            Drop(mismatch);
    }

    /// <summary>
    /// keepalived 2.2.7 steps over the word after <c>inet</c>/<c>inet6</c> as well (so
    /// <c>inet6 default via ...</c> loses its destination); vrrpd does the same, and says so.
    /// </summary>
    public void SkipAfterFamilyWord(string word)
    {
        if (More)
            Warning($"keepalived 2.2.7 skips the word after '{word}' ('{Next()}'), and so does vrrpd; put '{word}' last");
    }

    public IpAddr Address(ref IpFamily family, string invalid)
    {
        string text = Value(_words[_index - 1]);
        if (!ValueReader.TryParseAddress(text, out IpAddr address))
            Drop($"{invalid} {text}");
        SetFamily(ref family, address.Family, mixedFamilies);
        return address;
    }

    /// <summary>
    /// ADDRESS[/LENGTH], or <c>default</c>/<c>any</c>/<c>all</c> (<paramref name="any"/>, no
    /// family). A length beyond the family's is cut to it with keepalived's warning.
    /// </summary>
    public (IpAddr Address, byte Length) Prefix(ref IpFamily family, string invalidFormat, out bool any)
    {
        string text = Value(_words[Math.Max(0, _index - 1)]);
        any = text is "default" or "any" or "all";
        if (any)
            return (default, 0);
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        string invalid = string.Format(CultureInfo.InvariantCulture, invalidFormat, text);
        if (!ValueReader.TryParseAddress(slash < 0 ? text : text[..slash], out IpAddr address))
            Drop(invalid);
        int max = address.IsIPv4 ? 32 : 128, length = max;
        if (slash >= 0 && !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out length))
            Drop(invalid);
        if (length > max)
        {
            Warning($"Invalid address prefix len {length} for address {text} - using {max}");
            length = max;
        }
        SetFamily(ref family, address.Family, $"{mixedFamilies} ({text})");
        return (address, (byte)length);
    }

    public ulong Number(string keyword, ulong max, string invalidFormat)
    {
        string text = Value(keyword);
        if (!RoutingNames.TryNumber(text, max, out ulong value))
            Drop(string.Format(CultureInfo.InvariantCulture, invalidFormat, text));
        return value;
    }

    public byte Named(NameParser parse, string keyword, string invalidFormat)
    {
        string text = Value(keyword);
        if (!parse(text, out byte value))
            Drop(string.Format(CultureInfo.InvariantCulture, invalidFormat, text));
        return value;
    }

    public uint Table(string keyword, string invalidFormat)
    {
        string text = Value(keyword);
        if (!RoutingNames.TryTable(text, out uint table))
            Drop(string.Format(CultureInfo.InvariantCulture, invalidFormat, text));
        return table;
    }

    public string Interface(string keyword)
    {
        string name = Value(keyword);
        if (!ValueReader.IsValidInterfaceName(name))
            Refuse($"{keyword} '{name}': not a valid interface name (1..15 characters, no '/', ':' or blanks)");
        return name;
    }

    private string Text => string.Join(' ', _words);
}
