using Microsoft.Extensions.Logging;
using Vrrp.Core.Router;
using Vrrp.Core.Wire;

namespace Vrrp.Linux.Hosting;

/// <summary>
/// A socket advertisements arrive on, and the routers they are for: a packet socket of an
/// interface (<see cref="HostInterface"/>) or a unicast socket (<see cref="UnicastEndpoint"/>).
/// <see cref="ReceivePath"/> reads every endpoint the same way; an endpoint says only how to
/// fill a batch, how to parse what it holds and how to name a reject in the log.
/// </summary>
internal abstract class ReceiveEndpoint(ReceivePath receiver) : IReadyHandler, IDisposable
{
    protected ReceivePath Receiver { get; } = receiver;

    /// <summary>The routers receiving here, by family and VRID.</summary>
    public VridTable<HostedRouter> Routers { get; } = new();

    /// <summary>The loop's token for the socket.</summary>
    public int Token { get; set; }

    /// <summary>How many routers use this endpoint.</summary>
    public int Users { get; set; }

    /// <summary>Received data the codec rejected, by <see cref="ParseError"/>.</summary>
    public long[] ParseErrors { get; } = new long[StatusCounters.ParseErrorCount];

    /// <summary>Valid advertisements for a VRID (and family) no router here serves.</summary>
    public long OtherVirtualRouter { get; set; }

    public RejectLimiter ParseLog { get; } = new(StatusCounters.ParseErrorCount);

    /// <summary>The loop iteration that last read the socket.</summary>
    public long ReadInIteration { get; set; } = -1;

    /// <summary>The name log lines give the endpoint.</summary>
    public abstract string LogName { get; }

    /// <summary>Bytes one received frame or packet may need.</summary>
    public abstract int SlotBytes { get; }

    /// <summary>Reads what is queued into <paramref name="batch"/> (cleared first): the number read, 0 when nothing is.</summary>
    public abstract int Receive(FrameBatch batch);

    /// <summary>Parses one received frame or packet.</summary>
    public abstract ParseError Parse(ReadOnlySpan<byte> data, out ReceivedAdvertisement received);

    /// <summary>Logs a rejected frame or packet (already rate-limited).</summary>
    public abstract void LogRejected(ILogger log, ReadOnlySpan<byte> data, ParseError error, long suppressed);

    public abstract void OnReady();

    public abstract void Dispose();
}

/// <summary>
/// The unicast transport of the routers that share one interface, source address and peer
/// list: one raw socket (<see cref="UnicastSocket"/>) read a packet at a time into the batch.
/// </summary>
internal sealed class UnicastEndpoint(ReceivePath receiver, UnicastSocket socket, string key, string? interfaceName)
    : ReceiveEndpoint(receiver)
{
    public UnicastSocket Socket { get; } = socket;

    /// <summary>The interface, source and peers it was opened for: routers with the same key share it.</summary>
    public string Key { get; } = key;

    public string? InterfaceName { get; } = interfaceName;

    public override string LogName => InterfaceName ?? "unicast";

    public override int SlotBytes => FrameBatch.DefaultFrameCapacity;

    public override int Receive(FrameBatch batch)
    {
        batch.Clear();
        while (batch.Count < batch.Capacity)
        {
            int length = Socket.Receive(batch.NextSlot());
            if (length == 0)
                break;
            batch.Commit(length);
        }
        return batch.Count;
    }

    public override ParseError Parse(ReadOnlySpan<byte> data, out ReceivedAdvertisement received) =>
        VrrpFrame.TryParseIpPacket(data, out received);

    public override void LogRejected(ILogger log, ReadOnlySpan<byte> data, ParseError error, long suppressed) =>
        HostLog.PacketRejected(log, LogName, error.ToString(), suppressed);

    public override void OnReady() => Receiver.ReadAll(this);

    public override void Dispose() => Socket.Dispose();
}
