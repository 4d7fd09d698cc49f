using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Vrrp.Lab;

namespace vrrpd.Tests.Host;

/// <summary>
/// <c>--syslog-ident Keepalived_vrrp</c> (issue 12.4): the daemon's lines reach the syslog
/// socket as syslog(3) writes them, tagged with keepalived's identifier, which journald files as
/// SYSLOG_IDENTIFIER. The socket is one the test creates, not the machine's /dev/log.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed partial class SyslogTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(new string[0], 30, false)]                   // LOG_DAEMON | LOG_INFO; nothing on stderr
    [InlineData(new[] { "-S", "local3", "-l" }, 158, true)]  // LOG_LOCAL3 | LOG_INFO; stderr too with -l
    public void Lines_go_to_the_syslog_socket_under_keepalived_s_identifier(string[] extra, int priority, bool console)
    {
        using var lab = new DaemonLab(1);
        string path = Path.Combine(lab.Directory, "log.sock");
        using var syslog = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        syslog.Bind(new UnixDomainSocketEndPoint(path));
        syslog.ReceiveTimeout = 200;

        VrrpdProcess r1 = lab.Start(1, FailoverTests.Config(245), arguments: ["--syslog-ident", "Keepalived_vrrp", "--syslog-socket", path, .. extra]);
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);

        var lines = new List<string>();
        var buffer = new byte[65536];
        string? master = null;
        for (var clock = Stopwatch.StartNew(); master is null && clock.Elapsed < Settle;)
        {
            try
            {
                string line = Encoding.UTF8.GetString(buffer, 0, syslog.Receive(buffer));
                lines.Add(line);
                if (line.Contains("(mape) Entering MASTER STATE", StringComparison.Ordinal))
                    master = line;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
            {
            }
        }
        Assert.True(master is not null, string.Join('\n', lines));
        // <PRI>Mmm dd hh:mm:ss IDENT[PID]: MESSAGE, as glibc's syslog(3) writes it.
        Match m = Syslog().Match(master);
        Assert.True(m.Success, master);
        Assert.Equal(priority.ToString(System.Globalization.CultureInfo.InvariantCulture), m.Groups["pri"].Value);
        Assert.Equal(r1.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), m.Groups["pid"].Value);
        Assert.StartsWith("(mape) Entering MASTER STATE", m.Groups["message"].Value, StringComparison.Ordinal);
        if (console)
            Assert.NotNull(r1.WaitForLine(l => l.Contains("(mape) Entering MASTER STATE", StringComparison.Ordinal), Settle));
        else
            Assert.DoesNotContain(r1.Lines, l => l.Contains("Entering", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^<(?<pri>\d+)>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d Keepalived_vrrp\[(?<pid>\d+)\]: (?<message>.*)$")]
    private static partial Regex Syslog();
}
