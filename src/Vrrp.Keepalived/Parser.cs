namespace Vrrp.Keepalived;

/// <summary>
/// A configuration statement: its words, where it was written and, when the next line was a
/// <c>{</c>, the statements of its block.
/// </summary>
internal sealed class ConfigNode(string text, List<Token> tokens, SourceLocation location)
{
    /// <summary>The logical line as written (after substitution), for command lines that are re-split.</summary>
    public string Text { get; } = text;

    public IReadOnlyList<Token> Tokens { get; } = tokens;

    public string Keyword => Tokens[0].Text;

    /// <summary>The words after the keyword.</summary>
    public IEnumerable<Token> Arguments => Tokens.Skip(1);

    public int ArgumentCount => Tokens.Count - 1;

    public string Argument(int index) => Tokens[index + 1].Text;

    public SourceLocation Location { get; } = location;

    /// <summary>The block's statements, or null when the statement has no block.</summary>
    public List<ConfigNode>? Children { get; set; }

    public bool HasBlock => Children is not null;

    public override string ToString() => Text;
}

/// <summary>
/// Builds the statement tree from logical lines: a <c>{</c> line opens a block for the statement
/// just before it and a <c>}</c> line closes the innermost block. Brace errors are reported
/// with the line of the block that is not closed.
/// </summary>
internal static class Parser
{
    public static List<ConfigNode> Parse(IReadOnlyList<SourceLine> lines, DiagnosticBag diagnostics, Func<string, bool> isTopLevelOnly)
    {
        var roots = new List<ConfigNode>();
        var open = new Stack<(ConfigNode? Owner, List<ConfigNode> Children)>();
        List<ConfigNode> current = roots;
        ConfigNode? last = null;
        var tokens = new List<Token>();

        foreach (SourceLine line in lines)
        {
            if (line.Text == "{")
            {
                if (last is not null)
                {
                    last.Children = [];
                    open.Push((last, last.Children));
                    current = last.Children;
                }
                else
                {
                    diagnostics.Error(line.Location, "unexpected '{' (no keyword before it); its block is skipped");
                    current = [];
                    open.Push((null, current));
                }
                last = null;
                continue;
            }
            if (line.Text == "}")
            {
                if (open.Count == 0)
                {
                    diagnostics.Error(line.Location, "unexpected '}' (no block is open)");
                }
                else
                {
                    open.Pop();
                    current = open.Count == 0 ? roots : open.Peek().Children;
                }
                last = null;
                continue;
            }

            if (!Lexer.TryTokenize(line.Text, tokens))
                diagnostics.Error(line.Location, $"unmatched quote in '{line.Text}'");
            if (tokens.Count == 0)
                continue;
            var node = new ConfigNode(line.Text, [.. tokens], line.Location);
            if (open.Count > 0 && !tokens[0].Quoted && isTopLevelOnly(tokens[0].Text))
            {
                // A block keyword that only exists at the top level: the blocks still open are
                // missing their '}'. Closing them here keeps one mistake from becoming many.
                foreach (var (owner, _) in open.Reverse())
                {
                    if (owner is not null)
                        diagnostics.Error(owner.Location, $"missing '}}' to close '{Describe(owner)}' before '{node.Keyword}' at {line.Location}");
                }
                open.Clear();
                current = roots;
            }
            current.Add(node);
            last = node;
        }

        foreach (var (owner, _) in open.Reverse())
        {
            if (owner is not null)
                diagnostics.Error(owner.Location, $"missing '}}' to close '{Describe(owner)}' (end of configuration reached)");
        }
        return roots;
    }

    private static string Describe(ConfigNode node) =>
        node.ArgumentCount > 0 ? $"{node.Keyword} {node.Argument(0)}" : node.Keyword;
}
