using System.Diagnostics;

namespace Vrrp.Interop.Tests.Harness;

/// <summary>
/// Sets the LAN's bridge ports up and down through one <c>ip -batch</c> process started with
/// the lab, so a link change happens within milliseconds of <see cref="Set"/>: starting a new
/// <c>ip</c> for each change can take a good part of a second on a loaded machine, longer than
/// a 10 ms router needs to take over, which would make the change's time unknowable.
/// </summary>
internal sealed class LinkSwitch : IDisposable
{
    private readonly Process _ip;
    private readonly Task<string> _stderr;

    public LinkSwitch(string lanNamespace)
    {
        var info = new ProcessStartInfo("ip", $"-n {lanNamespace} -batch -")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _ip = Process.Start(info) ?? throw new InvalidOperationException("could not start ip -batch");
        _ = _ip.StandardOutput.ReadToEndAsync();
        _stderr = _ip.StandardError.ReadToEndAsync();
    }

    /// <summary>Sets bridge port <c>p{port}</c> up or down; returns the time the command was handed to ip (UTC).</summary>
    public DateTime Set(int port, bool up)
    {
        // ip -batch stops at the first failing command: say why rather than write into a closed pipe.
        if (_ip.HasExited)
            throw new InvalidOperationException($"ip -batch exited {_ip.ExitCode}: {_stderr.Result}");
        DateTime now = InteropLab.Mark();
        _ip.StandardInput.WriteLine($"link set p{port} {(up ? "up" : "down")}");
        _ip.StandardInput.Flush();
        return now;
    }

    public void Dispose()
    {
        // ip holds the LAN namespace open: it must be gone before the namespace is deleted.
        try
        {
            _ip.StandardInput.Close();
        }
        catch (IOException)
        {
            // It exited already.
        }
        if (!_ip.WaitForExit(TimeSpan.FromSeconds(5)))
            _ip.Kill();
        _ip.WaitForExit();
        _ip.Dispose();
    }
}
