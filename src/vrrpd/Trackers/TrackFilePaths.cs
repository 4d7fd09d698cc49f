using Vrrp.Keepalived;
using Vrrp.Linux;

namespace Vrrpd.Trackers;

/// <summary>
/// keepalived removes at startup a track_file whose directory does not exist ("Track file
/// directory for NAME does not exist - removing") or cannot be reached ("track file NAME is not
/// accessible - ignoring"): the instances run as if they did not track it. vrrpd decides it on
/// the same load path for <c>-t</c>, startup and reload, so the three agree.
/// </summary>
internal static class TrackFilePaths
{
    /// <summary>The names of the track_file blocks to leave out, with a warning for each in <paramref name="findings"/>.</summary>
    public static HashSet<string> Unreachable(KeepalivedConfig config, List<ConfigDiagnostic> findings)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        // keepalived forgets a block nothing tracks before it looks at its directory.
        HashSet<string> used = [.. config.Instances.SelectMany(i => i.TrackFiles).Concat(config.SyncGroups.SelectMany(g => g.TrackFiles)).Select(t => t.File)];
        foreach (TrackFileConfig f in config.TrackFiles)
        {
            if (!used.Contains(f.Name)) continue;
            int errno = DirectoryWatcher.Resolve(f.Path, out _, out _);
            if (errno == 0) continue;
            names.Add(f.Name);
            findings.Add(new ConfigDiagnostic(Severity.Warning, f.Location, errno is Errno.ENOENT or 20
                ? $"track_file {f.Name}: the directory of {f.Path} does not exist; the file is not tracked, as keepalived does"
                : $"track_file {f.Name}: {f.Path} is not accessible ({Errno.Describe(errno)}); the file is not tracked, as keepalived does"));
        }
        return names;
    }
}
