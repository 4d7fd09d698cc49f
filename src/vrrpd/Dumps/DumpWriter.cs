using Microsoft.Extensions.Logging;
using Vrrp.Keepalived;
using Vrrp.Linux.Hosting;
using Vrrpd.Logging;

namespace Vrrpd.Dumps;

/// <summary>
/// Writes keepalived's dumps when asked (a signal): the host's snapshot and the configuration
/// it runs are taken together on the loop thread (for <see cref="DumpKind.StatsClear"/> the
/// counters are cleared in the same step, so none is lost), then formatted and written on a
/// pool thread, one dump at a time. A file is written under a new name in the same directory
/// and renamed over the old one: a symbolic link planted at the dump's name is replaced, never
/// followed (keepalived's CVE-2018-19044), and a reader never sees half a file.
/// </summary>
internal sealed class DumpWriter(DumpFiles files, ILogger log)
{
    private static readonly TimeSpan SnapshotTimeout = TimeSpan.FromSeconds(5);
    private readonly Lock _gate = new();
    private VrrpHost? _host;
    private KeepalivedConfig? _config;

    public DumpFiles Files => files;

    public void Attach(VrrpHost host) => Volatile.Write(ref _host, host);

    /// <summary>The configuration now in force: at start, and on the loop thread as a reload is applied.</summary>
    public void Configure(KeepalivedConfig config) => Volatile.Write(ref _config, config);

    /// <summary>Any thread: writes the dump on a pool thread.</summary>
    public void Request(DumpKind kind) =>
        ThreadPool.UnsafeQueueUserWorkItem(static s => s.Writer.Write(s.Kind), (Writer: this, Kind: kind), preferLocal: false);

    /// <summary>Writes one dump now (the calling thread waits for the loop's snapshot); false if it could not.</summary>
    public bool Write(DumpKind kind)
    {
        lock (_gate)
        {
            // keepalived's words, so a search for them finds ours.
            SignalLog.DumpPrinting(log, kind switch
            {
                DumpKind.Data => "Printing VRRP data",
                DumpKind.Stats => "Printing VRRP stats",
                DumpKind.StatsClear => "Printing and clearing VRRP stats",
                _ => "Printing VRRP as json",
            }, Environment.ProcessId);
            DumpSource? source = Take(kind == DumpKind.StatsClear);
            if (source is null)
                return false;
            // keepalived writes no JSON file without instances.
            if (kind == DumpKind.Json && source.Status.Instances.Count == 0)
                return true;
            string text = kind switch
            {
                DumpKind.Data => DataDump.Format(source),
                DumpKind.Json => JsonDump.Format(source),
                _ => StatsDump.Format(source),
            };
            string path = files.PathOf(kind);
            try
            {
                ReplaceFile(path, text);
                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                SignalLog.DumpFailed(log, path, e.Message);
                return false;
            }
        }
    }

    private DumpSource? Take(bool clearCounters)
    {
        VrrpHost? host = Volatile.Read(ref _host);
        if (host is null || Volatile.Read(ref _config) is null)
        {
            SignalLog.DumpFailed(log, files.Directory, "the daemon is still starting");
            return null;
        }
        var reply = new TaskCompletionSource<DumpSource>(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Post(h =>
        {
            try
            {
                HostStatus status = h.Snapshot();
                if (clearCounters)
                {
                    foreach (InstanceStatus i in status.Instances)
                        h.FindRouter(i.Name)?.Counters.Clear();
                }
                reply.TrySetResult(new DumpSource(status, Volatile.Read(ref _config)!, Environment.ProcessId));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                reply.TrySetException(e);
            }
        });
        try
        {
            if (reply.Task.Wait(SnapshotTimeout))
                return reply.Task.Result;
            SignalLog.DumpFailed(log, files.Directory, $"the event loop did not answer within {SnapshotTimeout.TotalSeconds} s");
        }
        catch (AggregateException e)
        {
            SignalLog.DumpFailed(log, files.Directory, e.InnerException?.Message ?? e.Message);
        }
        return null;
    }

    /// <summary>
    /// Writes <paramref name="text"/> to a new file (O_CREAT|O_EXCL, mode 0600 as keepalived's
    /// dumps) next to <paramref name="path"/> and renames it over <paramref name="path"/>.
    /// </summary>
    internal static void ReplaceFile(string path, string text)
    {
        string directory = Path.GetDirectoryName(path)!;
        string temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Random.Shared.Next():x8}");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(System.Text.Encoding.UTF8.GetBytes(text));
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temporary);
            }
            catch (IOException)
            {
            }
            throw;
        }
    }
}
