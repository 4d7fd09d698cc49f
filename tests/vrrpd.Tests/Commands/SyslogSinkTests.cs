using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Vrrpd.Logging;

namespace vrrpd.Tests.Commands;

public sealed partial class SyslogSinkTests
{
    [Theory]
    [InlineData(null, 3)]
    [InlineData("daemon", 3)]
    [InlineData("user", 1)]
    [InlineData("0", 16)]
    [InlineData("7", 23)]
    [InlineData("local5", 21)]
    [InlineData("8", -1)]
    [InlineData("local8", -1)]
    [InlineData("kern", -1)]
    public void Facilities_as_keepalived_spells_them(string? text, int facility) =>
        Assert.Equal(facility, SyslogSink.ParseFacility(text));

    [Fact]
    public void A_line_is_a_datagram_as_syslog_3_writes_it()
    {
        string dir = Directory.CreateTempSubdirectory("vrrpd-syslog-").FullName;
        try
        {
            string path = Path.Combine(dir, "log");
            using var server = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            server.Bind(new UnixDomainSocketEndPoint(path));
            using SyslogSink sink = SyslogSink.Open(path, "Keepalived_vrrp", SyslogSink.DaemonFacility);
            sink.Send(4, "(mape) Entering MASTER STATE");
            var buffer = new byte[1024];
            string line = Encoding.UTF8.GetString(buffer, 0, server.Receive(buffer));
            Assert.Matches(Line(), line);
            Assert.EndsWith($" Keepalived_vrrp[{Environment.ProcessId}]: (mape) Entering MASTER STATE", line, StringComparison.Ordinal);
            Assert.StartsWith("<28>", line, StringComparison.Ordinal);
            Assert.Equal(0, sink.Dropped);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Lines_for_a_missing_socket_are_counted_not_thrown()
    {
        using SyslogSink sink = SyslogSink.Open("/nonexistent/vrrpd-test-log", "vrrpd", SyslogSink.DaemonFacility);
        sink.Send(6, "one");
        sink.Send(6, "two");
        Assert.Equal(2, sink.Dropped);
    }

    [GeneratedRegex(@"^<\d+>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+\[\d+\]: ")]
    private static partial Regex Line();
}
