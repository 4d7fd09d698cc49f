namespace Vrrpd.Config;

internal enum Severity
{
    Warning,
    Error,
}

/// <summary>One finding about a configuration, printed as <c>file:line: message</c>.</summary>
internal sealed record ConfigDiagnostic(Severity Severity, SourceLocation Location, string Message)
{
    public bool IsError => Severity == Severity.Error;

    public override string ToString() =>
        Severity == Severity.Error ? $"{Location}: {Message}" : $"{Location}: warning: {Message}";
}

/// <summary>Collects every error and warning so that one run reports all of them.</summary>
internal sealed class DiagnosticBag
{
    private readonly List<ConfigDiagnostic> _items = [];
    private readonly HashSet<string> _reportedOnce = new(StringComparer.Ordinal);

    public IReadOnlyList<ConfigDiagnostic> Items => _items;

    public int ErrorCount { get; private set; }

    public bool HasErrors => ErrorCount > 0;

    public void Error(SourceLocation location, string message)
    {
        _items.Add(new ConfigDiagnostic(Severity.Error, location, message));
        ErrorCount++;
    }

    public void Warning(SourceLocation location, string message) =>
        _items.Add(new ConfigDiagnostic(Severity.Warning, location, message));

    /// <summary>A warning reported only the first time <paramref name="key"/> is seen.</summary>
    public void WarningOnce(string key, SourceLocation location, string message)
    {
        if (_reportedOnce.Add(key))
            Warning(location, message);
    }
}
