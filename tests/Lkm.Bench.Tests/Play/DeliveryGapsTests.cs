using Lkm.Bench.Media;
using Lkm.Bench.Net;
using Lkm.Bench.Play;

namespace Lkm.Bench.Tests.Play;

public sealed class DeliveryGapsTests
{
    // Synthetic ticks: the steady phase runs from 10 000 to 20 000.
    private const long SteadyStart = 10_000;
    private const long End = 20_000;

    private static DeliveryGaps Feed(long? keyframeAt, IEnumerable<long> deliveries, long finishAt)
    {
        var gaps = new DeliveryGaps(SteadyStart, End);
        foreach (long t in deliveries)
        {
            if (keyframeAt == t)
            {
                gaps.Delivery(t);
                gaps.Start(t);
                continue;
            }

            gaps.Delivery(t);
        }

        gaps.Finish(finishAt);
        return gaps;
    }

    private static IEnumerable<long> Every(long from, long to, long step)
    {
        for (long t = from; t <= to; t += step)
        {
            yield return t;
        }
    }

    [Fact]
    public void Regular_deliveries_give_their_period_and_one_late_batch_gives_its_wait()
    {
        var regular = Feed(2_000, Every(2_000, 19_950, 350), End);
        Assert.True(regular.HasSteadyFigure);
        Assert.Equal(350, regular.SteadyMaxTicks);
        Assert.Equal(350, regular.RunMaxTicks);

        // One batch 800 ticks after the previous one in the steady phase.
        var late = Feed(2_000, Every(2_000, 14_950, 350).Concat(Every(15_750, 19_950, 350)), End);
        Assert.Equal(15_750 - 14_950, late.SteadyMaxTicks);
        Assert.Equal(15_750 - 14_950, late.RunMaxTicks);
    }

    [Fact]
    public void Waits_before_the_first_key_frame_do_not_count_and_the_ramp_counts_for_the_whole_run_only()
    {
        // Media from 0 (audio, or video before a key frame), first key frame at 3 000 after a long wait,
        // a 2 000-tick hole in the ramp, then a regular stream.
        long[] deliveries = [0, 3_000, 3_100, 5_100, .. Every(5_400, 19_900, 300)];
        var gaps = Feed(3_000, deliveries, End);

        Assert.Equal(2_000, gaps.RunMaxTicks);
        Assert.Equal(300, gaps.SteadyMaxTicks);
    }

    [Fact]
    public void A_wait_across_the_start_of_the_steady_phase_counts_from_that_start()
    {
        var gaps = Feed(1_000, [.. Every(1_000, 9_000, 500), 10_600, .. Every(10_900, 19_900, 300)], End);

        Assert.Equal(600, gaps.SteadyMaxTicks);
        Assert.Equal(1_600, gaps.RunMaxTicks);
    }

    [Fact]
    public void Silence_up_to_the_end_counts_and_deliveries_after_the_end_do_not()
    {
        var silent = Feed(1_000, Every(1_000, 15_000, 250), End);
        Assert.Equal(End - 15_000, silent.SteadyMaxTicks);

        // A player that stopped at 17 000 (its connection ended): the silence counts up to then.
        var dropped = Feed(1_000, Every(1_000, 16_000, 250), 17_000);
        Assert.Equal(1_000, dropped.SteadyMaxTicks);

        // A late delivery after the end of the run only closes the wait at the end.
        var late = Feed(1_000, [.. Every(1_000, 19_000, 250), 25_000], 25_000);
        Assert.Equal(End - 19_000, late.SteadyMaxTicks);
        Assert.Equal(End - 19_000, late.RunMaxTicks);
    }

    [Fact]
    public void No_steady_figure_without_a_key_frame_or_without_playing_in_the_steady_phase()
    {
        var noKeyframe = Feed(null, Every(1_000, 19_000, 300), End);
        Assert.False(noKeyframe.Started);
        Assert.False(noKeyframe.HasSteadyFigure);
        Assert.Equal(0, noKeyframe.RunMaxTicks);

        var goneBeforeSteady = Feed(1_000, Every(1_000, 8_000, 250), 9_000);
        Assert.True(goneBeforeSteady.Started);
        Assert.False(goneBeforeSteady.HasSteadyFigure);
        Assert.Equal(1_000, goneBeforeSteady.RunMaxTicks);

        var keyframeAfterEnd = Feed(21_000, [21_000], 21_000);
        Assert.False(keyframeAfterEnd.HasSteadyFigure);

        var notFinished = new DeliveryGaps(SteadyStart, End);
        notFinished.Start(1_000);
        notFinished.Delivery(12_000);
        Assert.False(notFinished.HasSteadyFigure);
    }

    [Fact]
    public void Player_stats_time_deliveries_from_the_first_key_frame_on()
    {
        // Real clock: a run whose steady phase is already under way.
        var clock = new RunClock(RunClock.Now - RunClock.OneSecond, TimeSpan.Zero, TimeSpan.FromSeconds(30));
        var stats = new PlayerStats(0, 0, StreamProtocol.HttpFlv, "http://x/a.flv", clock);

        stats.OnMediaBytes(100); // audio before the first key frame
        stats.OnMediaComplete(MediaKind.Audio, 100, false);
        Thread.Sleep(400);
        stats.OnMediaBytes(5_000);
        stats.OnMediaComplete(MediaKind.Video, 5_000, true);
        Thread.Sleep(20);
        stats.OnMediaBytes(300);
        Assert.Null(stats.SteadyGapTicks); // not over yet
        stats.Finish();

        Assert.True(RunClock.ToMilliseconds(stats.MaxGapTicks) >= 400, "the stall measure still starts at the first media byte");
        Assert.InRange(RunClock.ToMilliseconds(stats.RunGapTicks!.Value), 20, 399);
        Assert.Equal(stats.RunGapTicks, stats.SteadyGapTicks);
    }
}
