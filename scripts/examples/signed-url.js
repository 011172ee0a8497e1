// Signed URLs with expiry: ?expires=<unix seconds>&sign=<hex HMAC-SHA256(SECRET, stream + expires)>.
// Your web application signs the URL it hands out; the server checks the signature and the expiry.
//
//   expires = now + 3600
//   sign    = hex(HMAC_SHA256(SECRET, "live/cam1" + expires))        e.g. in Node:
//             crypto.createHmac('sha256', SECRET).update('live/cam1' + expires).digest('hex')
//   rtmp://host:1935/live/cam1?expires=1767225600&sign=5d41...
//
// Use it in lkm.yaml (paths are relative to lkm.yaml):
//   routes:
//     - match: "live/**"
//       hooks: scripts/examples/signed-url.js

const SECRET = 'change-me';

function check(ctx) {
  const expires = ctx.query.expires;
  const sign = ctx.query.sign;
  if (!expires || !sign) {
    return { allow: false, reason: 'missing expires or sign' };
  }
  if (!/^[0-9]+$/.test(expires)) {
    return { allow: false, reason: 'bad expires' };
  }
  if (Number(expires) < Date.now() / 1000) {
    return { allow: false, reason: 'link expired' };
  }
  const expected = crypto.hmacSha256(SECRET, ctx.stream + expires);
  if (sign.toLowerCase() !== expected) {
    return { allow: false, reason: 'bad signature' };
  }
  return true;
}

function on_publish(ctx) {
  return check(ctx);
}

function on_play(ctx) {
  return check(ctx);
}
