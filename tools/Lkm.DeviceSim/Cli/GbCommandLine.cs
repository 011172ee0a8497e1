using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Lkm.DeviceSim.Gb;
using Lkm.DeviceSim.Media;

namespace Lkm.DeviceSim.Cli;

/// <summary>What a <c>gb28181</c> command line asks for.</summary>
internal sealed record GbRunPlan(FfmpegFeedOptions Feed, PlaybackOptions Playback, IReadOnlyList<GbDeviceOptions> Devices);

/// <summary>Parses <c>lkm-devicesim gb28181</c>'s options; every error names its option.</summary>
internal static class GbCommandLine
{
    private const int MaxDevices = 100_000;

    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal) { "--loop" };

    private static readonly HashSet<string> Valued = new(StringComparer.Ordinal)
    {
        "--input", "--input-audio", "--video", "--video-bitrate", "--audio", "--duration", "--speed", "--ffmpeg",
        "--transport", "--target", "--targets", "--port-step", "--listen", "--local-port",
        "--ssrc", "--payload-type", "--mtu", "--drop", "--reorder", "--seed", "--audio-delay", "--audio-first", "--devices",
    };

    public static GbRunPlan Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (Flags.Contains(name))
            {
                flags.Add(name);
                continue;
            }

            if (!Valued.Contains(name))
            {
                throw new UsageException($"unknown option '{name}'");
            }

            if (i + 1 >= args.Count || (args[i + 1].StartsWith("--", StringComparison.Ordinal) && args[i + 1].Length > 2))
            {
                throw new UsageException($"option '{name}' needs a value");
            }

            if (!values.TryAdd(name, args[++i]))
            {
                throw new UsageException($"option '{name}' given more than once");
            }
        }

        string? Get(string name) => values.GetValueOrDefault(name);

        // Media.
        string input = Get("--input") ?? throw new UsageException("option '--input' is required (a file, a URL or lavfi:GRAPH)");
        CheckInput("--input", input);
        string? inputAudio = Get("--input-audio");
        if (inputAudio is not null)
        {
            CheckInput("--input-audio", inputAudio);
        }

        var video = Get("--video") switch
        {
            null or "copy" => VideoMode.Copy,
            "h264" => VideoMode.H264,
            "h265" => VideoMode.H265,
            "none" => VideoMode.None,
            var other => throw new UsageException($"option '--video' must be copy, h264, h265 or none, not '{other}'"),
        };
        var audio = Get("--audio") switch
        {
            null => inputAudio is null ? AudioMode.Auto : AudioMode.Aac,
            "aac" => AudioMode.Aac,
            "pcma" => AudioMode.Pcma,
            "pcmu" => AudioMode.Pcmu,
            "none" => AudioMode.None,
            var other => throw new UsageException($"option '--audio' must be aac, pcma, pcmu or none, not '{other}'"),
        };
        int? videoBitrate = Integer(Get("--video-bitrate"), "--video-bitrate", 16, 1_000_000);
        if (videoBitrate is not null && video is not (VideoMode.H264 or VideoMode.H265))
        {
            throw new UsageException("option '--video-bitrate' needs '--video h264' or '--video h265' (copy keeps the input's rate)");
        }

        if (video == VideoMode.None && audio == AudioMode.None)
        {
            throw new UsageException("options '--video none' and '--audio none' leave nothing to send");
        }

        var feed = new FfmpegFeedOptions
        {
            Input = input,
            InputAudio = inputAudio,
            Video = video,
            VideoBitrateKbps = videoBitrate,
            Audio = audio,
            FfmpegPath = Get("--ffmpeg") ?? "ffmpeg",
        };

        var playback = new PlaybackOptions
        {
            Loop = flags.Contains("--loop"),
            Duration = Seconds(Get("--duration"), "--duration", allowZero: false),
            AudioDelay = Seconds(Get("--audio-delay"), "--audio-delay", allowZero: true) ?? TimeSpan.Zero,
            AudioFirst = Seconds(Get("--audio-first"), "--audio-first", allowZero: true) ?? TimeSpan.Zero,
            Speed = Number(Get("--speed"), "--speed", 0, 1000) ?? 1,
        };

        // Transport and devices.
        var transport = Get("--transport") switch
        {
            null or "udp" => GbTransport.Udp,
            "tcp" => GbTransport.Tcp,
            "tcp-listen" => GbTransport.TcpListen,
            var other => throw new UsageException($"option '--transport' must be udp, tcp or tcp-listen, not '{other}'"),
        };
        int? devicesGiven = Integer(Get("--devices"), "--devices", 1, MaxDevices);
        int? portStep = Integer(Get("--port-step"), "--port-step", 0, 65535);
        string? target = Get("--target");
        string? targets = Get("--targets");
        string? listen = Get("--listen");
        int? localPort = Integer(Get("--local-port"), "--local-port", 0, 65535);
        var endpoints = new List<IPEndPoint>();
        int count;
        if (transport == GbTransport.TcpListen)
        {
            if (target is not null || targets is not null)
            {
                throw new UsageException($"option '{(target is not null ? "--target" : "--targets")}' is for udp and tcp; tcp-listen uses '--listen'");
            }

            if (localPort is not null)
            {
                throw new UsageException("option '--local-port' is for udp");
            }

            var at = EndPoint(listen ?? throw new UsageException("option '--listen' is required for --transport tcp-listen"), "--listen");
            count = devicesGiven ?? 1;
            int step = at.Port == 0 ? 0 : portStep ?? 1;
            if (count > 1 && at.Port != 0 && step == 0)
            {
                throw new UsageException("option '--port-step' must be at least 1 when several devices listen on a fixed '--listen' port");
            }

            for (int i = 0; i < count; i++)
            {
                endpoints.Add(new IPEndPoint(at.Address, CheckedPort(at.Port + (i * step), "--listen")));
            }
        }
        else
        {
            if (listen is not null)
            {
                throw new UsageException("option '--listen' is only for --transport tcp-listen");
            }

            if (localPort is not null && transport != GbTransport.Udp)
            {
                throw new UsageException("option '--local-port' is for udp");
            }

            if (target is not null && targets is not null)
            {
                throw new UsageException("options '--target' and '--targets' exclude each other");
            }

            if (targets is not null)
            {
                if (portStep is not null)
                {
                    throw new UsageException("option '--port-step' goes with '--target', not '--targets'");
                }

                var list = targets.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => EndPoint(t, "--targets")).ToList();
                if (list.Count == 0)
                {
                    throw new UsageException("option '--targets' needs at least one HOST:PORT");
                }

                count = devicesGiven ?? list.Count;
                if (count != list.Count)
                {
                    throw new UsageException($"option '--targets' lists {list.Count} target(s) but '--devices' is {count}");
                }

                endpoints.AddRange(list);
            }
            else
            {
                var at = EndPoint(target ?? throw new UsageException($"option '--target' is required for --transport {(transport == GbTransport.Udp ? "udp" : "tcp")}"), "--target");
                if (at.Port == 0)
                {
                    throw new UsageException("option '--target' needs a port from 1 to 65535");
                }

                count = devicesGiven ?? 1;
                for (int i = 0; i < count; i++)
                {
                    endpoints.Add(new IPEndPoint(at.Address, CheckedPort(at.Port + (i * (portStep ?? 0)), "--port-step")));
                }
            }
        }

        if (localPort is int lp && lp != 0 && lp + count - 1 > 65535)
        {
            throw new UsageException("option '--local-port' plus the device count goes past port 65535");
        }

        uint ssrc = Get("--ssrc") is string s
            ? uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out uint v) ? v : throw new UsageException($"option '--ssrc' needs a decimal number from 0 to {uint.MaxValue}, not '{s}'")
            : 1;
        byte payloadType = (byte)(Integer(Get("--payload-type"), "--payload-type", 0, 127) ?? 96);
        int mtu = Integer(Get("--mtu"), "--mtu", 64, 65535 - 12) ?? 1400;
        double drop = Number(Get("--drop"), "--drop", 0, 100) ?? 0;
        double reorder = Number(Get("--reorder"), "--reorder", 0, 100) ?? 0;
        int? seed = Integer(Get("--seed"), "--seed", int.MinValue, int.MaxValue);

        var devices = new GbDeviceOptions[count];
        for (int i = 0; i < count; i++)
        {
            devices[i] = new GbDeviceOptions
            {
                Transport = transport,
                Target = transport == GbTransport.TcpListen ? null : endpoints[i],
                Listen = transport == GbTransport.TcpListen ? endpoints[i] : null,
                LocalPort = localPort is int p && p != 0 ? p + i : null,
                Ssrc = unchecked(ssrc + (uint)i),
                PayloadType = payloadType,
                MaxPayload = mtu,
                DropPercent = drop,
                ReorderPercent = reorder,
                Seed = seed is int sd ? unchecked(sd + i) : null,
            };
        }

        return new GbRunPlan(feed, playback, devices);
    }

    private static void CheckInput(string option, string input)
    {
        if (input.StartsWith(FfmpegFeedOptions.LavfiPrefix, StringComparison.Ordinal))
        {
            if (input.Length == FfmpegFeedOptions.LavfiPrefix.Length)
            {
                throw new UsageException($"option '{option}' needs a filter graph after 'lavfi:'");
            }
        }
        else if (!input.Contains("://", StringComparison.Ordinal) && !File.Exists(input))
        {
            throw new UsageException($"option '{option}': file '{input}' not found");
        }
    }

    private static IPEndPoint EndPoint(string text, string option)
    {
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
        {
            throw new UsageException($"option '{option}' needs HOST:PORT, not '{text}'");
        }

        string host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        if (IPAddress.TryParse(host, out var address))
        {
            return new IPEndPoint(address, port);
        }

        try
        {
            var found = Dns.GetHostAddresses(host);
            address = found.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? found.FirstOrDefault();
        }
        catch (SocketException)
        {
            address = null;
        }

        return address is null
            ? throw new UsageException($"option '{option}': cannot resolve host '{host}'")
            : new IPEndPoint(address, port);
    }

    private static int CheckedPort(int port, string option) =>
        port <= 65535 ? port : throw new UsageException($"option '{option}': with the device count the ports go past 65535");

    private static int? Integer(string? text, string option, int min, int max)
    {
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max
            ? value
            : throw new UsageException($"option '{option}' needs a whole number from {min} to {max}, not '{text}'");
    }

    private static double? Number(string? text, string option, double min, double max)
    {
        if (text is null)
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value >= min && value <= max
            ? value
            : throw new UsageException($"option '{option}' needs a number from {min} to {max}, not '{text}'");
    }

    private static TimeSpan? Seconds(string? text, string option, bool allowZero)
    {
        double? seconds = Number(text, option, 0, 365 * 24 * 3600);
        if (seconds == 0 && !allowZero)
        {
            throw new UsageException($"option '{option}' needs a number of seconds above 0");
        }

        return seconds is double s ? TimeSpan.FromSeconds(s) : null;
    }
}
