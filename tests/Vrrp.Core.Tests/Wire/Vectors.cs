namespace Vrrp.Core.Tests.Wire;

/// <summary>The frames of vectors.txt (captured from keepalived 2.2.7), by pcap file and frame index.</summary>
internal static class Vectors
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Vectors");

    private static readonly Lazy<Dictionary<(string File, int Index), byte[]>> Frames = new(() =>
    {
        var frames = new Dictionary<(string, int), byte[]>();
        foreach (string line in File.ReadLines(Path.Combine(Directory, "vectors.txt")))
        {
            if (line.Length == 0 || line.StartsWith('#')) continue;
            string[] parts = line.Split(' ');
            frames.Add((parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)), Convert.FromHexString(parts[2]));
        }
        return frames;
    });

    public static IReadOnlyDictionary<(string File, int Index), byte[]> All => Frames.Value;

    /// <summary>A fresh copy, so a test may change it.</summary>
    public static byte[] Frame(string file, int index) => (byte[])Frames.Value[(file, index)].Clone();
}
