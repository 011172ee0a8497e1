using Lkm.Sdk.Flv;

namespace Lkm.Sdk.Tests.Flv;

public class TimestampUnwrapperTests
{
    [Fact]
    public void Small_backward_steps_stay_backward_and_wraps_move_forward()
    {
        var clock = new TimestampUnwrapper();
        Assert.Equal(1000, clock.Unwrap(1000));
        Assert.Equal(980, clock.Unwrap(980)); // audio slightly behind video
        Assert.Equal(1000, clock.Last);
        Assert.Equal(0x70000000, clock.Unwrap(0x70000000)); // a big jump forward (less than half the circle) is forward
        Assert.Equal(0x70000000, clock.Last);
    }

    [Fact]
    public void Crossing_the_32_bit_boundary_continues_the_timeline()
    {
        var clock = new TimestampUnwrapper();
        long previous = clock.Unwrap(0xFFFF0000);
        for (uint step = 1; step <= 0x30; step++)
        {
            uint raw = 0xFFFF0000 + (step * 0x1000); // wraps after 0x10 steps
            long unwrapped = clock.Unwrap(raw);
            Assert.Equal(previous + 0x1000, unwrapped);
            previous = unwrapped;
        }

        Assert.True(previous > uint.MaxValue);
    }

    [Fact]
    public void A_late_packet_right_after_the_start_is_clamped_to_zero()
    {
        var clock = new TimestampUnwrapper();
        Assert.Equal(10, clock.Unwrap(10));
        Assert.Equal(0, clock.Unwrap(0xFFFFFFF0)); // 26 ms before 10: would be negative
    }
}
