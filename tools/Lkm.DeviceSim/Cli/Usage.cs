namespace Lkm.DeviceSim.Cli;

internal static class Usage
{
    public const string Text = """
        lkm-devicesim — simulated devices' media planes, for testing a media server.

        lkm-devicesim gb28181 [options]     a GB28181 camera: RTP (PT 96, 90 kHz) carrying MPEG-PS
        lkm-devicesim help                  this text
        (jt1078: planned)

        gb28181 options
          Media (read with ffmpeg; paced by the media time stamps)
          --input SRC              file, URL, or lavfi:GRAPH (e.g. lavfi:testsrc=size=320x240:rate=25)   [required]
          --input-audio SRC        take the audio from this input instead (e.g. lavfi:sine=frequency=1000)
          --video MODE             copy (default; H.264/H.265 only) | h264 | h265 (re-encode, 1 s GOP) | none
          --video-bitrate K        re-encode (h264/h265) at K kbit/s, near constant (default: CRF quality)
          --audio MODE             aac (default when the input has audio) | pcma | pcmu | none
          --loop                   start again at the end (time stamps and sequence numbers go on)
          --duration S             stop after S seconds of media
          --speed X                1 = real time (default), 2 = twice as fast, 0 = as fast as possible
          --ffmpeg PATH            the ffmpeg executable (default: ffmpeg from PATH)

          Transport
          --transport T            udp (default) | tcp (we connect; server "passive") |
                                   tcp-listen (we listen; server "active" dials us). TCP: RFC 4571 framing
          --target HOST:PORT       where udp/tcp send; with --devices N every device goes to this one
                                   port (shared-port mode, told apart by SSRC) unless --port-step is given
          --targets H:P,H:P,...    one target per device (device count = list length unless --devices)
          --port-step K            device i sends to PORT + i*K (udp/tcp) or listens on PORT + i*K (tcp-listen)
          --listen HOST:PORT       tcp-listen address; port 0 = any (prints "listening <port>" per device)
          --local-port P           udp source port (device i: P + i); default any

          RTP
          --ssrc N                 decimal uint32 (default 1); device i uses N + i
          --payload-type N         0-127 (default 96)
          --mtu N                  largest RTP payload, bytes (default 1400)

          Impairments
          --drop PCT               drop PCT % of RTP packets at random
          --reorder PCT            swap PCT % of RTP packets with the next one
          --seed N                 seed of drop/reorder (device i: N + i); default random
          --audio-delay S          no audio for the first S seconds (audio joins late)
          --audio-first S          only audio for the first S seconds (video joins at the next key frame)

          Load
          --devices N              N devices from one decode and mux (default 1)

        Logs go to stderr; stdout only has the "listening <port>" lines.
        Exit code: 0 done, 1 runtime error (e.g. ffmpeg missing), 2 bad arguments.
        """;
}
