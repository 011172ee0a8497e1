// LKM's HTTP web hooks, reproduced: an existing business server written for LKM (e.g. gb-cms) works unchanged.
//
// For each event, POST a JSON body to BASE + '/' + event name, with the publisher's/player's URL query
// appended to the hook URL:
//   POST http://127.0.0.1:9000/api/v1/hook/on_play?token=abc
//   Content-Type: application/json
//   {"stream":"live/cam1","protocol":"flv","remote_addr":"192.168.1.5:51234"}
// on_play_done adds "sink", on_record adds "path". Timeout 10 s.
// HTTP 200 = allow / keep; anything else (or no answer) = deny / close.
// Protocol strings are LKM's: publish rtmp, 28181, jt1078; play rtmp, flv (HTTP-FLV and WS-FLV), rtsp, hls, rtc.
// on_play may take its time: the player waits while your server pulls the stream (bounded by wait_timeout).
//
// Use it in lkm.yaml (paths are relative to lkm.yaml):
//   routes:
//     - match: "**"
//       hooks: scripts/examples/webhook.js
//       hook_timeout: 1s        # JavaScript time; waiting for the HTTP answer does not count
//
// Point BASE at your server. Set an event's URL to '' to skip that hook (like an empty URL in LKM's config).

const BASE = 'http://127.0.0.1:9000/api/v1/hook';
const TIMEOUT_MS = 10000;

const URLS = {
  on_started: BASE + '/on_started',
  on_publish: BASE + '/on_publish',
  on_publish_done: BASE + '/on_publish_done',
  on_play: BASE + '/on_play',
  on_play_done: BASE + '/on_play_done',
  on_record: BASE + '/on_record',
  on_idle_timeout: BASE + '/on_idle_timeout',
  on_receive_timeout: BASE + '/on_receive_timeout',
};

// Our protocol names → LKM's.
const PROTOCOLS = { 'ws-flv': 'flv', 'http-flv': 'flv', 'gb28181': '28181', 'webrtc': 'rtc' };

function lkmProtocol(protocol) {
  return PROTOCOLS[protocol] || protocol;
}

function withQuery(url, query) {
  const parts = Object.keys(query).map((k) => encodeURIComponent(k) + '=' + encodeURIComponent(query[k]));
  if (parts.length === 0) return url;
  return url + (url.includes('?') ? '&' : '?') + parts.join('&');
}

function body(ctx, extra) {
  const b = { stream: ctx.stream, protocol: lkmProtocol(ctx.protocol), remote_addr: ctx.remote_addr };
  return Object.assign(b, extra);
}

// POSTs the event; resolves true on HTTP 200, false on anything else (logged).
async function send(event, ctx, payload) {
  const url = URLS[event];
  if (!url) return true;
  try {
    const r = await http.postJson(withQuery(url, ctx.query), payload, { timeout: TIMEOUT_MS });
    if (r.status !== 200) {
      log.info(event, ctx.stream, 'answered', r.status);
      return false;
    }
    return true;
  } catch (e) {
    log.warn(event, ctx.stream, 'failed:', e.message);
    return false;
  }
}

async function decide(event, ctx, payload) {
  const ok = await send(event, ctx, payload);
  return ok ? true : { allow: false, reason: event + ' hook refused' };
}

async function on_publish(ctx) { return decide('on_publish', ctx, body(ctx)); }
async function on_play(ctx) { return decide('on_play', ctx, body(ctx)); }
async function on_idle_timeout(ctx) { return decide('on_idle_timeout', ctx, body(ctx)); }
async function on_receive_timeout(ctx) { return decide('on_receive_timeout', ctx, body(ctx)); }

// LKM posts an empty JSON string for on_started.
async function on_started(ctx) { await send('on_started', ctx, ''); }
async function on_publish_done(ctx) { await send('on_publish_done', ctx, body(ctx)); }
async function on_play_done(ctx) { await send('on_play_done', ctx, body(ctx, { sink: ctx.sink })); }
async function on_record(ctx) { await send('on_record', ctx, body(ctx, { path: ctx.path })); }
