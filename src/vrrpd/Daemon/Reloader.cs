using Microsoft.Extensions.Logging;
using Vrrp.Linux;
using Vrrp.Linux.Hosting;
using Vrrp.Keepalived;
using Vrrpd.Logging;
using Vrrpd.Scripts;
using Vrrpd.Trackers;

namespace Vrrpd.Daemon;

/// <summary>
/// SIGHUP: the file is read and mapped on a thread of its own (the loop keeps advertising and
/// answering status meanwhile), then the loop applies the result. A configuration with errors
/// is refused with each error logged, and so is one whose reading takes longer than
/// <see cref="Deadline"/> (its result, should it come later, is dropped); the running one stays.
/// Requests during a reload are coalesced into one more reload after it. <paramref name="applied"/>
/// hears each configuration put in force, on the loop thread.
/// </summary>
internal sealed class Reloader(string path, ConfigLoadOptions options, ILogger log, VrrpHost host, ExternalTrackers trackers, NotificationSink notifications,
    Action<KeepalivedConfig>? applied = null)
{
    /// <summary>How long reading and mapping a configuration may take.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private bool _running, _again;

    /// <summary>Any thread: reloads now, or once more after the reload in progress.</summary>
    public void Request()
    {
        lock (_gate)
        {
            if (_running)
            {
                _again = true;
                return;
            }
            _running = true;
        }
        _ = ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        Log.ReloadRequested(log, path);
        SdNotify.Send("RELOADING=1\nMONOTONIC_USEC=" + (MonotonicClock.NowNanoseconds / 1000));
        // A thread of its own, not the pool's: a read that never ends (a FIFO, a hung NFS mount)
        // must not take a pool thread with it.
        var read = new TaskCompletionSource<DaemonConfiguration?>(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() => Read(read)) { IsBackground = true, Name = "config reload" }.Start();
        DaemonConfiguration? next;
        try
        {
            next = await read.Task.WaitAsync(Deadline).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.ReloadTimedOut(log, path, Deadline.TotalSeconds);
            next = null;
        }
        if (next is null)
        {
            Finish();
            return;
        }
        host.Post(h =>
        {
            try
            {
                h.Apply(next.Host, beforeStart: () =>
                {
                    trackers.Configure(next, h);
                    applied?.Invoke(next.Config);
                    notifications.Configure(next.Config);
                });
            }
            catch (HostBuildException e)
            {
                Log.ConfigError(log, next.Describe(e));
                Log.ReloadRefused(log, 1);
            }
            finally
            {
                Finish();
            }
        });
    }

    private void Read(TaskCompletionSource<DaemonConfiguration?> result)
    {
        try
        {
            DaemonConfiguration? next = DaemonConfiguration.Load(path, options, log, out int errors);
            if (next is null && !result.Task.IsCompleted)
                Log.ReloadRefused(log, errors);
            result.TrySetResult(next);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.ConfigError(log, $"{path}: {e.Message}");
            Log.ReloadRefused(log, 1);
            result.TrySetResult(null);
        }
    }

    private void Finish()
    {
        SdNotify.Send("READY=1");
        bool again;
        lock (_gate)
        {
            again = _again;
            _again = false;
            _running = again;
        }
        if (again)
            _ = ReloadAsync();
    }
}
