'use strict';
// Recorder driver for record_node.py. Never opens a listening socket and never
// sends a byte: every outgoing connection is reported and then refused here, and
// the whole process runs inside `unshare -n` anyway.
//
//   node driver.js pfe MODULE_DIR      cases on stdin (JSON Lines), one result per line
//   node driver.js undici MODULE_DIR   same, one EnvHttpProxyAgent per case
//   node driver.js node-http           one case on stdin; process.env IS the case env
//                                      (run with NODE_USE_ENV_PROXY=1)
const net = require('net');
const tls = require('tls');
const readline = require('readline');

let connects = [];
function hook(mod, name) {
  mod[name] = function (...args) {
    let o = args[0];
    if (typeof o !== 'object' || o === null) o = { port: args[0], host: typeof args[1] === 'string' ? args[1] : undefined };
    let host = o.host === undefined ? o.hostname : o.host;
    // undici >= 7.x may pass the origin name as host with a lookup pinned to the proxy IP.
    if (typeof o.lookup === 'function') {
      try { o.lookup(host, {}, (e, a) => { if (!e && typeof a === 'string') host = a; }); } catch { /* keep host */ }
    }
    connects.push({ via: name, host, port: Number(o.port) });
    // Never dial: hand back a socket that fails on the next tick.
    const s = new net.Socket();
    process.nextTick(() => s.destroy(Object.assign(new Error('refused by the noproxy recorder'), { code: 'ENOPROXYRECORDER' })));
    return s;
  };
}
hook(net, 'connect');
hook(net, 'createConnection');
hook(tls, 'connect');

function setEnv(env) {
  for (const k of Object.keys(process.env)) delete process.env[k];
  for (const [k, v] of Object.entries(env)) process.env[k] = v;
}

// The variable whose value gave `value` (unique match), else null.
function variableFor(env, value, proto) {
  const names = Object.keys(env).filter((k) => env[k] !== '' && (env[k] === value || `${proto}://${env[k]}` === value));
  return names.length === 1 ? names[0] : null;
}

const DEFAULT_PORTS = { 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443, 'ftp:': 21 };

function addrOf(host, port) {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return port ? `${h}:${port}` : h;
}

async function pfe(dir) {
  const { getProxyForUrl } = require(dir);
  for await (const line of readline.createInterface({ input: process.stdin })) {
    const c = JSON.parse(line);
    setEnv(c.env);
    let out = { id: c.id };
    let ret;
    try {
      ret = getProxyForUrl(c.url);
    } catch (e) {
      out = { ...out, decision: 'error', variable: null, returned: null, proxy_addr: null, evidence: `getProxyForUrl threw ${e.name}: ${e.message}` };
      process.stdout.write(JSON.stringify(out) + '\n');
      continue;
    }
    const ev = `getProxyForUrl = ${JSON.stringify(ret)}`;
    if (!ret) {
      out = { ...out, decision: 'direct', variable: null, returned: null, proxy_addr: null, evidence: ev };
    } else {
      let proto = '';
      try { proto = new URL(c.url).protocol.slice(0, -1); } catch { proto = (c.url.split(':')[0] || '').toLowerCase(); }
      const variable = variableFor(c.env, ret, proto);
      let u = null;
      try { u = new URL(ret); } catch { /* axios: new URL(proxy) throws */ }
      if (!u || !u.hostname) {
        out = { ...out, decision: 'error', variable, returned: ret, proxy_addr: null, evidence: `${ev}; new URL() of it ${u ? 'has no host' : 'throws'} (axios fails)` };
      } else {
        const port = u.port ? Number(u.port) : DEFAULT_PORTS[u.protocol];
        out = { ...out, decision: 'proxy', variable, returned: ret, proxy_addr: addrOf(u.hostname.replace(/^\[|\]$/g, ''), port), evidence: ev };
      }
    }
    process.stdout.write(JSON.stringify(out) + '\n');
  }
}

function targetAddr(url) {
  try {
    const u = new URL(url);
    return { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port ? Number(u.port) : DEFAULT_PORTS[u.protocol] };
  } catch {
    return null;
  }
}

function classify(c, first, err, proxyVars) {
  const t = targetAddr(c.url);
  if (!first) {
    return { decision: 'error', variable: null, proxy_addr: null, evidence: err ? `${err.code || err.name}: ${err.message}` : 'no connection attempted' };
  }
  const addr = addrOf(first.host, first.port);
  const ev = `${first.via}(${addr})` + (err ? ` -> ${err.code || err.name}` : '');
  if (t && t.host.toLowerCase() === String(first.host).toLowerCase() && t.port === first.port) {
    return { decision: 'direct', variable: null, proxy_addr: null, target_addr: addr, evidence: ev };
  }
  // Which variable names that proxy: the one(s) whose URL parses to this host:port.
  const names = proxyVars.filter((k) => {
    const v = c.env[k];
    if (!v) return false;
    try {
      const u = new URL(v);
      const p = u.port ? Number(u.port) : (u.protocol === 'https:' ? 443 : 80);
      return u.hostname.replace(/^\[|\]$/g, '').toLowerCase() === String(first.host).toLowerCase() && p === first.port;
    } catch { return false; }
  });
  return { decision: 'proxy', variable: names.length === 1 ? names[0] : null, proxy_addr: addr, evidence: ev };
}

const UNDICI_VARS = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY'];

async function undici(dir) {
  const { EnvHttpProxyAgent, request } = require(dir);
  // undici reports every connection it opens (proxy or origin) before dialling.
  const dc = require('diagnostics_channel');
  let before = [];
  dc.channel('undici:client:beforeConnect').subscribe(({ connectParams: p }) => {
    before.push({ via: 'undici:client:beforeConnect', host: p.hostname, port: Number(p.port) || (p.protocol === 'https:' ? 443 : 80) });
  });
  process.removeAllListeners('warning');
  process.on('warning', () => {});
  for await (const line of readline.createInterface({ input: process.stdin })) {
    const c = JSON.parse(line);
    setEnv(c.env);
    connects = [];
    before = [];
    let err = null;
    let agent = null;
    try {
      agent = new EnvHttpProxyAgent();
      await request(c.url, { dispatcher: agent, headersTimeout: 3000, bodyTimeout: 3000 });
    } catch (e) {
      err = e;
    }
    if (agent) { try { agent.destroy(); } catch { /* ignore */ } }
    const r = classify(c, connects[0] || before[0], err, UNDICI_VARS);
    process.stdout.write(JSON.stringify({ id: c.id, ...r }) + '\n');
  }
}

function nodeHttp() {
  const c = JSON.parse(require('fs').readFileSync(0, 'utf8'));
  const done = (err) => {
    const r = classify(c, connects[0], err, UNDICI_VARS);
    process.stdout.write(JSON.stringify({ id: c.id, ...r }) + '\n');
    process.exit(0);
  };
  let mod;
  try {
    const scheme = new URL(c.url).protocol;
    mod = scheme === 'https:' ? require('https') : require('http');
    const req = mod.get(c.url, { timeout: 3000 }, () => done(null));
    req.on('error', done);
    req.on('timeout', () => req.destroy(new Error('timeout')));
  } catch (e) {
    done(e);
  }
}

const [mode, arg] = process.argv.slice(2);
if (mode === 'pfe') pfe(arg);
else if (mode === 'undici') undici(arg);
else if (mode === 'node-http') nodeHttp();
else { console.error('usage: driver.js pfe|undici DIR  |  driver.js node-http < CASE'); process.exit(2); }
