using System.Diagnostics;
using System.Globalization;

namespace Vrrp.Bench.Netlab;

/// <summary>CPU time and memory of processes, and the machine's load, from /proc.</summary>
internal static class ProcStat
{
    /// <summary>Clock ticks per second of /proc/PID/stat (USER_HZ).</summary>
    public static readonly int TicksPerSecond = ReadTicksPerSecond();

    /// <summary>utime + stime of the whole process (every thread), in ticks; /proc/PID/stat fields 14 and 15.</summary>
    public static long CpuTicks(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) may hold spaces; the fields after it start past its ')'.
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    public static long CpuTicks(IEnumerable<int> pids) => pids.Sum(CpuTicks);

    /// <summary>VmRSS in kB.</summary>
    public static long RssKilobytes(int pid)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return 0;
    }

    public static long RssKilobytes(IEnumerable<int> pids) => pids.Sum(RssKilobytes);

    /// <summary>Busy ticks of all CPUs together (everything but idle and iowait), from /proc/stat.</summary>
    public static long MachineBusyTicks()
    {
        string cpu = File.ReadLines("/proc/stat").First(l => l.StartsWith("cpu ", StringComparison.Ordinal));
        long[] v = [.. cpu.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(s => long.Parse(s, CultureInfo.InvariantCulture))];
        // user nice system idle iowait irq softirq steal (guest is already counted in user).
        return v[0] + v[1] + v[2] + v[5] + v[6] + (v.Length > 7 ? v[7] : 0);
    }

    /// <summary>The 1-minute load average.</summary>
    public static double LoadAverage() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);

    public static bool IsAlive(int pid) => File.Exists($"/proc/{pid}/stat");

    /// <summary>CPU model, core count and kernel, for the record.</summary>
    public static string Machine()
    {
        string cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "unknown CPU";
        string kernel = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        return $"{cpu}, {Environment.ProcessorCount} cores, Linux {kernel}";
    }

    private static int ReadTicksPerSecond()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("getconf", "CLK_TCK") { RedirectStandardOutput = true, UseShellExecute = false })!;
            string text = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return int.TryParse(text, CultureInfo.InvariantCulture, out int hz) && hz > 0 ? hz : 100;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return 100;
        }
    }
}

/// <summary>A CPU window over a set of processes: % of one core between two samples.</summary>
internal sealed class CpuWindow
{
    private readonly int[] _pids;
    private readonly long _ticks;
    private readonly long _started;

    public CpuWindow(IEnumerable<int> pids)
    {
        _pids = [.. pids];
        _ticks = ProcStat.CpuTicks(_pids);
        _started = Stopwatch.GetTimestamp();
    }

    /// <summary>Percent of one core used by the processes since construction.</summary>
    public double PercentOfOneCore()
    {
        long ticks = ProcStat.CpuTicks(_pids) - _ticks;
        double seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        return 100.0 * ticks / ProcStat.TicksPerSecond / seconds;
    }
}
