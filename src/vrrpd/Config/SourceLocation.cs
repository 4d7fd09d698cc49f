namespace Vrrpd.Config;

/// <summary>
/// Where a configuration item was written: file and 1-based line. Equality deliberately ignores
/// the location (every location equals every other): moving a block or adding a comment above it
/// does not change what it configures, so a reload must not see it as changed. Use
/// <see cref="SameAs"/> to compare the positions themselves.
/// </summary>
internal readonly struct SourceLocation(string file, int line) : IEquatable<SourceLocation>
{
    public string File { get; } = file ?? "";

    public int Line { get; } = line;

    public bool IsKnown => File.Length > 0;

    public bool SameAs(SourceLocation other) => File == other.File && Line == other.Line;

    public bool Equals(SourceLocation other) => true;

    public override bool Equals(object? obj) => obj is SourceLocation;

    public override int GetHashCode() => 0;

    public static bool operator ==(SourceLocation left, SourceLocation right) => true;

    public static bool operator !=(SourceLocation left, SourceLocation right) => false;

    public override string ToString() => IsKnown ? $"{File}:{Line}" : "(command line)";
}
