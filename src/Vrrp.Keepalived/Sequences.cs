using System.Globalization;

namespace Vrrp.Keepalived;

/// <summary>
/// keepalived's sequence and list lines: <c>~SEQ(var, start, step, end)</c> (<c>~SEQx</c> for hex
/// values) and <c>~LST(var, v1, v2, ...)</c> or <c>~LST({a, b}, {1, 2}, {3, 4})</c>.
/// </summary>
internal static class Sequences
{
    private const int MaxRounds = 100_000;

    /// <summary>
    /// Parses the header at the start of <paramref name="line"/> into rounds of assignments and the
    /// text after it; <paramref name="substitute"/> replaces definitions in the parameters.
    /// </summary>
    public static bool TryParse(string line, Func<string, string> substitute, out List<List<(string Name, string Value)>>? rounds, out string rest, out string? error)
    {
        rounds = null;
        rest = "";
        bool list = line.StartsWith("~LST", StringComparison.Ordinal);
        int i = 4;
        bool hex = !list && i < line.Length && line[i] == 'x';
        if (hex)
            i++;
        while (i < line.Length && line[i] is ' ' or '\t')
            i++;
        if (i == line.Length || line[i] != '(')
        {
            error = $"'(' expected after {line[..i].TrimEnd()}";
            return false;
        }
        int close = FindClose(line, i);
        if (close < 0)
        {
            error = "missing ')'";
            return false;
        }
        string parameters = substitute(line[(i + 1)..close]);
        rest = line[(close + 1)..].TrimStart(' ', '\t');
        return list ? TryList(parameters, out rounds, out error) : TrySequence(parameters, hex, out rounds, out error);
    }

    private static int FindClose(string line, int open)
    {
        int depth = 0;
        for (int i = open; i < line.Length; i++)
        {
            if (line[i] == '(')
                depth++;
            else if (line[i] == ')' && --depth == 0)
                return i;
        }
        return -1;
    }

    private static bool TrySequence(string parameters, bool hex, out List<List<(string, string)>>? rounds, out string? error)
    {
        rounds = null;
        string[] parts = parameters.Split(',');
        string name = parts[0].Trim();
        if (!IsName(name) || parts.Length is < 2 or > 4)
        {
            error = "~SEQ takes a variable name and one to three numbers";
            return false;
        }
        var numbers = new long[parts.Length - 1];
        for (int n = 0; n < numbers.Length; n++)
        {
            if (!TryParseC(parts[n + 1].Trim(), out numbers[n]))
            {
                error = $"~SEQ value '{parts[n + 1].Trim()}' is not a number";
                return false;
            }
        }
        // keepalived: (end) counts from 1 (or -1) towards end; (start, end) steps by 1 either way.
        long start, step, end;
        switch (numbers.Length)
        {
            case 1:
                end = numbers[0];
                step = end < 1 ? -1 : 1;
                start = end < 0 ? -1 : 1;
                break;
            case 2:
                (start, end) = (numbers[0], numbers[1]);
                step = start <= end ? 1 : -1;
                break;
            default:
                (start, step, end) = (numbers[0], numbers[1], numbers[2]);
                if (step == 0 || (start < end && step < 0) || (start > end && step > 0))
                {
                    error = "~SEQ step is zero or goes away from the end";
                    return false;
                }
                break;
        }
        if (hex && (start < 0 || end < 0))
        {
            error = "~SEQx is only valid for positive numbers";
            return false;
        }
        rounds = [];
        for (long value = start; step > 0 ? value <= end : value >= end; value += step)
        {
            if (rounds.Count == MaxRounds)
            {
                error = $"~SEQ makes more than {MaxRounds} rounds";
                return false;
            }
            string text = hex ? value.ToString("x", CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);
            rounds.Add([(name, text)]);
        }
        error = null;
        return true;
    }

    private static bool TryList(string parameters, out List<List<(string, string)>>? rounds, out string? error)
    {
        rounds = null;
        List<string> items = SplitTopLevel(parameters);
        if (items.Count < 2)
        {
            error = "~LST takes a variable (or {variables}) and at least one value";
            return false;
        }
        string[] names = Unbrace(items[0]).Split(',').Select(n => n.Trim()).ToArray();
        if (!names.All(IsName))
        {
            error = $"~LST variable '{items[0].Trim()}' is not a name";
            return false;
        }
        rounds = [];
        foreach (string item in items.Skip(1))
        {
            string[] values = Unbrace(item).Split(',').Select(v => v.Trim()).ToArray();
            if (values.Length != names.Length)
            {
                error = $"~LST value '{item.Trim()}' does not have {names.Length} part(s)";
                return false;
            }
            rounds.Add([.. names.Zip(values)]);
        }
        error = null;
        return true;
    }

    // Splits at commas outside {...}.
    private static List<string> SplitTopLevel(string text)
    {
        var items = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '{')
                depth++;
            else if (text[i] == '}')
                depth--;
            else if (text[i] == ',' && depth == 0)
            {
                items.Add(text[start..i]);
                start = i + 1;
            }
        }
        items.Add(text[start..]);
        return items;
    }

    private static string Unbrace(string item)
    {
        string trimmed = item.Trim();
        return trimmed.StartsWith('{') && trimmed.EndsWith('}') ? trimmed[1..^1] : trimmed;
    }

    private static bool IsName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    // strtol(3) with base 0: "0x1f" hex, "017" octal, otherwise decimal; optional sign.
    private static bool TryParseC(string text, out long value)
    {
        value = 0;
        bool negative = text.StartsWith('-');
        if (negative || text.StartsWith('+'))
            text = text[1..];
        bool ok;
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            ok = long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && text.Length > 2;
        else if (text.Length > 1 && text[0] == '0')
            ok = TryParseOctal(text, out value);
        else
            ok = text.Length > 0 && text.All(char.IsAsciiDigit) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        if (negative)
            value = -value;
        return ok;
    }

    private static bool TryParseOctal(string text, out long value)
    {
        value = 0;
        foreach (char c in text)
        {
            if (c is < '0' or > '7' || value > long.MaxValue / 8)
                return false;
            value = value * 8 + (c - '0');
        }
        return true;
    }
}
