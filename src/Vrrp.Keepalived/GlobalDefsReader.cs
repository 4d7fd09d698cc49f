using Vrrp.Core.Wire;

namespace Vrrp.Keepalived;

/// <summary>The <c>global_defs</c> block.</summary>
internal static class GlobalDefsReader
{
    private const uint TimerMaxSeconds = uint.MaxValue / 1_000_000; // keepalived keeps timers in µs in 32 bits

    public sealed class State(ValueReader values)
    {
        public ValueReader Values { get; } = values;
        public string? RouterId;
        public VrrpVersion Version = VrrpVersion.V2;
        public string? ScriptUser, ScriptGroup;
        public bool ScriptSecurity;
        public NotifyFifoConfig? NotifyFifo, VrrpNotifyFifo;
        public SourceLocation VrrpNotifyFifoLocation;
        public ScriptCommand? NotifyFifoScript, VrrpNotifyFifoScript;
        public bool NotifyPriorityChanges, FifoWriteStatesOnReload;
        public uint? GarpDelay, GarpRepeat, GarpRefresh, GarpRefreshRepeat, GarpLowerPrioDelay, GarpLowerPrioRepeat;
        public bool MinGarp;
        public long GarpIntervalMicros, GnaIntervalMicros;
        public bool LowerPrioNoAdvert, HigherPrioSendAdvert;
        public uint DownTimerAdverts = 3;
        public bool SkipCheckAdvAddr, Strict, CheckUnicastSource;
        public long StartupDelayMicros;
        public string VmacPrefix = "vrrp";
        public bool DynamicInterfaces;
        public bool ProcessEventsFromHostNamespace;
    }

    public static KeywordTable<State> Table { get; } = BuildTable();

    private static KeywordTable<State> BuildTable()
    {
        var table = new KeywordTable<State>("global_defs");
        table.Add("router_id", static (s, n) => s.RouterId = s.Values.Word(n) ?? s.RouterId)
            .Add("vrrp_version", static (s, n) =>
            {
                if (s.Values.Unsigned(n, 2, 3) is uint v)
                    s.Version = (VrrpVersion)v;
            })
            .Add("script_user", static (s, n) => (s.ScriptUser, s.ScriptGroup) = UserGroup(s.Values, n, s.ScriptUser, s.ScriptGroup))
            .Add("enable_script_security", static (s, n) => { s.Values.NoArguments(n); s.ScriptSecurity = true; })
            .Add("notify_fifo", static (s, n) => s.NotifyFifo = Fifo(s.Values, n) ?? s.NotifyFifo)
            .Add("vrrp_notify_fifo", static (s, n) =>
            {
                s.VrrpNotifyFifo = Fifo(s.Values, n) ?? s.VrrpNotifyFifo;
                s.VrrpNotifyFifoLocation = n.Location;
            })
            .Add("notify_fifo_script", static (s, n) => s.NotifyFifoScript = s.Values.Command(n, allowUser: true) ?? s.NotifyFifoScript)
            .Add("vrrp_notify_fifo_script", static (s, n) => s.VrrpNotifyFifoScript = s.Values.Command(n, allowUser: true) ?? s.VrrpNotifyFifoScript)
            .Add("vrrp_notify_priority_changes", static (s, n) => s.NotifyPriorityChanges = s.Values.OptionalBool(n) ?? s.NotifyPriorityChanges)
            .Add("fifo_write_vrrp_states_on_reload", static (s, n) => { s.Values.NoArguments(n); s.FifoWriteStatesOnReload = true; })
            .Add("vrrp_garp_master_delay", static (s, n) => s.GarpDelay = s.Values.Unsigned(n, 0, TimerMaxSeconds, " seconds") ?? s.GarpDelay)
            .Add("vrrp_garp_master_repeat", static (s, n) => s.GarpRepeat = AtLeastOne(s.Values, n) ?? s.GarpRepeat)
            .Add("vrrp_garp_master_refresh", static (s, n) => s.GarpRefresh = s.Values.Unsigned(n, 0, TimerMaxSeconds, " seconds") ?? s.GarpRefresh)
            .Add("vrrp_garp_master_refresh_repeat", static (s, n) => s.GarpRefreshRepeat = AtLeastOne(s.Values, n) ?? s.GarpRefreshRepeat)
            .Add("vrrp_garp_lower_prio_delay", static (s, n) => s.GarpLowerPrioDelay = s.Values.Unsigned(n, 0, TimerMaxSeconds, " seconds") ?? s.GarpLowerPrioDelay)
            .Add("vrrp_garp_lower_prio_repeat", static (s, n) => s.GarpLowerPrioRepeat = s.Values.Unsigned(n, 0, int.MaxValue) ?? s.GarpLowerPrioRepeat)
            .Add("vrrp_garp_interval", static (s, n) => s.GarpIntervalMicros = s.Values.Seconds(n, 1, TimerMaxSeconds * ValueReader.MicrosPerSecond) ?? s.GarpIntervalMicros)
            .Add("vrrp_gna_interval", static (s, n) => s.GnaIntervalMicros = s.Values.Seconds(n, 1, TimerMaxSeconds * ValueReader.MicrosPerSecond) ?? s.GnaIntervalMicros)
            .Add("vrrp_min_garp", static (s, n) => s.MinGarp = s.Values.OptionalBool(n) ?? s.MinGarp)
            .Add("vrrp_lower_prio_no_advert", static (s, n) => s.LowerPrioNoAdvert = s.Values.OptionalBool(n) ?? s.LowerPrioNoAdvert)
            .Add("vrrp_higher_prio_send_advert", static (s, n) => s.HigherPrioSendAdvert = s.Values.OptionalBool(n) ?? s.HigherPrioSendAdvert)
            .Add("vrrp_down_timer_adverts", static (s, n) => s.DownTimerAdverts = s.Values.Unsigned(n, 1, 100) ?? s.DownTimerAdverts)
            .Add("vrrp_skip_check_adv_addr", static (s, n) => s.SkipCheckAdvAddr = s.Values.OptionalBool(n) ?? s.SkipCheckAdvAddr)
            .Add("vrrp_strict", static (s, n) => { s.Values.NoArguments(n); s.Strict = true; })
            .Add("vrrp_check_unicast_src", static (s, n) => { s.Values.NoArguments(n); s.CheckUnicastSource = true; })
            .Add("vrrp_mcast_group4", static (s, n) => DefaultGroupOnly(s.Values, n, IpAddr.VrrpMulticastV4))
            .Add("vrrp_mcast_group6", static (s, n) => DefaultGroupOnly(s.Values, n, IpAddr.VrrpMulticastV6))
            .Add("vrrp_startup_delay", static (s, n) => s.StartupDelayMicros = s.Values.Seconds(n, 0, 3600 * ValueReader.MicrosPerSecond) ?? s.StartupDelayMicros)
            .Add("vmac_prefix", static (s, n) =>
            {
                if (s.Values.Word(n) is string prefix && s.Values.InterfaceName(n, "vmac_prefix", prefix) is not null)
                    s.VmacPrefix = prefix;
            })
            .Add("dynamic_interfaces", static (s, n) =>
            {
                if (n.ArgumentCount > 0 && n.Argument(0) != "allow_if_changes")
                    s.Values.Error(n, $"dynamic_interfaces '{n.Argument(0)}': the only option is allow_if_changes");
                s.DynamicInterfaces = true;
            })
            // vrrpd's own: keepalived run outside the initial network namespace gets no process
            // events (the kernel sends them there only) and counts no process at all.
            .Add("vrrpd_process_events_host_namespace", static (s, n) => s.ProcessEventsFromHostNamespace = s.Values.OptionalBool(n) ?? s.ProcessEventsFromHostNamespace);

        table.Ignore("e-mail alerts are not sent",
                "notification_email", "notification_email_from", "smtp_server", "smtp_helo_name", "smtp_connect_timeout",
                "smtp_alert", "smtp_alert_vrrp", "smtp_alert_checker", "no_email_faults")
            .Ignore("LVS / health checkers are not part of vrrpd",
                "checker_log_all_failures", "lvs_timeouts", "lvs_flush", "lvs_flush_on_stop", "lvs_flush_onstop", "lvs_sync_daemon",
                "lvs_notify_fifo", "lvs_notify_fifo_script", "lvs_netlink_cmd_rcv_bufs", "lvs_netlink_cmd_rcv_bufs_force",
                "lvs_netlink_monitor_rcv_bufs", "lvs_netlink_monitor_rcv_bufs_force", "checker_process_name", "lvs_process_name",
                "checker_priority", "checker_no_swap", "checker_rt_priority", "checker_cpu_affinity", "checker_rlimit_rttime",
                "checker_rlimit_rtime", "rs_init_notifies", "no_checker_emails", "nftables_ipvs", "nftables_ipvs_priority",
                "nftables_ipvs_start_fwmark", "net_namespace_ipvs")
            .Ignore("BFD is not part of vrrpd",
                "bfd_process_name", "bfd_priority", "bfd_no_swap", "bfd_rt_priority", "bfd_cpu_affinity", "bfd_rlimit_rttime", "bfd_rlimit_rtime")
            .Ignore("vrrpd is one process; set scheduling and memory locking in its systemd unit",
                "process_names", "process_name", "vrrp_process_name", "max_auto_priority", "min_auto_priority_delay",
                "vrrp_priority", "vrrp_no_swap", "vrrp_rt_priority", "vrrp_cpu_affinity", "vrrp_rlimit_rttime", "vrrp_rlimit_rtime",
                "child_wait_time", "umask", "use_pid_dir", "instance", "namespace_with_ipsets")
            .Ignore("SNMP and D-Bus are not supported; use 'vrrpd status'",
                "snmp_socket", "enable_traps", "enable_snmp_vrrp", "enable_snmp_keepalived", "enable_snmp_rfc", "enable_snmp_rfcv2",
                "enable_snmp_rfcv3", "enable_snmp_checker", "enable_dbus", "dbus_service_name")
            .Ignore("vrrpd implements no_accept with an nftables table of its own (inet vrrpd) and needs no firewall settings",
                "vrrp_iptables", "vrrp_ipsets", "nftables", "nftables_priority", "nftables_ifindex", "nftables_counters", "disable_local_igmp")
            .Ignore("socket buffer tuning is not needed",
                "vrrp_netlink_cmd_rcv_bufs", "vrrp_netlink_cmd_rcv_bufs_force", "vrrp_netlink_monitor_rcv_bufs",
                "vrrp_netlink_monitor_rcv_bufs_force", "process_monitor_rcv_bufs", "process_monitor_rcv_bufs_force",
                "vrrp_rx_bufs_policy", "vrrp_rx_bufs_multiplier")
            .Ignore("keepalived's own reload and debugging machinery",
                "reload_check_config", "reload_time_file", "reload_repeat", "reload_file", "include_check", "tmp_config_directory",
                "config_save_dir", "data_use_instance", "random_seed", "log_unknown_vrids")
            .Ignore("vrrpd watches links through netlink", "linkbeat_use_polling")
            .Ignore("it only applies to static addresses and VIPs of interface-less instances", "default_interface")
            .Ignore("it only applies to use_vmac_addr, which vrrpd does not support", "vmac_addr_prefix");

        table.Refuse("vrrpd runs no startup or shutdown scripts; run them from the systemd unit",
                "startup_script", "startup_script_timeout", "shutdown_script", "shutdown_script_timeout")
            .Refuse("run vrrpd inside the namespace instead (ip netns exec NAME vrrpd ...)", "net_namespace")
            .Refuse("periodic GARP on other interfaces is not implemented", "vrrp_garp_extra_if", "vrrp_vmac_garp_intvl");
        return table;
    }

    public static GlobalDefs Complete(State s)
    {
        // vrrp_min_garp changes only the GARP settings not given explicitly.
        uint delay = s.GarpDelay ?? (s.MinGarp ? 0u : 5u);
        uint repeat = s.GarpRepeat ?? (s.MinGarp ? 1u : 5u);
        var garp = new GarpSettings
        {
            MasterDelay = TimeSpan.FromSeconds(delay),
            MasterRepeat = (int)repeat,
            MasterRefresh = TimeSpan.FromSeconds(s.GarpRefresh ?? 0),
            MasterRefreshRepeat = (int)(s.GarpRefreshRepeat ?? 1),
            LowerPriorityDelay = TimeSpan.FromSeconds(s.GarpLowerPrioDelay ?? delay),
            LowerPriorityRepeat = (int)(s.GarpLowerPrioRepeat ?? repeat),
        };
        return new GlobalDefs
        {
            RouterId = s.RouterId,
            DefaultVersion = s.Version,
            ScriptUser = s.ScriptUser,
            ScriptGroup = s.ScriptGroup,
            EnableScriptSecurity = s.ScriptSecurity,
            NotifyFifo = s.NotifyFifo,
            NotifyFifoScript = s.NotifyFifoScript,
            VrrpNotifyFifo = s.VrrpNotifyFifo,
            VrrpNotifyFifoScript = s.VrrpNotifyFifoScript,
            NotifyPriorityChanges = s.NotifyPriorityChanges,
            FifoWriteStatesOnReload = s.FifoWriteStatesOnReload,
            Garp = garp,
            GarpInterval = TimeSpan.FromMicroseconds(s.GarpIntervalMicros),
            GnaInterval = TimeSpan.FromMicroseconds(s.GnaIntervalMicros),
            LowerPriorityNoAdvert = s.LowerPrioNoAdvert,
            HigherPrioritySendAdvert = s.HigherPrioSendAdvert,
            DownTimerAdverts = (int)s.DownTimerAdverts,
            SkipCheckAdvertAddresses = s.SkipCheckAdvAddr,
            Strict = s.Strict,
            CheckUnicastSource = s.CheckUnicastSource,
            StartupDelay = TimeSpan.FromMicroseconds(s.StartupDelayMicros),
            VmacPrefix = s.VmacPrefix,
            DynamicInterfaces = s.DynamicInterfaces,
            ProcessEventsFromHostNamespace = s.ProcessEventsFromHostNamespace,
        };
    }

    /// <summary>"USER [GROUP]" after a keyword.</summary>
    public static (string? User, string? Group) UserGroup(ValueReader values, ConfigNode node, string? user, string? group)
    {
        if (node.ArgumentCount == 0)
        {
            values.Error(node, $"'{node.Keyword}' needs a user name");
            return (user, group);
        }
        values.WarnExtra(node, 2);
        return (node.Argument(0), node.ArgumentCount > 1 ? node.Argument(1) : null);
    }

    private static NotifyFifoConfig? Fifo(ValueReader values, ConfigNode node)
    {
        if (node.ArgumentCount == 0)
        {
            values.Error(node, $"'{node.Keyword}' needs a FIFO path");
            return null;
        }
        values.WarnExtra(node, 3);
        return new NotifyFifoConfig(node.Argument(0), node.ArgumentCount > 1 ? node.Argument(1) : null, node.ArgumentCount > 2 ? node.Argument(2) : null);
    }

    /// <summary>A repeat count where keepalived turns 0 into 1 (allowed for compatibility with old versions).</summary>
    public static uint? AtLeastOne(ValueReader values, ConfigNode node)
    {
        uint? value = values.Unsigned(node, 0, uint.MaxValue);
        if (value == 0)
        {
            values.Warning(node, $"{node.Keyword} 0: must be greater than 0, using 1 as keepalived does");
            return 1;
        }
        return value;
    }

    private static void DefaultGroupOnly(ValueReader values, ConfigNode node, IpAddr standard)
    {
        if (values.Address(node) is IpAddr group && group != standard)
            values.Error(node, $"keepalived keyword '{node.Keyword}' with a group other than {standard} is not supported by vrrpd");
    }
}
