// LKM.NET's own small live player: HTTP-FLV (fetch streaming) or WS-FLV (WebSocket) in, FLV demuxed,
// H.264 + AAC remuxed to fragmented MP4, played through Media Source Extensions. No dependencies.
//
//   const player = new FlvPlayer(videoElement, { onStatus: text => ..., onWarning: text => ... });
//   player.play("http://host:8080/live/a.flv");   // or "ws://host:8080/live/a.flv"
//   player.stop();
//
// Only what a live browser player needs: the FLV header, audio/video tags (script tags are skipped),
// AVC sequence headers (AVCDecoderConfigurationRecord) and AAC AudioSpecificConfig. G.711, MP3 and
// HEVC cannot go through MSE here: the player says so (and plays the video alone when audio is G.711).
"use strict";

(function (global) {
  const TAG_AUDIO = 8;
  const TAG_VIDEO = 9;
  const VIDEO_AVC = 7;
  const SOUND_AAC = 10;
  const SOUND_NAMES = { 2: "MP3", 7: "G.711 A-law", 8: "G.711 µ-law", 11: "Speex" };

  // ---------------------------------------------------------------------------------------------
  // FLV demuxer: bytes in (any chunking), tags out.
  // ---------------------------------------------------------------------------------------------
  class FlvDemuxer {
    constructor(onHeader, onTag) {
      this.onHeader = onHeader;
      this.onTag = onTag;
      this.buffer = new Uint8Array(0);
      this.headerDone = false;
    }

    push(chunk) {
      // Append to what is left over from the previous chunk.
      const merged = new Uint8Array(this.buffer.length + chunk.length);
      merged.set(this.buffer, 0);
      merged.set(chunk, this.buffer.length);
      let pos = 0;
      const view = new DataView(merged.buffer);

      if (!this.headerDone) {
        if (merged.length < 13) { this.buffer = merged; return; }
        if (merged[0] !== 0x46 || merged[1] !== 0x4c || merged[2] !== 0x56) throw new Error("not an FLV stream");
        const flags = merged[4];
        const headerSize = view.getUint32(5);
        if (merged.length < headerSize + 4) { this.buffer = merged; return; }
        this.onHeader({ hasAudio: (flags & 4) !== 0, hasVideo: (flags & 1) !== 0 });
        pos = headerSize + 4; // the header, then PreviousTagSize0
        this.headerDone = true;
      }

      // Each tag: type(1) size(3) timestamp(3) timestamp-ext(1) stream-id(3) data(size) previous-tag-size(4).
      while (merged.length - pos >= 11) {
        const type = merged[pos] & 0x1f;
        const size = (merged[pos + 1] << 16) | (merged[pos + 2] << 8) | merged[pos + 3];
        if (merged.length - pos < 11 + size + 4) break;
        const timestamp = ((merged[pos + 7] << 24) | (merged[pos + 4] << 16) | (merged[pos + 5] << 8) | merged[pos + 6]) >>> 0;
        this.onTag(type, timestamp, merged.subarray(pos + 11, pos + 11 + size));
        pos += 11 + size + 4;
      }

      this.buffer = merged.slice(pos);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // MP4 boxes (ISO/IEC 14496-12) for fragmented MP4: an init segment, then moof+mdat fragments.
  // ---------------------------------------------------------------------------------------------
  function concat(parts) {
    let length = 0;
    for (const p of parts) length += p.length;
    const out = new Uint8Array(length);
    let offset = 0;
    for (const p of parts) { out.set(p, offset); offset += p.length; }
    return out;
  }

  function u8(...values) { return new Uint8Array(values); }
  function u16(v) { return u8((v >>> 8) & 0xff, v & 0xff); }
  function u32(v) { return u8((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff); }
  function u64(v) { return concat([u32(Math.floor(v / 0x100000000)), u32(v % 0x100000000)]); }
  function zeros(n) { return new Uint8Array(n); }
  function ascii(s) { return Uint8Array.from(s, c => c.charCodeAt(0)); }

  function box(type, ...payload) {
    const body = concat(payload);
    return concat([u32(body.length + 8), ascii(type), body]);
  }

  function fullBox(type, version, flags, ...payload) {
    return box(type, u8(version, (flags >>> 16) & 0xff, (flags >>> 8) & 0xff, flags & 0xff), ...payload);
  }

  const MATRIX = concat([u32(0x00010000), u32(0), u32(0), u32(0), u32(0x00010000), u32(0), u32(0), u32(0), u32(0x40000000)]);

  function mvhd(nextTrackId) {
    return fullBox("mvhd", 0, 0, u32(0), u32(0), u32(1000), u32(0), u32(0x00010000), u16(0x0100), zeros(10), MATRIX, zeros(24), u32(nextTrackId));
  }

  function tkhd(track) {
    return fullBox("tkhd", 0, 3, u32(0), u32(0), u32(track.id), u32(0), u32(0), zeros(8), u16(0), u16(0),
      u16(track.type === "audio" ? 0x0100 : 0), u16(0), MATRIX, u32((track.width || 0) << 16), u32((track.height || 0) << 16));
  }

  function mdhd(track) {
    return fullBox("mdhd", 0, 0, u32(0), u32(0), u32(track.timescale), u32(0), u16(0x55c4), u16(0)); // language "und"
  }

  function hdlr(track) {
    const video = track.type === "video";
    return fullBox("hdlr", 0, 0, u32(0), ascii(video ? "vide" : "soun"), zeros(12), ascii(video ? "VideoHandler" : "SoundHandler"), u8(0));
  }

  function avc1(track) {
    return box("avc1", zeros(6), u16(1), u16(0), u16(0), zeros(12), u16(track.width), u16(track.height),
      u32(0x00480000), u32(0x00480000), u32(0), u16(1), zeros(32), u16(0x0018), u16(0xffff),
      box("avcC", track.config));
  }

  // esds: ES_Descriptor > DecoderConfigDescriptor (AAC) > DecoderSpecificInfo (the AudioSpecificConfig).
  function esds(config) {
    const dsi = concat([u8(0x05, config.length), config]);
    const dcd = concat([u8(0x04, 13 + dsi.length, 0x40, 0x15), zeros(3), u32(0), u32(0), dsi]);
    const sl = u8(0x06, 0x01, 0x02);
    const es = concat([u8(0x03, 3 + dcd.length + sl.length), u16(1), u8(0), dcd, sl]);
    return fullBox("esds", 0, 0, es);
  }

  function mp4a(track) {
    return box("mp4a", zeros(6), u16(1), zeros(8), u16(track.channels), u16(16), u16(0), u16(0), u32(track.sampleRate << 16), esds(track.config));
  }

  function trak(track) {
    const video = track.type === "video";
    const header = video ? fullBox("vmhd", 0, 1, zeros(8)) : fullBox("smhd", 0, 0, zeros(4));
    const dinf = box("dinf", fullBox("dref", 0, 0, u32(1), fullBox("url ", 0, 1)));
    const stbl = box("stbl",
      fullBox("stsd", 0, 0, u32(1), video ? avc1(track) : mp4a(track)),
      fullBox("stts", 0, 0, u32(0)), fullBox("stsc", 0, 0, u32(0)), fullBox("stsz", 0, 0, u32(0), u32(0)), fullBox("stco", 0, 0, u32(0)));
    return box("trak", tkhd(track), box("mdia", mdhd(track), hdlr(track), box("minf", header, dinf, stbl)));
  }

  function initSegment(tracks) {
    const ftyp = box("ftyp", ascii("isom"), u32(0x200), ascii("isom"), ascii("iso6"), ascii("avc1"), ascii("mp41"));
    const trex = tracks.map(t => fullBox("trex", 0, 0, u32(t.id), u32(1), u32(0), u32(0), u32(0)));
    return concat([ftyp, box("moov", mvhd(tracks.length + 1), ...tracks.map(trak), box("mvex", ...trex))]);
  }

  // One fragment of one track: moof (mfhd, traf(tfhd, tfdt, trun)) + mdat.
  function fragment(track, sequence, samples) {
    const trunFlags = 0x000001 | 0x000100 | 0x000200 | 0x000400 | 0x000800; // data offset, duration, size, flags, cts
    const entries = samples.map(s => concat([u32(s.duration), u32(s.data.length), u32(s.flags), u32(s.cts)]));
    const build = dataOffset => box("moof",
      fullBox("mfhd", 0, 0, u32(sequence)),
      box("traf",
        fullBox("tfhd", 0, 0x020000, u32(track.id)), // default-base-is-moof
        fullBox("tfdt", 1, 0, u64(samples[0].dts)),
        fullBox("trun", 0, trunFlags, u32(samples.length), u32(dataOffset), ...entries)));
    const moofSize = build(0).length;
    const mdat = box("mdat", ...samples.map(s => s.data));
    return concat([build(moofSize + 8), mdat]);
  }

  // ---------------------------------------------------------------------------------------------
  // FLV tags -> MP4 tracks and fragments.
  // ---------------------------------------------------------------------------------------------
  const AAC_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

  class Remuxer {
    constructor(onInit, onFragment, onWarning) {
      this.onInit = onInit;
      this.onFragment = onFragment;
      this.onWarning = onWarning;
      this.expectAudio = true;
      this.expectVideo = true;
      this.video = null;      // {id, type, timescale, config, width, height, codec, pending: []}
      this.audio = null;
      this.initDone = false;
      this.baseDts = null;    // first timestamp (ms): the MP4 timeline starts at 0
      this.sequence = 1;
      this.seenKeyframe = false;
      this.early = [];        // tags that came before the init segment could be written
    }

    header(h) {
      this.expectAudio = h.hasAudio;
      this.expectVideo = h.hasVideo;
    }

    tag(type, timestamp, data) {
      if (type === TAG_VIDEO && data.length > 1) this.videoTag(timestamp, data);
      else if (type === TAG_AUDIO && data.length > 1) this.audioTag(timestamp, data);
    }

    videoTag(timestamp, data) {
      const frameType = data[0] >> 4;
      const codecId = data[0] & 0x0f;
      if ((data[0] & 0x80) !== 0 || codecId !== VIDEO_AVC) {
        // Fatal: the receive loop reports it and stops the session.
        throw new Error("video codec " + ((data[0] & 0x80) !== 0 ? "(enhanced FLV, e.g. HEVC)" : codecId) + " cannot be played in a browser; only H.264");
      }

      const packetType = data[1];
      if (packetType === 0) {
        const config = data.slice(5);
        const sps = parseSps(config);
        const hex = b => b.toString(16).padStart(2, "0");
        this.video = {
          id: 1, type: "video", timescale: 1000, config, width: sps.width, height: sps.height,
          codec: "avc1." + hex(config[1]) + hex(config[2]) + hex(config[3]), pending: [],
        };
        this.tryInit();
        return;
      }

      if (packetType !== 1 || !this.video) return;
      const keyframe = frameType === 1;
      if (!this.seenKeyframe && !keyframe) return; // decoding starts at a keyframe
      this.seenKeyframe = true;
      let cts = ((data[2] << 16) | (data[3] << 8) | data[4]);
      if (cts & 0x800000) cts -= 0x1000000; // SI24
      this.sample(this.video, timestamp, Math.max(0, cts), keyframe, data.subarray(5));
    }

    audioTag(timestamp, data) {
      const format = data[0] >> 4;
      if (format !== SOUND_AAC) {
        if (!this.audioRefused) {
          this.audioRefused = true;
          this.expectAudio = false;
          this.onWarning((SOUND_NAMES[format] || "audio format " + format) + " audio cannot be played in a browser: playing the video only");
          this.tryInit();
        }
        return;
      }

      if (data[1] === 0) {
        const config = data.slice(2);
        const objectType = config[0] >> 3;
        const rateIndex = ((config[0] & 0x07) << 1) | (config[1] >> 7);
        const channels = (config[1] >> 3) & 0x0f;
        const sampleRate = AAC_RATES[rateIndex] || 44100;
        this.audio = {
          id: 2, type: "audio", timescale: sampleRate, sampleRate, channels: channels || 2, config,
          codec: "mp4a.40." + objectType, pending: [], frameDuration: 1024,
        };
        this.tryInit();
        return;
      }

      if (!this.audio) return;
      this.sample(this.audio, timestamp, 0, true, data.subarray(2));
    }

    // The init segment needs every expected track's configuration (sequence header).
    tryInit() {
      if (this.initDone) return;
      if (this.expectVideo && !this.video) return;
      if (this.expectAudio && !this.audio) return;
      const tracks = [this.video, this.audio].filter(t => t);
      if (tracks.length === 0) return;
      tracks.forEach((t, i) => { t.id = i + 1; });
      this.initDone = true;
      this.onInit(initSegment(tracks), tracks.map(t => t.codec));
      for (const [track, timestamp, cts, key, data] of this.early) this.sample(track, timestamp, cts, key, data);
      this.early = [];
    }

    sample(track, timestamp, cts, keyframe, data) {
      if (!this.initDone) {
        if (this.early.length < 2000) this.early.push([track, timestamp, cts, keyframe, data.slice()]);
        // The FLV header announced audio that never came (2 s of video without it): play the video alone.
        if (track === this.video && this.expectAudio && !this.audio && timestamp - this.early[0][1] > 2000) {
          this.expectAudio = false;
          this.tryInit();
        }
        return;
      }

      if (this.baseDts === null) this.baseDts = timestamp;
      const dtsMs = Math.max(0, timestamp - this.baseDts);
      const dts = Math.round(dtsMs * track.timescale / 1000);
      track.pending.push({
        dts, cts: Math.round(cts * track.timescale / 1000), data: data.slice(),
        flags: keyframe ? 0x02000000 : 0x01010000, // depends on nothing (sync) / depends on others (non-sync)
      });
    }

    // Writes what is pending, holding back each track's last sample: its duration is only known
    // when the next one arrives.
    flush() {
      for (const track of [this.video, this.audio]) {
        if (!track || track.pending.length < 2) continue;
        const ready = track.pending.splice(0, track.pending.length - 1);
        const next = track.pending[0];
        for (let i = 0; i < ready.length; i++) {
          const following = i + 1 < ready.length ? ready[i + 1] : next;
          ready[i].duration = Math.max(1, following.dts - ready[i].dts);
        }
        this.onFragment(fragment(track, this.sequence++, ready));
      }
    }
  }

  // Width and height from the first SPS of an AVCDecoderConfigurationRecord (Exp-Golomb decoding).
  function parseSps(avcc) {
    try {
      const spsLength = (avcc[6] << 8) | avcc[7];
      const raw = avcc.subarray(8, 8 + spsLength);
      // Remove emulation prevention bytes (00 00 03).
      const rbsp = [];
      for (let i = 0; i < raw.length; i++) {
        if (i >= 2 && raw[i] === 3 && raw[i - 1] === 0 && raw[i - 2] === 0) continue;
        rbsp.push(raw[i]);
      }
      let bit = 8; // skip the NAL header byte
      const read = n => { let v = 0; for (let i = 0; i < n; i++, bit++) v = (v << 1) | ((rbsp[bit >> 3] >> (7 - (bit & 7))) & 1); return v; };
      const ue = () => { let zeros = 0; while (read(1) === 0 && zeros < 32) zeros++; return (1 << zeros) - 1 + read(zeros); };
      const se = () => { const v = ue(); return (v & 1) ? (v + 1) / 2 : -(v / 2); };
      const profile = read(8); read(16); ue();
      let chromaFormat = 1;
      if ([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135].includes(profile)) {
        chromaFormat = ue();
        if (chromaFormat === 3) read(1);
        ue(); ue(); read(1);
        if (read(1)) {
          for (let i = 0; i < (chromaFormat !== 3 ? 8 : 12); i++) {
            if (read(1)) { let last = 8, next = 8; for (let j = 0; j < (i < 6 ? 16 : 64); j++) { if (next !== 0) next = (last + se() + 256) % 256; last = next === 0 ? last : next; } }
          }
        }
      }
      ue();
      const pocType = ue();
      if (pocType === 0) ue();
      else if (pocType === 1) { read(1); se(); se(); const n = ue(); for (let i = 0; i < n; i++) se(); }
      ue(); read(1);
      const widthMbs = ue() + 1;
      const heightMapUnits = ue() + 1;
      const frameMbsOnly = read(1);
      if (!frameMbsOnly) read(1);
      read(1);
      let cropLeft = 0, cropRight = 0, cropTop = 0, cropBottom = 0;
      if (read(1)) { cropLeft = ue(); cropRight = ue(); cropTop = ue(); cropBottom = ue(); }
      const cropUnitY = (chromaFormat === 1 ? 2 : 1) * (2 - frameMbsOnly);
      const cropUnitX = chromaFormat === 1 || chromaFormat === 2 ? 2 : 1;
      return {
        width: widthMbs * 16 - (cropLeft + cropRight) * cropUnitX,
        height: (2 - frameMbsOnly) * heightMapUnits * 16 - (cropTop + cropBottom) * cropUnitY,
      };
    } catch (e) {
      return { width: 0, height: 0 };
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The player: transport -> demuxer -> remuxer -> one MSE SourceBuffer, kept close to live.
  // ---------------------------------------------------------------------------------------------
  class FlvPlayer {
    constructor(video, options) {
      this.video = video;
      this.onStatus = (options && options.onStatus) || (() => {});
      // Things that do not stop playback (e.g. G.711 audio left out) but the viewer should know.
      this.onWarning = (options && options.onWarning) || (text => console.warn(text));
      this.session = null;
    }

    static isSupported() {
      return typeof MediaSource !== "undefined" && MediaSource.isTypeSupported('video/mp4; codecs="avc1.42e01e,mp4a.40.2"');
    }

    play(url) {
      this.stop();
      if (!FlvPlayer.isSupported()) {
        this.onStatus("this browser cannot play H.264/AAC through Media Source Extensions");
        return;
      }

      const session = { url, closed: false, queue: [], sourceBuffer: null, abort: new AbortController(), socket: null, timer: 0 };
      this.session = session;
      const mediaSource = new MediaSource();
      session.mediaSource = mediaSource;
      this.video.src = URL.createObjectURL(mediaSource);
      mediaSource.addEventListener("sourceopen", () => this.start(session), { once: true });
    }

    stop() {
      const s = this.session;
      if (!s) return;
      s.closed = true;
      s.abort.abort();
      if (s.socket) s.socket.close();
      clearInterval(s.timer);
      this.session = null;
      this.video.removeAttribute("src");
      this.video.load();
    }

    start(session) {
      const remuxer = new Remuxer(
        (init, codecs) => this.onInit(session, init, codecs),
        bytes => this.append(session, bytes),
        text => this.onWarning(text));
      const demuxer = new FlvDemuxer(h => remuxer.header(h), (type, ts, data) => remuxer.tag(type, ts, data));
      const receive = chunk => {
        if (session.closed) return;
        try {
          demuxer.push(chunk);
          remuxer.flush();
        } catch (e) {
          this.fail(session, e.message);
        }
      };

      session.timer = setInterval(() => this.keepLive(session), 1000);
      this.onStatus("connecting to " + session.url);
      if (/^wss?:/i.test(session.url)) this.openWebSocket(session, receive);
      else this.openFetch(session, receive);
    }

    async openFetch(session, receive) {
      try {
        const response = await fetch(session.url, { signal: session.abort.signal, cache: "no-store" });
        if (!response.ok) throw new Error("HTTP " + response.status);
        const reader = response.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          receive(value);
        }
        if (!session.closed) this.onStatus("the stream ended");
      } catch (e) {
        if (!session.closed) this.fail(session, e.message);
      }
    }

    openWebSocket(session, receive) {
      const socket = new WebSocket(session.url);
      socket.binaryType = "arraybuffer";
      session.socket = socket;
      socket.onmessage = e => receive(new Uint8Array(e.data));
      socket.onerror = () => { if (!session.closed) this.fail(session, "WebSocket error"); };
      socket.onclose = () => { if (!session.closed) this.onStatus("the stream ended"); };
    }

    onInit(session, init, codecs) {
      const mime = 'video/mp4; codecs="' + codecs.join(",") + '"';
      if (!MediaSource.isTypeSupported(mime)) {
        this.fail(session, "the browser cannot play " + mime);
        return;
      }

      session.sourceBuffer = session.mediaSource.addSourceBuffer(mime);
      session.sourceBuffer.addEventListener("updateend", () => this.pump(session));
      this.onStatus("playing " + codecs.join(" + "));
      this.append(session, init);
      const started = this.video.play();
      if (started && started.catch) started.catch(() => this.onStatus("press play to start (the browser blocked autoplay)"));
    }

    append(session, bytes) {
      if (session.closed) return;
      session.queue.push(bytes);
      this.pump(session);
    }

    pump(session) {
      const sb = session.sourceBuffer;
      if (!sb || sb.updating || session.closed || session.queue.length === 0) return;
      try {
        sb.appendBuffer(session.queue.shift());
      } catch (e) {
        if (e.name === "QuotaExceededError") this.trim(session, 5);
        else this.fail(session, e.message);
      }
    }

    // Live: start at the first buffered frame, jump ahead when far behind, drop what was played long ago.
    keepLive(session) {
      const v = this.video;
      const b = v.buffered;
      if (session.closed || b.length === 0) return;
      const end = b.end(b.length - 1);
      if (v.currentTime < b.start(0) || end - v.currentTime > 3) v.currentTime = Math.max(b.start(b.length - 1), end - 0.5);
      if (v.paused && v.readyState >= 2) v.play().catch(() => {});
      this.trim(session, 30);
    }

    trim(session, keepSeconds) {
      const sb = session.sourceBuffer;
      const b = this.video.buffered;
      if (!sb || sb.updating || b.length === 0) return;
      const before = this.video.currentTime - keepSeconds;
      if (before > b.start(0) + 1) sb.remove(b.start(0), before);
    }

    fail(session, message) {
      this.onStatus("error: " + message);
      session.closed = true;
      session.abort.abort();
      if (session.socket) session.socket.close();
      clearInterval(session.timer);
    }
  }

  global.FlvPlayer = FlvPlayer;
})(window);
