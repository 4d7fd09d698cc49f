using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Vrrp.Core.Wire;
using Vrrpd.Commands;

namespace Vrrp.Bench.Netlab;

/// <summary>One VRRP advertisement seen on the wire.</summary>
/// <param name="TimeNs">Kernel receive (or transmit) timestamp, ns since the epoch (CLOCK_REALTIME).</param>
internal readonly record struct WireAdvert(long TimeNs, IpAddr Source, byte Vrid, byte Priority, int IntervalCentiseconds);

/// <summary>
/// tcpdump on one namespace's eth0, VRRP only, nanosecond kernel timestamps (veth offers only
/// the "host" timestamp type, so no -j), written to a pcap file and read back with
/// <see cref="CaptureReader"/>. Inside a router's namespace it sees the peer's adverts as the
/// daemon receives them and the router's own as they leave.
/// </summary>
internal sealed partial class Capture : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly string _file;
    private bool _stopped;

    private Capture(Process process, string file)
    {
        _process = process;
        _file = file;
    }

    /// <summary>Frames the kernel dropped because tcpdump fell behind (from its summary).</summary>
    public long KernelDrops { get; private set; }

    public static Capture Start(string ns, string file, CancellationToken cancel)
    {
        var info = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in (string[])["netns", "exec", ns, "tcpdump", "-i", "eth0", "-p", "-n", "-s", "96", "-B", "65536",
                     "--time-stamp-precision=nano", "-w", file, "ip proto 112"])
            info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start tcpdump");
        var capture = new Capture(process, file);
        using var listening = new ManualResetEventSlim();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (capture._stderr) capture._stderr.AppendLine(e.Data);
            if (e.Data.Contains("listening on", StringComparison.Ordinal)) listening.Set();
        };
        process.BeginErrorReadLine();
        long deadline = Stopwatch.GetTimestamp() + 10 * Stopwatch.Frequency;
        while (!listening.Wait(50, CancellationToken.None))
        {
            if (process.HasExited || Stopwatch.GetTimestamp() > deadline || cancel.IsCancellationRequested)
            {
                capture.Dispose();
                throw new InvalidOperationException($"tcpdump did not start: {capture.Errors}");
            }
        }
        return capture;
    }

    private string Errors
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    /// <summary>SIGINT (tcpdump flushes the file and prints its counts), then reads the adverts.</summary>
    public List<WireAdvert> StopAndRead()
    {
        Stop();
        var adverts = new List<WireAdvert>();
        using var stream = File.OpenRead(_file);
        var reader = CaptureReader.Open(stream);
        while (reader.TryReadNext(out CaptureRecord record))
        {
            if (VrrpFrame.TryParse(record.Data, out ReceivedAdvertisement received) != ParseError.None) continue;
            VrrpAdvertisement a = received.Advertisement;
            adverts.Add(new WireAdvert(record.Seconds * 1_000_000_000 + record.Nanoseconds, received.Source, a.VirtualRouterId, a.Priority, a.AdvertIntervalCentiseconds));
        }
        return adverts;
    }

    private void Stop()
    {
        if (_stopped) return;
        _stopped = true;
        if (!_process.HasExited) Vrrp.Lab.NetnsLab.Run("kill", $"-INT {_process.Id.ToString(CultureInfo.InvariantCulture)}", check: false);
        if (!_process.WaitForExit(5000)) _process.Kill();
        _process.WaitForExit();
        Match m = DroppedByKernel().Match(Errors);
        if (m.Success) KernelDrops = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"(\d+) packets? dropped by kernel")]
    private static partial Regex DroppedByKernel();

    public void Dispose()
    {
        try
        {
            Stop();
        }
        finally
        {
            _process.Dispose();
        }
    }
}
