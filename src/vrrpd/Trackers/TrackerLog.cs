using Microsoft.Extensions.Logging;

namespace Vrrpd.Trackers;

// Log lines of process and file trackers. Those keepalived also writes keep its wording
// ("Quorum gained for tracked process chk") so existing searches still match.
internal static partial class TrackerLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Quorum {Change} for tracked process {Name}")]
    public static partial void Quorum(ILogger logger, string change, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tracked process {Name}: {Count} running, quorum {State} (at start)")]
    public static partial void QuorumAtStart(ILogger logger, string name, int count, string state);

    [LoggerMessage(Level = LogLevel.Error, Message = "track_process not available ({Reason}): every tracked process counts as not running, as in keepalived")]
    public static partial void ProcessEventsUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Process events are read in network namespace {Path}: the kernel sends them to the initial namespace only")]
    public static partial void ProcessEventsBorrowed(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Process events were lost; reading /proc again")]
    public static partial void ProcessEventsLost(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tracked file {Name} ({Path}): value {Value}")]
    public static partial void FileValue(ILogger logger, string name, string path, long value);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Invalid number {Value} read from {Path} - ignoring")]
    public static partial void FileInvalidNumber(ILogger logger, string value, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Tracked file {Name}: {Problem}")]
    public static partial void FileProblem(ILogger logger, string name, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Thread} failed handling an event")]
    public static partial void WatchFailed(ILogger logger, Exception exception, string thread);
}
