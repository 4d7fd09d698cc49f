using Microsoft.Extensions.Logging;
using Vrrp.Core.Router;
using Vrrp.Linux.Hosting;
using Vrrp.Keepalived;
using Vrrpd.Logging;

namespace Vrrpd.Daemon;

/// <summary>
/// A keepalived.conf as the daemon runs it: the configuration (scripts, notifications) and the
/// host configuration mapped from it. <see cref="Load"/> is the one path from a file to both,
/// taken at startup and on every reload.
/// </summary>
internal sealed class DaemonConfiguration
{
    private DaemonConfiguration(KeepalivedConfig config, HostConfiguration host)
    {
        Config = config;
        Host = host;
    }

    public KeepalivedConfig Config { get; }

    public HostConfiguration Host { get; }

    /// <summary>
    /// Reads <paramref name="path"/>, logs every finding with file and line, and maps it to the
    /// host's terms. Null when it cannot be used: <paramref name="errors"/> says how many errors.
    /// </summary>
    public static DaemonConfiguration? Load(string path, ConfigLoadOptions options, ILogger log, out int errors)
    {
        ConfigLoadResult result = ConfigLoader.LoadFile(path, options);
        foreach (ConfigDiagnostic d in result.Diagnostics)
        {
            if (d.IsError)
                Log.ConfigError(log, d.ToString());
            else
                Log.ConfigWarning(log, d.ToString());
        }
        errors = result.Errors.Count();
        if (result.Config is not KeepalivedConfig config)
            return null;
        List<string> problems = [.. config.Instances.SelectMany(c => InstanceOptions.Unsupported(c).Select(p => $"{c.Location}: {p}"))];
        foreach (string problem in problems)
            Log.ConfigError(log, problem);
        errors = problems.Count;
        return problems.Count > 0 ? null : new DaemonConfiguration(config, Map(config, path));
    }

    /// <summary>A host error as the configuration's own errors read: file, line, instance.</summary>
    public string Describe(HostBuildException e) =>
        Config.FindInstance(e.Router) is { } instance ? $"{instance.Location}: vrrp_instance {e.Router}: {e.Message}" : $"vrrp_instance {e.Router}: {e.Message}";

    private static HostConfiguration Map(KeepalivedConfig config, string source) => new()
    {
        Routers = [.. config.Instances.Select(c => Router(c, c.SyncGroup is null ? null : config.FindSyncGroup(c.SyncGroup), config.Global))],
        SyncGroups = [.. config.SyncGroups.Select(g => new SyncGroupDefinition(g.Name, [.. g.Members]))],
        GarpInterval = config.Global.GarpInterval,
        GnaInterval = config.Global.GnaInterval,
        StartupDelay = config.Global.StartupDelay,
        Source = source,
    };

    private static RouterDefinition Router(VrrpInstanceConfig c, SyncGroupConfig? group, GlobalDefs global)
    {
        IReadOnlyList<TrackerSpec> trackers = InstanceOptions.Trackers(c, group);
        return new RouterDefinition
        {
            Options = InstanceOptions.ToRouterOptions(c, c.SourceAddress ?? default, trackers),
            Interface = c.Interface,
            Addresses = [.. c.VirtualAddresses.Select(a => Address(a, advertised: true)), .. c.ExcludedAddresses.Select(a => Address(a, advertised: false))],
            UnicastPeers = [.. c.UnicastPeers],
            CheckUnicastSource = c.CheckUnicastSource,
            Vmac = c.UseVmac ? new VmacDefinition(c.VmacName ?? $"{global.VmacPrefix}.{c.VirtualRouterId}", c.VmacXmitBase) : null,
            Checksum = c.V3Checksum,
            TrackInterface = !c.DontTrackPrimary,
            Trackers = [.. trackers.Select(t => t.Kind == TrackerKind.Interface
                ? new TrackerDefinition(TrackerSource.Interface, t.Name, t.Weight, t.Reverse)
                : new TrackerDefinition(TrackerSource.External, t.Name, t.Weight, t.Reverse, "script"))],
            NotifyPriorityChanges = c.NotifyPriorityChanges,
        };
    }

    private static VirtualAddressDefinition Address(VirtualAddressConfig a, bool advertised) =>
        new(a.Address, a.PrefixLength, a.Device, a.Label, (byte)a.Scope, a.Broadcast ?? default, advertised);
}
