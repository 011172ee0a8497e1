using System.Globalization;

namespace Lkm.DeviceSim.Media;

/// <summary>The ffmpeg command lines of a feed: one MPEG-TS process (video, AAC) and one raw G.711 process.</summary>
internal static class FfmpegArguments
{
    private static readonly string[] Quiet = ["-hide_banner", "-loglevel", "error", "-nostdin"];

    /// <summary>True when the feed needs the MPEG-TS process (video, or AAC audio).</summary>
    public static bool NeedsTs(FfmpegFeedOptions options) => options.Video != VideoMode.None || options.Audio is AudioMode.Aac or AudioMode.Auto;

    /// <summary>True when the feed needs the raw G.711 process.</summary>
    public static bool NeedsG711(FfmpegFeedOptions options) => options.Audio is AudioMode.Pcma or AudioMode.Pcmu;

    /// <summary>Video and AAC audio as one MPEG-TS on stdout.</summary>
    public static List<string> Ts(FfmpegFeedOptions options)
    {
        var args = new List<string>(Quiet);
        AddInput(args, options.Input);
        bool aac = options.Audio is AudioMode.Aac or AudioMode.Auto;
        bool separateAudio = aac && options.InputAudio is not null;
        if (separateAudio)
        {
            AddInput(args, options.InputAudio!);
        }

        if (options.Video == VideoMode.None)
        {
            args.Add("-vn");
        }
        else
        {
            args.AddRange(["-map", "0:v:0"]);
            switch (options.Video)
            {
                case VideoMode.Copy:
                    // The mpegts muxer inserts h264_mp4toannexb / hevc_mp4toannexb itself when the input is MP4-style.
                    args.AddRange(["-c:v", "copy"]);
                    break;
                case VideoMode.H264:
                    args.AddRange(["-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-bf", "0", "-pix_fmt", "yuv420p",
                        "-force_key_frames", "expr:gte(t,n_forced*1)"]);
                    break;
                case VideoMode.H265:
                    // x265 has no zerolatency tune: no B-frames, parameter sets on every key frame, quiet.
                    args.AddRange(["-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                        "-force_key_frames", "expr:gte(t,n_forced*1)", "-x265-params", "bframes=0:repeat-headers=1:log-level=error"]);
                    break;
            }

            if (options.VideoBitrateKbps is int kbps && options.Video is VideoMode.H264 or VideoMode.H265)
            {
                string rate = kbps.ToString(CultureInfo.InvariantCulture) + "k";
                string buffer = (kbps / 2).ToString(CultureInfo.InvariantCulture) + "k";
                args.AddRange(["-b:v", rate, "-maxrate", rate, "-bufsize", buffer]);
            }
        }

        if (aac)
        {
            args.AddRange(["-map", separateAudio ? "1:a:0" : options.Audio == AudioMode.Auto ? "0:a:0?" : "0:a:0", "-c:a", "aac", "-b:a", "64k"]);
        }
        else
        {
            args.Add("-an");
        }

        args.AddRange(["-f", "mpegts", "pipe:1"]);
        return args;
    }

    /// <summary>G.711 (8 kHz mono) as raw samples on stdout.</summary>
    public static List<string> G711(FfmpegFeedOptions options)
    {
        var args = new List<string>(Quiet);
        AddInput(args, options.InputAudio ?? options.Input);
        bool alaw = options.Audio == AudioMode.Pcma;
        args.AddRange(["-map", "0:a:0", "-vn", "-c:a", alaw ? "pcm_alaw" : "pcm_mulaw", "-ar", "8000", "-ac", "1", "-f", alaw ? "alaw" : "mulaw", "pipe:1"]);
        return args;
    }

    private static void AddInput(List<string> args, string input)
    {
        if (input.StartsWith(FfmpegFeedOptions.LavfiPrefix, StringComparison.Ordinal))
        {
            args.AddRange(["-f", "lavfi", "-i", input[FfmpegFeedOptions.LavfiPrefix.Length..]]);
        }
        else
        {
            args.AddRange(["-i", input]);
        }
    }
}
