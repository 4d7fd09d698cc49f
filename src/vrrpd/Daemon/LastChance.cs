using Microsoft.Extensions.Logging;
using Vrrp.Linux;
using Vrrp.Linux.Hosting;
using Vrrpd.Logging;

namespace Vrrpd.Daemon;

/// <summary>
/// The last-chance handler: an exception nothing caught, on any thread
/// (<see cref="AppDomain.UnhandledException"/>) or in a task nobody waited for
/// (<see cref="TaskScheduler.UnobservedTaskException"/>), stops the daemon as SIGTERM does
/// (each Master sends priority 0 and removes its addresses, on the loop thread) and then ends
/// the process with <see cref="ExitStatus"/>, so that systemd's <c>Restart=on-failure</c>
/// starts a clean one. The handler asks the loop to stop and waits for the daemon to say it
/// has (<see cref="Finished"/>), at most <see cref="StopTimeout"/>; the loop thread's own
/// exceptions are caught where it runs (<see cref="Commands.DaemonCommand"/>).
/// </summary>
internal sealed class LastChance
{
    /// <summary>The exit status after an unhandled exception (as after the loop gave up).</summary>
    public const int ExitStatus = 1;

    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly ILogger _log;
    private readonly int _loopThread;
    private readonly ManualResetEventSlim _finished = new();
    private VrrpHost? _host;
    private int _triggered;

    private LastChance(ILogger log)
    {
        _log = log;
        _loopThread = Environment.CurrentManagedThreadId;
    }

    /// <summary>Set once an unhandled exception has asked the daemon to stop.</summary>
    public bool Triggered => Volatile.Read(ref _triggered) != 0;

    /// <summary>Installs the handlers; the calling thread is the one that will run the loop.</summary>
    public static LastChance Install(ILogger log)
    {
        var handler = new LastChance(log);
        AppDomain.CurrentDomain.UnhandledException += (_, e) => handler.OnUnhandled(e.ExceptionObject as Exception);
        TaskScheduler.UnobservedTaskException += (_, e) =>
        {
            e.SetObserved();
            handler.OnUnhandled(e.Exception);
        };
        return handler;
    }

    /// <summary>The host to stop from now on.</summary>
    public void Attach(VrrpHost host) => Volatile.Write(ref _host, host);

    /// <summary>The daemon has stopped (addresses released, files closed): a waiting handler ends the process.</summary>
    public void Finished() => _finished.Set();

    private void OnUnhandled(Exception? exception)
    {
        exception ??= new InvalidOperationException("unhandled exception of an unknown type");
        if (Interlocked.Exchange(ref _triggered, 1) != 0)
        {
            // A second failure while the first stops the daemon: wait for the same end.
            _finished.Wait(StopTimeout);
            ProcessExit.Now(ExitStatus);
            return;
        }
        SignalLog.Unhandled(_log, Thread.CurrentThread.Name ?? $"#{Environment.CurrentManagedThreadId}", ExitStatus, exception);
        if (Environment.CurrentManagedThreadId == _loopThread)
            return; // the loop thread's exceptions are handled where it runs; this one ends the process
        if (Volatile.Read(ref _host) is { } host)
            host.RequestStop("Unhandled exception");
        else
            _finished.Set(); // nothing runs yet: nothing to release
        if (!_finished.Wait(StopTimeout))
            SignalLog.StopTimedOut(_log, StopTimeout.TotalSeconds, ExitStatus);
        ProcessExit.Now(ExitStatus);
    }
}
