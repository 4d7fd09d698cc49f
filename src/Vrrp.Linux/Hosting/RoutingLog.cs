using Microsoft.Extensions.Logging;

namespace Vrrp.Linux.Hosting;

/// <summary>The lines the host logs about virtual routes and rules, source-generated.</summary>
internal static partial class RoutingLog
{
    [LoggerMessage(90, LogLevel.Warning, "({Name}) {Message}")]
    public static partial void Failed(ILogger logger, string name, string message);

    [LoggerMessage(91, LogLevel.Warning, "({Name}) tracked virtual {What} was deleted: leaving MASTER state, as keepalived does")]
    public static partial void TrackedDeleted(ILogger logger, string name, string what);

    [LoggerMessage(92, LogLevel.Information, "Removed {What} left behind by a previous run")]
    public static partial void LeftoverRemoved(ILogger logger, string what);

    [LoggerMessage(93, LogLevel.Warning, "Could not remove routes or rules left behind by a previous run: {Message}")]
    public static partial void LeftoverFailed(ILogger logger, string message);

    [LoggerMessage(94, LogLevel.Error, "Reading routes and rules after a netlink overflow: {Message}")]
    public static partial void VerifyFailed(ILogger logger, string message);
}
