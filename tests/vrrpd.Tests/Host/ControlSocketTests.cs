using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Vrrp.Lab;

namespace vrrpd.Tests.Host;

/// <summary>
/// A careless or hostile local client cannot stall the daemon through its control socket: idle
/// connections are closed, too many at once are refused, running out of descriptors neither
/// spins nor floods the log, and a refused permission is reported as such.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class ControlSocketTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    private static VrrpdProcess StartMaster(DaemonLab lab)
    {
        VrrpdProcess r1 = lab.Start(1, FailoverTests.Config(245));
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        return r1;
    }

    // Connects count times; a full accept queue (EAGAIN on a non-blocking connect) is retried
    // for up to 5 s in all, so a server that does not accept makes this give up, not hang.
    private static List<Socket> Open(string path, int count)
    {
        var sockets = new List<Socket>();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            while (true)
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { Blocking = false };
                try
                {
                    s.Connect(new UnixDomainSocketEndPoint(path));
                    s.Blocking = true;
                    sockets.Add(s);
                    break;
                }
                catch (SocketException e)
                {
                    s.Dispose();
                    if (e.SocketErrorCode != SocketError.WouldBlock || clock.Elapsed > TimeSpan.FromSeconds(5))
                        break;
                    Thread.Sleep(5);
                }
            }
        }
        return sockets;
    }

    // True when the server closed the connection (a read returns 0 bytes, or what it sent then 0).
    private static bool ClosedByServer(Socket s, TimeSpan timeout)
    {
        s.ReceiveTimeout = (int)timeout.TotalMilliseconds;
        var buffer = new byte[256];
        try
        {
            while (s.Receive(buffer) > 0)
            {
            }
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [Fact]
    public void Idle_connections_are_closed_and_status_still_answers()
    {
        using var lab = new DaemonLab(1);
        VrrpdProcess r1 = StartMaster(lab);
        List<Socket> idle = Open(r1.ControlSocket, 40);
        try
        {
            Assert.Equal(40, idle.Count);
            // Not one byte sent: each is closed by the server after its idle timeout (2 s).
            var clock = Stopwatch.StartNew();
            Assert.All(idle, s => Assert.True(ClosedByServer(s, TimeSpan.FromSeconds(6)), "an idle connection was kept open"));
            Assert.InRange(clock.Elapsed.TotalSeconds, 1.5, 6);
            Assert.Equal("MASTER", r1.State());
        }
        finally
        {
            idle.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public void Connections_beyond_the_cap_are_refused_with_a_reason()
    {
        using var lab = new DaemonLab(1);
        VrrpdProcess r1 = StartMaster(lab);
        List<Socket> held = Open(r1.ControlSocket, 64);
        try
        {
            // Let the server take them all in before the one over the cap.
            Thread.Sleep(300);
            string reply = ControlClient.Request(r1.ControlSocket, "status", TimeSpan.FromSeconds(5));
            Assert.StartsWith("error: too many control connections", reply, StringComparison.Ordinal);
        }
        finally
        {
            held.ForEach(s => s.Dispose());
        }
        Assert.True(WaitForStatus(r1), "status did not answer after the connections were closed");
    }

    [Fact]
    public void Out_of_descriptors_neither_spins_nor_floods_the_log()
    {
        using var lab = new DaemonLab(1);
        VrrpdProcess r1 = StartMaster(lab);
        NetnsLab.Run("prlimit", $"--pid {r1.Pid} --nofile=64:64");
        int mark = r1.LineCount;
        long cpuBefore = CpuTicks(r1.Pid);
        var clock = Stopwatch.StartNew();
        List<Socket> flood = Open(r1.ControlSocket, 300);
        try
        {
            Thread.Sleep(3000);
            double cpu = (CpuTicks(r1.Pid) - cpuBefore) / 100.0 / clock.Elapsed.TotalSeconds;
            int errorLines = r1.Lines.Skip(mark).Count(l => l.Contains("Control socket", StringComparison.Ordinal));
            // Before: 100 % of a core and 600,000 "Too many open files" lines in 30 s.
            Assert.True(cpu < 0.3, $"the daemon used {cpu:P0} of a core while out of descriptors");
            // The descriptors did run out, and it was said once (a line per 10 s at most, with the count not written).
            Assert.True(errorLines is >= 1 and <= 2, string.Join('\n', r1.Lines.Skip(mark)));
            Assert.False(r1.HasExited, r1.Output);
            Assert.Equal([1], lab.Holders(FailoverTests.Vip));
        }
        finally
        {
            flood.ForEach(s => s.Dispose());
        }
        Assert.True(WaitForStatus(r1), "status did not answer after the flood");
        Assert.Equal([1], lab.Holders(FailoverTests.Vip));
    }

    [Fact]
    public void A_refused_permission_is_reported_as_such()
    {
        using var lab = new DaemonLab(1);
        VrrpdProcess r1 = StartMaster(lab);
        (int exit, _, string stderr) = NetnsLab.RunCaptured("setpriv",
            $"--reuid=65534 --regid=65534 --clear-groups {DaemonLab.Binary} status --control-socket {r1.ControlSocket}");
        Assert.Equal(1, exit);
        Assert.Contains("permission denied", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("no vrrpd is listening", stderr, StringComparison.Ordinal);
    }

    private static bool WaitForStatus(VrrpdProcess r)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(8))
        {
            try
            {
                if (r.State() == "MASTER")
                    return true;
            }
            catch (Exception e) when (e is SocketException or IOException or InvalidOperationException or System.Text.Json.JsonException)
            {
            }
            Thread.Sleep(100);
        }
        return false;
    }

    // utime + stime of the process, in clock ticks (100 per second on Linux).
    private static long CpuTicks(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }
}
