using Acornima.Ast;
using Jint;

namespace Lkm.Host.Hooks;

/// <summary>
/// JavaScript run in every engine before the user's script: it builds the <c>log</c>, <c>console</c>, <c>http</c> and
/// <c>crypto</c> globals on top of a private native object that the user's script can never reach (it is only an
/// argument of this function). Keeping the API surface in JavaScript keeps the CLR side to a few plain functions.
/// </summary>
internal static class HookPrelude
{
    public const string SourceName = "<lkm-prelude>";

    private const string Source = """
        (function (native) {
          'use strict';
          const text = (args) => {
            let s = '';
            for (let i = 0; i < args.length; i++) {
              const a = args[i];
              let part;
              if (typeof a === 'string') part = a;
              else if (a instanceof Error) part = a.stack ? String(a.stack) : String(a);
              else if (typeof a === 'object' && a !== null) { try { part = JSON.stringify(a); } catch (e) { part = String(a); } }
              else part = String(a);
              s += i === 0 ? part : ' ' + part;
            }
            return s;
          };
          const log = Object.freeze({
            debug: function () { native.log(0, text(arguments)); },
            info: function () { native.log(1, text(arguments)); },
            warn: function () { native.log(2, text(arguments)); },
            error: function () { native.log(3, text(arguments)); },
          });
          const response = (r) => {
            if (r.error !== undefined) throw new Error(r.error);
            const body = r.body;
            return Object.freeze({
              status: r.status,
              ok: r.status >= 200 && r.status < 300,
              body: body,
              headers: r.headers,
              json: function () { return JSON.parse(body); },
            });
          };
          const request = (method, url, body, contentType, opts) => {
            const o = opts == null ? {} : opts;
            return native.request(method, String(url), body, o.headers, o.timeout, contentType).then(response);
          };
          globalThis.log = log;
          globalThis.console = Object.freeze({ log: log.info, info: log.info, debug: log.debug, warn: log.warn, error: log.error });
          globalThis.http = Object.freeze({
            get: (url, opts) => request('GET', url, undefined, undefined, opts),
            post: (url, body, opts) => request('POST', url, body == null ? '' : String(body), 'text/plain; charset=utf-8', opts),
            postJson: (url, obj, opts) => request('POST', url, JSON.stringify(obj === undefined ? null : obj), 'application/json', opts),
          });
          globalThis.crypto = Object.freeze({
            md5: (s) => native.md5(String(s)),
            sha256: (s) => native.sha256(String(s)),
            hmacSha256: (key, s) => native.hmacSha256(String(key), String(s)),
            hmacSha256Base64: (key, s) => native.hmacSha256Base64(String(key), String(s)),
          });
        })
        """;

    /// <summary>Parsed once; a prepared script is thread-safe and reusable across engines.</summary>
    public static readonly Prepared<Script> Prepared = Engine.PrepareScript(Source, SourceName);
}
