using Microsoft.Extensions.Logging;

namespace Vrrpd.Scripts;

// Log lines of track and notify scripts. The ones keepalived also writes keep its wording
// ("VRRP_Script(chk) succeeded", "Script `chk` now returning 1") so existing searches still match.
internal static partial class ScriptLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "VRRP_Script({Name}) succeeded")]
    public static partial void TrackSucceeded(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "VRRP_Script({Name}) failed ({Reason})")]
    public static partial void TrackFailed(ILogger logger, string name, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "VRRP_Script({Name}) timed_out")]
    public static partial void TrackTimedOut(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Script `{Name}` now returning {Status}")]
    public static partial void NowReturning(ILogger logger, string name, int status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Track script {Name} is already running, expect idle - skipping run")]
    public static partial void SkippingRun(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Error, Message = "Disabling track script {Name}: {Reason}; instances tracking it ignore it, as in keepalived")]
    public static partial void TrackDisabled(ILogger logger, string name, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "VRRP_Script({Name}) cannot run: {Reason}; every run counts as a failure until it can")]
    public static partial void TrackCannotRun(ILogger logger, string name, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "VRRP_Script({Name}) considered {Outcome} on reload")]
    public static partial void TrackCarried(ILogger logger, string name, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{What} {Name}: {Warning}")]
    public static partial void ScriptWarning(ILogger logger, string what, string name, string warning);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SECURITY VIOLATION - scripts are being executed but script_security not enabled.{Insecure}")]
    public static partial void SecurityViolation(ILogger logger, string insecure);

    [LoggerMessage(Level = LogLevel.Error, Message = "Track script state callback for {Name} threw")]
    public static partial void CallbackFailed(ILogger logger, Exception exception, string name);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notify script {Command} cannot run: {Reason}")]
    public static partial void NotifyCannotRun(ILogger logger, string command, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notify script {Command} ({Event}) timed out after {Seconds} s: process group killed")]
    public static partial void NotifyTimedOut(ILogger logger, string command, string @event, double seconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Notify script {Command} ({Event}) {Exit}")]
    public static partial void NotifyExited(ILogger logger, string command, string @event, string exit);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notifications for {Event} failed")]
    public static partial void NotifyFailed(ILogger logger, Exception exception, string @event);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unable to open notify fifo {Path}: {Reason}")]
    public static partial void FifoOpenFailed(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "notify fifo {Path}: {Reason}; lines are dropped until it is read again")]
    public static partial void FifoWriteFailed(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "notify fifo script {Command} terminated ({Exit})")]
    public static partial void FifoScriptTerminated(ILogger logger, string command, string exit);
}
