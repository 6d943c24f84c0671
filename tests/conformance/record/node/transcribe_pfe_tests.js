'use strict';
// Transcribe proxy-from-env 2.0.0's own test.js (shipped in its npm tarball) into
// tests/conformance/upstream/proxy-from-env-test.jsonl:
//   node transcribe_pfe_tests.js > ../../upstream/proxy-from-env-test.jsonl
// Every `testProxyUrl(env, expected, input)` with a string input becomes one line. The
// expectation is proxy-from-env's own (`expected`), read the way noproxy reports it: '' →
// direct; a string → proxy at new URL(string)'s host:port, or error when new URL cannot read a
// host from it (what axios does with such a string; R-PFE-PV-2).
const fs = require('fs');
const path = require('path');
const vm = require('vm');

const file = path.join(__dirname, 'node_modules', 'proxy-from-env-2.0.0', 'test.js');
const src = fs.readFileSync(file, 'utf8');
const version = require('./node_modules/proxy-from-env-2.0.0/package.json').version;
const out = [];
const DEFAULT_PORTS = { 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443, 'ftp:': 21 };

function record(env, expected, input) {
  if (typeof input !== 'string') return;
  const frames = new Error().stack.split('\n').filter((l) => l.includes('test.js:'));
  const line = Number(frames[1].match(/test\.js:(\d+)/)[1]);
  env = JSON.parse(JSON.stringify(env));
  const expect = {};
  if (expected === '') {
    expect.decision = 'direct';
  } else {
    let u = null;
    try { u = new URL(expected); } catch { /* error below */ }
    if (u && u.hostname) {
      const host = u.hostname.replace(/^\[|\]$/g, '');
      const port = u.port ? Number(u.port) : DEFAULT_PORTS[u.protocol];
      expect.decision = 'proxy';
      expect.proxy_addr = (host.includes(':') ? `[${host}]` : host) + (port ? `:${port}` : '');
    } else {
      expect.decision = 'error';
    }
    expect.returned = expected;
  }
  out.push({ flavor: `node-proxy-from-env@${version}`, id: `pfe-test-L${line}-${out.length + 1}`, env, url: input, expect,
    source: `proxy-from-env ${version} test.js:${line} (npm tarball)` });
}

const body = src
  .replace(/^import .*$/mg, '')
  .replace(/function testProxyUrl\(env, expected, input\) \{/, 'function testProxyUrl(env, expected, input) { return __record(env, expected, input);');
const ctx = vm.createContext({ __record: record, describe: (n, f) => f(), it: () => {}, assert: Object.assign(() => {}, { strictEqual() {}, throws() {} }),
  parseUrl: require('url').parse, getProxyForUrl: () => '', URL, JSON, process: { env: {} }, Error });
vm.runInContext(body, ctx, { filename: 'test.js' });
for (const o of out) process.stdout.write(JSON.stringify(o) + '\n');
