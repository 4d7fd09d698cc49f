using System.Runtime.InteropServices;
using Vrrp.Linux;
using Vrrpd.Demo;

namespace Vrrpd.Commands;

/// <summary>
/// <c>vrrpd demo</c>: the README's first command. Checks what it needs (root, iproute2), then
/// runs <see cref="DemoScenario"/>; SIGINT, SIGTERM and SIGHUP interrupt it, and it still
/// removes its lab. Exit status: 0 every check passed, 1 a check failed or the lab could not be
/// built, 2 bad flags, 128 + signal when interrupted.
/// </summary>
internal static class DemoCommand
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (Usage.AsksForHelp(args))
        {
            stdout.WriteLine(DemoOptions.Help);
            return 0;
        }
        if (!DemoOptions.TryParse(args, out DemoOptions options, out string? error))
        {
            stderr.WriteLine($"vrrpd demo: {error}");
            stderr.WriteLine("run 'vrrpd demo --help' for the flags");
            return 2;
        }
        if (options.ShowHelp)
        {
            stdout.WriteLine(DemoOptions.Help);
            return 0;
        }
        if (!Environment.IsPrivilegedProcess)
        {
            stderr.WriteLine("vrrpd demo: needs root: it creates network namespaces and runs vrrpd in them (try: sudo vrrpd demo)");
            return 1;
        }
        if (Executables.Find("ip") is null)
        {
            stderr.WriteLine("vrrpd demo: needs the ip command of iproute2 (apt-get install iproute2)");
            return 1;
        }
        foreach (var (program, package) in (ReadOnlySpan<(string, string)>)[("sh", "dash"), ("setsid", "util-linux")])
        {
            if (Executables.Find(program) is null)
            {
                stderr.WriteLine($"vrrpd demo: needs the {program} command ({package})");
                return 1;
            }
        }
        if (options.CleanOnly)
            return DemoScenario.CleanStale(stdout);

        var interruption = new Interruption();
        using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => interruption.Raise(c, "SIGINT", 2));
        using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => interruption.Raise(c, "SIGTERM", 15));
        using PosixSignalRegistration hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => interruption.Raise(c, "SIGHUP", 1));
        return new DemoScenario(options, stdout, interruption).Run();
    }
}

/// <summary>A signal that asks the demo to stop: the run's waits end and the lab is removed.</summary>
internal sealed class Interruption
{
    private readonly CancellationTokenSource _source = new();
    private volatile string? _signal;

    public CancellationToken Token => _source.Token;

    /// <summary>The signal's name, once one arrived.</summary>
    public string? Signal => _signal;

    /// <summary>128 + the signal number, the shell's convention.</summary>
    public int ExitCode { get; private set; }

    public void Raise(PosixSignalContext context, string name, int number)
    {
        // The demo exits by itself, after removing its lab; a second signal changes nothing.
        context.Cancel = true;
        if (_signal is not null)
            return;
        ExitCode = 128 + number;
        _signal = name;
        _source.Cancel();
    }
}
