using Vrrp.Core.Router;
using Vrrp.Core.Wire;

namespace Vrrp.Core.Tests.Router;

/// <summary>Drives one router in scripted tests: real advertisement bytes in, actions out.</summary>
internal sealed class RouterHarness
{
    public static readonly IpAddr Self = IpAddr.Parse("192.168.1.10");
    public static readonly IpAddr Vip = IpAddr.Parse("192.168.1.4");

    public RouterHarness(VirtualRouterOptions options) => Router = new VirtualRouter(options);

    public VirtualRouter Router { get; }

    public static VirtualRouterOptions Options(byte priority = 100, VrrpVersion version = VrrpVersion.V3, ushort intervalCs = 100,
        bool preempt = true, RouterState initial = RouterState.Backup, TimeSpan? preemptDelay = null, bool strict = false,
        VrrpAuthType auth = VrrpAuthType.None, string? password = null, IReadOnlyList<TrackerOptions>? trackers = null,
        int garpRepeat = 5, TimeSpan? garpDelay = null, TimeSpan? garpRefresh = null, int garpLowerRepeat = 0, TimeSpan? garpLowerDelay = null,
        string name = "vi", string self = "192.168.1.10") => new()
    {
        Name = name,
        VirtualRouterId = 4,
        Version = version,
        Priority = priority,
        AdvertIntervalCentiseconds = intervalCs,
        Preempt = preempt,
        InitialState = initial,
        PreemptDelay = preemptDelay ?? TimeSpan.Zero,
        StrictAddressCheck = strict,
        AuthType = auth,
        AuthPassword = password,
        Trackers = trackers ?? [],
        GarpMasterRepeat = garpRepeat,
        GarpMasterDelay = garpDelay ?? TimeSpan.FromSeconds(5),
        GarpMasterRefresh = garpRefresh ?? TimeSpan.Zero,
        GarpLowerPriorityRepeat = garpLowerRepeat,
        GarpLowerPriorityDelay = garpLowerDelay ?? TimeSpan.Zero,
        VirtualAddresses = [Vip],
        PrimaryAddress = IpAddr.Parse(self),
    };

    public static Instant Ms(double milliseconds) => Instant.FromMilliseconds(milliseconds);

    public List<RouterAction> Drain()
    {
        List<RouterAction> actions = [];
        while (Router.TryPollAction(out RouterAction action)) actions.Add(action);
        return actions;
    }

    public List<RouterAction> Start(Instant now)
    {
        Router.HandleStartup(now);
        return Drain();
    }

    public List<RouterAction> Timeout(Instant now)
    {
        Router.HandleTimeout(now);
        return Drain();
    }

    /// <summary>Runs timeouts until <paramref name="end"/> and returns every action.</summary>
    public List<RouterAction> RunUntil(Instant end)
    {
        List<RouterAction> actions = [];
        for (Instant next = Router.PollTimeout(); next <= end; next = Router.PollTimeout()) actions.AddRange(Timeout(next));
        return actions;
    }

    /// <summary>Emits an advertisement as a peer would, parses it back and hands it to the router.</summary>
    public RejectReason Receive(Instant now, byte priority, string source = "192.168.1.20", ushort? intervalCs = null,
        VrrpVersion? version = null, string[]? addresses = null, VrrpAuthType? auth = null, string? password = null)
    {
        IpAddr from = IpAddr.Parse(source);
        byte[] addressBytes = VrrpAdvertisement.PackAddresses(addresses is null ? [Vip] : [.. addresses.Select(IpAddr.Parse)]);
        byte[] authData = new byte[8];
        if (password is not null) System.Text.Encoding.ASCII.GetBytes(password).CopyTo(authData, 0);
        VrrpVersion v = version ?? Router.Options.Version;
        VrrpAdvertisement sent = new()
        {
            Version = v,
            Family = from.Family,
            VirtualRouterId = Router.Options.VirtualRouterId,
            Priority = priority,
            AdvertIntervalCentiseconds = intervalCs ?? Router.Options.AdvertIntervalCentiseconds,
            AuthType = v == VrrpVersion.V2 ? auth ?? Router.Options.AuthType : VrrpAuthType.None,
            AuthData = authData,
            AddressBytes = addressBytes,
        };
        byte[] message = new byte[sent.BufferLength];
        IpAddr group = from.IsIPv4 ? IpAddr.VrrpMulticastV4 : IpAddr.VrrpMulticastV6;
        sent.Emit(message, from, group);
        Assert.Equal(ParseError.None, VrrpAdvertisement.TryParse(message, from, group, out VrrpAdvertisement received, out _));
        return Router.HandleAdvertisement(now, in received, from);
    }

    public static RouterAction? Find(List<RouterAction> actions, RouterActionKind kind) =>
        actions.FindIndex(a => a.Kind == kind) is int i and >= 0 ? actions[i] : null;

    public static RouterAction Transition(List<RouterAction> actions) =>
        Find(actions, RouterActionKind.StateChanged) ?? throw new Xunit.Sdk.XunitException($"no state change in [{string.Join(", ", actions)}]");

    public static List<RouterActionKind> Kinds(List<RouterAction> actions) => [.. actions.Select(a => a.Kind)];
}
