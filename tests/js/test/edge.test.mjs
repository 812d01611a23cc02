// Exclusive content through a real vidchain-edge, read with @polkadot/api 16.5.6 and no custom
// type definitions: Alice ingests a film as exclusive content and registers it (`vidchain-edge
// ingest --exclusive --register`), cuts a clip, and Charlie buys a license; Bob runs an edge on
// loopback and registers it. `api.call.deliveryApi.*` shows the epoch, the edge, the content and
// the ranking; Charlie's viewer watches the whole content through the edge with signed access
// tokens (the edge reads his license from the chain), Dave's is refused with 403 and the
// reason, and a request without a token is refused too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { freePort, nodeBinary, signAndWait, startDevNode } from '../lib/node-harness.mjs';

const FUEL_ID = 1;
const FUEL = 10n ** 12n;
const VID = 10n ** 12n;

let node;
let api;
let edge;
let dir;
const edgeBinary = () => join(dirname(nodeBinary()), 'vidchain-edge');

// Run vidchain-edge to completion (bounded): { code, stdout, stderr }.
function runEdge (args, timeoutMs = 60000) {
  return new Promise((resolve) => {
    const child = spawn(edgeBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

before(async () => {
  await cryptoWaitReady();
  dir = mkdtempSync(join(tmpdir(), 'vidchain-js-edge-'));
  node = await startDevNode(['--offchain-worker', 'never']);
  api = await ApiPromise.create({ provider: new WsProvider(node.url), noInitWarn: true, throwOnConnect: true });
});

after(async () => {
  if (edge) {
    edge.kill('SIGTERM');
    await Promise.race([new Promise((resolve) => edge.on('exit', resolve)), sleep(10000)]);
    edge.kill('SIGKILL');
  }
  if (api) await api.disconnect();
  if (node) await node.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const inBlock = (s) => s.isInBlock;

test('a licensed viewer watches exclusive content through vidchain-edge; others get 403', async () => {
  const keyring = new Keyring({ type: 'sr25519' });
  const [alice, bob, charlie] = ['//Alice', '//Bob', '//Charlie'].map((s) => keyring.addFromUri(s));
  const dave = keyring.addFromUri('//Dave');

  // Alice ingests and registers 40 KiB as exclusive content of 10 chunks.
  const film = join(dir, 'film.bin');
  writeFileSync(film, Buffer.from(Array.from({ length: 40960 }, (_, i) => (i * 2654435761 >>> 24) & 0xff)));
  const contentDir = join(dir, 'content');
  const ingested = await runEdge(['ingest', film, '--out', contentDir, '--chunk-size', '4096', '--suri', '//Alice',
    '--exclusive', '--title', 'Members only', '--register', '--node', node.url]);
  assert.equal(ingested.code, 0, ingested.stderr);
  const content = ingested.stdout.trim();
  const info = (await api.call.deliveryApi.content(content)).unwrap();
  assert.ok(info.exclusive.isTrue);
  assert.equal(info.chunkCount.toNumber(), 10);
  assert.equal(info.creator.toString(), alice.address);

  // A clip of it; Charlie (funded) buys edition 1.
  const created = await signAndWait(
    api.tx.licenses.createClip(content, 0, 30_000, 3, 2n * FUEL, 100_000, 'View', 'Perpetual', 'ipfs://clip'),
    alice, inBlock);
  const clip = created.events.find(({ event }) => api.events.licenses.ClipCreated.is(event)).event.data.clip;
  await signAndWait(api.tx.balances.transferKeepAlive(charlie.address, 100n * VID), alice, inBlock);
  await signAndWait(api.tx.assets.transfer(FUEL_ID, charlie.address, 5n * FUEL), alice, inBlock);
  await signAndWait(api.tx.licenses.buyLicense(clip, 2n * FUEL), charlie, inBlock);
  assert.ok((await api.call.licensesApi.hasAccess(charlie.address, content)).isTrue);

  // Bob's edge on loopback, connected to the node (it reads licenses through it).
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const log = openSync(join(dir, 'edge.log'), 'w');
  edge = spawn(edgeBinary(), ['serve', '--content-dir', contentDir, '--listen', `127.0.0.1:${port}`,
    '--node', node.url, '--operator', '//Bob', '--receipts-db', join(dir, 'receipts.redb')],
  { stdio: ['ignore', log, log] });
  const edgeLog = () => readFileSync(join(dir, 'edge.log'), 'utf8');
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${endpoint}/health`)).ok) break; } catch (_) { /* not yet */ }
    if (i > 300) throw new Error(`the edge did not start:\n${edgeLog()}`);
    await sleep(100);
  }
  await signAndWait(api.tx.delivery.registerEdge(endpoint, 'local', 1000n * VID), bob, inBlock);

  // The chain through DeliveryApi, as polkadot.js decorates it from the metadata.
  const epoch = await api.call.deliveryApi.epoch();
  assert.equal(epoch.epochLength.toNumber(), 10);
  const view = (await api.call.deliveryApi.edge(bob.address)).unwrap();
  assert.equal(view.endpoint.toUtf8(), endpoint);
  assert.ok(view.state.isActive);
  const ranked = await api.call.deliveryApi.edges(null, 10);
  assert.deepEqual(ranked.map((e) => e.edge.toString()), [bob.address]);
  assert.ok((await api.call.deliveryApi.claim(bob.address, epoch.current)).isNone);

  // Without a token: 403 with the reason.
  const chunk = `${endpoint}/content/${content}/chunks/0`;
  const bare = await fetch(chunk);
  assert.equal(bare.status, 403);
  assert.match(await bare.text(), /access token/);

  // Charlie watches it all: every chunk checked against the root on chain, receipts accepted.
  const watched = await runEdge(['viewer', '--node', node.url, '--content', content, '--edge', bob.address,
    '--suri', '//Charlie', '--chunks-per-receipt', '5', '--escrow', '1']);
  assert.equal(watched.code, 0, `${watched.stderr}\n${edgeLog()}`);
  assert.equal(watched.stdout.trim(), '2', 'two receipts of five chunks');

  // Dave holds no license: refused, and told why.
  const refused = await runEdge(['viewer', '--node', node.url, '--content', content, '--edge', bob.address,
    '--suri', '//Dave']);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /no license/);
  assert.equal((await api.call.licensesApi.hasAccess(dave.address, content)).isTrue, false);
});
