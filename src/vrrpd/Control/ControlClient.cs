using System.Net.Sockets;
using System.Text;

namespace Vrrpd.Control;

/// <summary>The client side of the control socket: one request line, the whole reply.</summary>
internal static class ControlClient
{
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
