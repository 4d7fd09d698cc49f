namespace Vrrp.Keepalived;

/// <summary>
/// Where a configuration item was written: file and 1-based line. Equality deliberately ignores
/// the location (every location equals every other): moving a block or adding a comment above it
/// does not change what it configures, so a reload must not see it as changed. Use
/// <see cref="SameAs"/> to compare the positions themselves.
/// </summary>
/// <param name="file">The file as it was named (the main file as given, includes as resolved); empty when unknown.</param>
/// <param name="line">The 1-based line.</param>
public readonly struct SourceLocation(string file, int line) : IEquatable<SourceLocation>
{
    /// <summary>The file; empty when unknown (a location made with <c>default</c>).</summary>
    public string File { get; } = file ?? "";

    /// <summary>The 1-based line.</summary>
    public int Line { get; } = line;

    /// <summary>True when the location names a file.</summary>
    public bool IsKnown => File.Length > 0;

    /// <summary>True when both name the same file and line.</summary>
    public bool SameAs(SourceLocation other) => File == other.File && Line == other.Line;

    /// <summary>Always true: locations do not take part in configuration equality.</summary>
    public bool Equals(SourceLocation other) => true;

    /// <summary>True for any <see cref="SourceLocation"/>.</summary>
    public override bool Equals(object? obj) => obj is SourceLocation;

    /// <summary>The same for every location.</summary>
    public override int GetHashCode() => 0;

    /// <summary>Always true (see <see cref="Equals(SourceLocation)"/>).</summary>
    public static bool operator ==(SourceLocation left, SourceLocation right) => true;

    /// <summary>Always false (see <see cref="Equals(SourceLocation)"/>).</summary>
    public static bool operator !=(SourceLocation left, SourceLocation right) => false;

    /// <summary><c>file:line</c>, or <c>(command line)</c> when unknown.</summary>
    public override string ToString() => IsKnown ? $"{File}:{Line}" : "(command line)";
}
