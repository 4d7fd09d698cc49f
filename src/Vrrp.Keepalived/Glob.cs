namespace Vrrp.Keepalived;

/// <summary>
/// File name expansion for <c>include</c>, as glob(3) with GLOB_BRACE does it: <c>{a,b}</c>
/// alternatives (nested), then <c>*</c>, <c>?</c> and <c>[...]</c> per path component; a
/// leading dot is matched only explicitly; matches are sorted per alternative.
/// </summary>
internal static class Glob
{
    public static bool HasWildcard(string pattern) => pattern.AsSpan().IndexOfAny("*?[") >= 0;

    /// <summary>Expands <c>{a,b,c}</c> groups into separate patterns, left to right, nesting allowed.</summary>
    public static List<string> ExpandBraces(string pattern)
    {
        int open = -1, depth = 0;
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == '\\')
            {
                i++;
            }
            else if (c == '{')
            {
                if (depth++ == 0)
                    open = i;
            }
            else if (c == '}' && depth > 0 && --depth == 0)
            {
                string prefix = pattern[..open], suffix = pattern[(i + 1)..];
                var result = new List<string>();
                foreach (string alternative in SplitAlternatives(pattern[(open + 1)..i]))
                    result.AddRange(ExpandBraces(prefix + alternative + suffix));
                return result;
            }
        }
        return [pattern];
    }

    private static List<string> SplitAlternatives(string body)
    {
        var parts = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < body.Length; i++)
        {
            char c = body[i];
            if (c == '\\')
                i++;
            else if (c == '{')
                depth++;
            else if (c == '}')
                depth--;
            else if (c == ',' && depth == 0)
            {
                parts.Add(body[start..i]);
                start = i + 1;
            }
        }
        parts.Add(body[start..]);
        return parts;
    }

    /// <summary>Paths matching one brace-free pattern, sorted; directories are not returned.</summary>
    public static List<string> Match(string pattern)
    {
        var results = new List<string>();
        bool absolute = pattern.StartsWith('/');
        string[] segments = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        Walk(absolute ? "/" : "", segments, 0, results);
        return results;
    }

    private static void Walk(string directory, string[] segments, int index, List<string> results)
    {
        if (index == segments.Length)
        {
            if (File.Exists(directory))
                results.Add(directory);
            return;
        }
        string segment = segments[index];
        if (!HasWildcard(segment))
        {
            string next = Join(directory, Unescape(segment));
            if (index == segments.Length - 1 ? File.Exists(next) : Directory.Exists(next))
                Walk(next, segments, index + 1, results);
            return;
        }
        string listed = directory.Length == 0 ? "." : directory;
        if (!Directory.Exists(listed))
            return;
        IEnumerable<string> names;
        try
        {
            names = Directory.EnumerateFileSystemEntries(listed).Select(Path.GetFileName).OfType<string>().ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        foreach (string name in names.Where(n => NameMatches(segment, n)).Order(StringComparer.Ordinal))
            Walk(Join(directory, name), segments, index + 1, results);
    }

    private static string Join(string directory, string name) =>
        directory.Length == 0 ? name : directory == "/" ? "/" + name : directory + "/" + name;

    private static string Unescape(string segment) => segment.Contains('\\') ? segment.Replace("\\", "") : segment;

    /// <summary>fnmatch(3) for one path component: <c>*</c>, <c>?</c>, <c>[a-z]</c>, <c>[!x]</c>, <c>\c</c>.</summary>
    public static bool NameMatches(string pattern, string name)
    {
        if (name.StartsWith('.') && !pattern.StartsWith('.'))
            return false;
        return MatchFrom(pattern, 0, name, 0);
    }

    private static bool MatchFrom(string pattern, int p, string name, int n)
    {
        while (p < pattern.Length)
        {
            char c = pattern[p];
            switch (c)
            {
                case '*':
                    while (p < pattern.Length && pattern[p] == '*')
                        p++;
                    if (p == pattern.Length)
                        return true;
                    for (int k = n; k <= name.Length; k++)
                    {
                        if (MatchFrom(pattern, p, name, k))
                            return true;
                    }
                    return false;
                case '?':
                    if (n == name.Length)
                        return false;
                    p++;
                    n++;
                    break;
                case '[':
                    int end = ClassEnd(pattern, p);
                    if (end < 0)
                        goto default;
                    if (n == name.Length || !ClassMatches(pattern, p + 1, end, name[n]))
                        return false;
                    p = end + 1;
                    n++;
                    break;
                default:
                    if (c == '\\' && p + 1 < pattern.Length)
                        c = pattern[++p];
                    if (n == name.Length || name[n] != c)
                        return false;
                    p++;
                    n++;
                    break;
            }
        }
        return n == name.Length;
    }

    // Index of the ']' closing the class that starts at pattern[open] == '[', or -1.
    private static int ClassEnd(string pattern, int open)
    {
        int i = open + 1;
        if (i < pattern.Length && (pattern[i] == '!' || pattern[i] == '^'))
            i++;
        if (i < pattern.Length && pattern[i] == ']')
            i++;
        for (; i < pattern.Length; i++)
        {
            if (pattern[i] == ']')
                return i;
        }
        return -1;
    }

    private static bool ClassMatches(string pattern, int start, int end, char c)
    {
        bool negate = pattern[start] == '!' || pattern[start] == '^';
        if (negate)
            start++;
        bool found = false;
        for (int i = start; i < end; i++)
        {
            char low = pattern[i];
            if (i + 2 < end && pattern[i + 1] == '-')
            {
                if (c >= low && c <= pattern[i + 2])
                    found = true;
                i += 2;
            }
            else if (c == low)
            {
                found = true;
            }
        }
        return found != negate;
    }
}
