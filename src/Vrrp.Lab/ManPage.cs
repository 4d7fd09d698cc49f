using System.Text;

namespace Vrrp.Lab;

/// <summary>
/// A man page's roff source (docs/man) read the way the tests check it against the code: its
/// sections (<c>.SH</c>, <c>.SS</c>) and in each the tagged items (<c>.TP</c> with the
/// <c>.TQ</c> heads that follow), as plain text (font macros and escapes removed).
/// </summary>
public sealed class ManPage
{
    private ManPage(IReadOnlyList<ManSection> sections) => Sections = sections;

    /// <summary>Every <c>.SH</c> and <c>.SS</c> section, in order.</summary>
    public IReadOnlyList<ManSection> Sections { get; }

    /// <summary>The section titled <paramref name="title"/> (ignoring case), or null.</summary>
    public ManSection? Section(string title) =>
        Sections.FirstOrDefault(s => string.Equals(s.Title, title, StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads the roff source <paramref name="path"/>.</summary>
    public static ManPage Load(string path) => Parse(File.ReadAllLines(path));

    /// <summary>Reads roff source lines.</summary>
    public static ManPage Parse(IEnumerable<string> lines)
    {
        var sections = new List<ManSection>();
        SectionBuilder? section = null;
        ItemBuilder? item = null;
        bool nextIsHead = false;
        foreach (string line in lines)
        {
            if (line.StartsWith(".\\\"", StringComparison.Ordinal) || line == ".")
                continue;
            string macro = line.StartsWith('.') ? line[1..].Split(' ', 2)[0] : "";
            if (macro is "SH" or "SS")
            {
                Finish();
                section = new SectionBuilder(PlainText(Arguments(line)), macro == "SH" ? 1 : 2);
                continue;
            }
            if (macro is "TP" or "TQ")
            {
                if (macro == "TP" || item is null)
                {
                    FinishItem();
                    item = new ItemBuilder();
                }
                nextIsHead = true;
                continue;
            }
            if (macro is "PP" or "P" or "LP" or "IP")
                FinishItem();
            string text = TextOf(line, macro);
            if (text.Length == 0)
                continue;
            section?.Text.Append(text).Append(' ');
            if (item is null)
                continue;
            if (nextIsHead)
            {
                item.Heads.Add(text);
                nextIsHead = false;
            }
            else
            {
                item.Body.Append(text).Append(' ');
            }
        }
        Finish();
        return new ManPage(sections);

        void FinishItem()
        {
            if (item is not null && section is not null && item.Heads.Count > 0)
                section.Items.Add(new ManItem(item.Heads, item.Body.ToString().Trim()));
            item = null;
            nextIsHead = false;
        }

        void Finish()
        {
            FinishItem();
            if (section is not null)
                sections.Add(new ManSection(section.Title, section.Level, section.Items, section.Text.ToString().Trim()));
            section = null;
        }
    }

    // The text a line puts on the page: a font macro's arguments (alternating fonts join them
    // without blanks), a text line as it is; other requests put none.
    private static string TextOf(string line, string macro) => macro switch
    {
        "" => PlainText(line),
        "B" or "I" or "SM" => PlainText(string.Join(' ', Arguments(line))),
        "BR" or "RB" or "BI" or "IB" or "IR" or "RI" => PlainText(string.Concat(Arguments(line))),
        _ => "",
    };

    // A request's arguments: blank-separated, double quotes grouping ("" inside is a quote).
    private static List<string> Arguments(string line)
    {
        var arguments = new List<string>();
        int i = line.IndexOf(' ');
        if (i < 0)
            return arguments;
        var current = new StringBuilder();
        bool quoted = false, any = false;
        for (i++; i < line.Length; i++)
        {
            char c = line[i];
            if (c == '"' && quoted && i + 1 < line.Length && line[i + 1] == '"')
            {
                current.Append('"');
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
                any = true;
            }
            else if (c == ' ' && !quoted)
            {
                if (current.Length > 0 || any)
                    arguments.Add(current.ToString());
                current.Clear();
                any = false;
            }
            else
            {
                current.Append(c);
            }
        }
        if (current.Length > 0 || any)
            arguments.Add(current.ToString());
        return arguments;
    }

    /// <summary>Text with roff escapes resolved: fonts dropped, <c>\-</c> a hyphen, <c>\e</c> a backslash.</summary>
    public static string PlainText(IEnumerable<string> words) => PlainText(string.Join(' ', words));

    /// <summary>Text with roff escapes resolved: fonts dropped, <c>\-</c> a hyphen, <c>\e</c> a backslash.</summary>
    public static string PlainText(string roff)
    {
        var text = new StringBuilder(roff.Length);
        for (int i = 0; i < roff.Length; i++)
        {
            if (roff[i] != '\\' || i + 1 >= roff.Length)
            {
                text.Append(roff[i]);
                continue;
            }
            char next = roff[++i];
            switch (next)
            {
                case 'f':
                    i += i + 1 < roff.Length && roff[i + 1] == '(' ? 3 : 1; // \fB, \f(CW
                    break;
                case '(':
                    text.Append(roff.Substring(i + 1, Math.Min(2, roff.Length - i - 1)) == "bu" ? "*" : "");
                    i += 2;
                    break;
                case '-':
                    text.Append('-');
                    break;
                case 'e':
                    text.Append('\\');
                    break;
                case '&':
                    break;
                default:
                    text.Append(next);
                    break;
            }
        }
        return text.ToString();
    }

    private sealed class SectionBuilder(string title, int level)
    {
        public string Title { get; } = title;
        public int Level { get; } = level;
        public List<ManItem> Items { get; } = [];
        public StringBuilder Text { get; } = new();
    }

    private sealed class ItemBuilder
    {
        public List<string> Heads { get; } = [];
        public StringBuilder Body { get; } = new();
    }
}

/// <summary>A section of a man page.</summary>
/// <param name="Title">Its title (<c>OPTIONS</c>, <c>vrrp_instance</c>).</param>
/// <param name="Level">1 for <c>.SH</c>, 2 for <c>.SS</c>.</param>
/// <param name="Items">Its tagged items, in order.</param>
/// <param name="Text">All its text as plain words.</param>
public sealed record ManSection(string Title, int Level, IReadOnlyList<ManItem> Items, string Text);

/// <summary>A tagged item: the heads (<c>.TP</c> and <c>.TQ</c> tags) and the paragraph under them.</summary>
/// <param name="Heads">The tags as plain text, e.g. <c>-f file, --use-file=file</c>.</param>
/// <param name="Body">The paragraph as plain text.</param>
public sealed record ManItem(IReadOnlyList<string> Heads, string Body)
{
    /// <summary>
    /// The names the heads list: each comma-separated part's first word, cut at <c>=</c> or
    /// <c>[</c> (<c>-f file, --use-file=file</c> names <c>-f</c> and <c>--use-file</c>;
    /// <c>smtp_alert, debug</c> names both).
    /// </summary>
    public IEnumerable<string> Names => Heads
        .SelectMany(h => h.Split(", ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        .Select(part => part.Split(' ', 2)[0])
        .Select(word => word.Split('=', '[')[0])
        .Where(name => name.Length > 0);
}
