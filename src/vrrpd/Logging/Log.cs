using Microsoft.Extensions.Logging;

namespace Vrrpd.Logging;

/// <summary>
/// Every line the daemon logs, source-generated. State changes read like keepalived's
/// (<c>(mape) Entering MASTER STATE</c>) so existing log searches keep working.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(8, LogLevel.Information, "Stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(43, LogLevel.Information, "Track script {Script} {Result}")]
    public static partial void ScriptChanged(ILogger logger, string script, string result);

    [LoggerMessage(50, LogLevel.Information, "Reloading {File}")]
    public static partial void ReloadRequested(ILogger logger, string file);

    [LoggerMessage(51, LogLevel.Error, "{Diagnostic}")]
    public static partial void ConfigError(ILogger logger, string diagnostic);

    [LoggerMessage(52, LogLevel.Warning, "{Diagnostic}")]
    public static partial void ConfigWarning(ILogger logger, string diagnostic);

    [LoggerMessage(53, LogLevel.Error, "Reload refused ({Errors} errors); the running configuration stays in force")]
    public static partial void ReloadRefused(ILogger logger, int errors);

    [LoggerMessage(61, LogLevel.Error, "Control socket: {Message}")]
    public static partial void ControlError(ILogger logger, string message);

    [LoggerMessage(62, LogLevel.Information, "Control socket {Path}")]
    public static partial void ControlListening(ILogger logger, string path);

    [LoggerMessage(66, LogLevel.Error, "{Message}")]
    public static partial void StartFailed(ILogger logger, string message);

    [LoggerMessage(63, LogLevel.Warning, "Notifications did not finish within {Seconds} s of shutdown")]
    public static partial void NotifyTimeout(ILogger logger, double seconds);

    [LoggerMessage(90, LogLevel.Information, "Capabilities reduced to {Mask} (CAP_NET_RAW, CAP_NET_ADMIN and what scripts need: {Why})")]
    public static partial void CapabilitiesDropped(ILogger logger, string mask, string why);

    [LoggerMessage(91, LogLevel.Information, "Capabilities kept: {Why}, and a root script may need any of them (--keep-capabilities says so for good)")]
    public static partial void CapabilitiesKept(ILogger logger, string why);

    [LoggerMessage(55, LogLevel.Error, "Reload refused: reading {File} took longer than {Seconds} s; the running configuration stays in force")]
    public static partial void ReloadTimedOut(ILogger logger, string file, double seconds);

    [LoggerMessage(92, LogLevel.Warning, "Could not give up every capability the daemon does not need ({Message}); running with them")]
    public static partial void CapabilitiesNotDropped(ILogger logger, string message);
}
