using System.Globalization;
using System.Text;

namespace Vrrp.Linux;

/// <summary>
/// What <c>/proc</c> says about processes, read the way keepalived's track_process reads it:
/// the name from <c>/proc/PID/stat</c> (zombies left out) or <c>/proc/PID/comm</c>, the command
/// line from <c>/proc/PID/cmdline</c>. A process that is gone by the time it is read is simply
/// absent (null), never an exception.
/// </summary>
public static class ProcFs
{
    private const string Root = "/proc";

    /// <summary>The ids of the processes now running (the numeric entries of <c>/proc</c>).</summary>
    public static List<int> Pids()
    {
        var pids = new List<int>(512);
        foreach (string entry in Directory.EnumerateDirectories(Root))
        {
            string name = Path.GetFileName(entry);
            if (name.Length > 0 && name[0] is >= '1' and <= '9' && int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                pids.Add(pid);
        }
        return pids;
    }

    /// <summary>
    /// The name (comm, at most 15 bytes) of a live process from <c>/proc/PID/stat</c>; null when
    /// the process is gone or a zombie (state Z), which keepalived does not count either.
    /// </summary>
    public static string? LiveName(int pid)
    {
        string? stat = ReadText($"{Root}/{pid}/stat");
        if (stat is null) return null;
        // "PID (comm) S ...": the name may itself hold parentheses, so take the last ')'.
        int open = stat.IndexOf('(', StringComparison.Ordinal), close = stat.LastIndexOf(')');
        if (open < 0 || close < open || close + 2 >= stat.Length) return null;
        return stat[close + 2] == 'Z' ? null : stat[(open + 1)..close];
    }

    /// <summary>The parent of a process (field 4 of <c>/proc/PID/stat</c>); 0 when it is gone.</summary>
    public static int ParentPid(int pid)
    {
        string? stat = ReadText($"{Root}/{pid}/stat");
        int close = stat?.LastIndexOf(')') ?? -1;
        if (stat is null || close < 0) return 0;
        string[] fields = stat[(close + 2)..].Split(' ', 3);
        return fields.Length >= 2 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out int parent) ? parent : 0;
    }

    /// <summary>The name (comm) of a process from <c>/proc/PID/comm</c>, without the newline; null when gone.</summary>
    public static string? Name(int pid) => ReadText($"{Root}/{pid}/comm")?.TrimEnd('\n');

    /// <summary>
    /// The command line of a process from <c>/proc/PID/cmdline</c>, one string per argument;
    /// empty for a kernel thread or a zombie, null when the process is gone.
    /// </summary>
    public static string[]? CommandLine(int pid)
    {
        byte[]? bytes = ReadBytes($"{Root}/{pid}/cmdline");
        if (bytes is null) return null;
        ReadOnlySpan<byte> text = bytes;
        if (text.Length > 0 && text[^1] == 0) text = text[..^1];
        if (text.Length == 0) return [];
        var args = new List<string>();
        foreach (Range r in text.Split((byte)0))
            args.Add(Encoding.UTF8.GetString(text[r]));
        return [.. args];
    }

    private static string? ReadText(string path) => ReadBytes(path) is byte[] bytes ? Encoding.UTF8.GetString(bytes) : null;

    private static byte[]? ReadBytes(string path)
    {
        try
        {
            // /proc files report size 0: read to the end.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
            using var copy = new MemoryStream();
            stream.CopyTo(copy, 4096);
            return copy.ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
