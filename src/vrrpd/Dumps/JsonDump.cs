using System.Globalization;
using System.Text;
using Vrrp.Keepalived;
using Vrrp.Linux.Hosting;

namespace Vrrpd.Dumps;

/// <summary>
/// The JSON dump (SIGRTMIN+2) as keepalived 2.2.7 writes <c>keepalived.json</c>: an array with
/// one <c>{"data":{...},"stats":{...}}</c> per instance, the same keys in the same order and
/// units (seconds, <c>%g</c> floats), compact, one newline at the end; so exporters that parse
/// keepalived.json read it. Optional keys (scripts, address lists, trackers, auth_data) appear
/// only when set, as in keepalived.
/// </summary>
internal static class JsonDump
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Format(DumpSource source)
    {
        var w = new StringBuilder(1024);
        w.Append('[');
        bool first = true;
        foreach (InstanceStatus i in source.Status.Instances)
        {
            if (!first)
                w.Append(',');
            first = false;
            w.Append("{\"data\":{");
            Data(new Writer(w), i, source);
            w.Append("},\"stats\":{");
            Stats(new Writer(w), KeepalivedText.Counters(i.Counters));
            w.Append("}}");
        }
        w.Append("]\n");
        return w.ToString();
    }

    private static void Data(Writer w, InstanceStatus i, DumpSource source)
    {
        VrrpInstanceConfig? c = source.Instance(i.Name);
        GarpSettings garp = c?.Garp ?? new GarpSettings();
        int state = KeepalivedText.StateNumber(i.State);
        w.String("iname", i.Name);
        w.Number("dont_track_primary", Bit(c?.DontTrackPrimary));
        w.Number("skip_check_adv_addr", Bit(c?.SkipCheckAdvertAddresses));
        w.Number("strict_mode", Bit(c?.StrictMode));
        w.String("vmac_ifname", i.Vmac ?? "");
        if (KeepalivedText.AddressDevice(i) is { } ifp)
            w.String("ifp_ifname", ifp);
        w.Number("master_priority", i.IsMasterSelf || i.Master is null ? 0 : i.MasterPriority);
        w.Raw("last_transition", KeepalivedText.F(KeepalivedText.EpochSeconds(i.Since)));
        w.Raw("garp_delay", KeepalivedText.G(garp.MasterDelay.TotalSeconds));
        w.Number("garp_refresh", (long)garp.MasterRefresh.TotalSeconds);
        w.Number("garp_rep", garp.MasterRepeat);
        w.Number("garp_refresh_rep", garp.MasterRefreshRepeat);
        w.Number("garp_lower_prio_delay", (long)garp.LowerPriorityDelay.TotalSeconds);
        w.Number("garp_lower_prio_rep", garp.LowerPriorityRepeat);
        w.Number("lower_prio_no_advert", Bit(c?.LowerPriorityNoAdvert));
        w.Number("higher_prio_send_advert", Bit(c?.HigherPrioritySendAdvert));
        w.Number("vrid", i.Vrid);
        w.Number("base_priority", i.Priority);
        w.Number("effective_priority", i.EffectivePriority);
        w.Bool("vipset", i.AddressesInstalled);
        w.Bool("promote_secondaries", false);
        w.Raw("adver_int", KeepalivedText.G(i.AdvertIntervalCentiseconds / 100.0));
        int masterInterval = i.IsMasterSelf || i.MasterAdvertIntervalCentiseconds == 0 ? i.AdvertIntervalCentiseconds : i.MasterAdvertIntervalCentiseconds;
        w.Raw("master_adver_int", KeepalivedText.G(masterInterval / 100.0));
        w.Number("accept", i.Accept ? 1 : 0);
        w.Bool("nopreempt", !i.Preempt);
        w.Number("preempt_delay", (long)i.PreemptDelaySeconds);
        w.Number("state", state);
        w.Number("wantstate", state);
        w.Number("version", i.Version);
        w.Bool("smtp_alert", false);
        w.Bool("notify_deleted", false);
        NotifyScripts notify = c?.Notify ?? NotifyScripts.None;
        Script(w, "script_backup", notify.Backup);
        Script(w, "script_master", notify.Master);
        Script(w, "script_fault", notify.Fault);
        Script(w, "script_stop", notify.Stop);
        Script(w, "script", notify.Any);
        string? device = KeepalivedText.AddressDevice(i);
        if (c is not null)
        {
            w.Strings("vips", [.. c.VirtualAddresses.Select(a => KeepalivedText.Address(a, device, i.AddressesInstalled))]);
            w.Strings("evips", [.. c.ExcludedAddresses.Select(a => KeepalivedText.Address(a, device, i.AddressesInstalled))]);
        }
        w.Strings("track_ifp", [.. i.Trackers.Where(t => t.Kind == "interface").Select(t => t.Name)]);
        w.Strings("track_script", [.. i.Trackers.Where(t => t.Kind == "script")
            .Select(t => source.Config.FindScript(t.Name) is { } s ? KeepalivedText.Command(s.Command) : t.Name)]);
        w.Number("auth_type", c?.AuthPassword is null ? 0 : 1);
        if (c?.AuthPassword is { } password)
            w.String("auth_data", password);
    }

    private static void Stats(Writer w, KeepalivedCounters c)
    {
        w.Number("advert_rcvd", c.AdvertReceived);
        w.Number("advert_sent", c.AdvertSent);
        w.Number("become_master", c.BecomeMaster);
        w.Number("release_master", c.ReleaseMaster);
        w.Number("packet_len_err", c.PacketLengthErrors);
        w.Number("advert_interval_err", c.AdvertIntervalErrors);
        w.Number("ip_ttl_err", c.TtlErrors);
        w.Number("invalid_type_rcvd", c.InvalidTypeReceived);
        w.Number("addr_list_err", c.AddressListErrors);
        w.Number("invalid_authtype", c.InvalidAuthType);
        w.Number("authtype_mismatch", c.AuthTypeMismatch);
        w.Number("auth_failure", c.AuthFailure);
        w.Number("pri_zero_rcvd", c.PriorityZeroReceived);
        w.Number("pri_zero_sent", c.PriorityZeroSent);
    }

    private static void Script(Writer w, string key, ScriptCommand? command)
    {
        if (command is not null)
            w.String(key, KeepalivedText.Command(command));
    }

    private static int Bit(bool? value) => value == true ? 1 : 0;

    /// <summary>Members of one object, comma-separated.</summary>
    private sealed class Writer(StringBuilder w)
    {
        private bool _first = true;

        private void Key(string key)
        {
            if (!_first)
                w.Append(',');
            _first = false;
            KeepalivedText.JsonString(w, key);
            w.Append(':');
        }

        public void Raw(string key, string value)
        {
            Key(key);
            w.Append(value);
        }

        public void Number(string key, long value) => Raw(key, value.ToString(Invariant));

        public void Bool(string key, bool value) => Raw(key, value ? "true" : "false");

        public void String(string key, string value)
        {
            Key(key);
            KeepalivedText.JsonString(w, value);
        }

        // keepalived leaves an empty list out.
        public void Strings(string key, IReadOnlyList<string> values)
        {
            if (values.Count == 0)
                return;
            Key(key);
            w.Append('[');
            for (int n = 0; n < values.Count; n++)
            {
                if (n > 0)
                    w.Append(',');
                KeepalivedText.JsonString(w, values[n]);
            }
            w.Append(']');
        }
    }
}
