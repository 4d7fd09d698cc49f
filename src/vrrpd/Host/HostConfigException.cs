using Vrrp.Keepalived;

namespace Vrrpd.Host;

/// <summary>
/// A configuration the daemon cannot run as written, found while building an instance: the
/// message names the file and line like the configuration's own errors.
/// </summary>
internal sealed class HostConfigException(SourceLocation location, string message) : Exception(message)
{
    public SourceLocation Location { get; } = location;

    public override string ToString() => $"{Location}: {Message}";
}
