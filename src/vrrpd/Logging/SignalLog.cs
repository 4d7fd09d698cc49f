using Microsoft.Extensions.Logging;

namespace Vrrpd.Logging;

/// <summary>The daemon's lines about signals, dumps and last-chance stops, source-generated.</summary>
internal static partial class SignalLog
{
    [LoggerMessage(90, LogLevel.Information, "{What} for process({Pid}) on signal")]
    public static partial void DumpPrinting(ILogger logger, string what, int pid);

    [LoggerMessage(91, LogLevel.Error, "Cannot write the dump {Path}: {Message}")]
    public static partial void DumpFailed(ILogger logger, string path, string message);

    [LoggerMessage(92, LogLevel.Debug, "Signals handled: {Handled}; ignored as keepalived does: {Ignored}")]
    public static partial void Dispositions(ILogger logger, string handled, string ignored);

    [LoggerMessage(93, LogLevel.Warning, "Signal {Signal} cannot be handled ({Message}); it is ignored instead")]
    public static partial void RegistrationFailed(ILogger logger, int signal, string message);

    [LoggerMessage(94, LogLevel.Information, "Received {Signal} while starting: ignored")]
    public static partial void IgnoredWhileStarting(ILogger logger, string signal);

    [LoggerMessage(95, LogLevel.Critical, "Unhandled exception on thread '{Thread}': stopping as on SIGTERM, then exiting with status {Status}")]
    public static partial void Unhandled(ILogger logger, string thread, int status, Exception exception);

    [LoggerMessage(96, LogLevel.Critical, "The event loop did not stop within {Seconds} s of an unhandled exception; exiting with status {Status}")]
    public static partial void StopTimedOut(ILogger logger, double seconds, int status);

    [LoggerMessage(97, LogLevel.Critical, "Unhandled exception in the event loop: stopping as on SIGTERM, then exiting with status {Status}")]
    public static partial void LoopFailed(ILogger logger, int status, Exception exception);

    [LoggerMessage(98, LogLevel.Critical, "Stopping after an unhandled exception failed")]
    public static partial void ShutdownFailed(ILogger logger, Exception exception);
}
