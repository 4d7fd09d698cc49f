namespace Vrrp.Lab;

/// <summary>
/// A new directory under the system's temporary directory (named <c>PREFIX</c> and a GUID,
/// made with the default mode), for files a test writes, such as configurations; disposing
/// removes it with everything in it.
/// </summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>Makes the directory, named <paramref name="prefix"/> followed by a new GUID.</summary>
    public TempDirectory(string prefix = "vrrpd-config-")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    /// <summary>The directory's full path.</summary>
    public string Path { get; }

    /// <summary>
    /// Writes <paramref name="text"/> to <paramref name="relative"/> (a path inside the
    /// directory, its parent directories made as needed) and returns the file's full path.
    /// </summary>
    public string Write(string relative, string text)
    {
        string full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return full;
    }

    /// <summary>Removes the directory and everything in it.</summary>
    public void Dispose() => Directory.Delete(Path, recursive: true);
}
