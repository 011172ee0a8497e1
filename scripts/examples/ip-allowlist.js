// IP allow-list: only these addresses may publish (players: see PLAY_ANYONE).
// Entries are exact IPv4/IPv6 addresses or IPv4 CIDR ranges ("10.0.0.0/8").
//
// Use it in lkm.yaml (paths are relative to lkm.yaml):
//   routes:
//     - match: "**"
//       hooks: scripts/examples/ip-allowlist.js

const ALLOW = ['127.0.0.1', '::1', '10.0.0.0/8', '192.168.0.0/16'];
const PLAY_ANYONE = true;

// "1.2.3.4:5000" → "1.2.3.4"; "[::1]:5000" → "::1"; also maps IPv4-mapped IPv6 (::ffff:1.2.3.4).
function hostOf(remoteAddr) {
  let host = remoteAddr;
  if (host.startsWith('[')) {
    host = host.slice(1, host.indexOf(']'));
  } else if (host.indexOf(':') === host.lastIndexOf(':')) {
    host = host.split(':')[0];
  }
  if (host.toLowerCase().startsWith('::ffff:') && host.indexOf('.') > 0) {
    host = host.slice(7);
  }
  return host;
}

function ipv4ToNumber(ip) {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p) || Number(p) > 255) return null;
    n = n * 256 + Number(p);
  }
  return n;
}

function allowed(ip) {
  for (const entry of ALLOW) {
    if (entry.includes('/')) {
      const [base, bits] = entry.split('/');
      const a = ipv4ToNumber(ip);
      const b = ipv4ToNumber(base);
      if (a === null || b === null) continue;
      const size = Math.pow(2, 32 - Number(bits));
      if (Math.floor(a / size) === Math.floor(b / size)) return true;
    } else if (entry.toLowerCase() === ip.toLowerCase()) {
      return true;
    }
  }
  return false;
}

function on_publish(ctx) {
  const ip = hostOf(ctx.remote_addr);
  return allowed(ip) ? true : { allow: false, reason: 'publisher ' + ip + ' is not on the allow-list' };
}

function on_play(ctx) {
  if (PLAY_ANYONE) return true;
  const ip = hostOf(ctx.remote_addr);
  return allowed(ip) ? true : { allow: false, reason: 'player ' + ip + ' is not on the allow-list' };
}
