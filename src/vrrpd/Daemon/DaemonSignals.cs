using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Vrrp.Linux;
using Vrrpd.Dumps;
using Vrrpd.Logging;

namespace Vrrpd.Daemon;

/// <summary>
/// The daemon's signals, as keepalived's VRRP process has them: SIGTERM and SIGINT stop (each
/// Master sends priority 0 and removes its addresses), SIGHUP reloads, SIGUSR1 writes the data
/// dump, SIGUSR2 the statistics, SIGRTMIN+2 the JSON dump, SIGRTMAX-1 the statistics and clears
/// them. Every other signal that would end or stop the process is ignored, as keepalived does
/// (SIG_IGN, or a registration that cancels the runtime's action for SIGQUIT, SIGTSTP, SIGTTIN,
/// SIGTTOU, which it handles itself); the fault signals (SIGSEGV, SIGBUS, SIGILL, SIGFPE) stay the runtime's, and SIGKILL
/// cannot be caught. Installed first thing, before the host exists: a stop that arrives while
/// starting is carried out as soon as the host runs; a reload or dump then is ignored.
/// </summary>
internal sealed class DaemonSignals : IDisposable
{
    private const int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGUSR1 = 10, SIGUSR2 = 12, SIGTERM = 15, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22;

    private readonly ILogger _log;
    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly Lock _lock = new();
    private Actions? _actions;
    private string? _pendingStop;

    private DaemonSignals(ILogger log) => _log = log;

    /// <summary>What the signals do once the daemon runs.</summary>
    /// <param name="Stop">SIGTERM, SIGINT: the reason ("Received SIGTERM").</param>
    /// <param name="Reload">SIGHUP.</param>
    /// <param name="Dump">SIGUSR1, SIGUSR2, SIGRTMIN+2, SIGRTMAX-1.</param>
    public sealed record Actions(Action<string> Stop, Action Reload, Action<DumpKind> Dump);

    /// <summary>keepalived's <c>--signum</c> names and the numbers it prints for them; null for any other name.</summary>
    public static int? Number(string name) => name switch
    {
        "STOP" => SIGTERM,
        "RELOAD" => SIGHUP,
        "DATA" => SIGUSR1,
        "STATS" => SIGUSR2,
        "STATS_CLEAR" => SignalDispositions.RealtimeMax - 1,
        "JSON" => SignalDispositions.RealtimeMin + 2,
        _ => null,
    };

    /// <summary>Registers the handled signals, then ignores every other one that would end or stop the process.</summary>
    public static DaemonSignals Install(ILogger log)
    {
        var signals = new DaemonSignals(log);
        var handled = new List<int>();
        void Handle(int signal, string name, Action<DaemonSignals, string> action)
        {
            try
            {
                signals._registrations.Add(PosixSignalRegistration.Create((PosixSignal)signal, context =>
                {
                    context.Cancel = true;
                    action(signals, name);
                }));
                handled.Add(signal);
            }
            catch (Exception e) when (e is PlatformNotSupportedException or IOException or ArgumentException)
            {
                SignalLog.RegistrationFailed(log, signal, e.Message);
            }
        }
        Handle(SIGTERM, "SIGTERM", static (s, name) => s.OnStop(name));
        Handle(SIGINT, "SIGINT", static (s, name) => s.OnStop(name));
        Handle(SIGHUP, "SIGHUP", static (s, name) => s.With(name, a => a.Reload()));
        Handle(SIGUSR1, "SIGUSR1", static (s, name) => s.With(name, a => a.Dump(DumpKind.Data)));
        Handle(SIGUSR2, "SIGUSR2", static (s, name) => s.With(name, a => a.Dump(DumpKind.Stats)));
        Handle(Number("JSON")!.Value, "SIGRTMIN+2", static (s, name) => s.With(name, a => a.Dump(DumpKind.Json)));
        Handle(Number("STATS_CLEAR")!.Value, "SIGRTMAX-1", static (s, name) => s.With(name, a => a.Dump(DumpKind.StatsClear)));
        // The runtime has handlers of its own for these (terminal handling) and, when no
        // registration cancels them, re-raises them with their default action: end or stop.
        int actedOn = handled.Count;
        foreach (int signal in (int[])[SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU])
            Handle(signal, "", static (_, _) => { });
        // Handled signals are kept even when registration failed: one already ignored when we
        // started (SIGINT under a non-interactive shell) stays ignored, which is what we want.
        IReadOnlyList<int> ignored = SignalDispositions.IgnoreUnhandled(handled);
        SignalLog.Dispositions(log, string.Join(' ', handled.Take(actedOn)), string.Join(' ', handled.Skip(actedOn).Concat(ignored)));
        return signals;
    }

    /// <summary>The daemon runs: signals act from now on; a stop received while starting is carried out now.</summary>
    public void Attach(Actions actions)
    {
        string? pending;
        lock (_lock)
        {
            _actions = actions;
            pending = _pendingStop;
        }
        if (pending is not null)
            actions.Stop("Received " + pending);
    }

    private void OnStop(string name)
    {
        Actions? actions;
        lock (_lock)
        {
            actions = _actions;
            if (actions is null)
                _pendingStop ??= name;
        }
        actions?.Stop("Received " + name);
    }

    private void With(string name, Action<Actions> action)
    {
        Actions? actions;
        lock (_lock)
            actions = _actions;
        if (actions is null)
            SignalLog.IgnoredWhileStarting(_log, name);
        else
            action(actions);
    }

    public void Dispose()
    {
        foreach (PosixSignalRegistration r in _registrations)
            r.Dispose();
        _registrations.Clear();
    }
}
