using System.Net.Sockets;
using Vrrp.Lab;

namespace Vrrpd.Commands;

/// <summary><c>vrrpd status [--json] [--control-socket PATH]</c>: asks the running daemon.</summary>
internal static class StatusCommand
{
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter errors)
    {
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
                    errors.WriteLine("usage: vrrpd status [--json] [--control-socket PATH]");
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
