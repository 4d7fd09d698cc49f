namespace Vrrp.Keepalived;

/// <summary>How bad a <see cref="ConfigDiagnostic"/> is.</summary>
public enum Severity
{
    /// <summary>The configuration runs, as keepalived would run it (often corrected the way keepalived corrects it).</summary>
    Warning,

    /// <summary>The configuration cannot be used.</summary>
    Error,
}

/// <summary>One finding about a configuration, printed as <c>file:line: message</c> (<c>file:line: warning: message</c>).</summary>
/// <param name="Severity">Error or warning.</param>
/// <param name="Location">The file and line it is about.</param>
/// <param name="Message">What is wrong and, for a warning, what was assumed.</param>
public sealed record ConfigDiagnostic(Severity Severity, SourceLocation Location, string Message)
{
    /// <summary>True for an error.</summary>
    public bool IsError => Severity == Severity.Error;

    /// <summary>The finding as <c>file:line: message</c>, with <c>warning: </c> before a warning's message.</summary>
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
