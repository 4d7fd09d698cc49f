using System.Net.Sockets;
using System.Text;

namespace Vrrp.Lab;

/// <summary>
/// The client side of vrrpd's control socket: one request line (<c>status</c>,
/// <c>status json</c>, <c>runtime</c>), the whole reply. <c>vrrpd status</c> uses it, and so
/// does <see cref="VrrpdProcess"/>.
/// </summary>
public static class ControlClient
{
    /// <summary>Sends <paramref name="request"/> to the daemon listening on <paramref name="path"/> and returns its reply.</summary>
    /// <exception cref="SocketException">No daemon listens on <paramref name="path"/>.</exception>
    public static string Request(string path, string request, TimeSpan timeout)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.ReceiveTimeout = (int)timeout.TotalMilliseconds;
        socket.SendTimeout = (int)timeout.TotalMilliseconds;
        socket.Connect(new UnixDomainSocketEndPoint(path));
        socket.Send(Encoding.UTF8.GetBytes(request + "\n"));
        using var stream = new NetworkStream(socket, ownsSocket: false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
