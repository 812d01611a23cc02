// Start the real vidchain-node on free loopback ports for a client test, and stop it (SIGINT,
// bounded) afterwards. Every port is on 127.0.0.1; no Prometheus, telemetry or mDNS.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export function nodeBinary () {
  const candidates = [
    process.env.VIDCHAIN_NODE_BIN,
    process.env.CARGO_TARGET_DIR && join(process.env.CARGO_TARGET_DIR, 'release', 'vidchain-node'),
    join(homedir(), '.cache/vidchain/target/release/vidchain-node')
  ].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`vidchain-node not found in ${candidates.join(', ')}`);
  return found;
}

export function freePort () {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Start `vidchain-node --dev` on free loopback ports; `extraArgs` are appended (for example
// `['--offchain-worker', 'never']` for tests whose edges run no server).
export async function startDevNode (extraArgs = []) {
  const rpcPort = await freePort();
  const p2pPort = await freePort();
  const logPath = join(tmpdir(), `vidchain-js-node-${process.pid}-${rpcPort}.log`);
  const log = openSync(logPath, 'w');
  const child = spawn(nodeBinary(), [
    '--dev', '--tmp',
    '--rpc-port', String(rpcPort),
    '--listen-addr', `/ip4/127.0.0.1/tcp/${p2pPort}`,
    '--no-prometheus', '--no-telemetry', '--no-mdns',
    ...extraArgs
  ], { stdio: ['ignore', log, log] });
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });

  const node = {
    url: `ws://127.0.0.1:${rpcPort}`,
    httpUrl: `http://127.0.0.1:${rpcPort}`,
    logTail: (n = 40) => readFileSync(logPath, 'utf8').split('\n').slice(-n).join('\n'),
    exited: () => exited,
    async stop (timeoutMs = 30000) {
      if (exited) return exited;
      child.kill('SIGINT');
      const deadline = Date.now() + timeoutMs;
      while (!exited && Date.now() < deadline) await sleep(100);
      if (!exited) {
        child.kill('SIGKILL');
        throw new Error('node ignored SIGINT; killed');
      }
      return exited;
    }
  };

  // Wait (bounded) until the node answers JSON-RPC over HTTP.
  const deadline = Date.now() + 60000;
  for (;;) {
    if (exited) throw new Error(`node exited early: ${JSON.stringify(exited)}\n${node.logTail()}`);
    try {
      const res = await rpcCall(node, 'system_health', []);
      if (res.result) return node;
    } catch (_) { /* not up yet */ }
    if (Date.now() > deadline) {
      await node.stop().catch(() => {});
      throw new Error(`node did not answer RPC within 60 s\n${node.logTail()}`);
    }
    await sleep(250);
  }
}

export async function rpcCall (node, method, params) {
  const res = await fetch(node.httpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    signal: AbortSignal.timeout(10000)
  });
  return res.json();
}

// Sign and send `tx` with `signer`; resolve with the result once `until(status)` holds (e.g.
// `(s) => s.isFinalized`), reject on a dispatch error or after `timeoutMs`.
export function signAndWait (tx, signer, until, timeoutMs = 120000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not done within ${timeoutMs} ms`)), timeoutMs);
    tx.signAndSend(signer, (result) => {
      if (result.dispatchError) {
        clearTimeout(timer);
        reject(new Error(`dispatch error: ${result.dispatchError.toString()}`));
      } else if (until(result.status)) {
        clearTimeout(timer);
        resolve(result);
      }
    }).catch((e) => { clearTimeout(timer); reject(e); });
  });
}
