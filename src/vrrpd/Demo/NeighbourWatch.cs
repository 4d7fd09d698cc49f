using System.Diagnostics;

namespace Vrrpd.Demo;

/// <summary>
/// The host's ARP entry for the virtual address, followed with <c>ip monitor neigh</c> in the
/// host namespace: each time the MAC it resolves to changes (first resolution, a gratuitous ARP
/// from a new Master) an <see cref="DemoEventKind.Arp"/> event is recorded, named after the
/// router that owns the MAC. The timeline is the only record, so whoever reads it sees the
/// change and its event together.
/// </summary>
internal sealed class NeighbourWatch : IDisposable
{
    private readonly Process _process;
    private readonly Timeline _timeline;
    private readonly string _address;
    private readonly IReadOnlyDictionary<string, string> _owners;
    private string? _mac;

    /// <param name="ns">The host namespace.</param>
    /// <param name="address">The virtual address.</param>
    /// <param name="owners">MAC (lower case) to router name.</param>
    /// <param name="timeline">Where the changes go.</param>
    public NeighbourWatch(string ns, string address, IReadOnlyDictionary<string, string> owners, Timeline timeline)
    {
        _timeline = timeline;
        _address = address;
        _owners = owners;
        var info = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, ArgumentList = { "-n", ns, "monitor", "neigh" } };
        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start ip monitor neigh");
        _process.StandardInput.Close();
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private void OnLine(string? line)
    {
        // "192.0.2.254 dev eth0 lladdr 6a:1f:...:0c REACHABLE"; deletions start with "Deleted".
        if (line is null || !line.StartsWith(_address + " ", StringComparison.Ordinal))
            return;
        string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int at = Array.IndexOf(words, "lladdr");
        if (at < 0 || at + 1 >= words.Length)
            return;
        // Lines arrive one at a time on the process's reader thread.
        string mac = words[at + 1].ToLowerInvariant();
        if (mac == _mac)
            return;
        _mac = mac;
        string owner = _owners.TryGetValue(mac, out string? name) ? name : "unknown";
        _timeline.Add(new DemoEvent(Stopwatch.GetTimestamp(), "host", DemoEventKind.Arp, $"ARP: {_address} is at {mac} ({owner})", owner));
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill();
            _process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // It ended meanwhile.
        }
        _process.Dispose();
    }
}
