using Microsoft.Extensions.Logging;
using Vrrp.Core.Router;
using Vrrpd.Config;

namespace Vrrpd.Host;

/// <summary>
/// Used until the script runner is composed in: track scripts keep their initial state (up
/// unless init_fail) and the daemon says so once, loudly, if the configuration has any.
/// </summary>
internal sealed class InitialStateTrackScripts(ILogger log) : ITrackScriptSource
{
    private KeepalivedConfig? _config;

    public void Configure(KeepalivedConfig config, Action<string, bool> changed)
    {
        _config = config;
        if (config.Scripts.Count > 0)
            Logging.Log.ScriptsNotRun(log, config.Scripts.Count);
    }

    public bool IsUp(string script) => _config?.FindScript(script) is not { InitFail: true };

    public void Dispose()
    {
    }
}

/// <summary>Used until the notifier is composed in: state changes are only logged.</summary>
internal sealed class LogOnlyNotifications(ILogger log) : INotificationSink
{
    public void Configure(KeepalivedConfig config)
    {
        bool any = !config.Instances.All(i => i.Notify.IsEmpty) || !config.SyncGroups.All(g => g.Notify.IsEmpty)
            || config.Global.NotifyFifo is not null || config.Global.VrrpNotifyFifo is not null;
        if (any)
            Logging.Log.NotifyNotRun(log);
    }

    public void InstanceChanged(VrrpInstanceConfig instance, RouterState state, byte priority)
    {
    }

    public void PriorityChanged(VrrpInstanceConfig instance, RouterState state, byte priority)
    {
    }

    public void GroupChanged(SyncGroupConfig group, RouterState state)
    {
    }

    public bool Drain(TimeSpan timeout) => true;

    public void Dispose()
    {
    }
}
