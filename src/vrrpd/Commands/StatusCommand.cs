using System.Net.Sockets;
using Vrrp.Lab;

namespace Vrrpd.Commands;

/// <summary><c>vrrpd status [--json] [--control-socket PATH]</c>: asks the running daemon.</summary>
internal static class StatusCommand
{
    public const string Help = $"""
        usage: vrrpd status [--json] [--control-socket PATH]

        Asks the running daemon, through its control socket, about every instance: its state,
        since when and why, the master it hears, priority and effective priority, trackers,
        addresses and the counts of rejected input by reason. Exit status 0 with the answer;
        1 when no daemon listens on the socket or it may not be opened (mode 0600, the daemon
        user's); 2 for bad usage.

          --json                  one JSON document (name, interface, vrid, state, priority,
                                  effective_priority, master, addresses, trackers, counters, ...)
          --control-socket PATH   the daemon's socket, as it was given to the daemon
                                  (default {DaemonOptions.DefaultControlSocket})
          -h, --help              this text
        """;

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter errors)
    {
        if (Usage.AsksForHelp(args))
        {
            output.WriteLine(Help);
            return 0;
        }
        bool json = false;
        string path = DaemonOptions.DefaultControlSocket;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--json":
                    json = true;
                    break;
                case "--control-socket" when i + 1 < args.Count:
                    path = args[++i];
                    break;
                default:
                    if (args[i].StartsWith("--control-socket=", StringComparison.Ordinal))
                    {
                        path = args[i]["--control-socket=".Length..];
                        break;
                    }
                    errors.WriteLine($"vrrpd status: unexpected argument '{args[i]}'");
                    errors.WriteLine("run 'vrrpd status --help' for the flags");
                    return 2;
            }
        }
        try
        {
            string reply = ControlClient.Request(path, json ? "status json" : "status", TimeSpan.FromSeconds(10));
            if (reply.StartsWith("error:", StringComparison.Ordinal))
            {
                errors.Write($"vrrpd status: {reply}");
                return 1;
            }
            output.Write(reply);
            return 0;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AccessDenied || e.NativeErrorCode == 13)
        {
            errors.WriteLine($"vrrpd status: permission denied on {path} ({e.Message}): the control socket is mode 0600, for the daemon's user (root); run vrrpd status as that user");
            return 1;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressNotAvailable or SocketError.ConnectionRefused || e.ErrorCode == 2)
        {
            errors.WriteLine($"vrrpd status: no vrrpd is listening on {path} ({e.Message}); is the daemon running, and with this --control-socket?");
            return 1;
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            errors.WriteLine($"vrrpd status: {path}: {e.Message}");
            return 1;
        }
    }
}
