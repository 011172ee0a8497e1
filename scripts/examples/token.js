// Token authentication: publishers and players must add ?token=<one of TOKENS> to their URL.
//   rtmp://host:1935/live/cam1?token=abc      http://host:8080/live/cam1.flv?token=abc
//
// Use it in lkm.yaml (paths are relative to lkm.yaml):
//   routes:
//     - match: "live/**"
//       hooks: scripts/examples/token.js
//
// Edit the tokens and save: the next publish/play uses them (no restart).

const PUBLISH_TOKENS = ['abc'];          // who may publish
const PLAY_TOKENS = ['abc', 'viewer'];    // who may play

function on_publish(ctx) {
  if (!PUBLISH_TOKENS.includes(ctx.query.token)) {
    return { allow: false, reason: 'publish: bad or missing token' };
  }
  return true;
}

function on_play(ctx) {
  if (!PLAY_TOKENS.includes(ctx.query.token)) {
    return { allow: false, reason: 'play: bad or missing token' };
  }
  return true;
}
