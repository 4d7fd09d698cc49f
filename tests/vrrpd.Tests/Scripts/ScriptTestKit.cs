using System.Collections.Concurrent;
using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;
using Vrrp.Keepalived;
using Vrrpd.Scripts;

namespace vrrpd.Tests.Scripts;

/// <summary>A temporary directory of real scripts, a log that records lines, and configuration builders.</summary>
[SupportedOSPlatform("linux")]
internal sealed class ScriptTestKit : IDisposable
{
    public static readonly ScriptAccount Root = new("root", 0, 0);
    public static readonly ScriptAccount Nobody = new("nobody", 65534, 65534);

    public ScriptTestKit()
    {
        Dir = Directory.CreateTempSubdirectory("vrrpd-scripts-").FullName;
        // Scripts in it run as root and nobody: root-owned, readable and searchable by all, writable by root only.
        File.SetUnixFileMode(Dir, (UnixFileMode)0x1ED);
    }

    public string Dir { get; }

    public ListLogger Log { get; } = new();

    /// <summary>Fast timings for tests (grace period short, notify timeout as given).</summary>
    public static ScriptOptions Options(double notifyTimeoutSeconds = 10) =>
        new() { TermGrace = TimeSpan.FromMilliseconds(300), NotifyTimeout = TimeSpan.FromSeconds(notifyTimeoutSeconds) };

    public static GlobalDefs Secure => new() { ScriptUser = "root", EnableScriptSecurity = true };

    public void Dispose()
    {
        // Scripts may have left a world-writable or foreign-owned file; root can remove it all.
        Directory.Delete(Dir, recursive: true);
    }

    public string PathOf(string name) => Path.Combine(Dir, name);

    /// <summary>Writes an executable (0755) shell script in <see cref="Dir"/>; <paramref name="body"/> follows "#!/bin/sh".</summary>
    public string Script(string name, string body, int mode = 0x1ED) => WriteScript(PathOf(name), body, mode);

    /// <summary>Writes an executable (0755) shell script at <paramref name="path"/>; <paramref name="body"/> follows "#!/bin/sh".</summary>
    public static string WriteScript(string path, string body, int mode = 0x1ED)
    {
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, (UnixFileMode)mode);
        return path;
    }

    /// <summary>A world-writable directory for script output (not on any script's path).</summary>
    public string OutputDir()
    {
        string path = PathOf("out");
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, (UnixFileMode)0x1FF);
        return path;
    }

    public string[] Lines(string name) => File.Exists(PathOf(name)) ? File.ReadAllLines(PathOf(name)) : [];

    public static ScriptCommand Command(params string[] argv) =>
        new(string.Join(' ', argv), argv.ToEquatableArray(), null, null);

    public static VrrpScriptConfig TrackScript(string name, string path, double intervalSeconds = 0.1, double? timeoutSeconds = null,
        int rise = 1, int fall = 1, bool initFail = false, string? user = null) => new()
        {
            Name = name,
            Command = new ScriptCommand(path, new[] { path }.ToEquatableArray(), user, null),
            Interval = TimeSpan.FromSeconds(intervalSeconds),
            Timeout = TimeSpan.FromSeconds(timeoutSeconds ?? 5),
            Rise = rise,
            Fall = fall,
            InitFail = initFail,
        };

    /// <summary>A configuration whose one instance tracks every script given.</summary>
    public static KeepalivedConfig Config(GlobalDefs global, params VrrpScriptConfig[] scripts) => new()
    {
        Global = global,
        Scripts = scripts.ToEquatableArray(),
        Instances = new[]
        {
            new VrrpInstanceConfig
            {
                Name = "mape",
                VirtualRouterId = 4,
                TrackScripts = scripts.Select(s => new TrackedScriptConfig(s.Name, 0, false)).ToEquatableArray(),
            },
        }.ToEquatableArray(),
        SyncGroups = EquatableArray<SyncGroupConfig>.Empty,
        Files = EquatableArray<string>.Empty,
    };

    public static void WaitUntil(Func<bool> condition, string what, double seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            Thread.Sleep(10);
        }
    }

    /// <summary>True while a process exists and is not a zombie.</summary>
    public static bool Alive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}

/// <summary>Records every log line with its level.</summary>
internal sealed class ListLogger : ILogger
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message)> _lines = new();

    public IReadOnlyList<(LogLevel Level, string Message)> Lines => [.. _lines];

    public int Count(string fragment) => _lines.Count(l => l.Message.Contains(fragment, StringComparison.Ordinal));

    public string Text => string.Join('\n', _lines.Select(l => $"{l.Level}: {l.Message}"));

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue((logLevel, formatter(state, exception)));
}

/// <summary>Collects the callbacks of a <see cref="TrackScriptRunner"/>, in order.</summary>
internal sealed class StateChanges
{
    private readonly ConcurrentQueue<(string Name, bool Up)> _changes = new();

    public Action<string, bool>? OnChange { get; set; }

    public IReadOnlyList<(string Name, bool Up)> All => [.. _changes];

    public void Record(string name, bool up)
    {
        OnChange?.Invoke(name, up);
        _changes.Enqueue((name, up));
    }
}
