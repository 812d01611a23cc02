// Clip licenses from @polkadot/api 16.5.6 against a real vidchain-node --dev, with no custom
// type definitions, as a creator and two fans would click them in polkadot.js Apps: Alice
// registers an exclusive content and cuts a clip; Charlie is funded with FUEL (assets API) and
// buys edition 1, which opens the content (`api.call.licensesApi.hasAccess`); he lists it and Bob
// buys it; Alice's royalty and the treasury's fee arrive to the unit; a plain `nfts.transfer` of
// the license is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';
import { blake2AsU8a, cryptoWaitReady, encodeAddress } from '@polkadot/util-crypto';
import { stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { rpcCall, signAndWait, startDevNode } from '../lib/node-harness.mjs';

const FUEL_ID = 1;
const FUEL = 10n ** 12n;
const VID = 10n ** 12n;
const MIB = 1n << 20n;

let node;
let api;
let alice;
let bob;
let charlie;

before(async () => {
  await cryptoWaitReady();
  node = await startDevNode();
  api = await ApiPromise.create({ provider: new WsProvider(node.url), noInitWarn: true, throwOnConnect: true });
  const keyring = new Keyring({ type: 'sr25519' });
  alice = keyring.addFromUri('//Alice');
  bob = keyring.addFromUri('//Bob');
  charlie = keyring.addFromUri('//Charlie');
});

after(async () => {
  if (api) await api.disconnect();
  if (node) await node.stop();
});

const inBlock = (s) => s.isInBlock;

const fuelOf = async (who) => {
  const account = await api.query.assets.account(FUEL_ID, who);
  return account.isSome ? account.unwrap().balance.toBigInt() : 0n;
};

// A pallet's account: "modl" ‖ its 8-byte PalletId, zero-padded to 32 bytes.
const palletAccount = (id) => encodeAddress(u8aConcat(stringToU8a('modl'), stringToU8a(id), new Uint8Array(20)));

// Submit `tx` and return the dispatch error it ends with, as `section.name` (null on success).
function dispatchErrorOf (tx, signer) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('not in a block within 120 s')), 120000);
    tx.signAndSend(signer, ({ status, dispatchError }) => {
      if (!status.isInBlock) return;
      clearTimeout(timer);
      if (!dispatchError) return resolve(null);
      if (!dispatchError.isModule) return resolve(dispatchError.toString());
      const { section, name } = api.registry.findMetaError(dispatchError.asModule);
      resolve(`${section}.${name}`);
    }).catch((e) => { clearTimeout(timer); reject(e); });
  });
}

test('a creator sells a clip license, a fan resells it with the royalty, and pallet-nfts cannot move it', async () => {
  const treasury = palletAccount('vc/trsry');

  // Alice registers an exclusive content and cuts a clip of 3 perpetual View licenses at 2 FUEL,
  // 10 % royalty.
  const root = u8aToHex(blake2AsU8a(stringToU8a('licenses-js'), 256));
  const registered = await signAndWait(
    api.tx.delivery.registerContent(root, MIB, 1, MIB, true, 'Exclusive', 'https://cdn.example/x'),
    alice,
    inBlock
  );
  const content = registered.events.find(({ event }) => api.events.delivery.ContentRegistered.is(event)).event.data.content;
  const price = 2n * FUEL;
  const created = await signAndWait(
    api.tx.licenses.createClip(content, 0, 30_000, 3, price, 100_000, 'View', 'Perpetual', 'ipfs://bafy-clip'),
    alice,
    inBlock
  );
  const clip = created.events.find(({ event }) => api.events.licenses.ClipCreated.is(event)).event.data.clip.toNumber();
  const view = (await api.call.licensesApi.clip(clip)).unwrap();
  assert.equal(view.terms.maxEditions.toNumber(), 3);
  assert.ok(view.terms.kind.isView);
  assert.equal(view.price.toBigInt(), price);
  assert.deepEqual((await api.call.licensesApi.clipsOf(content)).map((c) => c.toNumber()), [clip]);

  // Charlie is funded: VID for fees and deposits, FUEL through the assets API.
  await signAndWait(api.tx.balances.transferKeepAlive(charlie.address, 100n * VID), alice, inBlock);
  await signAndWait(api.tx.assets.transfer(FUEL_ID, charlie.address, 5n * FUEL), alice, inBlock);
  assert.equal(await fuelOf(charlie.address), 5n * FUEL);

  // Charlie buys edition 1: 5 % to the treasury, the rest to Alice; the content opens to him.
  assert.equal((await api.call.licensesApi.hasAccess(charlie.address, content)).isTrue, false);
  let [aliceBefore, treasuryBefore] = [await fuelOf(alice.address), await fuelOf(treasury)];
  const bought = await signAndWait(api.tx.licenses.buyLicense(clip, price), charlie, inBlock);
  const minted = bought.events.find(({ event }) => api.events.licenses.LicenseMinted.is(event)).event.data;
  assert.equal(minted.edition.toNumber(), 1);
  const fee = price * 5n / 100n;
  assert.equal(minted.fee.toBigInt(), fee);
  assert.equal(await fuelOf(treasury) - treasuryBefore, fee);
  assert.equal(await fuelOf(alice.address) - aliceBefore, price - fee);
  assert.equal(await fuelOf(charlie.address), 3n * FUEL);
  assert.equal((await api.call.licensesApi.hasAccess(charlie.address, content)).isTrue, true);
  const item = await api.query.nfts.item(clip, 1);
  assert.equal(item.unwrap().owner.toString(), charlie.address, 'the license is a pallet-nfts item');

  // Charlie lists it at 3 FUEL; Bob buys it: 10 % royalty to Alice, the rest to Charlie.
  const resale = 3n * FUEL;
  await signAndWait(api.tx.licenses.listLicense(clip, 1, resale), charlie, inBlock);
  [aliceBefore, treasuryBefore] = [await fuelOf(alice.address), await fuelOf(treasury)];
  const charlieBefore = await fuelOf(charlie.address);
  const resold = await signAndWait(api.tx.licenses.buyListed(clip, 1, resale), bob, inBlock);
  const sale = resold.events.find(({ event }) => api.events.licenses.LicenseResold.is(event)).event.data;
  const royalty = resale / 10n;
  assert.equal(sale.royalty.toBigInt(), royalty);
  assert.equal(await fuelOf(alice.address) - aliceBefore, royalty);
  assert.equal(await fuelOf(charlie.address) - charlieBefore, resale - royalty);
  assert.equal(await fuelOf(treasury), treasuryBefore);
  assert.equal((await api.call.licensesApi.hasAccess(bob.address, content)).isTrue, true);
  assert.equal((await api.call.licensesApi.hasAccess(charlie.address, content)).isTrue, false);
  const held = await api.call.licensesApi.licensesOf(bob.address);
  assert.equal(held.length, 1);
  assert.equal(held[0].edition.toNumber(), 1);
  assert.ok(held[0].active.isTrue);

  // pallet-nfts' own transfer and price-setting are refused for a license.
  assert.equal(await dispatchErrorOf(api.tx.nfts.transfer(clip, 1, charlie.address), bob), 'system.CallFiltered');
  assert.equal(await dispatchErrorOf(api.tx.nfts.setPrice(clip, 1, 1, null), bob), 'system.CallFiltered');
  assert.equal((await api.query.nfts.item(clip, 1)).unwrap().owner.toString(), bob.address);

  // The same answers over JSON-RPC.
  const access = await rpcCall(node, 'licenses_hasAccess', [bob.address, content.toHex()]);
  assert.equal(access.result, true);
  const clipRpc = await rpcCall(node, 'licenses_clip', [clip]);
  assert.equal(clipRpc.result.sold, 1);
  assert.equal(clipRpc.result.creator, alice.address);
});
