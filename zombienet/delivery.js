// zombienet js-script: the delivery loop across the validator network (run once, on one node;
// the .zndsl's `within` bounds it). Returns 1 when all of this held, 0 (or throws) otherwise:
// - content ingested and registered through alice's node; Bob's edge (claiming through alice's
//   node) and Ferdie's edge serving every chunk corrupted (through bob's node) registered;
// - Dave watches the content through Bob's edge, reading the chain from charlie's node;
// - Bob's claim of that epoch is `Verified`, read back through dave's node;
// - in one epoch, sample reports from at least three validators' workers are on chain;
// - Ferdie's edge is suspended (more than a third of the validators reported it).
// The edges it starts are stopped before it returns. `vidchain-edge` is found on PATH.
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');

const { sleep } = require('./lib.js');
const VID = 10n ** 12n;

function freePort () {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

// Vidchain's own JSON-RPC methods, raw (the api's decorations do not know them).
async function rpc (provider, method, params) {
  return provider.send(method, params);
}

async function run (nodeName, networkInfo) {
  const ws = (n) => networkInfo.nodesByName[n].wsUri;
  const connect = (n) => zombie.connect(ws(n), networkInfo.nodesByName[n].userDefinedTypes);
  const [a, b, c, d] = await Promise.all(['alice', 'bob', 'charlie', 'dave'].map(connect));
  const provider = async (n) => { const p = new zombie.WsProvider(ws(n)); await p.isReady; return p; };
  const [pb, pc, pd] = await Promise.all(['bob', 'charlie', 'dave'].map(provider));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vidchain-zn-delivery-'));
  const edges = [];
  const log = (m) => console.log(`[delivery] ${m}`);
  try {
    const edgeBin = 'vidchain-edge';
    const film = path.join(dir, 'film.bin');
    fs.writeFileSync(film, Buffer.from(Array.from({ length: 40960 }, (_, i) => (i * 2654435761 >>> 24) & 0xff)));
    const contentDir = path.join(dir, 'content');
    const content = execFileSync(edgeBin, ['ingest', film, '--out', contentDir, '--chunk-size', '4096',
      '--suri', '//Alice', '--title', 'Network', '--register', '--node', ws('alice')], { timeout: 120000 }).toString().trim();
    log(`content ${content} registered through alice`);

    const keyring = new zombie.Keyring({ type: 'sr25519' });
    const bob = keyring.addFromUri('//Bob');
    const ferdie = keyring.addFromUri('//Ferdie');
    const serve = async (operator, node, extra) => {
      const port = await freePort();
      const out = fs.openSync(path.join(dir, `edge-${port}.log`), 'w');
      const child = spawn(edgeBin, ['serve', '--content-dir', contentDir, '--listen', `127.0.0.1:${port}`,
        '--node', ws(node), '--operator', operator, '--receipts-db', path.join(dir, `${port}.redb`), ...extra],
      { stdio: ['ignore', out, out] });
      edges.push(child);
      for (let i = 0; ; i++) {
        try { if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) break; } catch (_) { /* not yet */ }
        if (i > 300) throw new Error(`edge ${operator} did not start`);
        await sleep(100);
      }
      execFileSync(edgeBin, ['register-edge', '--node', ws(node), '--operator', operator, '--endpoint',
        `http://127.0.0.1:${port}`], { timeout: 120000 });
      return port;
    };
    await serve('//Bob', 'alice', []);
    await serve('//Ferdie', 'bob', ['--corrupt-fraction', '1']);
    log('edges registered: Bob (honest, through alice), Ferdie (corrupt, through bob)');

    // Watch from the start of an epoch, so that the receipts fall in one.
    const epochNow = async (api) => rpc(api, 'delivery_epoch', []);
    let e = await epochNow(pc);
    const target = e.current + 1;
    while ((e = await epochNow(pc)).current < target) await sleep(1000);
    const watched = execFileSync(edgeBin, ['viewer', '--node', ws('charlie'), '--content', content, '--edge',
      bob.address, '--suri', '//Dave', '--chunks-per-receipt', '5', '--escrow', '10'], { timeout: 120000 }).toString().trim();
    log(`Dave watched through Bob's edge: ${watched} receipts in epoch ${target}`);
    if (watched !== '2') throw new Error(`expected 2 receipts, got ${watched}`);

    // Bob's claim, read back through dave's node; reports from three validators in one epoch;
    // Ferdie suspended.
    const deadline = Date.now() + 600000;
    let verified = false; let reporters = 0; let suspended = false;
    while (Date.now() < deadline && !(verified && reporters >= 3 && suspended)) {
      const claim = await rpc(pd, 'delivery_claim', [bob.address, target]);
      verified = claim !== null && claim.status === 'Verified';
      const entries = await d.query.delivery.sampleReports.entries();
      const byEpoch = new Map();
      for (const [key] of entries) {
        const [epoch, , validator] = key.args;
        const k = epoch.toNumber();
        if (!byEpoch.has(k)) byEpoch.set(k, new Set());
        byEpoch.get(k).add(validator.toString());
      }
      reporters = Math.max(0, ...[...byEpoch.values()].map((s) => s.size));
      const f = await rpc(pb, 'delivery_edge', [ferdie.address]);
      suspended = f !== null && f.state !== null && typeof f.state === 'object' && 'suspended' in f.state;
      log(`claim ${claim && claim.status}, most reporters in an epoch ${reporters}, Ferdie ${JSON.stringify(f && f.state)}`);
      if (!(verified && reporters >= 3 && suspended)) await sleep(2000);
    }
    return verified && reporters >= 3 && suspended ? 1 : 0;
  } finally {
    for (const child of edges) child.kill('SIGKILL');
    await Promise.all([a, b, c, d].map((api) => api.disconnect()));
    await Promise.all([pb, pc, pd].map((p) => p.disconnect()));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { run };
