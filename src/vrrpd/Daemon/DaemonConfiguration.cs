using Microsoft.Extensions.Logging;
using Vrrp.Core.Router;
using Vrrp.Linux.Hosting;
using Vrrp.Keepalived;
using Vrrpd.Logging;
using Vrrpd.Trackers;

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
    /// Reads <paramref name="path"/> and maps it to the host's terms: what <c>vrrpd -t</c> checks
    /// and the daemon runs. Null when it cannot be used; <paramref name="diagnostics"/> has every
    /// finding with file and line, those of the mapping included.
    /// </summary>
    public static DaemonConfiguration? Read(string path, ConfigLoadOptions options, out IReadOnlyList<ConfigDiagnostic> diagnostics)
    {
        ConfigLoadResult result = ConfigLoader.LoadFile(path, options);
        diagnostics = result.Diagnostics;
        if (result.Config is not KeepalivedConfig config)
            return null;
        ConfigDiagnostic[] problems = [.. config.Instances.SelectMany(c => InstanceOptions.Unsupported(c).Select(p => new ConfigDiagnostic(Severity.Error, c.Location, p)))];
        if (problems.Length > 0)
        {
            diagnostics = [.. result.Diagnostics, .. problems];
            return null;
        }
        var trackerFindings = new List<ConfigDiagnostic>();
        HashSet<string> unreachableFiles = TrackFilePaths.Unreachable(config, trackerFindings);
        if (trackerFindings.Count > 0)
            diagnostics = [.. result.Diagnostics, .. trackerFindings];
        return new DaemonConfiguration(config, Map(config, path, unreachableFiles));
    }

    /// <summary><see cref="Read"/>, logging every finding; <paramref name="errors"/> counts the errors.</summary>
    public static DaemonConfiguration? Load(string path, ConfigLoadOptions options, ILogger log, out int errors)
    {
        DaemonConfiguration? loaded = Read(path, options, out IReadOnlyList<ConfigDiagnostic> diagnostics);
        foreach (ConfigDiagnostic d in diagnostics)
        {
            if (d.IsError)
                Log.ConfigError(log, d.ToString());
            else
                Log.ConfigWarning(log, d.ToString());
        }
        errors = diagnostics.Count(d => d.IsError);
        return loaded;
    }

    /// <summary>A host error as the configuration's own errors read: file, line, instance.</summary>
    public string Describe(HostBuildException e) =>
        Config.FindInstance(e.Router) is { } instance ? $"{instance.Location}: vrrp_instance {e.Router}: {e.Message}" : $"vrrp_instance {e.Router}: {e.Message}";

    private static HostConfiguration Map(KeepalivedConfig config, string source, HashSet<string> unreachableFiles) => new()
    {
        Routers = [.. config.Instances.Select(c => Router(c, c.SyncGroup is null ? null : config.FindSyncGroup(c.SyncGroup), config.Global, unreachableFiles))],
        SyncGroups = [.. config.SyncGroups.Select(g => new SyncGroupDefinition(g.Name, [.. g.Members]))],
        GarpInterval = config.Global.GarpInterval,
        GnaInterval = config.Global.GnaInterval,
        StartupDelay = config.Global.StartupDelay,
        Source = source,
    };

    private static RouterDefinition Router(VrrpInstanceConfig c, SyncGroupConfig? group, GlobalDefs global, HashSet<string> unreachableFiles)
    {
        IReadOnlyList<TrackerSpec> trackers = [.. InstanceOptions.Trackers(c, group).Where(t => t.Kind != TrackerKind.File || !unreachableFiles.Contains(t.Name))];
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
                : new TrackerDefinition(TrackerSource.External, t.Name, t.Weight, t.Reverse, t.KindText, t.Input))],
            NotifyPriorityChanges = c.NotifyPriorityChanges,
            Routes = [.. c.VirtualRoutes.Select(RoutingMap.Route)],
            Rules = [.. c.VirtualRules.Select(RoutingMap.Rule)],
        };
    }

    private static VirtualAddressDefinition Address(VirtualAddressConfig a, bool advertised) =>
        new(a.Address, a.PrefixLength, a.Device, a.Label, (byte)a.Scope, a.Broadcast ?? default, advertised);
}
