using System.Globalization;
using System.Text;
using System.Text.Json;
using Vrrp.Linux.Hosting;

namespace Vrrpd.Control;

/// <summary><c>vrrpd status</c> output: text that reads like SEIL's <c>show status vrrp</c>, or JSON.</summary>
internal static class StatusFormatter
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Text(StatusSnapshot s)
    {
        var w = new StringBuilder();
        w.Append(Invariant, $"vrrpd pid {s.ProcessId}, {s.ConfigFile}, up {Duration(s.TakenAt - s.StartedAt)}, {s.Reloads} reload(s)");
        if (s.LastReload is { } last)
            w.Append(Invariant, $", last {Time(last)}");
        w.AppendLine();
        if (s.Instances.Count == 0)
            w.AppendLine().AppendLine("vrrp is not configured");
        foreach (IGrouping<int, InstanceStatus> version in s.Instances.GroupBy(i => i.Version).OrderByDescending(g => g.Key))
        {
            w.AppendLine().AppendLine(Invariant, $"=== VRRP version {version.Key} ===");
            foreach (InstanceStatus i in version)
                Instance(w, i, s.TakenAt);
        }
        if (s.SyncGroups.Count > 0)
        {
            w.AppendLine().AppendLine("=== Sync groups ===");
            foreach (SyncGroupStatus g in s.SyncGroups)
                w.AppendLine(Invariant, $"{g.Name}: {g.State} ({string.Join(", ", g.Members)})");
        }
        if (s.Interfaces.Count > 0 || s.Unicast.Count > 0)
            w.AppendLine().AppendLine("=== Interfaces ===");
        foreach (InterfaceStatus i in s.Interfaces)
        {
            w.AppendLine(Invariant, $"Interface: {i.Name} (index {i.Index}, {i.Mac})");
            Line(w, "Ifstate", i.LinkUp ? "up" : "down");
            Line(w, "Frames", $"received {i.FramesReceived}, sent {i.FramesSent}, send errors {i.SendErrors}, kernel drops {i.KernelDrops}");
            Line(w, "Other VRIDs", i.OtherVirtualRouter.ToString(Invariant));
            Line(w, "Receive", i.ReceiveRingError is null ? i.Receive : $"{i.Receive} (ring: {i.ReceiveRingError})");
            Line(w, "Parse errors", Counts(i.ParseErrors));
        }
        foreach (UnicastStatus u in s.Unicast)
        {
            w.AppendLine(Invariant, $"Unicast: {u.Source} -> {string.Join(", ", u.Peers)}{(u.Interface is null ? "" : " on " + u.Interface)}");
            Line(w, "Packets", $"received {u.PacketsReceived}, sent {u.PacketsSent}, send errors {u.SendErrors}, from unknown sources {u.UnknownSource}");
            Line(w, "Other VRIDs", u.OtherVirtualRouter.ToString(Invariant));
            Line(w, "Parse errors", Counts(u.ParseErrors));
        }
        return w.ToString();
    }

    private static void Instance(StringBuilder w, InstanceStatus i, DateTimeOffset now)
    {
        w.AppendLine(Invariant, $"Interface: {i.Interface ?? "(unicast)"} / {i.Family} / VRID: {i.Vrid}   ({i.Name})");
        Line(w, "State", i.State);
        Line(w, "Since", $"{Time(i.Since)} ({Duration(now - i.Since)} ago): {i.Reason}");
        Line(w, "IP Address", string.Join(", ", i.Addresses) + (i.AddressesInstalled ? " (installed)" : ""));
        if (i.ExcludedAddresses.Count > 0)
            Line(w, "Excluded", string.Join(", ", i.ExcludedAddresses));
        if (i.Routes.Count > 0)
            Line(w, "Virtual Routes", string.Join(", ", i.Routes) + (i.AddressesInstalled ? " (installed)" : ""));
        if (i.Rules.Count > 0)
            Line(w, "Virtual Rules", string.Join(", ", i.Rules) + (i.AddressesInstalled ? " (installed)" : ""));
        Line(w, "Mac Address", i.Vmac is null ? i.VirtualMac : $"{i.VirtualMac} on {i.Vmac}");
        Line(w, "Priority", i.EffectivePriority == i.Priority ? $"{i.Priority}" : $"{i.Priority} (effective {i.EffectivePriority})");
        Line(w, "Interval", $"{i.AdvertIntervalCentiseconds / 100.0:0.00} sec");
        Line(w, "Preempt", i.Preempt ? "on" : "off");
        Line(w, "Delay", $"{i.PreemptDelaySeconds:0.##} sec");
        if (i.Version == 3)
            Line(w, "Checksum", i.Checksum);
        else
            Line(w, "Auth", i.Authentication ? "simple password" : "none");
        Line(w, "Master Router", i.IsMasterSelf ? $"self ({i.SourceAddress})"
            : i.Master is null ? "unknown"
            : $"{i.Master}, priority {i.MasterPriority}, interval {i.MasterAdvertIntervalCentiseconds / 100.0:0.00} sec");
        Line(w, "Master Down", $"{i.MasterDownIntervalMilliseconds:0.#} ms");
        Line(w, "Source", i.UnicastPeers.Count > 0 ? $"{i.SourceAddress} unicast to {string.Join(", ", i.UnicastPeers)}" : i.SourceAddress);
        if (i.SyncGroup is not null)
            Line(w, "Sync Group", i.SyncGroup);
        Line(w, "Watch", i.Trackers.Count == 0 ? "ignore"
            : string.Join(", ", i.Trackers.Select(t => $"{t.Kind} {t.Name} {TrackerState(t)}{(t.Weight == 0 ? "" : $" (weight {t.Weight:+0;-0}{(t.Reverse ? " reverse" : "")})")}")));
        RouterCountersStatus c = i.Counters;
        Line(w, "Advertisements", $"sent {c.AdvertisementsSent} (priority 0: {c.PriorityZeroSent}), received {c.AdvertisementsReceived} (priority 0: {c.PriorityZeroReceived})");
        Line(w, "Transitions", $"to master {c.BecameMaster}, from master {c.ReleasedMaster}, to fault {c.EnteredFault}");
        Line(w, "Rejected", Counts(c.Rejected));
    }

    // A file tracker shows its value (and FAULT when the value faults), the others up or down.
    private static string TrackerState(TrackerStatus t) =>
        t.Value is long value ? $"value {value.ToString(Invariant)}{(t.Up ? "" : " FAULT")}" : t.Up ? "up" : "down";

    private static void Line(StringBuilder w, string label, string value) =>
        w.Append("        ").Append(label).Append(':').Append(' ', Math.Max(1, 16 - label.Length - 1)).AppendLine(value);

    private static string Counts(IReadOnlyList<KeyValuePair<string, long>> counts)
    {
        string text = string.Join(", ", counts.Where(c => c.Value > 0).Select(c => $"{c.Key} {c.Value}"));
        return text.Length == 0 ? "none" : text;
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", Invariant);

    private static string Duration(TimeSpan d)
    {
        if (d < TimeSpan.Zero)
            d = TimeSpan.Zero;
        if (d.TotalMinutes < 1)
            return d.TotalSeconds.ToString("0.0", Invariant) + "s";
        if (d.TotalHours < 1)
            return $"{(int)d.TotalMinutes}m{d.Seconds}s";
        if (d.TotalDays < 1)
            return $"{(int)d.TotalHours}h{d.Minutes}m";
        return $"{(int)d.TotalDays}d{d.Hours}h";
    }

    /// <summary>The reply to a <c>runtime</c> request: the "runtime" object of the status JSON alone.</summary>
    public static byte[] RuntimeJson(RuntimeStatus r)
    {
        using var stream = new MemoryStream(128);
        using (var w = new Utf8JsonWriter(stream))
            Runtime(w, r);
        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    private static void Runtime(Utf8JsonWriter w, RuntimeStatus r)
    {
        w.WriteStartObject();
        w.WriteStartArray("gc_collections");
        w.WriteNumberValue(r.Gen0Collections);
        w.WriteNumberValue(r.Gen1Collections);
        w.WriteNumberValue(r.Gen2Collections);
        w.WriteEndArray();
        w.WriteNumber("allocated_bytes", r.AllocatedBytes);
        w.WriteNumber("loop_iterations", r.LoopIterations);
        w.WriteEndObject();
    }

    public static byte[] Json(StatusSnapshot s)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("pid", s.ProcessId);
            w.WriteString("config_file", s.ConfigFile);
            w.WriteString("started_at", s.StartedAt);
            w.WriteString("taken_at", s.TakenAt);
            w.WriteNumber("reloads", s.Reloads);
            if (s.LastReload is { } last)
                w.WriteString("last_reload", last);
            else
                w.WriteNull("last_reload");
            w.WriteStartArray("instances");
            foreach (InstanceStatus i in s.Instances)
                Instance(w, i, s.TakenAt);
            w.WriteEndArray();
            w.WriteStartArray("interfaces");
            foreach (InterfaceStatus i in s.Interfaces)
            {
                w.WriteStartObject();
                w.WriteString("name", i.Name);
                w.WriteNumber("index", i.Index);
                w.WriteString("mac", i.Mac);
                w.WriteBoolean("link_up", i.LinkUp);
                w.WriteNumber("frames_received", i.FramesReceived);
                w.WriteNumber("frames_sent", i.FramesSent);
                w.WriteNumber("send_errors", i.SendErrors);
                w.WriteNumber("receive_errors", i.ReceiveErrors);
                w.WriteNumber("kernel_drops", i.KernelDrops);
                w.WriteNumber("other_vrid", i.OtherVirtualRouter);
                w.WriteString("receive", i.Receive);
                if (i.ReceiveRingError is not null)
                    w.WriteString("receive_ring_error", i.ReceiveRingError);
                Counts(w, "parse_errors", i.ParseErrors);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("unicast");
            foreach (UnicastStatus u in s.Unicast)
            {
                w.WriteStartObject();
                if (u.Interface is null)
                    w.WriteNull("interface");
                else
                    w.WriteString("interface", u.Interface);
                w.WriteString("source", u.Source);
                Strings(w, "peers", u.Peers);
                w.WriteNumber("packets_received", u.PacketsReceived);
                w.WriteNumber("packets_sent", u.PacketsSent);
                w.WriteNumber("send_errors", u.SendErrors);
                w.WriteNumber("unknown_source", u.UnknownSource);
                w.WriteNumber("other_vrid", u.OtherVirtualRouter);
                Counts(w, "parse_errors", u.ParseErrors);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("sync_groups");
            foreach (SyncGroupStatus g in s.SyncGroups)
            {
                w.WriteStartObject();
                w.WriteString("name", g.Name);
                w.WriteString("state", g.State);
                Strings(w, "members", g.Members);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WritePropertyName("runtime");
            Runtime(w, s.Runtime);
            w.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    private static void Instance(Utf8JsonWriter w, InstanceStatus i, DateTimeOffset now)
    {
        w.WriteStartObject();
        w.WriteString("name", i.Name);
        if (i.Interface is null)
            w.WriteNull("interface");
        else
            w.WriteString("interface", i.Interface);
        w.WriteNumber("vrid", i.Vrid);
        w.WriteNumber("version", i.Version);
        w.WriteString("family", i.Family);
        w.WriteString("state", i.State);
        w.WriteString("since", i.Since);
        w.WriteNumber("since_seconds", Math.Round((now - i.Since).TotalSeconds, 3));
        w.WriteString("reason", i.Reason);
        w.WriteNumber("priority", i.Priority);
        w.WriteNumber("effective_priority", i.EffectivePriority);
        if (i.Master is null)
            w.WriteNull("master");
        else
            w.WriteString("master", i.Master);
        w.WriteBoolean("master_is_self", i.IsMasterSelf);
        w.WriteNumber("master_priority", i.MasterPriority);
        w.WriteNumber("advert_interval_ms", i.AdvertIntervalCentiseconds * 10);
        w.WriteNumber("master_advert_interval_ms", i.MasterAdvertIntervalCentiseconds * 10);
        w.WriteNumber("master_down_interval_ms", Math.Round(i.MasterDownIntervalMilliseconds, 3));
        w.WriteBoolean("preempt", i.Preempt);
        w.WriteNumber("preempt_delay_s", i.PreemptDelaySeconds);
        w.WriteBoolean("accept", i.Accept);
        w.WriteString("source_address", i.SourceAddress);
        w.WriteString("virtual_mac", i.VirtualMac);
        if (i.Vmac is null)
            w.WriteNull("vmac");
        else
            w.WriteString("vmac", i.Vmac);
        w.WriteString("checksum", i.Checksum);
        w.WriteBoolean("authentication", i.Authentication);
        Strings(w, "unicast_peers", i.UnicastPeers);
        Strings(w, "addresses", i.Addresses);
        Strings(w, "excluded_addresses", i.ExcludedAddresses);
        w.WriteBoolean("addresses_installed", i.AddressesInstalled);
        Strings(w, "virtual_routes", i.Routes);
        Strings(w, "virtual_rules", i.Rules);
        if (i.SyncGroup is null)
            w.WriteNull("sync_group");
        else
            w.WriteString("sync_group", i.SyncGroup);
        w.WriteStartArray("trackers");
        foreach (TrackerStatus t in i.Trackers)
        {
            w.WriteStartObject();
            w.WriteString("kind", t.Kind);
            w.WriteString("name", t.Name);
            w.WriteNumber("weight", t.Weight);
            w.WriteBoolean("reverse", t.Reverse);
            w.WriteBoolean("up", t.Up);
            if (t.Value is long value)
                w.WriteNumber("value", value);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        RouterCountersStatus c = i.Counters;
        w.WriteStartObject("counters");
        w.WriteNumber("adverts_sent", c.AdvertisementsSent);
        w.WriteNumber("priority_zero_sent", c.PriorityZeroSent);
        w.WriteNumber("adverts_received", c.AdvertisementsReceived);
        w.WriteNumber("priority_zero_received", c.PriorityZeroReceived);
        w.WriteNumber("lower_priority_discarded", c.LowerPriorityDiscarded);
        w.WriteNumber("lower_priority_answered", c.LowerPriorityAnswered);
        w.WriteNumber("address_list_mismatches", c.AddressListMismatches);
        w.WriteNumber("became_master", c.BecameMaster);
        w.WriteNumber("released_master", c.ReleasedMaster);
        w.WriteNumber("entered_fault", c.EnteredFault);
        w.WriteNumber("held_by_sync_group", c.HeldBySyncGroup);
        Counts(w, "rejected", c.Rejected);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (string v in values)
            w.WriteStringValue(v);
        w.WriteEndArray();
    }

    private static void Counts(Utf8JsonWriter w, string name, IReadOnlyList<KeyValuePair<string, long>> counts)
    {
        w.WriteStartObject(name);
        foreach (KeyValuePair<string, long> c in counts)
            w.WriteNumber(c.Key, c.Value);
        w.WriteEndObject();
    }
}
