using System.Globalization;

namespace Vrrp.Keepalived;

/// <summary>A logical configuration line after comments, conditionals, definitions and includes.</summary>
internal readonly record struct SourceLine(string Text, SourceLocation Location);

/// <summary>
/// The line layer of keepalived.conf, applied in keepalived's order: comments are removed,
/// <c>@id</c> / <c>@^id</c> conditional lines are kept or dropped, <c>$NAME=value</c>
/// definitions (multi-line with a trailing <c>\</c>) are recorded and <c>$NAME</c> /
/// <c>${NAME}</c> replaced, <c>include</c> lines are replaced by the files they match, and
/// every <c>{</c> and <c>}</c> becomes a line of its own.
/// </summary>
internal sealed class SourceReader
{
    private const int MaxIncludeDepth = 32;
    private const int MaxSubstitutionsPerLine = 1000;
    private const int MaxLinesPerSourceLine = 1_000_000;

    private static readonly string[] IncludeKeywords = ["include", "includer", "includem", "includew", "includeb", "includea"];

    private readonly DiagnosticBag _diagnostics;
    private readonly string _configId;
    private readonly Dictionary<string, Definition> _definitions = new(StringComparer.Ordinal);
    private readonly List<SourceLine> _output = [];
    private readonly List<string> _files = [];
    private readonly Stack<string> _openFiles = new();
    private readonly Random _random = new();
    private string _currentDirectory = "";
    private int _expansionBudget;

    // A multi-line definition still collecting its lines.
    private string? _pendingName;
    private List<string>? _pendingLines;

    public SourceReader(DiagnosticBag diagnostics, string configId)
    {
        _diagnostics = diagnostics;
        _configId = configId;
    }

    /// <summary>The files read, main file first, in the order they were opened.</summary>
    public IReadOnlyList<string> Files => _files;

    /// <summary>Reads <paramref name="path"/> and everything it includes into logical lines.</summary>
    public List<SourceLine> ReadMain(string path)
    {
        ReadFile(path, new SourceLocation("", 0), reportMissingAsError: true);
        return _output;
    }

    /// <summary>Reads configuration text as if it were the file <paramref name="displayName"/>.</summary>
    public List<SourceLine> ReadText(string text, string displayName)
    {
        _files.Add(displayName);
        string directory = Path.GetDirectoryName(displayName) ?? "";
        _currentDirectory = Path.GetFullPath(directory.Length == 0 ? "." : directory);
        ReadLines(SplitLines(text), displayName, directory);
        return _output;
    }

    private static string[] SplitLines(string text) => text.Split('\n');

    private bool ReadFile(string path, SourceLocation includedFrom, bool reportMissingAsError)
    {
        string fullPath = Path.GetFullPath(path);
        if (_openFiles.Contains(fullPath))
        {
            _diagnostics.Error(includedFrom, $"include loop: '{path}' is already being read");
            return false;
        }
        if (_openFiles.Count >= MaxIncludeDepth)
        {
            _diagnostics.Error(includedFrom, $"includes nested more than {MaxIncludeDepth} deep at '{path}'");
            return false;
        }
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            string message = $"cannot read configuration file '{path}': {e.Message}";
            if (reportMissingAsError)
                _diagnostics.Error(includedFrom, message);
            else
                _diagnostics.Warning(includedFrom, message);
            return false;
        }
        _files.Add(path);
        _openFiles.Push(fullPath);
        string savedDirectory = _currentDirectory;
        _currentDirectory = Path.GetDirectoryName(fullPath) ?? "/";
        try
        {
            ReadLines(SplitLines(text), path, Path.GetDirectoryName(path) ?? "");
        }
        finally
        {
            _currentDirectory = savedDirectory;
            _openFiles.Pop();
        }
        return true;
    }

    private void ReadLines(string[] lines, string file, string directory)
    {
        for (int index = 0; index < lines.Length; index++)
        {
            var location = new SourceLocation(file, index + 1);
            string raw = lines[index].TrimEnd('\r');
            string text = Lexer.Decomment(raw, out bool continues, out bool unterminatedQuote);

            if (_pendingLines is not null)
            {
                ContinueDefinition(text, continues);
                continue;
            }
            if (unterminatedQuote)
                _diagnostics.Error(location, $"unterminated quote in '{raw.Trim()}'");
            if (text.Length == 0 && !continues)
                continue;
            _expansionBudget = MaxLinesPerSourceLine;
            Process(continues ? text + "\\" : text, location, directory);
        }
        // A multi-line definition ends with its file.
        FinishDefinition();
    }

    private void ContinueDefinition(string text, bool continues)
    {
        // As keepalived: a line without a trailing '\' (a blank or comment line too) is the last one.
        if (text.Length > 0)
            _pendingLines!.Add(text);
        if (!continues)
            FinishDefinition();
    }

    private void FinishDefinition()
    {
        if (_pendingName is null)
            return;
        _definitions[_pendingName] = new Definition([.. _pendingLines!]);
        _pendingName = null;
        _pendingLines = null;
    }

    // keepalived's read_line after decomment: conditionals, definitions, substitution, include,
    // then brace splitting; the text after a brace and the further lines of a multi-line
    // definition go through the same steps.
    private void Process(string first, SourceLocation location, string directory)
    {
        var pending = new LinkedList<string>();
        pending.AddFirst(first);
        while (pending.First is { } node)
        {
            string line = node.Value;
            pending.RemoveFirst();
            if (--_expansionBudget < 0)
            {
                if (_expansionBudget == -1)
                    _diagnostics.Error(location, $"this line expands to more than {MaxLinesPerSourceLine} lines (does a multi-line definition use itself?)");
                return;
            }
            line = Expand(line, location, directory, pending);
            if (line.Length == 0)
                continue;
            if (TryInclude(line, location, directory))
                continue;

            int brace = Lexer.FindBrace(line);
            if (brace == 0)
            {
                Emit(line[..1], location);
                string rest = line[1..].Trim(' ', '\t');
                if (rest.Length > 0)
                    pending.AddFirst(rest);
            }
            else if (brace > 0)
            {
                Emit(line[..brace].TrimEnd(' ', '\t'), location);
                pending.AddFirst(line[brace..]);
            }
            else
            {
                Emit(line, location);
            }
        }
    }

    private void Emit(string text, SourceLocation location)
    {
        if (text.Length > 0)
            _output.Add(new SourceLine(text, location));
    }

    // Applies @conditionals, $definitions and substitution until the line is stable; returns ""
    // for a line that is dropped or consumed.
    private string Expand(string line, SourceLocation location, string directory, LinkedList<string> pending)
    {
        int substitutions = 0;
        while (true)
        {
            if (line.StartsWith('@'))
            {
                line = ApplyConditional(line);
                if (line.Length == 0)
                    return "";
            }
            if (line.StartsWith('$') && TryDefine(line))
                return "";
            if (line.StartsWith("~SEQ", StringComparison.Ordinal) || line.StartsWith("~LST", StringComparison.Ordinal))
            {
                Repeat(line, location, directory);
                return "";
            }
            if (line.StartsWith('~') || !line.Contains('$'))
                return line;
            if (!Substitute(ref line, pending, location, ref substitutions))
                return line;
        }
    }

    // "~SEQ(var, start, step, end) rest" and "~LST(var, a, b, ...) rest": the rest of the line is
    // read once per value with $var set to it; several on one line nest, outermost first.
    private void Repeat(string line, SourceLocation location, string directory)
    {
        if (Sequences.TryParse(line, text => ReplaceSimple(text, location), out List<List<(string Name, string Value)>>? rounds, out string rest, out string? error))
        {
            foreach (List<(string Name, string Value)> round in rounds!)
            {
                foreach (var (name, value) in round)
                    _definitions[name] = new Definition([value]);
                if (rest.Length > 0)
                    Process(rest, location, directory);
            }
        }
        else
        {
            _diagnostics.Error(location, $"{error} in '{line}'");
        }
    }

    // Substitution of single-line definitions only, for ~SEQ/~LST parameters.
    private string ReplaceSimple(string text, SourceLocation location)
    {
        var ignored = new LinkedList<string>();
        int substitutions = 0;
        while (text.Contains('$') && Substitute(ref text, ignored, location, ref substitutions))
        {
        }
        return text;
    }

    // "@id rest" keeps "rest" when id is the config id, "@^id rest" when it is not.
    private string ApplyConditional(string line)
    {
        bool negate = line.Length > 1 && line[1] == '^';
        int start = negate ? 2 : 1;
        int space = line.IndexOfAny([' ', '\t'], start);
        if (space < 0)
            return "";
        bool matches = line.AsSpan(start, space - start).SequenceEqual(_configId);
        return matches != negate ? line[space..].TrimStart(' ', '\t') : "";
    }

    // "$NAME=value": no blank before '='; a value ending in '\' continues on the next lines.
    private bool TryDefine(string line)
    {
        if (line.Length < 3 || !IsNameStart(line[1]))
            return false;
        int i = 2;
        while (i < line.Length && IsNameChar(line[i]))
            i++;
        if (i == line.Length || line[i] != '=')
            return false;
        string name = line[1..i];
        string value = line[(i + 1)..].TrimStart(' ', '\t');
        if (value.EndsWith('\\'))
        {
            FinishDefinition();
            _pendingName = name;
            _pendingLines = [];
            string firstLine = value[..^1].TrimEnd(' ', '\t');
            if (firstLine.Length > 0)
                _pendingLines.Add(firstLine);
            return true;
        }
        _definitions[name] = new Definition([value]);
        return true;
    }

    private static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    // Replaces defined $NAME and ${NAME} references, rescanning each replacement (keepalived
    // substitutes recursively at use). A multi-line definition used at the end of a line
    // contributes its first line here and queues the others.
    private bool Substitute(ref string line, LinkedList<string> pending, SourceLocation location, ref int substitutions)
    {
        bool replaced = false;
        int position = 0;
        var extraLines = new List<string>();
        while ((position = line.IndexOf('$', position)) >= 0 && position + 1 < line.Length)
        {
            if (!TryFindReference(line, position, out int length, out string? value, out string[]? moreLines))
            {
                position++;
                continue;
            }
            if (++substitutions > MaxSubstitutionsPerLine)
            {
                _diagnostics.Error(location, "parameter substitution does not end (does a definition refer to itself?)");
                line = "";
                return true;
            }
            replaced = true;
            line = string.Concat(line.AsSpan(0, position), value, line.AsSpan(position + length));
            if (moreLines is not null)
                extraLines.InsertRange(0, moreLines);
            if (value!.TrimStart(' ', '\t').StartsWith('~'))
                break;
        }
        for (int i = extraLines.Count - 1; i >= 0; i--)
            pending.AddFirst(extraLines[i]);
        return replaced;
    }

    private bool TryFindReference(string line, int dollar, out int length, out string? value, out string[]? moreLines)
    {
        length = 0;
        value = null;
        moreLines = null;
        bool braces = line[dollar + 1] == '{';
        int start = dollar + (braces ? 2 : 1);
        if (start >= line.Length || !IsNameStart(line[start]))
            return false;
        int end = start + 1;
        while (end < line.Length && IsNameChar(line[end]))
            end++;
        string name = line[start..end];
        string? parameters = null;
        int afterReference;
        if (braces)
        {
            int close = end;
            while (close < line.Length && (line[close] == ' ' || char.IsAsciiDigit(line[close])))
                close++;
            if (close == line.Length || line[close] != '}')
                return false;
            if (close > end)
            {
                parameters = line[end..close];
                if (parameters.EndsWith(' '))
                    return false;
            }
            afterReference = close + 1;
        }
        else
        {
            if (end < line.Length && line[end] is not (' ' or '\t' or ',' or ')'))
                return false;
            afterReference = end;
        }
        bool atEnd = afterReference == line.Length;

        if (_definitions.TryGetValue(name, out Definition? definition))
        {
            if (parameters is not null)
                return false;
            if (definition.Lines.Length > 1 && !atEnd)
                return false;
            value = definition.Lines.Length == 0 ? "" : definition.Lines[0];
            if (definition.Lines.Length > 1)
                moreLines = definition.Lines[1..];
        }
        else
        {
            value = Predefined(name, parameters);
            if (value is null)
                return false;
        }
        length = afterReference - dollar;
        return true;
    }

    // keepalived's predefined parameters; a definition of the same name overrides them.
    private string? Predefined(string name, string? parameters)
    {
        if (parameters is not null && name != "_RANDOM")
            return null;
        switch (name)
        {
            case "_PWD":
                return _currentDirectory;
            case "_INSTANCE":
                return _configId;
            case "_HASH":
                return "#";
            case "_BANG":
                return "!";
            case "_RANDOM":
                long min = 0, max = 32767;
                string[] bounds = (parameters ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (bounds.Length > 0 && long.TryParse(bounds[0], out long low))
                    min = low;
                if (bounds.Length > 1 && long.TryParse(bounds[1], out long high))
                    max = high;
                return max < min ? min.ToString(CultureInfo.InvariantCulture)
                    : _random.NextInt64(min, max + 1).ToString(CultureInfo.InvariantCulture);
            default:
                return null;
        }
    }

    private bool TryInclude(string line, SourceLocation location, string directory)
    {
        if (!line.Contains("include", StringComparison.Ordinal))
            return false;
        List<Token> tokens = Lexer.Tokenize(line);
        if (tokens.Count == 0 || tokens[0].Quoted || Array.IndexOf(IncludeKeywords, tokens[0].Text) < 0)
            return false;
        string keyword = tokens[0].Text;
        if (tokens.Count != 2)
        {
            _diagnostics.Error(location, $"{keyword} takes one file name or pattern, got {tokens.Count - 1}");
            return true;
        }
        string pattern = tokens[1].Text;
        bool checkReadable = keyword is "includer" or "includem" or "includew" or "includeb" or "includea";
        bool checkMatch = keyword is "includem" or "includea";
        bool checkWildcardMatch = keyword is "includew" or "includea";
        bool checkBraceMatch = keyword is "includeb" or "includea";

        string combined = Path.IsPathRooted(pattern) || directory.Length == 0 ? pattern : Path.Combine(directory, pattern);
        List<string> alternatives = Glob.ExpandBraces(combined);
        int matched = 0;
        foreach (string alternative in alternatives)
        {
            List<string> files = Glob.Match(alternative);
            if (files.Count == 0 && alternatives.Count > 1 && checkBraceMatch)
                _diagnostics.Error(location, $"{keyword} '{pattern}': '{alternative}' matches no file");
            foreach (string file in files)
            {
                if (IsExecutable(file))
                {
                    // keepalived skips these too, so that a script is never read as configuration.
                    Report(checkReadable, location, $"{keyword} '{pattern}': '{file}' is executable and is skipped, as keepalived does");
                    continue;
                }
                matched++;
                ReadFile(file, location, reportMissingAsError: checkReadable);
            }
        }
        if (matched == 0)
        {
            bool wildcard = Glob.HasWildcard(pattern);
            bool isError = checkWildcardMatch || (checkMatch && !wildcard);
            Report(isError, location, wildcard || alternatives.Count > 1
                ? $"{keyword} '{pattern}' matches no file"
                : $"{keyword} '{pattern}': no such file ({combined})");
        }
        return true;
    }

    private void Report(bool isError, SourceLocation location, string message)
    {
        if (isError)
            _diagnostics.Error(location, message);
        else
            _diagnostics.Warning(location, message);
    }

    private static bool IsExecutable(string file)
    {
        if (OperatingSystem.IsWindows())
            return false;
        try
        {
            return (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private sealed record Definition(string[] Lines);
}
