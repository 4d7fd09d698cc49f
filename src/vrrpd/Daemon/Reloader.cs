using Microsoft.Extensions.Logging;
using Vrrp.Linux;
using Vrrp.Linux.Hosting;
using Vrrp.Keepalived;
using Vrrpd.Logging;
using Vrrpd.Scripts;

namespace Vrrpd.Daemon;

/// <summary>
/// SIGHUP: the file is read and mapped on a worker thread (the loop keeps advertising and
/// answering status meanwhile), then the loop applies the result. A configuration with errors
/// is refused with each error logged and the running one stays. Requests during a reload are
/// coalesced into one more reload after it. <paramref name="applied"/> hears each configuration
/// put in force, on the loop thread.
/// </summary>
internal sealed class Reloader(string path, ConfigLoadOptions options, ILogger log, VrrpHost host, TrackScriptSource scripts, NotificationSink notifications,
    Action<KeepalivedConfig>? applied = null)
{
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
        ThreadPool.UnsafeQueueUserWorkItem(_ => Load(), null);
    }

    private void Load()
    {
        Log.ReloadRequested(log, path);
        SdNotify.Send("RELOADING=1\nMONOTONIC_USEC=" + (MonotonicClock.NowNanoseconds / 1000));
        DaemonConfiguration? next = null;
        try
        {
            next = DaemonConfiguration.Load(path, options, log, out int errors);
            if (next is null)
                Log.ReloadRefused(log, errors);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.ConfigError(log, $"{path}: {e.Message}");
            Log.ReloadRefused(log, 1);
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
                    scripts.Configure(next.Config, h);
                    notifications.Configure(next.Config);
                    applied?.Invoke(next.Config);
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
            ThreadPool.UnsafeQueueUserWorkItem(_ => Load(), null);
    }
}
