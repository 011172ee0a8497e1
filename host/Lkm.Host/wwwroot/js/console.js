// The console: reads the API every few seconds and renders streams, players and plugins.
// Plays a stream with FlvPlayer (flv-player.js). The API token (api.token) is kept in localStorage.
"use strict";

(function () {
  const REFRESH_MS = 3000;
  const tokenInput = document.getElementById("token");
  const errorBox = document.getElementById("error");
  const expanded = new Set();      // stream ids whose details row is open
  let server = null;               // /api/v1/server/info
  let player = null;

  tokenInput.value = localStorage.getItem("lkm.token") || "";
  document.getElementById("token-form").addEventListener("submit", e => {
    e.preventDefault();
    localStorage.setItem("lkm.token", tokenInput.value.trim());
    refresh();
  });

  async function api(path, body) {
    const headers = { "Content-Type": "application/json" };
    const token = localStorage.getItem("lkm.token");
    if (token) headers.Authorization = "Bearer " + token;
    const response = await fetch(path, { method: body ? "POST" : "GET", headers, body: body ? JSON.stringify(body) : undefined, cache: "no-store" });
    const json = await response.json().catch(() => ({ code: -1, msg: "HTTP " + response.status }));
    if (json.code !== 200) throw new Error(response.status === 401 ? "the API needs a token: enter api.token above" : json.msg);
    return json.data;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "onclick") node.addEventListener("click", v);
      else if (k === "class") node.className = v;
      else node.setAttribute(k, v);
    }
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }

  // Every egress the plugins serve, from their templates (server info); the host is the one this page came from,
  // and a page served over https gets https/wss media URLs.
  function playUrls(id) {
    const secure = location.protocol === "https:";
    return (server ? server.play_urls : []).map(u => {
      let url = u.template.replaceAll("{host}", location.hostname).replaceAll("{id}", id);
      if (secure) url = url.replace(/^http:/, "https:").replace(/^ws:/, "wss:");
      return [u.name, url];
    });
  }

  function formatUptime(seconds) {
    const s = Math.floor(seconds);
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    return (h ? h + "h " : "") + (h || m ? m + "m " : "") + (s % 60) + "s";
  }

  function formatTracks(tracks) {
    return tracks.map(t => t.type === "video" ? `${t.codec} ${t.width}×${t.height}` : `${t.codec} ${t.sample_rate / 1000} kHz`).join(", ");
  }

  function copyButton(text) {
    return el("button", { type: "button", onclick: async e => {
      try { await navigator.clipboard.writeText(text); e.target.textContent = "Copied"; }
      catch { window.prompt("Copy the URL:", text); }
      setTimeout(() => { e.target.textContent = "Copy"; }, 1500);
    } }, "Copy");
  }

  function play(id, kind) {
    const url = playUrls(id).find(u => u[0] === kind)[1];
    document.getElementById("player-section").hidden = false;
    document.getElementById("player-title").textContent = `${id} over ${kind}`;
    if (!player) {
      player = new FlvPlayer(document.getElementById("player"), {
        onStatus: text => { document.getElementById("player-status").textContent = text; },
        onWarning: text => { console.warn(text); document.getElementById("player-warning").textContent = text; },
      });
    }
    document.getElementById("player-warning").textContent = "";
    player.play(url);
  }

  document.getElementById("player-stop").addEventListener("click", () => {
    if (player) player.stop();
    document.getElementById("player-section").hidden = true;
  });

  async function closeSource(id) {
    if (!confirm(`Close stream ${id} (publisher and players)?`)) return;
    await api("/api/v1/source/close", { source: id }).catch(showError);
    refresh();
  }

  async function closeSink(id, sink) {
    await api("/api/v1/sink/close", { source: id, sink }).catch(showError);
    refresh();
  }

  function showError(e) {
    errorBox.hidden = !e;
    errorBox.textContent = e ? e.message : "";
  }

  function renderStreams(stats, sinksById) {
    document.getElementById("totals").textContent =
      `${stats.streams} streams, ${stats.players} players, in ${stats.bitrate_in_kbps} kbit/s, out ${stats.bitrate_out_kbps} kbit/s`;
    document.getElementById("no-streams").hidden = stats.items.length > 0;
    const body = document.querySelector("#streams tbody");
    const rows = [];
    for (const s of stats.items) {
      const players = Object.entries(s.players_by_protocol).map(([p, n]) => `${p}: ${n}`).join(", ") || "0";
      rows.push(el("tr", { "data-stream": s.id },
        el("td", {}, el("button", { type: "button", class: "link", title: "players and play URLs", onclick: () => { expanded.has(s.id) ? expanded.delete(s.id) : expanded.add(s.id); refresh(); } }, expanded.has(s.id) ? "▾" : "▸"), " ", s.id),
        el("td", {}, s.protocol ? el("span", { class: s.live ? "live" : "waiting" }, s.protocol) : el("span", { class: "waiting" }, "waiting"), s.publisher ? ` ${s.publisher}` : ""),
        el("td", {}, formatTracks(s.tracks)),
        el("td", {}, s.protocol ? formatUptime(s.uptime_seconds) : ""),
        el("td", {}, `${s.bitrate_in_kbps} kbit/s`),
        el("td", {}, `${s.bitrate_out_kbps} kbit/s`),
        el("td", { class: "players" }, players),
        el("td", {}, s.dropped_players),
        el("td", {},
          el("button", { type: "button", "data-play": "HTTP-FLV", "data-stream": s.id, onclick: () => play(s.id, "HTTP-FLV") }, "HTTP-FLV"), " ",
          el("button", { type: "button", "data-play": "WS-FLV", "data-stream": s.id, onclick: () => play(s.id, "WS-FLV") }, "WS-FLV")),
        el("td", {}, el("button", { type: "button", onclick: () => closeSource(s.id) }, "Close"))));

      if (expanded.has(s.id)) {
        const urls = el("div", { class: "urls" });
        for (const [kind, url] of playUrls(s.id)) urls.append(el("span", {}, kind), el("span", { class: "url" }, url), copyButton(url));
        const sinks = sinksById.get(s.id) || [];
        const sinkTable = el("table", {}, el("tr", {}, el("th", {}, "Player"), el("th", {}, "Protocol"), el("th", {}, "Address"), el("th", {}, "Since"), el("th", {}, "Sent"), el("th", {}, "")),
          ...sinks.map(k => el("tr", {}, el("td", {}, k.id), el("td", {}, k.protocol), el("td", {}, k.remote_addr), el("td", {}, k.time),
            el("td", {}, `${(k.bytes_sent / 1024 / 1024).toFixed(1)} MB`), el("td", {}, el("button", { type: "button", onclick: () => closeSink(s.id, k.id) }, "Disconnect")))));
        rows.push(el("tr", { class: "details" }, el("td", { colspan: 10 }, urls, sinks.length ? sinkTable : el("span", { class: "muted" }, "no players"))));
      }
    }
    body.replaceChildren(...rows);
  }

  function renderPlugins(plugins) {
    // One row per loaded version: a plugin being swapped shows its new version running and the old one draining.
    const stateClass = { running: "live", failed: "error" };
    document.querySelector("#plugins tbody").replaceChildren(...plugins.map(p => el("tr", {},
      el("td", {}, p.name), el("td", {}, `${p.version} (#${p.generation})`),
      el("td", { class: stateClass[p.state] || "muted", title: p.reason || "" }, p.reason && p.state !== "running" ? `${p.state}: ${p.reason}` : p.state),
      el("td", {}, p.live_sessions),
      el("td", {}, listenerText(p.listeners)), el("td", { class: "url" }, p.assembly_path))));
  }

  // A plugin with a port per source (GB28181) may hold hundreds: a count beyond a few.
  function listenerText(listeners) {
    const shown = listeners.slice(0, 4).map(l => `${l.name} ${l.transport || "tcp"} ${l.address}:${l.port}`);
    if (listeners.length > 4) shown.push(`… ${listeners.length - 4} more`);
    return shown.join(", ");
  }

  // GB28181 sources as the plugin's own API lists them (sources wait for their device here before they are streams).
  function renderGb28181(list) {
    const section = document.getElementById("gb28181-section");
    section.hidden = !list;
    if (!list) return;
    document.getElementById("gb28181-totals").textContent =
      `${list.mode}, ports ${list.ports} (${list.ports_in_use} in use), ${list.unknown_ssrc_datagrams} datagrams of unknown SSRC dropped`;
    const stateClass = { live: "live", waiting: "waiting", authorizing: "waiting" };
    document.querySelector("#gb28181 tbody").replaceChildren(...list.sources.map(s => el("tr", { "data-gb-source": s.source },
      el("td", {}, s.source), el("td", {}, s.setup), el("td", { class: stateClass[s.state] || "muted" }, s.state),
      el("td", {}, s.port), el("td", {}, s.ssrc), el("td", {}, s.remote || ""), el("td", {}, s.packets),
      el("td", {}, s.lost + s.gaps), el("td", {}, s.reordered), el("td", {}, s.dropped_frames),
      el("td", {}, s.forwards.map(f => `${f.sink} ${f.setup} ${f.remote || ""} ssrc ${f.ssrc}`).join(", ")))));
  }

  async function refresh() {
    try {
      server = await api("/api/v1/server/info");
      document.getElementById("server-info").textContent = `v${server.version}, up ${formatUptime(server.uptime_seconds)}, config ${server.config_file}`;
      for (const h of document.querySelectorAll(".host")) {
        const rtmp = server.listeners.find(l => l.name === "rtmp");
        h.textContent = `${location.hostname}:${rtmp ? rtmp.port : 1935}`;
      }
      const [stats, plugins] = await Promise.all([api("/api/v1/streams/statistics"), api("/api/v1/plugins")]);
      const sinksById = new Map();
      await Promise.all([...expanded].filter(id => stats.items.some(s => s.id === id))
        .map(async id => sinksById.set(id, await api("/api/v1/sink/list", { source: id }))));
      const gb = plugins.some(p => p.name === "gb28181" && p.state === "running") ? await api("/api/v1/gb28181/source/list") : null;
      renderStreams(stats, sinksById);
      renderPlugins(plugins);
      renderGb28181(gb);
      showError(null);
    } catch (e) {
      showError(e);
    }
  }

  refresh();
  setInterval(refresh, REFRESH_MS);
})();
