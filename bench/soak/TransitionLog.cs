using System.Globalization;
using System.Text.RegularExpressions;

namespace Vrrp.Bench.Soak;

/// <summary>A state change a daemon logged: <c>(VR7) Entering MASTER STATE (reason)</c>, or <c>(VR7) Stopped (was MASTER)</c> as STOPPED.</summary>
internal sealed record Transition(DateTime Time, string Daemon, string Instance, string State, string Reason);

/// <summary>
/// Reads a daemon's log file as it grows and keeps its state changes, with the daemon's own
/// UTC timestamps (the file is only read, from where the last read stopped).
/// </summary>
internal sealed partial class TransitionLog(string daemon, string path)
{
    private long _offset;
    private string _partial = "";

    public List<Transition> Transitions { get; } = [];

    public int LinesRead { get; private set; }

    /// <summary>Reads what was appended since the last call.</summary>
    public void Update()
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(_offset, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        string text = _partial + reader.ReadToEnd();
        _offset = stream.Position;
        int end = text.LastIndexOf('\n');
        _partial = end < 0 ? text : text[(end + 1)..];
        if (end < 0) return;
        foreach (string line in text[..end].Split('\n'))
        {
            LinesRead++;
            Match m = Entering().Match(line);
            if (m.Success)
            {
                Transitions.Add(new Transition(Time(m), daemon, m.Groups["name"].Value, m.Groups["state"].Value, m.Groups["reason"].Value));
                continue;
            }
            m = Stopped().Match(line);
            if (m.Success) Transitions.Add(new Transition(Time(m), daemon, m.Groups["name"].Value, "STOPPED", "was " + m.Groups["state"].Value));
        }
    }

    private static DateTime Time(Match m) =>
        DateTime.ParseExact(m.Groups["time"].Value, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    [GeneratedRegex(@"^(?<time>\S+) \((?<name>[^)]+)\) Entering (?<state>\w+) STATE \((?<reason>.*)\)$")]
    private static partial Regex Entering();

    [GeneratedRegex(@"^(?<time>\S+) \((?<name>[^)]+)\) Stopped \(was (?<state>\w+)\)$")]
    private static partial Regex Stopped();
}
