namespace Vrrp.Linux;

/// <summary>
/// Finds the system commands vrrpd runs (nft, setpriv, ip) in the system directories only, not
/// on PATH: the daemon runs them as root, and a service may start with a short PATH anyway.
/// </summary>
public static class Executables
{
    private static readonly string[] SystemDirectories = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"];

    /// <summary>The full path of command <paramref name="name"/>, or null when it is not installed.</summary>
    public static string? Find(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        foreach (string directory in SystemDirectories)
        {
            string candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }
}
