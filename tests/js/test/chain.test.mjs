// @polkadot/api 16.5.6 against a real vidchain-node --dev, with no custom type definitions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';
import { blake2AsHex, cryptoWaitReady, decodeAddress } from '@polkadot/util-crypto';
import { compactToU8a, hexToU8a, u8aConcat } from '@polkadot/util';
import { signAndWait, startDevNode } from '../lib/node-harness.mjs';

let node;
let api;

before(async () => {
  await cryptoWaitReady();
  node = await startDevNode();
  // No `types`, no `rpc`, no `signedExtensions`: everything comes from the runtime's metadata.
  api = await ApiPromise.create({ provider: new WsProvider(node.url), noInitWarn: true, throwOnConnect: true });
});

after(async () => {
  if (api) await api.disconnect();
  if (node) {
    const exit = await node.stop();
    assert.equal(exit.code, 0, `node exits cleanly on SIGINT: ${JSON.stringify(exit)}`);
  }
});

test('system_properties say VID (the native token) and FUEL, with 12 decimals each', async () => {
  const props = await api.rpc.system.properties();
  assert.deepEqual(props.tokenSymbol.unwrap().map((s) => s.toString()), ['VID', 'FUEL']);
  assert.deepEqual(props.tokenDecimals.unwrap().map((d) => d.toNumber()), [12, 12]);
  assert.equal(props.ss58Format.unwrap().toNumber(), 42);
  assert.equal(api.registry.chainDecimals[0], 12);
  assert.equal(api.registry.chainTokens[0], 'VID');
});

test('the development chain runs 2-second slots, and polkadot.js reads them from the chain', async () => {
  // Set at genesis by the preset (pallet-validators), read alike by Aura and the timestamp.
  assert.equal((await api.query.validators.slotDuration()).unwrap().toNumber(), 2000);
  assert.equal(api.consts.validators.defaultSlotDuration.toNumber(), 6000, 'a real network\'s slot');
  assert.equal(api.consts.aura.slotDuration.toNumber(), 2000);
  assert.equal(api.consts.timestamp.minimumPeriod.toNumber(), 1000);
  assert.equal((await api.call.auraApi.slotDuration()).toNumber(), 2000, 'what the node authors by');
  // The tip was authored in the slot its timestamp falls in at 2 s a slot (its Aura pre-digest
  // names the slot; at 6 s a slot the two would differ threefold).
  let tip = await api.rpc.chain.getHeader();
  for (let i = 0; tip.number.toNumber() < 1 && i < 30; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    tip = await api.rpc.chain.getHeader();
  }
  const now = (await (await api.at(tip.hash)).query.timestamp.now()).toNumber();
  const pre = tip.digest.logs.find((log) => log.isPreRuntime && log.asPreRuntime[0].toString() === 'aura');
  assert.ok(pre, 'an Aura pre-runtime digest');
  const slot = api.registry.createType('u64', pre.asPreRuntime[1]).toNumber();
  assert.equal(slot, Math.floor(now / 2000), `block #${tip.number} at ${now} ms in slot ${slot}`);
});

test('metadata decodes with no custom types', async () => {
  assert.ok(api.runtimeMetadata.version >= 15, `metadata v${api.runtimeMetadata.version}`);
  assert.equal(api.runtimeVersion.specName.toString(), 'vidchain');
  for (const pallet of ['system', 'balances', 'nfts', 'sudo', 'transactionPayment']) {
    assert.ok(api.tx[pallet] || api.query[pallet], `pallet ${pallet} is decorated`);
  }
  assert.ok(api.tx.nfts.create, 'nfts.create is callable');
  assert.ok(api.call.accountNonceApi?.accountNonce, 'runtime APIs are decorated from metadata');
  // Every storage item, call and event type resolves in the registry.
  const account = await api.query.system.account(new Keyring({ type: 'sr25519' }).addFromUri('//Alice').address);
  assert.ok(account.data.free.toBigInt() > 0n);
  const ed = api.consts.balances.existentialDeposit.toBigInt();
  assert.equal(ed, 1_000_000_000n, 'existential deposit is 0.001 VID');
});

test('a transfer by //Alice is finalized', async () => {
  const keyring = new Keyring({ type: 'sr25519' });
  const alice = keyring.addFromUri('//Alice');
  const bob = keyring.addFromUri('//Bob');
  const amount = 2_000_000_000_000n; // 2 VID
  const bobBefore = (await api.query.system.account(bob.address)).data.free.toBigInt();

  const result = await signAndWait(api.tx.balances.transferKeepAlive(bob.address, amount), alice, (s) => s.isFinalized);
  const events = result.events;
  const blockHash = result.status.asFinalized;

  const transfer = events.find(({ event }) => api.events.balances.Transfer.is(event));
  assert.ok(transfer, 'Balances.Transfer event');
  const [from, to, value] = transfer.event.data;
  assert.equal(from.toString(), alice.address);
  assert.equal(to.toString(), bob.address);
  assert.equal(value.toBigInt(), amount);
  assert.ok(events.some(({ event }) => api.events.system.ExtrinsicSuccess.is(event)));

  const bobAfter = (await (await api.at(blockHash)).query.system.account(bob.address)).data.free.toBigInt();
  assert.equal(bobAfter, bobBefore + amount);
});

test('a creator registers content from polkadot.js with no custom types', async () => {
  const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
  assert.equal(api.consts.delivery.minEdgeBond.toBigInt(), 1000n * 10n ** 12n);
  assert.equal(api.consts.delivery.samplesPerClaim.toNumber(), 16);
  assert.ok(api.errors.delivery.LocalEndpoint, 'typed errors are in the metadata');
  const schedule = await api.query.delivery.schedule();
  assert.equal(schedule.epochLength.toNumber(), 10, 'the development preset runs 10-block epochs');
  // One truth for the schedule (issue 32): no metadata constant claims to be the epoch length or
  // a window; the constants are the defaults of a genesis that sets none, and say so.
  for (const name of ['epochLength', 'claimWindow', 'proofWindow']) {
    assert.equal(api.consts.delivery[name], undefined, `no constant named ${name}`);
  }
  assert.equal(api.consts.delivery.defaultEpochLength.toNumber(), 100, 'the default is not the live value');
  const epoch = await api.call.deliveryApi.epoch();
  assert.equal(epoch.epochLength.toNumber(), schedule.epochLength.toNumber(), 'the runtime API reads the live schedule');
  const root = '0x' + 'ab'.repeat(32);
  const { events } = await signAndWait(
    api.tx.delivery.registerContent(root, 1048576, 10, 10n * 1048576n, true, 'Clip source', 'https://cdn.example/m'),
    alice,
    (s) => s.isInBlock,
    60000
  );
  const registered = events.find(({ event }) => api.events.delivery.ContentRegistered.is(event));
  assert.ok(registered, 'Delivery.ContentRegistered event');
  assert.equal(registered.event.data.manifestRoot.toHex(), root);
  assert.equal(registered.event.data.exclusive.isTrue, true);
  // The content id binds the creator: blake2_256(SCALE(("vidchain/content/v1", creator, root))).
  const tag = new TextEncoder().encode('vidchain/content/v1');
  const expectedId = blake2AsHex(u8aConcat(compactToU8a(tag.length), tag, decodeAddress(alice.address), hexToU8a(root)), 256);
  const id = registered.event.data.content.toHex();
  assert.equal(id, expectedId);
  const content = (await api.query.delivery.contents(id)).unwrap();
  assert.equal(content.manifestRoot.toHex(), root);
  assert.equal(content.creator.toString(), alice.address);
  assert.equal(content.title.toUtf8(), 'Clip source');
  assert.equal(content.chunkCount.toNumber(), 10);
});
