// FUEL and payments from @polkadot/api 16.5.6 against a real vidchain-node --dev, with no custom
// type definitions: FUEL through the assets API, a viewer's escrow and pending rewards through
// `api.call.rewardsApi`, and a claim of one receipt paid from the escrow, read back in the
// epoch's payout report (also over the `rewards_*` JSON-RPC methods).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';
import { blake2AsU8a, cryptoWaitReady, decodeAddress } from '@polkadot/util-crypto';
import { compactToU8a, stringToU8a, u8aConcat, u8aToHex, hexToU8a } from '@polkadot/util';
import { rpcCall, signAndWait, startDevNode } from '../lib/node-harness.mjs';

const FUEL_ID = 1;
const FUEL = 10n ** 12n;
const MIB = 1n << 20n;
// The development preset's delivery epochs (blocks) and windows.
const EPOCH = 10;
const WINDOW = 3;

let node;
let api;
let alice;
let bob;

before(async () => {
  await cryptoWaitReady();
  // Alice's edge below has no server: no sampling worker, which would report it unavailable.
  node = await startDevNode(['--offchain-worker', 'never']);
  api = await ApiPromise.create({ provider: new WsProvider(node.url), noInitWarn: true, throwOnConnect: true });
  const keyring = new Keyring({ type: 'sr25519' });
  alice = keyring.addFromUri('//Alice');
  bob = keyring.addFromUri('//Bob');
});

after(async () => {
  if (api) await api.disconnect();
  if (node) await node.stop();
});

const fuelOf = async (who) => {
  const account = await api.query.assets.account(FUEL_ID, who);
  return account.isSome ? account.unwrap().balance.toBigInt() : 0n;
};

const inBlock = (s) => s.isInBlock;

async function waitForBlock (n) {
  for (;;) {
    const head = (await api.rpc.chain.getHeader()).number.toNumber();
    if (head >= n) return head;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

// The registry's own name for a type of the runtime, by its Rust path.
function lookupName (path) {
  const found = api.registry.lookup.types.find((t) => t.type.path.map((p) => p.toString()).join('::') === path);
  assert.ok(found, `${path} is in the metadata`);
  return api.registry.createLookupType(found.id);
}

// The sparse sum tree of one receipt: its leaf hashed up 32 levels next to empty siblings.
function le64 (n) {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
}
function singleLeafRoot (receiptHash, bytes, position) {
  let hash = blake2AsU8a(u8aConcat([0x00], receiptHash, le64(bytes)), 256);
  const empty = new Uint8Array(32);
  for (let level = 0; level < 32; level++) {
    const right = ((position >>> level) & 1) === 1;
    const [l, ls, r, rs] = right ? [empty, 0n, hash, bytes] : [hash, bytes, empty, 0n];
    hash = blake2AsU8a(u8aConcat([0x01], l, le64(ls), r, le64(rs)), 256);
  }
  return hash;
}

test('FUEL is asset 1 with its metadata, and the chain names both tokens', async () => {
  const meta = await api.query.assets.metadata(FUEL_ID);
  assert.equal(meta.symbol.toUtf8(), 'FUEL');
  assert.equal(meta.decimals.toNumber(), 12);
  const details = (await api.query.assets.asset(FUEL_ID)).unwrap();
  assert.ok(details.isSufficient.isTrue, 'an account needs no VID to hold FUEL');
  assert.equal(await fuelOf(alice.address), 1_000_000n * FUEL);
  const props = await api.rpc.system.properties();
  assert.deepEqual(props.tokenSymbol.unwrap().map((s) => s.toString()), ['VID', 'FUEL']);
  assert.deepEqual(props.tokenDecimals.unwrap().map((d) => d.toNumber()), [12, 12]);
  const schedule = await api.call.rewardsApi.schedule();
  assert.equal(schedule.initialEmission.toBigInt(), 10_000n * FUEL);
  assert.equal(schedule.protocolFee.toNumber(), 50_000_000, '5 % in Perbill');
});

test('a viewer funds an escrow, an edge claims one receipt, is paid, and the epoch report reads back', async () => {
  // Bob is the viewer: 10 FUEL in escrow, 1 in reserve.
  await signAndWait(api.tx.rewards.depositEscrow(10n * FUEL, FUEL), bob, inBlock);
  const escrow = (await api.call.rewardsApi.escrow(bob.address)).unwrap();
  assert.equal(escrow.balance.toBigInt(), 10n * FUEL);
  assert.equal(escrow.reserve.toBigInt(), FUEL);

  // Alice creates a one-chunk (1 MiB) content and bonds as an edge.
  const root = u8aToHex(blake2AsU8a(stringToU8a('rewards-js'), 256));
  const { events } = await signAndWait(
    api.tx.delivery.registerContent(root, MIB, 1, MIB, false, 'Paid', 'https://cdn.example/p'),
    alice,
    inBlock
  );
  const content = events.find(({ event }) => api.events.delivery.ContentRegistered.is(event)).event.data.content;
  await signAndWait(api.tx.delivery.registerEdge('http://127.0.0.1:9', 'local', 1_000n * 10n ** 12n), alice, inBlock);

  // The squat: a stranger funds a pool of Alice's content first, with one unit, for another
  // edge. It is the stranger's own pool: Alice funds hers all the same, and receipts that do
  // not name the stranger's pool never reach it.
  const stranger = new Keyring({ type: 'sr25519' }).addFromUri('//Bob//stash');
  await signAndWait(api.tx.rewards.fundPool(content, 1, 1_000, [bob.address]), stranger, inBlock);
  const funded = await signAndWait(api.tx.rewards.fundPool(content, FUEL, 2n * FUEL, []), alice, inBlock);
  assert.ok(funded.events.some(({ event }) => api.events.rewards.PoolFunded.is(event)), 'the creator funds its own pool');
  const poolOf = async (sponsor) => (await api.call.rewardsApi.pool(content, sponsor)).unwrap();
  assert.equal((await poolOf(stranger.address)).balance.toBigInt(), 1n);
  assert.equal((await poolOf(alice.address)).terms[0].pricePerMib.toBigInt(), 2n * FUEL);

  // Bob signs a receipt for the whole chunk at 1 FUEL per MiB, in the current epoch.
  const head = (await api.rpc.chain.getHeader()).number.toNumber();
  const epoch = Math.floor(head / EPOCH);
  const genesis = hexToU8a(api.genesisHash.toHex());
  const receipt = api.createType(lookupName('vidchain_primitives::delivery::DeliveryReceipt'), {
    edge: alice.address,
    content,
    viewer: bob.address,
    sessionNonce: 1,
    firstChunk: 0,
    chunkCount: 1,
    bytes: MIB,
    pricePerMib: FUEL,
    payer: 'Escrow',
    epoch,
    ttfbMs: 20,
    throughputKbps: 40_000
  });
  const signature = bob.sign(u8aConcat(stringToU8a('vidchain/receipt/v4'), genesis, receipt.toU8a()));
  // The receipt's slot: blake2(SCALE(("vidchain/receipt-position/v1", viewer, nonce)))[0..4], LE.
  const tag = stringToU8a('vidchain/receipt-position/v1');
  const slot = blake2AsU8a(u8aConcat(compactToU8a(tag.length), tag, decodeAddress(bob.address), le64(1)), 256);
  const position = new DataView(slot.buffer, slot.byteOffset).getUint32(0, true);
  const treeRoot = singleLeafRoot(blake2AsU8a(receipt.toU8a(), 256), MIB, position);

  // Claim in the claim window, prove once the seed block is known.
  const claimOpen = (epoch + 1) * EPOCH;
  await waitForBlock(claimOpen);
  await signAndWait(api.tx.delivery.submitClaim(epoch, u8aToHex(treeRoot), MIB, 1), alice, inBlock);
  await waitForBlock(claimOpen + WINDOW + 1);
  const aliceBefore = await fuelOf(alice.address);
  const leaf = { receipt, signature: { Sr25519: u8aToHex(signature) }, path: { siblings: [], present: 0 } };
  const proven = await signAndWait(api.tx.delivery.submitProof(epoch, [leaf]), alice, inBlock);
  assert.ok(proven.events.some(({ event }) => api.events.delivery.ClaimVerified.is(event)));

  // 16 of 16 offsets in the one receipt: it pays 1 MiB × 1 FUEL. Alice is the edge and the
  // creator: 85 % + 10 %; the treasury 5 %.
  const paid = proven.events.find(({ event }) => api.events.rewards.Paid.is(event)).event.data;
  assert.equal(paid.amount.toBigInt(), FUEL);
  assert.equal(paid.toEdge.toBigInt() + paid.toCreator.toBigInt() + paid.toTreasury.toBigInt(), FUEL);
  assert.equal(await fuelOf(alice.address) - aliceBefore, paid.toEdge.toBigInt() + paid.toCreator.toBigInt());
  assert.equal((await api.call.rewardsApi.escrow(bob.address)).unwrap().balance.toBigInt(), 9n * FUEL);
  assert.ok(paid.payer.isEscrow, 'the payer the viewer signed');
  // Neither pool paid for a receipt that named the escrow.
  assert.equal((await poolOf(stranger.address)).balance.toBigInt(), 1n);
  assert.equal((await poolOf(alice.address)).balance.toBigInt(), FUEL);

  // Sealing: Alice's verified receipt paid the treasury a fee of 0.05 FUEL; delivery emission
  // pays her 80 % of it, never more (her endpoint answers no probe: no availability share).
  await waitForBlock(claimOpen + 2 * WINDOW + 3);
  const pending = await api.call.rewardsApi.pendingRewards(alice.address);
  assert.equal(pending.fuel.toBigInt(), FUEL * 4n / 100n, `pending ${pending.toString()}`);
  const report = (await api.call.rewardsApi.epochReport(epoch)).unwrap();
  assert.equal(report.totals.paid.toBigInt(), FUEL);
  const line = report.edges.find((e) => e.edge.toString() === alice.address);
  assert.equal(line.payout.verifiedBytes.toBigInt(), MIB);
  assert.equal(line.payout.fee.toBigInt(), FUEL * 5n / 100n);
  assert.equal(report.totals.toDelivery.toBigInt(), FUEL * 4n / 100n);
  assert.equal(line.emission.toBigInt(), pending.fuel.toBigInt());

  // The same report over JSON-RPC.
  const viaRpc = await rpcCall(node, 'rewards_epochReport', [epoch]);
  assert.equal(BigInt(viaRpc.result.totals.paid), FUEL);

  const before = await fuelOf(alice.address);
  await signAndWait(api.tx.rewards.claimRewards(epoch), alice, inBlock);
  assert.equal(await fuelOf(alice.address) - before, pending.fuel.toBigInt());
  assert.equal((await api.call.rewardsApi.pendingRewards(alice.address)).fuel.toBigInt(), 0n);
});
