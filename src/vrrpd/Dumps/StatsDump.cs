using System.Text;
using Vrrp.Linux.Hosting;

namespace Vrrpd.Dumps;

/// <summary>
/// The statistics dump (SIGUSR2, and SIGRTMAX-1 before the counters are cleared): keepalived's
/// <c>keepalived.stats</c> layout, one block per instance, no header, no blank lines.
/// </summary>
internal static class StatsDump
{
    public static string Format(DumpSource source)
    {
        var w = new StringBuilder();
        foreach (InstanceStatus i in source.Status.Instances)
        {
            KeepalivedCounters c = KeepalivedText.Counters(i.Counters);
            w.Append("VRRP Instance: ").Append(i.Name).Append('\n');
            w.Append("  Advertisements:\n");
            Line(w, 4, "Received", c.AdvertReceived);
            Line(w, 4, "Sent", c.AdvertSent);
            Line(w, 2, "Became master", c.BecomeMaster);
            Line(w, 2, "Released master", c.ReleaseMaster);
            w.Append("  Packet Errors:\n");
            Line(w, 4, "Length", c.PacketLengthErrors);
            Line(w, 4, "TTL", c.TtlErrors);
            Line(w, 4, "Invalid Type", c.InvalidTypeReceived);
            Line(w, 4, "Advertisement Interval", c.AdvertIntervalErrors);
            Line(w, 4, "Address List", c.AddressListErrors);
            w.Append("  Authentication Errors:\n");
            Line(w, 4, "Invalid Type", c.InvalidAuthType);
            Line(w, 4, "Type Mismatch", c.AuthTypeMismatch);
            Line(w, 4, "Failure", c.AuthFailure);
            w.Append("  Priority Zero:\n");
            Line(w, 4, "Received", c.PriorityZeroReceived);
            Line(w, 4, "Sent", c.PriorityZeroSent);
        }
        return w.ToString();
    }

    private static void Line(StringBuilder w, int indent, string label, long value) =>
        w.Append(' ', indent).Append(label).Append(": ").Append(value).Append('\n');
}
