using System.Text;

namespace Vrrp.Keepalived;

/// <summary>A word of a configuration line; <see cref="Quoted"/> when it was written in double quotes.</summary>
internal readonly record struct Token(string Text, bool Quoted)
{
    public override string ToString() => Text;
}

/// <summary>
/// Character-level rules of keepalived.conf, as keepalived applies them: comments, words and
/// quoted strings, and the second, shell-like splitting keepalived uses for script command lines.
/// </summary>
internal static class Lexer
{
    private const string WhiteSpace = " \t\f\n\r\v";

    /// <summary>
    /// Removes a comment (<c>#</c> or <c>!</c> outside double quotes, anywhere on the line) and
    /// leading and trailing blanks; <c>\#</c> and <c>\!</c> outside quotes stand for the characters
    /// themselves. A line ending in an unescaped <c>\</c> continues a multi-line definition:
    /// <paramref name="continues"/> is set and the backslash is removed.
    /// </summary>
    public static string Decomment(string line, out bool continues, out bool unterminatedQuote)
    {
        var result = new StringBuilder(line.Length);
        bool quote = false;
        continues = false;
        int i = 0;
        while (i < line.Length && (line[i] == ' ' || line[i] == '\t'))
            i++;
        for (; i < line.Length; i++)
        {
            char c = line[i];
            if (c == '"')
            {
                quote = !quote;
                result.Append(c);
            }
            else if (c == '\\')
            {
                if (i + 1 == line.Length)
                {
                    continues = true;
                    break;
                }
                char next = line[i + 1];
                if (!quote && (next == '#' || next == '!'))
                    result.Append(next);
                else
                    result.Append(c).Append(next);
                i++;
            }
            else if (!quote && (c == '#' || c == '!'))
            {
                break;
            }
            else
            {
                result.Append(c);
            }
        }
        unterminatedQuote = quote;
        int end = result.Length;
        while (end > 0 && (result[end - 1] == ' ' || result[end - 1] == '\t'))
            end--;
        return result.ToString(0, end);
    }

    /// <summary>
    /// Splits a line into words at white space; a word starting with <c>"</c> runs to the next
    /// <c>"</c> and keeps its blanks. Like keepalived, a quote inside a word ends the word and
    /// there are no escapes. Returns false for an unmatched quote (the rest of the line becomes
    /// the last word).
    /// </summary>
    public static bool TryTokenize(string line, List<Token> tokens)
    {
        tokens.Clear();
        int i = 0;
        while (true)
        {
            while (i < line.Length && WhiteSpace.Contains(line[i]))
                i++;
            if (i == line.Length)
                return true;
            if (line[i] == '"')
            {
                int close = line.IndexOf('"', i + 1);
                if (close < 0)
                {
                    tokens.Add(new Token(line[(i + 1)..], true));
                    return false;
                }
                tokens.Add(new Token(line[(i + 1)..close], true));
                i = close + 1;
            }
            else
            {
                int start = i;
                while (i < line.Length && !WhiteSpace.Contains(line[i]) && line[i] != '"')
                    i++;
                tokens.Add(new Token(line[start..i], false));
            }
        }
    }

    public static List<Token> Tokenize(string line)
    {
        var tokens = new List<Token>();
        TryTokenize(line, tokens);
        return tokens;
    }

    /// <summary>
    /// Shell-like splitting keepalived uses for script and notify command lines: words are
    /// separated by unquoted blanks, <c>"..."</c> and <c>'...'</c> group (quotes removed,
    /// adjacent parts join), and backslash escapes <c>\a \b \E \f \n \r \t \v \nnn \xXX \cC</c>
    /// and <c>\C</c> (any other character) are decoded. Returns null and an error message for an
    /// unterminated quote or a trailing backslash.
    /// </summary>
    public static List<string>? SplitQuotedEscaped(string text, out string? error)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        char quote = '\0';
        bool inWord = false;
        error = null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quote == '\0' && WhiteSpace.Contains(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
                continue;
            }
            inWord = true;
            if (c == '\\')
            {
                if (i + 1 == text.Length)
                {
                    error = "backslash at the end of the command line escapes nothing";
                    return null;
                }
                i = DecodeEscape(text, i + 1, word);
                continue;
            }
            if (quote != '\0')
            {
                if (c == quote)
                    quote = '\0';
                else
                    word.Append(c);
            }
            else if (c == '"' || c == '\'')
            {
                quote = c;
            }
            else
            {
                word.Append(c);
            }
        }
        if (quote != '\0')
        {
            error = $"missing terminating {quote} in '{text}'";
            return null;
        }
        if (inWord)
            words.Add(word.ToString());
        return words;
    }

    // Decodes the escape whose first character is at text[i]; returns the index of its last character.
    private static int DecodeEscape(string text, int i, StringBuilder output)
    {
        char c = text[i];
        if (c == 'x' && i + 1 < text.Length && Uri.IsHexDigit(text[i + 1]))
        {
            int value = 0;
            while (i + 1 < text.Length && Uri.IsHexDigit(text[i + 1]))
                value = ((value << 4) | Convert.ToInt32(text[++i].ToString(), 16)) & 0xFF;
            output.Append((char)value);
            return i;
        }
        if (c == 'c' && i + 1 < text.Length)
        {
            output.Append((char)(text[++i] & 0x1F));
            return i;
        }
        if (c is >= '0' and <= '7')
        {
            int value = c - '0';
            for (int n = 0; n < 2 && i + 1 < text.Length && text[i + 1] is >= '0' and <= '7'; n++)
                value = (value << 3) + (text[++i] - '0');
            output.Append((char)(value & 0xFF));
            return i;
        }
        output.Append(c switch
        {
            'a' => '\a',
            'b' => '\b',
            'E' => '\u001B',
            'f' => '\f',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'v' => '\v',
            _ => c,
        });
        return i;
    }

    /// <summary>
    /// Index of the first <c>{</c> or <c>}</c> that is not inside double quotes, or -1.
    /// keepalived makes every brace a line of its own, which is what lets a block's first item
    /// share the line with its <c>{</c> and its <c>}</c> follow the last value.
    /// </summary>
    public static int FindBrace(string line)
    {
        bool quote = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (c == '"')
                quote = !quote;
            else if (!quote && (c == '{' || c == '}'))
                return i;
        }
        return -1;
    }
}
