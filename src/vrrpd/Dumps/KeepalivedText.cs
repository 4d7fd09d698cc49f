using System.Globalization;
using System.Text;
using Vrrp.Core.Wire;
using Vrrp.Keepalived;
using Vrrp.Linux.Hosting;

namespace Vrrpd.Dumps;

/// <summary>Values written the way keepalived's dumps write them (its printf formats and text forms).</summary>
internal static class KeepalivedText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>keepalived's state numbers: 0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT.</summary>
    public static int StateNumber(string state) => state switch
    {
        "BACKUP" => 1,
        "MASTER" => 2,
        "FAULT" => 3,
        _ => 0,
    };

    /// <summary>C's <c>%g</c>: six significant digits, no trailing zeros.</summary>
    public static string G(double value) => value.ToString("G6", Invariant).Replace("E", "e", StringComparison.Ordinal);

    /// <summary>C's <c>%f</c>.</summary>
    public static string F(double value) => value.ToString("F6", Invariant);

    /// <summary>Seconds since the epoch with microseconds, as keepalived's <c>last_transition</c>.</summary>
    public static double EpochSeconds(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond;

    /// <summary>keepalived's <c>cmd_str</c>: every word of the command in single quotes.</summary>
    public static string Command(ScriptCommand command) =>
        string.Join(' ', command.Arguments.Select(a => "'" + a + "'"));

    /// <summary>
    /// keepalived's <c>format_ipaddress</c> for a virtual address: <c>ADDR[/PFX] [brd X] dev IF
    /// scope SCOPE [label L] [set]</c>, the prefix only when it is not a host prefix, <c>set</c>
    /// while the address is installed.
    /// </summary>
    public static string Address(VirtualAddressConfig a, string? device, bool installed)
    {
        var w = new StringBuilder();
        w.Append(a.Address.ToString());
        int host = a.Address.Family == IpFamily.IPv6 ? 128 : 32;
        if (a.PrefixLength != host)
            w.Append('/').Append(a.PrefixLength.ToString(Invariant));
        if (a.Broadcast is { } brd)
            w.Append(" brd ").Append(brd.ToString());
        w.Append(" dev ").Append(a.Device ?? device ?? "(null)");
        w.Append(" scope ").Append(Scope(a.Scope));
        if (a.Label is not null)
            w.Append(" label ").Append(a.Label);
        if (installed)
            w.Append(" set");
        return w.ToString();
    }

    /// <summary>The interface addresses go on: the VMAC if there is one, else the instance's.</summary>
    public static string? AddressDevice(InstanceStatus i) => i.Vmac ?? i.Interface;

    private static string Scope(AddressScope scope) => scope switch
    {
        AddressScope.Global => "global",
        AddressScope.Site => "site",
        AddressScope.Link => "link",
        AddressScope.Host => "host",
        AddressScope.Nowhere => "nowhere",
        _ => ((int)scope).ToString(Invariant),
    };

    /// <summary>
    /// A JSON string as keepalived's writer escapes it (<c>/</c> too). Unlike keepalived 2.2.7,
    /// whose writer turns a backslash into <c>\n</c>, a backslash is written as <c>\\</c>.
    /// </summary>
    public static void JsonString(StringBuilder w, string value)
    {
        w.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': w.Append("\\\""); break;
                case '\\': w.Append("\\\\"); break;
                case '/': w.Append("\\/"); break;
                case '\t': w.Append("\\t"); break;
                case '\n': w.Append("\\n"); break;
                case '\r': w.Append("\\r"); break;
                case '\f': w.Append("\\f"); break;
                case '\b': w.Append("\\b"); break;
                default:
                    if (c < 0x20)
                        w.Append("\\u").Append(((int)c).ToString("x4", Invariant));
                    else
                        w.Append(c);
                    break;
            }
        }
        w.Append('"');
    }

    /// <summary>The counters keepalived keeps per instance, from vrrpd's.</summary>
    public static KeepalivedCounters Counters(RouterCountersStatus c)
    {
        long Rejected(string reason) => c.Rejected.FirstOrDefault(r => r.Key == reason).Value;
        return new KeepalivedCounters(
            AdvertReceived: c.AdvertisementsReceived,
            AdvertSent: c.AdvertisementsSent,
            BecomeMaster: c.BecameMaster,
            ReleaseMaster: c.ReleasedMaster,
            AdvertIntervalErrors: Rejected("IntervalMismatch"),
            AddressListErrors: c.AddressListMismatches + Rejected("AddressListMismatch"),
            AuthTypeMismatch: Rejected("AuthTypeMismatch"),
            AuthFailure: Rejected("AuthMismatch"),
            PriorityZeroReceived: c.PriorityZeroReceived,
            PriorityZeroSent: c.PriorityZeroSent);
    }
}

/// <summary>
/// keepalived's per-instance counters with vrrpd's values. Length, TTL and invalid-type errors
/// (and invalid auth types) are 0: vrrpd rejects such frames before it knows their instance and
/// counts them per interface (<c>parse_errors</c> in <c>vrrpd status</c>).
/// </summary>
internal sealed record KeepalivedCounters(
    long AdvertReceived, long AdvertSent, long BecomeMaster, long ReleaseMaster, long AdvertIntervalErrors,
    long AddressListErrors, long AuthTypeMismatch, long AuthFailure, long PriorityZeroReceived, long PriorityZeroSent)
{
    public long PacketLengthErrors => 0;
    public long TtlErrors => 0;
    public long InvalidTypeReceived => 0;
    public long InvalidAuthType => 0;
}
