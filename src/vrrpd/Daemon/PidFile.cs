namespace Vrrpd.Daemon;

/// <summary><c>--pid-file</c>: the daemon's pid, written at start and removed at exit.</summary>
internal sealed class PidFile : IDisposable
{
    private readonly string _path;

    private PidFile(string path) => _path = path;

    /// <exception cref="IOException">The file cannot be written.</exception>
    public static PidFile Write(string path)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, $"{Environment.ProcessId}\n");
        return new PidFile(full);
    }

    public void Dispose()
    {
        // Only our own: a newer daemon may have taken the path over.
        try
        {
            if (File.Exists(_path) && File.ReadAllText(_path).Trim() == Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture))
                File.Delete(_path);
        }
        catch (IOException)
        {
        }
    }
}
