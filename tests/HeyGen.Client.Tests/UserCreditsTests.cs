using HeyGen.Client.Tests.Support;
using HeyGen.Emulator;
using HeyGenRender.TestSupport;

namespace HeyGen.Client.Tests;

/// <summary>The balance fields of <c>GET /v3/users/me</c>: wallet, subscription pools and metered spending.</summary>
public sealed class UserCreditsTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public async Task GetCurrent_SubscriptionAccount_ReadsPlanAndBothCreditPools()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Handler = (ctx, _) => LoopbackServer.Json(ctx, 200, """
            {"data":{"username":"team_user","email":null,"first_name":null,"last_name":null,"billing_type":"subscription",
              "wallet":null,
              "subscription":{"plan":"team","credits":{
                "premium_credits":{"remaining":500,"resets_at":"2024-05-01T00:00:00Z"},
                "add_on_credits":{"remaining":40,"resets_at":null}}},
              "usage_based":null}}
            """);
        using var client = TestClients.Create(server.BaseAddress, _time);

        var user = await client.Users.GetCurrentAsync();

        Assert.Equal("subscription", user.BillingType);
        Assert.Null(user.Wallet);
        Assert.Equal("team", user.Subscription?.Plan);
        Assert.Equal(500, user.Subscription?.Credits?.PremiumCredits?.Remaining);
        Assert.Equal("2024-05-01T00:00:00Z", user.Subscription?.Credits?.PremiumCredits?.ResetsAt);
        Assert.Equal(40, user.Subscription?.Credits?.AddOnCredits?.Remaining);
    }

    [Fact]
    public async Task GetCurrent_UsageBasedAccount_ReadsSpendingAndCap()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Handler = (ctx, _) => LoopbackServer.Json(ctx, 200, """
            {"data":{"username":"metered","email":"m@example.com","first_name":"M","last_name":"E","billing_type":"usage_based",
              "usage_based":{"spending_current_usd":42.5,"spending_cap_usd":100.0}}}
            """);
        using var client = TestClients.Create(server.BaseAddress, _time);

        var user = await client.Users.GetCurrentAsync();

        Assert.Equal(42.5, user.UsageBased?.SpendingCurrentUsd);
        Assert.Equal(100.0, user.UsageBased?.SpendingCapUsd);
    }

    [Fact]
    public async Task GetCurrent_EmulatorWallet_ReportsTheRemainingCreditBalance()
    {
        await using var emulator = await HeyGenEmulatorHost.StartAsync(timeProvider: _time);
        using var client = TestClients.Create(emulator.BaseAddress, _time, o => o.ApiKey = emulator.ApiKey);

        var user = await client.Users.GetCurrentAsync();

        Assert.Equal("wallet", user.BillingType);
        Assert.Equal("credits", user.Wallet?.Currency);
        Assert.Equal((double)emulator.State.CreditBalance, user.Wallet?.RemainingBalance);
        Assert.False(user.Wallet?.AutoReload?.Enabled);
    }
}
