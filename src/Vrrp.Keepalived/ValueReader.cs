using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Vrrp.Core.Wire;

namespace Vrrp.Keepalived;

/// <summary>
/// Reads keyword values the way keepalived does (decimal integers, decimal seconds with
/// microsecond resolution, on/off words, strict IP addresses) and reports bad ones with the
/// keyword, the value and the allowed range.
/// </summary>
internal sealed class ValueReader(DiagnosticBag diagnostics)
{
    public const long MicrosPerSecond = 1_000_000;

    public DiagnosticBag Diagnostics { get; } = diagnostics;

    public void Error(ConfigNode node, string message) => Diagnostics.Error(node.Location, message);

    public void Warning(ConfigNode node, string message) => Diagnostics.Warning(node.Location, message);

    /// <summary>The single value of a keyword; an error when missing, a warning for extra words (keepalived ignores them).</summary>
    public string? Word(ConfigNode node)
    {
        if (node.ArgumentCount == 0)
        {
            Error(node, $"'{node.Keyword}' needs a value");
            return null;
        }
        WarnExtra(node, 1);
        return node.Argument(0);
    }

    /// <summary>Warns about words after the first <paramref name="used"/> arguments.</summary>
    public void WarnExtra(ConfigNode node, int used)
    {
        if (node.ArgumentCount > used)
        {
            string extra = string.Join(' ', node.Arguments.Skip(used));
            Warning(node, $"extra words after '{node.Keyword}' are ignored, as keepalived does: {extra}");
        }
    }

    public void NoArguments(ConfigNode node) => WarnExtra(node, 0);

    public uint? Unsigned(ConfigNode node, uint min, uint max, string unit = "")
    {
        string? word = Word(node);
        return word is null ? null : Unsigned(node, node.Keyword, word, min, max, unit);
    }

    public uint? Unsigned(ConfigNode node, string what, string word, uint min, uint max, string unit = "")
    {
        if (!TryParseUnsigned(word, out ulong value))
        {
            Error(node, $"{what} '{word}': not a whole number (must be {min}..{max}{unit})");
            return null;
        }
        if (value < min || value > max)
        {
            Error(node, $"{what} {word}: must be {min}..{max}{unit}");
            return null;
        }
        return (uint)value;
    }

    public int? Integer(ConfigNode node, string what, string word, int min, int max)
    {
        if (!TryParseInteger(word, out long value))
        {
            Error(node, $"{what} '{word}': not a whole number (must be {min}..{max})");
            return null;
        }
        if (value < min || value > max)
        {
            Error(node, $"{what} {word}: must be {min}..{max}");
            return null;
        }
        return (int)value;
    }

    /// <summary>Decimal seconds (keepalived's timer values) in microseconds.</summary>
    public long? Seconds(ConfigNode node, long minMicros, long maxMicros)
    {
        string? word = Word(node);
        if (word is null)
            return null;
        string range = $"{FormatSeconds(minMicros)}..{FormatSeconds(maxMicros)} seconds";
        if (!TryParseDecimalMicros(word, out long micros))
        {
            Error(node, $"{node.Keyword} '{word}': not a number of seconds (must be {range})");
            return null;
        }
        if (micros < minMicros || micros > maxMicros)
        {
            Error(node, $"{node.Keyword} {word}: must be {range}");
            return null;
        }
        return micros;
    }

    /// <summary>An optional on/off word (on|off|true|false|yes|no); no word means on.</summary>
    public bool? OptionalBool(ConfigNode node)
    {
        if (node.ArgumentCount == 0)
            return true;
        WarnExtra(node, 1);
        string word = node.Argument(0);
        bool? value = ParseBool(word);
        if (value is null)
            Error(node, $"{node.Keyword} '{word}': must be one of on, off, true, false, yes, no");
        return value;
    }

    public IpAddr? Address(ConfigNode node)
    {
        string? word = Word(node);
        if (word is null)
            return null;
        if (!TryParseAddress(word, out IpAddr address))
        {
            Error(node, $"{node.Keyword} '{word}': not an IPv4 or IPv6 address");
            return null;
        }
        return address;
    }

    public string? InterfaceName(ConfigNode node, string what, string name)
    {
        if (!IsValidInterfaceName(name))
        {
            Error(node, $"{what} '{name}': not a valid interface name (1..15 characters, no '/', ':' or blanks)");
            return null;
        }
        return name;
    }

    /// <summary>
    /// A script or notify command: keepalived splits the line again with quotes and escapes, takes
    /// the first word after the keyword as the command line (split once more into argv) and, where
    /// allowed, the next two as user and group.
    /// </summary>
    public ScriptCommand? Command(ConfigNode node, bool allowUser)
    {
        List<string>? words = Lexer.SplitQuotedEscaped(node.Text, out string? error);
        if (words is null)
        {
            Error(node, $"{node.Keyword}: {error}");
            return null;
        }
        if (words.Count < 2 || words[1].Trim().Length == 0)
        {
            Error(node, $"'{node.Keyword}' needs a command");
            return null;
        }
        List<string>? arguments = Lexer.SplitQuotedEscaped(words[1], out error);
        if (arguments is null || arguments.Count == 0)
        {
            Error(node, $"{node.Keyword}: {error ?? "empty command"}");
            return null;
        }
        string? user = null, group = null;
        int used = 2;
        if (allowUser)
        {
            if (words.Count > 2)
                user = words[2];
            if (words.Count > 3)
                group = words[3];
            used = 4;
        }
        if (words.Count > used)
        {
            string extra = string.Join(' ', words.Skip(used));
            Warning(node, allowUser
                ? $"extra words after '{node.Keyword}' command, user and group are ignored, as keepalived does: {extra}"
                : $"extra words after the '{node.Keyword}' command are ignored, as keepalived does (quote the whole command line): {extra}");
        }
        return new ScriptCommand(words[1], arguments.ToEquatableArray(), user, group);
    }

    public static bool? ParseBool(string word) => word switch
    {
        "on" or "true" or "yes" => true,
        "off" or "false" or "no" => false,
        _ => null,
    };

    // strtoul(3) base 10 over the whole word, as keepalived's read_unsigned: leading blanks and '+'
    // allowed, a sign '-' is not.
    public static bool TryParseUnsigned(string word, out ulong value)
    {
        value = 0;
        ReadOnlySpan<char> text = word.AsSpan().TrimStart(" \t");
        if (text.StartsWith("+"))
            text = text[1..];
        return text.Length > 0 && IsDigits(text) && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    public static bool TryParseInteger(string word, out long value)
    {
        value = 0;
        ReadOnlySpan<char> text = word.AsSpan().TrimStart(" \t");
        bool negative = text.StartsWith("-");
        if (negative || text.StartsWith("+"))
            text = text[1..];
        if (text.Length == 0 || !IsDigits(text) || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value))
            return false;
        if (negative)
            value = -value;
        return true;
    }

    private static bool IsDigits(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (!char.IsAsciiDigit(c))
                return false;
        }
        return true;
    }

    /// <summary>Decimal seconds ("3", "0.5", ".25") to microseconds, rounding beyond six decimals.</summary>
    public static bool TryParseDecimalMicros(string word, out long micros)
    {
        micros = 0;
        ReadOnlySpan<char> text = word.AsSpan().Trim(" \t");
        if (text.StartsWith("+"))
            text = text[1..];
        int dot = text.IndexOf('.');
        ReadOnlySpan<char> whole = dot < 0 ? text : text[..dot];
        ReadOnlySpan<char> fraction = dot < 0 ? [] : text[(dot + 1)..];
        if (whole.Length + fraction.Length == 0 || !IsDigits(whole) || !IsDigits(fraction) || whole.Length > 12)
            return false;
        long seconds = whole.Length == 0 ? 0 : long.Parse(whole, NumberStyles.None, CultureInfo.InvariantCulture);
        long fractionMicros = 0;
        for (int i = 0; i < 6; i++)
            fractionMicros = fractionMicros * 10 + (i < fraction.Length ? fraction[i] - '0' : 0);
        if (fraction.Length > 6 && fraction[6] >= '5')
            fractionMicros++;
        micros = seconds * MicrosPerSecond + fractionMicros;
        return true;
    }

    public static string FormatSeconds(long micros) =>
        (micros / (double)MicrosPerSecond).ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>inet_pton(3) rules: dotted quad with four decimal parts, or IPv6 text without a zone.</summary>
    public static bool TryParseAddress(string word, out IpAddr address)
    {
        address = default;
        if (word.Contains(':'))
        {
            if (word.Contains('%') || !IPAddress.TryParse(word, out IPAddress? parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6)
                return false;
            address = IpAddr.FromIPAddress(parsed);
            return true;
        }
        string[] parts = word.Split('.');
        if (parts.Length != 4)
            return false;
        uint value = 0;
        foreach (string part in parts)
        {
            if (part.Length is 0 or > 3 || !IsDigits(part) || (part.Length > 1 && part[0] == '0'))
                return false;
            uint octet = uint.Parse(part, CultureInfo.InvariantCulture);
            if (octet > 255)
                return false;
            value = (value << 8) | octet;
        }
        address = IpAddr.FromV4(value);
        return true;
    }

    /// <summary>The kernel's dev_valid_name: 1..15 characters, not "." or "..", no '/', ':' or white space.</summary>
    public static bool IsValidInterfaceName(string name) =>
        name.Length is > 0 and < 16 && name != "." && name != ".." &&
        !name.Any(c => c == '/' || c == ':' || char.IsWhiteSpace(c));
}
