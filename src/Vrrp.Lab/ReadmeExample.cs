using System.Text.RegularExpressions;

namespace Vrrp.Lab;

/// <summary>
/// The code examples of a README and the tested sources they are copied from: a README marks
/// an example with <c>&lt;!-- NAME --&gt;</c> before its <c>```csharp</c> block, the source
/// marks the same code with the lines <c>// &lt;NAME&gt;</c> and <c>// &lt;/NAME&gt;</c>, and a
/// test asserts that <see cref="Block"/> equals <see cref="Marked"/>.
/// </summary>
public static class ReadmeExample
{
    /// <summary>
    /// The code of the <c>```csharp</c> block that follows <c>&lt;!-- <paramref name="name"/> --&gt;</c>
    /// in the markdown file <paramref name="markdownFile"/> (line ends read as \n), without its
    /// leading and trailing newlines; null when there is no such block.
    /// </summary>
    public static string? Block(string markdownFile, string name)
    {
        string markdown = File.ReadAllText(markdownFile).Replace("\r\n", "\n", StringComparison.Ordinal);
        Match block = Regex.Match(markdown, $@"<!-- {Regex.Escape(name)} -->\s*```csharp\n(?<code>.*?)```", RegexOptions.Singleline);
        return block.Success ? block.Groups["code"].Value.Trim('\n') : null;
    }

    /// <summary>
    /// The lines of <paramref name="sourceFile"/> between the lines <c>// &lt;<paramref name="name"/>&gt;</c>
    /// and <c>// &lt;/<paramref name="name"/>&gt;</c> (each alone on its line, indented or not),
    /// joined with \n and <see cref="Dedent"/>ed.
    /// </summary>
    /// <exception cref="InvalidOperationException">The file lacks either marker line.</exception>
    public static string Marked(string sourceFile, string name)
    {
        string[] source = File.ReadAllText(sourceFile).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        int start = Array.FindIndex(source, l => l.Trim() == $"// <{name}>");
        int end = Array.FindIndex(source, l => l.Trim() == $"// </{name}>");
        if (start < 0 || end <= start)
            throw new InvalidOperationException($"{sourceFile} has no lines '// <{name}>' ... '// </{name}>'");
        return Dedent(source[(start + 1)..end]);
    }

    /// <summary>
    /// <paramref name="lines"/> joined with \n, the indentation common to the non-blank ones
    /// removed (a shorter blank line becomes empty), leading and trailing newlines trimmed.
    /// </summary>
    public static string Dedent(IEnumerable<string> lines)
    {
        List<string> list = [.. lines];
        int indent = list.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join('\n', list.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart())).Trim('\n');
    }
}
