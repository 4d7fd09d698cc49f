using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Microsoft.Extensions.Logging;
using Vrrp.Linux.Hosting;
using Vrrpd.Logging;

namespace Vrrpd.Control;

/// <summary>
/// The control socket: a Unix stream socket (mode 0600) served off the loop thread. A client
/// sends one line (<c>status</c> or <c>status json</c>), the server asks the host's loop
/// (<see cref="VrrpHost.GetStatusAsync"/>), which answers with a snapshot taken on its own thread; the server formats it, writes it and
/// closes the connection. <c>runtime</c> answers the "runtime" object of the JSON alone: cheap
/// enough (a few kB allocated) to sample the daemon's garbage collections without causing one,
/// where a status snapshot of hundreds of instances allocates megabytes.
/// </summary>
internal sealed class ControlServer : IDisposable
{
    private const int MaxRequestBytes = 256;
    private const int MaxConnections = 64;
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromSeconds(1);
    private readonly LogRateLimit _errors = new(TimeSpan.FromSeconds(10));
    private SafeFileHandle? _reserve = OpenReserve();
    private int _connections;
    private long _shed;
    private readonly Socket _listener;
    private readonly VrrpHost _host;
    private readonly string _configFile;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();

    private ControlServer(string path, Socket listener, VrrpHost host, string configFile, ILogger log)
    {
        Path = path;
        _listener = listener;
        _host = host;
        _configFile = configFile;
        _log = log;
    }

    public string Path { get; }

    /// <summary>
    /// Binds <paramref name="path"/> (creating its directory) and starts accepting. A stale
    /// socket file (no one listening) is replaced; a live one means another daemon uses the path.
    /// </summary>
    /// <exception cref="IOException">Another daemon listens there, or the path cannot be bound.</exception>
    public static ControlServer Start(string path, VrrpHost host, string configFile, ILogger log)
    {
        string full = System.IO.Path.GetFullPath(path);
        string directory = System.IO.Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        if (File.Exists(full) && IsListening(full))
            throw new IOException($"another vrrpd is listening on {full}; give this one its own --control-socket");
        // Bind under a temporary name, restrict it, then rename over the final path: no moment
        // where the socket is reachable with looser permissions, and a stale file is replaced atomically.
        string temporary = $"{full}.{Environment.ProcessId}.tmp";
        File.Delete(temporary);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(temporary));
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Move(temporary, full, overwrite: true);
            listener.Listen(16);
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            listener.Dispose();
            File.Delete(temporary);
            throw new IOException($"cannot listen on {full}: {e.Message}", e);
        }
        var server = new ControlServer(full, listener, host, configFile, log);
        _ = Task.Run(server.AcceptLoopAsync);
        Log.ControlListening(log, full);
        return server;
    }

    private static bool IsListening(string path)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    // Accepting never spins and never lets clients exhaust descriptors: a connection must send
    // its request within IdleTimeout, at most MaxConnections are served at once (more are told
    // so and closed), and when the process runs out of descriptors (EMFILE) one kept in reserve
    // is given up to accept and close the waiting connection, then the loop backs off.
    private async Task AcceptLoopAsync()
    {
        TimeSpan backoff = TimeSpan.Zero;
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
                backoff = TimeSpan.Zero;
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                if (e.SocketErrorCode == SocketError.TooManyOpenSockets || e.NativeErrorCode is 23 or 24) // ENFILE, EMFILE
                    ShedWithReserve();
                if (_errors.ShouldLog(out long suppressed))
                    Log.ControlError(_log, suppressed == 0 ? e.Message : $"{e.Message} (+{suppressed} not logged)");
                backoff = backoff == TimeSpan.Zero ? MinBackoff : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                try
                {
                    await Task.Delay(backoff, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }
            if (Interlocked.Increment(ref _connections) > MaxConnections)
            {
                _ = Task.Run(() => RefuseAsync(client));
                continue;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    // Out of descriptors: free the reserve, take the waiting connections off the queue and close
    // them (they would wake the accept loop again and again), then take the reserve back.
    private void ShedWithReserve()
    {
        _reserve?.Dispose();
        _reserve = null;
        try
        {
            for (int i = 0; i < MaxConnections && _listener.Poll(0, SelectMode.SelectRead); i++)
                _listener.Accept().Dispose();
        }
        catch (SocketException)
        {
        }
        _reserve = OpenReserve();
        Interlocked.Increment(ref _shed);
    }

    private static SafeFileHandle? OpenReserve()
    {
        try
        {
            return File.OpenHandle("/dev/null");
        }
        catch (IOException)
        {
            return null;
        }
    }

    private async Task RefuseAsync(Socket client)
    {
        try
        {
            using (client)
            {
                await client.SendAsync("error: too many control connections; try again\n"u8.ToArray(), SocketFlags.None).ConfigureAwait(false);
                // Closing with the request unread would reset the connection before the client reads why.
                client.Shutdown(SocketShutdown.Send);
                using var drain = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
                await client.ReceiveAsync(new byte[MaxRequestBytes], SocketFlags.None, drain.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _connections);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using (client)
        await using (var stream = new NetworkStream(client, ownsSocket: false))
        {
            try
            {
                string? request;
                using (var idle = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
                {
                    idle.CancelAfter(IdleTimeout);
                    request = await ReadLineAsync(PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true)), idle.Token).ConfigureAwait(false);
                }
                byte[] reply = await AnswerAsync(request).ConfigureAwait(false);
                await stream.WriteAsync(reply).ConfigureAwait(false);
                client.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // The client went away or said nothing in time; nothing to tell it.
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A failed request (a snapshot that threw) must not become an unobserved task
                // exception, which stops the daemon (Daemon/LastChance).
                Log.ControlError(_log, $"request failed: {e.GetType().Name}: {e.Message}");
            }
            finally
            {
                Interlocked.Decrement(ref _connections);
            }
        }
    }

    private async Task<byte[]> AnswerAsync(string? request)
    {
        bool json;
        switch (request?.Trim())
        {
            case "status":
                json = false;
                break;
            case "status json":
                json = true;
                break;
            case "runtime":
                return await RuntimeAsync().ConfigureAwait(false);
            default:
                if (Daemon.TestFaults.TryAnswer(request, _host) is { } testReply)
                    return testReply;
                return Encoding.UTF8.GetBytes($"error: unknown request '{request}'; expected 'status', 'status json' or 'runtime'\n");
        }
        StatusSnapshot snapshot;
        try
        {
            snapshot = new StatusSnapshot(Environment.ProcessId, _configFile, await _host.GetStatusAsync().WaitAsync(ReplyTimeout).ConfigureAwait(false));
        }
        catch (TimeoutException)
        {
            return "error: the daemon's event loop did not answer within 5 s\n"u8.ToArray();
        }
        return json ? StatusFormatter.Json(snapshot) : Encoding.UTF8.GetBytes(StatusFormatter.Text(snapshot));
    }

    private async Task<byte[]> RuntimeAsync()
    {
        try
        {
            return StatusFormatter.RuntimeJson(await _host.GetRuntimeAsync().WaitAsync(ReplyTimeout).ConfigureAwait(false));
        }
        catch (TimeoutException)
        {
            return "error: the daemon's event loop did not answer within 5 s\n"u8.ToArray();
        }
    }

    // One request line, framed by the pipe: bytes up to '\n' (or the end), at most MaxRequestBytes.
    private static async Task<string?> ReadLineAsync(PipeReader reader, CancellationToken cancel)
    {
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancel).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            SequencePosition? newline = buffer.PositionOf((byte)'\n');
            if (newline is not null || result.IsCompleted || buffer.Length > MaxRequestBytes)
            {
                ReadOnlySequence<byte> line = newline is { } end ? buffer.Slice(0, end) : buffer;
                string? text = line.Length is > 0 and <= MaxRequestBytes ? Encoding.UTF8.GetString(line) : null;
                reader.AdvanceTo(buffer.End);
                await reader.CompleteAsync().ConfigureAwait(false);
                return text;
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
        }
        _stop.Dispose();
        _reserve?.Dispose();
    }

    /// <summary>Connections closed unanswered because the process was out of descriptors.</summary>
    public long Shed => Interlocked.Read(ref _shed);
}
