namespace Lkm.Sdk.Rtp;

/// <summary>
/// Puts RTP packets of one SSRC back in sequence-number order (UDP reorders and loses them), without copying:
/// <see cref="Push"/> takes ownership of a packet, <see cref="TryPop(out RtpPacket)"/> hands packets out in order
/// and the caller then owns (and releases) each.
/// <para>
/// Call <see cref="TryPop(long, out RtpPacket)"/> until it returns false after every push. A missing packet holds
/// the packets behind it back until either <see cref="Capacity"/> later sequence numbers have arrived or (with a
/// <c>maxDelayMs</c>) the oldest waiting packet waited that long; then the gap is skipped and counted in
/// <see cref="Lost"/>. So output never stalls for more than the window. Sequence numbers wrap (65535 → 0);
/// a duplicate is dropped; a packet whose place was already passed is dropped as <see cref="Late"/>; a jump
/// of more than <c>restartThreshold</c> either way (a restarted sender) hands out what is held and starts over.
/// </para>
/// One buffer per SSRC, used from one thread (a session's receive loop). <see cref="Dispose"/> releases what it holds.
/// </summary>
public sealed class RtpReorderBuffer : IDisposable
{
    /// <summary>Default window, in packets.</summary>
    public const int DefaultCapacity = 64;

    /// <summary>Default jump, in sequence numbers, taken as a restart of the sender.</summary>
    public const int DefaultRestartThreshold = 3000;

    private readonly Slot[] _window;
    private readonly RtpPacket[] _ready;
    private readonly long _maxDelayMs;
    private readonly int _restartThreshold;
    private int _readyHead;
    private int _readyCount;
    private int _held;
    private long _next;      // extended (wrap-free) sequence number released next
    private long _highest;   // extended sequence number of the highest packet received
    private bool _started;

    /// <summary>
    /// A buffer holding up to <paramref name="capacity"/> packets (2 to 32768); <paramref name="maxDelayMs"/> &gt; 0
    /// also bounds how long a packet waits for a gap (by the clock passed to <see cref="Push"/> and <see cref="TryPop(long, out RtpPacket)"/>);
    /// a sequence jump beyond <paramref name="restartThreshold"/> restarts.
    /// </summary>
    public RtpReorderBuffer(int capacity = DefaultCapacity, int maxDelayMs = 0, int restartThreshold = DefaultRestartThreshold)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, 32768);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDelayMs);
        ArgumentOutOfRangeException.ThrowIfLessThan(restartThreshold, capacity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(restartThreshold, short.MaxValue);
        _window = new Slot[capacity];
        _ready = new RtpPacket[capacity];
        _maxDelayMs = maxDelayMs;
        _restartThreshold = restartThreshold;
    }

    /// <summary>Most packets held (waiting behind a gap plus ready to pop).</summary>
    public int Capacity => _window.Length;

    /// <summary>Packets held now.</summary>
    public int Count => _held + _readyCount;

    /// <summary>Packets pushed.</summary>
    public long Received { get; private set; }

    /// <summary>Packets that arrived after a higher sequence number (and were put back in place).</summary>
    public long Reordered { get; private set; }

    /// <summary>Packets dropped because the same sequence number was already held.</summary>
    public long Duplicates { get; private set; }

    /// <summary>Packets dropped because their place was already passed (released, or skipped as lost; a duplicate of a released packet counts here).</summary>
    public long Late { get; private set; }

    /// <summary>Sequence numbers skipped because they did not arrive in time.</summary>
    public long Lost { get; private set; }

    /// <summary>Times the sequence jumped so far that the buffer started over.</summary>
    public long Restarts { get; private set; }

    /// <summary>
    /// Takes ownership of <paramref name="packet"/> (it is released here when dropped as a duplicate or late).
    /// <paramref name="nowMs"/> is the arrival time on any monotonic millisecond clock (e.g. <see cref="Environment.TickCount64"/>),
    /// used only with a <c>maxDelayMs</c>. Throws <see cref="InvalidOperationException"/> when the caller left more than
    /// <see cref="Capacity"/> packets unpopped.
    /// </summary>
    public void Push(in RtpPacket packet, long nowMs = 0)
    {
        Received++;
        ushort sequence = packet.Header.SequenceNumber;
        if (!_started)
        {
            Restart(sequence);
        }

        int delta = (short)(sequence - (ushort)_next);
        if (delta > _restartThreshold || delta < -_restartThreshold)
        {
            Restarts++;
            SkipAll(countLost: false);
            Restart(sequence);
            delta = 0;
        }

        if (delta < 0)
        {
            Late++;
            packet.Release();
            return;
        }

        long extended = _next + delta;
        if (extended - _next >= _window.Length)
        {
            // The window is full of waiting: skip ahead so this packet fits; what was held before it goes out in order.
            Advance(extended - _window.Length + 1);
        }

        ref var slot = ref _window[(int)(extended % _window.Length)];
        if (slot.Occupied)
        {
            Duplicates++;
            packet.Release();
            return;
        }

        if (extended < _highest)
        {
            Reordered++;
        }
        else
        {
            _highest = extended;
        }

        slot = new Slot(packet, nowMs);
        _held++;
    }

    /// <summary>
    /// The fast path for the common case, a packet arriving in order: when nothing is held and <paramref name="sequence"/>
    /// is the next one expected (or the first), counts it as received and passed, and returns true — the caller uses the
    /// packet where it lies (no copy, no <see cref="RtpPacket"/>) instead of pushing it. False: push it.
    /// </summary>
    public bool TryPassThrough(ushort sequence)
    {
        if (_held != 0 || _readyCount != 0 || (_started && sequence != (ushort)_next))
        {
            return false;
        }

        if (!_started)
        {
            Restart(sequence);
        }

        Received++;
        _next++;
        _highest = _next - 1;
        return true;
    }

    /// <summary>The next packet in order, if one may go now (count bound only); the caller owns it.</summary>
    public bool TryPop(out RtpPacket packet) => TryPop(long.MinValue, out packet);

    /// <summary>The next packet in order, if one may go now, skipping a gap the oldest waiting packet waited <c>maxDelayMs</c> for by <paramref name="nowMs"/>; the caller owns it.</summary>
    public bool TryPop(long nowMs, out RtpPacket packet)
    {
        if (_readyCount == 0 && _held > 0)
        {
            MoveInOrderToReady();
            if (_readyCount == 0 && _maxDelayMs > 0 && nowMs != long.MinValue && nowMs - OldestArrival() >= _maxDelayMs)
            {
                Advance(FirstHeld());
            }
        }

        return TryPopReady(out packet);
    }

    /// <summary>Makes everything held ready to pop, in order, skipping the gaps (counted as lost): for the end of a stream.</summary>
    public void Flush() => SkipAll(countLost: true);

    /// <summary>Releases every packet held; the counters stay.</summary>
    public void Dispose()
    {
        while (TryPopReady(out var packet))
        {
            packet.Release();
        }

        for (int i = 0; i < _window.Length; i++)
        {
            if (_window[i].Occupied)
            {
                _window[i].Packet.Release();
                _window[i] = default;
            }
        }

        _held = 0;
    }

    private void Restart(ushort sequence)
    {
        _started = true;
        _next = sequence;
        _highest = sequence;
    }

    // Moves the in-order run at the head of the window to the ready queue.
    private void MoveInOrderToReady()
    {
        while (_held > 0)
        {
            ref var slot = ref _window[(int)(_next % _window.Length)];
            if (!slot.Occupied)
            {
                return;
            }

            Enqueue(slot.Packet);
            slot = default;
            _held--;
            _next++;
        }
    }

    // Releases everything below extended sequence number `until` to the ready queue, counting the holes as lost.
    private void Advance(long until)
    {
        if (_held == 0)
        {
            Lost += until - _next;
            _next = until;
            return;
        }

        while (_next < until)
        {
            ref var slot = ref _window[(int)(_next % _window.Length)];
            if (slot.Occupied)
            {
                Enqueue(slot.Packet);
                slot = default;
                _held--;
            }
            else
            {
                Lost++;
            }

            _next++;
            if (_held == 0 && _next < until)
            {
                Lost += until - _next;
                _next = until;
            }
        }

        MoveInOrderToReady();
    }

    private void SkipAll(bool countLost)
    {
        long lostBefore = Lost;
        while (_held > 0)
        {
            Advance(FirstHeld() + 1);
        }

        if (!countLost)
        {
            Lost = lostBefore;
        }
    }

    private long FirstHeld()
    {
        for (long sequence = _next; ; sequence++)
        {
            if (_window[(int)(sequence % _window.Length)].Occupied)
            {
                return sequence;
            }
        }
    }

    private long OldestArrival()
    {
        long oldest = long.MaxValue;
        foreach (ref readonly var slot in _window.AsSpan())
        {
            if (slot.Occupied && slot.ArrivalMs < oldest)
            {
                oldest = slot.ArrivalMs;
            }
        }

        return oldest;
    }

    private void Enqueue(in RtpPacket packet)
    {
        if (_readyCount == _ready.Length)
        {
            throw new InvalidOperationException($"{nameof(RtpReorderBuffer)}: more than {_ready.Length} packets left unpopped; call TryPop until false after each Push.");
        }

        _ready[(_readyHead + _readyCount) % _ready.Length] = packet;
        _readyCount++;
    }

    private bool TryPopReady(out RtpPacket packet)
    {
        if (_readyCount == 0)
        {
            packet = default;
            return false;
        }

        packet = _ready[_readyHead];
        _ready[_readyHead] = default;
        _readyHead = (_readyHead + 1) % _ready.Length;
        _readyCount--;
        return true;
    }

    private readonly struct Slot(RtpPacket packet, long arrivalMs)
    {
        public RtpPacket Packet { get; } = packet;

        public long ArrivalMs { get; } = arrivalMs;

        public bool Occupied => Packet.Buffer is not null;
    }
}
