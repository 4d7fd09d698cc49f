using System.Text;
using Microsoft.Extensions.Logging;

namespace Vrrpd.Logging;

/// <summary>
/// vrrpd's one logger: each message is one line on a writer (stderr for the daemon). Under
/// systemd (JOURNAL_STREAM set) a line starts with the syslog priority (<c>&lt;3&gt;</c>, ...) that
/// journald reads and no timestamp (the journal has its own); elsewhere it starts with a UTC
/// timestamp and the level for warnings and errors. With a <see cref="SyslogSink"/> (<c>--syslog</c>,
/// <c>--syslog-ident</c>) each line also goes to the syslog socket, and to the writer only with
/// <c>-l</c>, as keepalived logs. Thread-safe; nothing is buffered.
/// </summary>
internal sealed class LineLogger : ILogger
{
    private readonly TextWriter _writer;
    private readonly bool _journal;
    private readonly Lock _lock = new();

    public LineLogger(TextWriter writer, LogLevel minimum, bool journal)
    {
        _writer = writer;
        Minimum = minimum;
        _journal = journal;
    }

    public LogLevel Minimum { get; }

    /// <summary>Where lines also go, or null.</summary>
    public SyslogSink? Syslog { get; init; }

    /// <summary>Lines go to the writer (false: to <see cref="Syslog"/> alone).</summary>
    public bool Console { get; init; } = true;

    /// <summary>
    /// The daemon's logger: stderr, debug lines with <c>-D</c>, journald priorities under systemd;
    /// with <c>--syslog</c>/<c>--syslog-ident</c>, the syslog socket instead (and stderr too with <c>-l</c>).
    /// </summary>
    public static LineLogger ForDaemon(Commands.DaemonOptions options)
    {
        var writer = new StreamWriter(System.Console.OpenStandardError(), new UTF8Encoding(false)) { AutoFlush = true };
        SyslogSink? syslog = options.UsesSyslog
            ? SyslogSink.Open(options.SyslogSocket ?? SyslogSink.DefaultSocket, options.SyslogIdent ?? "vrrpd", SyslogSink.ParseFacility(options.LogFacility))
            : null;
        return new LineLogger(writer, options.LogDetail ? LogLevel.Debug : LogLevel.Information,
            journal: Environment.GetEnvironmentVariable("JOURNAL_STREAM") is { Length: > 0 })
        {
            Syslog = syslog,
            Console = syslog is null || options.LogConsole,
        };
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= Minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
            return;
        if (Syslog is { } syslog)
        {
            string text = formatter(state, exception);
            syslog.Send(SyslogPriority(logLevel), exception is null ? text : $"{text}: {exception.GetType().Name}: {exception.Message}");
            if (!Console)
                return;
        }
        var line = new StringBuilder(128);
        if (_journal)
        {
            line.Append('<').Append(SyslogPriority(logLevel)).Append('>');
        }
        else
        {
            line.Append(DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z' ", System.Globalization.CultureInfo.InvariantCulture));
            if (logLevel >= LogLevel.Warning)
                line.Append(logLevel == LogLevel.Warning ? "warning: " : "error: ");
        }
        line.Append(formatter(state, exception));
        if (exception is not null)
            line.Append(": ").Append(exception.GetType().Name).Append(": ").Append(exception.Message);
        lock (_lock)
        {
            _writer.WriteLine(line.ToString());
            if (exception is not null && logLevel >= LogLevel.Error && exception.StackTrace is { } trace)
                _writer.WriteLine(trace);
        }
    }

    // syslog(3) priorities: 3 err, 4 warning, 6 info, 7 debug.
    private static int SyslogPriority(LogLevel level) => level switch
    {
        LogLevel.Critical or LogLevel.Error => 3,
        LogLevel.Warning => 4,
        LogLevel.Information => 6,
        _ => 7,
    };
}
