using Lkm.Sdk.Plugins;

namespace Lkm.Sdk.Tests.Plugins;

/// <summary>The port pool: round robin from the last rent, never one port to two holders, every port back after use.</summary>
public sealed class PortPoolTests
{
    [Fact]
    public void Ports_go_round_robin_so_a_port_given_back_is_reused_last()
    {
        var pool = new PortPool("rtp", 50000, 50002);
        Assert.True(pool.TryRent(out var a));
        Assert.True(pool.TryRent(out var b));
        Assert.Equal((50000, 50001), (a.Port, b.Port));
        a.Dispose();
        Assert.True(pool.TryRent(out var c));
        Assert.Equal(50002, c.Port); // not 50000, just given back
        Assert.True(pool.TryRent(out var d));
        Assert.Equal(50000, d.Port);
        Assert.False(pool.TryRent(out _)); // 50001, 50002, 50000 rented: full
        Assert.Equal(3, pool.InUse);
        Assert.Equal([50000, 50001, 50002], pool.Rented);
    }

    [Fact]
    public void A_port_asked_for_by_number_is_rented_once_and_a_lease_gives_back_once()
    {
        var pool = new PortPool("rtp", 50000, 50009);
        Assert.True(pool.TryRent(50005, out var lease));
        Assert.False(pool.TryRent(50005, out _));
        Assert.False(pool.TryRent(49999, out _));
        Assert.False(pool.TryRent(50010, out _));
        lease.Dispose();
        Assert.True(pool.TryRent(50005, out var again));
        lease.Dispose(); // a second dispose of the old lease must not free the new holder's port
        Assert.Equal(1, pool.InUse);
        again.Dispose();
        Assert.Equal(0, pool.InUse);
    }

    [Fact]
    public async Task A_thousand_rent_and_close_cycles_on_several_threads_give_every_port_back_and_never_share_one()
    {
        var pool = new PortPool("rtp", 50000, 50015);
        var holders = new int[65536];
        int shared = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < 250; i++)
            {
                if (!pool.TryRent(out var lease))
                {
                    continue;
                }

                if (Interlocked.Increment(ref holders[lease.Port]) != 1)
                {
                    Interlocked.Increment(ref shared);
                }

                Thread.SpinWait(50);
                Interlocked.Decrement(ref holders[lease.Port]);
                lease.Dispose();
            }
        }, TestContext.Current.CancellationToken)));

        Assert.Equal(0, shared);
        Assert.Equal(0, pool.InUse);
    }

    [Fact]
    public void A_bad_range_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PortPool("rtp", 0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PortPool("rtp", 60000, 50000));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PortPool("rtp", 60000, 70000));
    }
}
