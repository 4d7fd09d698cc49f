using System.Diagnostics;

namespace Vrrp.Linux.Tests;

/// <summary><c>tcpdump -w</c> running in a namespace until it has <c>count</c> packets.</summary>
internal sealed class Capture : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Capture(string ns, string interfaceName, string filter, int count, string file)
    {
        var info = new ProcessStartInfo("ip", $"netns exec {ns} tcpdump -i {interfaceName} -U -c {count} -w {file} {filter}")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        _process = Process.Start(info) ?? throw new InvalidOperationException("tcpdump did not start");
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("listening on", StringComparison.Ordinal) == true) _listening.TrySetResult();
        };
        _process.BeginErrorReadLine();
        if (!_listening.Task.Wait(TimeSpan.FromSeconds(10))) throw new TimeoutException("tcpdump did not start listening");
    }

    public void WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) throw new TimeoutException("tcpdump did not capture every packet");
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.Dispose();
    }
}
