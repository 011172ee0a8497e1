// LKM.NET default hook script: every stream uses it unless a route in lkm.yaml names another one
// (hooks.script in lkm.yaml, or `hooks:` on a route). As shipped it ALLOWS EVERYTHING.
//
// Saving this file applies to the next publish/play within 2 seconds, without a restart. A change that
// does not parse is rejected (the log names file:line:column) and the previous version keeps serving.
//
// ── How a hook works ────────────────────────────────────────────────────────────────────────────────
// Define a global function named after an event. An event this script does not define uses the
// route's default (publish and play are allowed; an idle / silent source is closed).
//
// Deciding events answer:
//     true | false
//     { allow: true|false, reason: 'text for the log and the client' }
//     or a Promise of either (write an `async function` and `await http...`).
//   on_publish(ctx)          a publisher wants to push ctx.stream             false = refused
//   on_play(ctx)             a player wants ctx.stream (it may not exist yet;  false = refused
//                            an async on_play can keep the player waiting while
//                            your server starts the stream, up to wait_timeout)
//   on_idle_timeout(ctx)     the stream had no players for idle_timeout       true = keep it, else close
//   on_receive_timeout(ctx)  the publisher sent nothing for receive_timeout   true = keep it, else close
// Notifying events (their return value is ignored):
//   on_started(ctx)          the server started (ctx.stream is "")
//   on_publish_done(ctx)     a publisher left (ctx.duration, ctx.bytes)
//   on_play_done(ctx)        a player left (ctx.sink, ctx.duration, ctx.bytes)
//   on_record(ctx)           a recording file was finished (ctx.path)
//
// A denial reaches the client the protocol's way: RTMP onStatus error then close, HTTP 403,
// TCP close for GB28181 / JT1078. It is logged with the reason.
//
// ── ctx: what a hook receives ──────────────────────────────────────────────────────────────────────
//   ctx.event        'on_publish', 'on_play', ...
//   ctx.stream       stream id, e.g. 'live/cam1' (ids may contain several '/')
//   ctx.app          first segment of the id: 'live'
//   ctx.name         the rest: 'cam1'
//   ctx.protocol     'rtmp', 'flv', 'ws-flv', 'hls', 'rtsp', '28181', 'jt1078', ...
//   ctx.remote_addr  the peer, 'ip:port'
//   ctx.query        the URL query as an object of strings: rtmp://host/live/cam1?token=abc → { token: 'abc' }
//   ctx.sink         player id (play events), else null
//   ctx.duration     seconds the publisher/player lasted (done events), else null
//   ctx.bytes        bytes received/sent (done events), else null
//   ctx.path         recorded file (on_record), else null
//
// ── Helpers (nothing else of the host is reachable) ───────────────────────────────────────────────
//   log.info(...)  log.warn(...)  log.error(...)  log.debug(...)   (console.log works too)
//       → the server log, category Lkm.Hooks, prefixed with this file's name.
//   http.get(url, { headers, timeout })                → Promise of { status, ok, body, headers, json() }
//   http.post(url, bodyString, { headers, timeout })   → same; Content-Type text/plain unless headers say
//   http.postJson(url, object, { headers, timeout })   → same; JSON body, Content-Type application/json
//       timeout is in ms (default 10000). Any status is a normal answer (check r.status / r.ok);
//       a network error or a timeout rejects the Promise (catch it, or the route's on_error applies).
//   crypto.md5(s)  crypto.sha256(s)  crypto.hmacSha256(key, s)     → lowercase hex
//   crypto.hmacSha256Base64(key, s)                                  → base64
//
// ── Limits ────────────────────────────────────────────────────────────────────────────────────────
// Each call may run JavaScript for hooks.timeout / a route's hook_timeout (default 1 s; waiting for http does not count),
// 1,000,000 statements, 64 MB of allocations and 256 nested calls. A hook that throws, overruns or
// returns something else gets the route's on_error (deny by default) and a log line with file:line.
// Calls run on a small pool of engines: global variables are per engine, not shared between calls —
// keep state in your own server, not in this script.
//
// ── Examples ──────────────────────────────────────────────────────────────────────────────────────
// Require ?token=abc to publish (see scripts/examples/token.js for a complete version):
//
//   function on_publish(ctx) {
//     if (ctx.query.token !== 'abc') {
//       return { allow: false, reason: 'bad or missing token' };
//     }
//     return true;
//   }
//
// Ask your own server (see scripts/examples/webhook.js for LKM's web hooks):
//
//   async function on_play(ctx) {
//     const r = await http.postJson('http://127.0.0.1:9000/auth', { stream: ctx.stream, query: ctx.query });
//     return r.status === 200;
//   }
//
// More in scripts/examples/: token.js, signed-url.js, ip-allowlist.js, webhook.js.

function on_publish(ctx) {
  return true;
}

function on_play(ctx) {
  return true;
}
