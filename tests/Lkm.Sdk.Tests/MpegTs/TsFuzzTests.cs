using Lkm.Sdk.Codecs;
using Lkm.Sdk.Media;
using Lkm.Sdk.MpegTs;
using Lkm.Sdk.Testing;
using Lkm.Sdk.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lkm.Sdk.Tests.MpegTs;

/// <summary>Random and mutated TS: the parsers throw nothing but <see cref="TsFormatException"/>, the demuxer and ingest nothing at all, within bounded memory.</summary>
public class TsFuzzTests
{
    [Fact]
    public void Ingest_never_throws_on_mutated_streams_and_writes_only_well_formed_packets()
    {
        var mutator = new Mutator(1188);
        var packets = TsSamples.Packets(TsSamples.H264Aac);
        long written = 0;
        for (int i = 0; i < 300; i++)
        {
            // Mutate a few packets in place (headers, sections, PES headers and payloads alike), sometimes drop or add garbage.
            var input = new List<byte>(TsSamples.H264Aac.Length + 1024);
            foreach (var packet in packets)
            {
                int roll = mutator.Random.Next(100);
                if (roll < 3)
                {
                    continue;
                }

                input.AddRange(roll < 10 ? mutator.Mutate(packet) : packet);
                if (roll == 99)
                {
                    input.AddRange(mutator.RandomBytes(300));
                }
            }

            var publisher = new RecordingPublisher();
            using var ingest = new TsIngest(publisher, NullLogger.Instance, probeWindowMs: 500, maxPesSize: 256 * 1024);
            var bytes = input.ToArray();
            int chunk = mutator.Random.Next(1, 3000);
            try
            {
                for (int offset = 0; offset < bytes.Length; offset += chunk)
                {
                    ingest.Feed(bytes.AsSpan(offset, Math.Min(chunk, bytes.Length - offset)));
                }

                ingest.Flush();
            }
            catch (Exception ex)
            {
                Assert.Fail($"TsIngest threw {ex.GetType().Name} ({ex.Message}) in round {i}");
            }

            foreach (var packet in publisher.Packets)
            {
                Assert.True(packet.Data.Length > 0);
                if (publisher.Tracks[packet.TrackIndex].MediaType == MediaType.Video)
                {
                    Assert.True(Avcc.IsValid(packet.Data), "video packets must be well-formed AVCC");
                }
            }

            written += publisher.Packets.Count;
        }

        Assert.True(written > 300 * 20, $"only {written} packets came through mutated streams");
    }

    [Fact]
    public void Demuxer_never_throws_on_random_bytes()
    {
        var mutator = new Mutator(47);
        var receiver = new CountingReceiver();
        using var demuxer = new TsDemuxer(receiver, maxPesSize: 64 * 1024);
        for (int i = 0; i < 5000; i++)
        {
            var bytes = mutator.RandomBytes(2000);
            if (i % 3 == 0)
            {
                // Mostly sync bytes in the right places, so headers get parsed rather than skipped.
                for (int at = 0; at < bytes.Length; at += TsPacketHeader.PacketSize)
                {
                    bytes[at] = TsPacketHeader.SyncByte;
                    if (i % 2 == 0 && at + 2 < bytes.Length)
                    {
                        bytes[at + 1] &= 0x40; // PID 0: PAT sections
                        bytes[at + 2] = 0;
                    }
                }
            }

            demuxer.Feed(bytes);
        }

        demuxer.Flush();
        Assert.True(demuxer.Packets > 1000);
    }

    [Fact]
    public void Parsers_throw_only_their_format_exception_on_mutated_input()
    {
        var mutator = new Mutator(9);
        var packets = TsSamples.Packets(TsSamples.H264Aac);
        var pat = TsBuilder.Section(0x00, 1, [0, 1, 0xF0, 0x00]);
        var pmt = TsBuilder.Section(0x02, 1, [0xE1, 0x00, 0xF0, 0x00, 0x1B, 0xE1, 0x00, 0xF0, 0x00, 0x0F, 0xE1, 0x01, 0xF0, 0x00]);
        byte[] pes = [0, 0, 1, 0xE0, 0, 0, 0x80, 0xC0, 10, 0x31, 0, 1, 0, 1, 0x11, 0, 1, 0, 1, 0, 0, 0, 1, 0x65];
        for (int i = 0; i < 4000; i++)
        {
            Mutator.AssertOnlyThrows<TsFormatException>(mutator.Mutate(packets[i % packets.Count]), b => TsPacketHeader.Parse(b), 1024);
            Mutator.AssertOnlyThrows<TsFormatException>(mutator.Mutate(pat), b => ProgramAssociationTable.Parse(b), 16 * 1024);
            Mutator.AssertOnlyThrows<TsFormatException>(mutator.Mutate(pmt), b => ProgramMapTable.Parse(b), 16 * 1024);
            Mutator.AssertOnlyThrows<TsFormatException>(mutator.Mutate(pes), b => PesHeader.Parse(b), 1024);
            Mutator.AssertOnlyThrows<TsFormatException>(mutator.RandomBytes(40), b => PesHeader.Parse(b), 1024);
        }
    }

    [Fact]
    public void Bogus_section_lengths_and_pointer_fields_are_skipped()
    {
        var receiver = new CountingReceiver();
        using var demuxer = new TsDemuxer(receiver);
        byte[] longSection = [0x00, 0x00, 0xBF, 0xFF, 0, 1, 0xC1, 0, 0]; // section_length 4095
        demuxer.Feed(TsBuilder.Packet(0, unitStart: true, continuity: 0, longSection));
        byte[] pointerPastEnd = [200, 0, 0xB0, 13];
        demuxer.Feed(TsBuilder.Packet(0, unitStart: true, continuity: 1, pointerPastEnd));

        Assert.Equal(2, demuxer.Errors);
        Assert.Null(demuxer.ProgramMap);
    }

    private sealed class CountingReceiver : ITsPesReceiver
    {
        public int Maps { get; private set; }

        public int Pes { get; private set; }

        public void OnProgramMap(ProgramMapTable map) => Maps++;

        public void OnPes(in TsPes pes) => Pes++;
    }
}
