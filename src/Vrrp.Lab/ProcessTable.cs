using System.Globalization;

namespace Vrrp.Lab;

/// <summary>The processes of this machine (its PID namespace), as /proc shows them.</summary>
public static class ProcessTable
{
    /// <summary>
    /// The processes (zombies left out) whose process group is <paramref name="pgid"/>: field
    /// 5 (pgrp) of each /proc/PID/stat, read after the command name; a process that ends while
    /// being read is left out.
    /// </summary>
    public static List<int> GroupMembers(int pgid)
    {
        var members = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out int pid)) continue;
            try
            {
                string stat = File.ReadAllText($"{dir}/stat");
                string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[2], CultureInfo.InvariantCulture) == pgid && fields[0] != "Z") members.Add(pid);
            }
            catch (IOException) { }
        }
        return members;
    }
}
