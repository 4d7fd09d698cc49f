using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Vrrpd.Logging;

/// <summary>
/// Log lines to the local syslog socket (/dev/log) as syslog(3) writes them:
/// <c>&lt;PRI&gt;Mmm dd hh:mm:ss IDENT[PID]: message</c>, one datagram per line. journald serves
/// /dev/log and files such a line under SYSLOG_IDENTIFIER=IDENT, so with keepalived's identifier
/// (<c>Keepalived_vrrp</c>) <c>journalctl -t Keepalived_vrrp</c> and rsyslog filters on the tag
/// find vrrpd's lines. The socket is non-blocking: a stalled syslog daemon costs lines (counted
/// and reported with the next one that goes through), never the caller's time. After an error
/// it reconnects, at most once a second.
/// </summary>
internal sealed class SyslogSink : IDisposable
{
    public const string DefaultSocket = "/dev/log";

    /// <summary>LOG_DAEMON, keepalived's default facility.</summary>
    public const int DaemonFacility = 3;

    private static readonly long RetryInterval = TimeSpan.FromSeconds(1).Ticks;
    private readonly Lock _lock = new();
    private readonly string _prefix;
    private Socket? _socket;
    private long _retryAt;
    private long _dropped;

    private SyslogSink(string path, string ident, int facility)
    {
        Path = path;
        Ident = ident;
        Facility = facility;
        _prefix = $"{ident}[{Environment.ProcessId}]: ";
    }

    public string Path { get; }
    public string Ident { get; }
    public int Facility { get; }

    /// <summary>Lines lost so far (socket full or unreachable).</summary>
    public long Dropped
    {
        get { lock (_lock) return _dropped; }
    }

    /// <summary>A sink for <paramref name="path"/>; it connects on the first line (and again after errors).</summary>
    public static SyslogSink Open(string path, string ident, int facility) => new(path, ident, facility);

    /// <summary>
    /// keepalived's <c>-S</c> values: 0-7 or local0-local7 (LOG_LOCALn), user, daemon; the syslog
    /// facility code, or -1 when <paramref name="text"/> is none of them.
    /// </summary>
    public static int ParseFacility(string? text) => text switch
    {
        null or "daemon" => DaemonFacility,
        "user" => 1,
        [>= '0' and <= '7'] => 16 + (text[0] - '0'),
        ['l', 'o', 'c', 'a', 'l', >= '0' and <= '7'] => 16 + (text[5] - '0'),
        _ => -1,
    };

    /// <summary>Sends one line with syslog severity <paramref name="severity"/> (3 err, 4 warning, 6 info, 7 debug).</summary>
    public void Send(int severity, string message)
    {
        lock (_lock)
        {
            if (_dropped > 0 && TrySend(Format(4, $"{_dropped} log lines were lost (syslog socket {Path} full or unreachable)")))
                _dropped = 0;
            if (!TrySend(Format(severity, message)))
                _dropped++;
        }
    }

    /// <summary>The datagram for one line, as glibc's syslog(3) formats it (local time).</summary>
    internal byte[] Format(int severity, string message)
    {
        DateTime now = DateTime.Now;
        string stamp = now.ToString("MMM ", CultureInfo.InvariantCulture) + now.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2)
            + now.ToString(" HH:mm:ss", CultureInfo.InvariantCulture);
        return Encoding.UTF8.GetBytes($"<{Facility * 8 + severity}>{stamp} {_prefix}{message}");
    }

    private bool TrySend(byte[] datagram)
    {
        if (_socket is null && !TryConnect())
            return false;
        try
        {
            _socket!.Send(datagram);
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.NoBufferSpaceAvailable)
        {
            return false;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The syslog daemon restarted (ECONNREFUSED) or went away: connect again later.
            _socket?.Dispose();
            _socket = null;
            _retryAt = DateTime.UtcNow.Ticks + RetryInterval;
            return false;
        }
    }

    private bool TryConnect()
    {
        if (DateTime.UtcNow.Ticks < _retryAt)
            return false;
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified) { Blocking = false };
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(Path));
            _socket = socket;
            return true;
        }
        catch (SocketException)
        {
            socket.Dispose();
            _retryAt = DateTime.UtcNow.Ticks + RetryInterval;
            return false;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _socket?.Dispose();
            _socket = null;
        }
    }
}
