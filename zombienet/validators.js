// zombienet js-script: validators join and leave by root (pallet-validators through sudo; Alice
// is sudo in the `local_testnet` preset). Each call returns 1 when what it names held, else 0;
// the .zndsl's `within` bounds it.
//
// - `validators.js with "remove,charlie,dave"`: sudo removes each named validator, one block
//   apart; returns 1 once both consensus sets (`aura.authorities`, `GrandpaApi`) are the rest and
//   the blocks that changed them are finalized (the old set finalizes its own hand-over).
// - `validators.js with "add,charlie,dave"`: the same, adding them back.
// - `validators.js with "finalizes"`: the finalized head moves 3 blocks on.
// - `validators.js with "only-authors,alice,bob"`: the next 6 blocks are each authored by one of
//   the named validators.
// - `validators.js with "authors,dave"`: a new block authored by each named validator arrives.
const { sleep, heights } = require('./lib.js');
const title = (name) => name.charAt(0).toUpperCase() + name.slice(1);

function keysOf (name) {
  const sr = new zombie.Keyring({ type: 'sr25519' }).addFromUri(`//${title(name)}`);
  const ed = new zombie.Keyring({ type: 'ed25519' }).addFromUri(`//${title(name)}`);
  return { auraKey: sr.publicKey, grandpaKey: ed.publicKey };
}

const hex = (u8a) => '0x' + Buffer.from(u8a).toString('hex');

// The author of a block: Aura's slot (pre-runtime digest) modulo the authorities of its parent.
async function authorOf (api, header) {
  const pre = header.digest.logs.find((log) => log.isPreRuntime && log.asPreRuntime[0].toString() === 'aura');
  if (!pre) throw new Error(`block #${header.number} has no Aura pre-digest`);
  const slot = api.createType('u64', pre.asPreRuntime[1]).toBigInt();
  const authorities = await (await api.at(header.parentHash)).query.aura.authorities();
  return authorities[Number(slot % BigInt(authorities.length))].toHex();
}

async function sudo (api, call) {
  const alice = new zombie.Keyring({ type: 'sr25519' }).addFromUri('//Alice');
  return new Promise((resolve, reject) => {
    let unsub = null;
    api.tx.sudo.sudo(call).signAndSend(alice, ({ status, events, dispatchError }) => {
      if (dispatchError) { reject(new Error(`sudo: ${dispatchError}`)); return; }
      if (status.isInBlock) {
        if (unsub) unsub();
        const sudid = events.find(({ event }) => event.section === 'sudo' && event.method === 'Sudid');
        const result = sudid && sudid.event.data[0];
        if (!result || result.isErr) {
          const err = result && result.asErr.isModule ? api.registry.findMetaError(result.asErr.asModule) : result;
          reject(new Error(`sudo call failed: ${err ? JSON.stringify(err.name || err.toString()) : 'no Sudid event'}`));
          return;
        }
        resolve({ block: status.asInBlock, events: events.map(({ event }) => `${event.section}.${event.method}`) });
      }
    }).then((u) => { unsub = u; }, reject);
  });
}

async function sets (api) {
  const aura = (await api.query.aura.authorities()).map((k) => k.toHex());
  const grandpa = (await api.call.grandpaApi.grandpaAuthorities()).map(([k]) => k.toHex());
  return { aura, grandpa };
}

async function finalizedNumber (api) {
  return (await heights(api)).fin;
}

async function change (api, verb, names, log) {
  let last = 0;
  for (const name of names) {
    const { auraKey, grandpaKey } = keysOf(name);
    const call = verb === 'add'
      ? api.tx.validators.addValidator(hex(auraKey), hex(grandpaKey))
      : api.tx.validators.removeValidator(hex(auraKey), hex(grandpaKey));
    const { block, events } = await sudo(api, call);
    const number = (await api.rpc.chain.getHeader(block)).number.toNumber();
    log(`${verb} ${name} in #${number}: ${events.filter((e) => e.startsWith('validators') || e.startsWith('grandpa')).join(', ')}`);
    const expected = verb === 'add' ? 'validators.ValidatorAdded' : 'validators.ValidatorRemoved';
    if (!events.includes(expected)) return 0;
    last = number;
  }
  while (await finalizedNumber(api) < last) await sleep(1000);
  const now = await sets(api);
  log(`finalized #${last}; aura ${now.aura.length}, grandpa ${now.grandpa.length}`);
  for (const name of names) {
    const { auraKey, grandpaKey } = keysOf(name);
    const inAura = now.aura.includes(hex(auraKey));
    const inGrandpa = now.grandpa.includes(hex(grandpaKey));
    if (inAura !== (verb === 'add') || inGrandpa !== (verb === 'add')) return 0;
  }
  return now.aura.length === now.grandpa.length ? 1 : 0;
}

async function run (nodeName, networkInfo, args) {
  const api = await zombie.connect(networkInfo.nodesByName[nodeName].wsUri);
  const log = (m) => console.log(`[validators] ${m}`);
  const [verb, ...names] = args;
  try {
    if (verb === 'add' || verb === 'remove') return await change(api, verb, names, log);
    if (verb === 'finalizes') {
      const start = await finalizedNumber(api);
      for (;;) {
        const now = await finalizedNumber(api);
        if (now >= start + 3) { log(`finalized #${start} -> #${now}`); return 1; }
        await sleep(2000);
      }
    }
    const wanted = new Map(names.map((name) => [hex(keysOf(name).auraKey), name]));
    if (verb === 'only-authors') {
      let seen = 0;
      let last = (await api.rpc.chain.getHeader()).number.toNumber();
      while (seen < 6) {
        const header = await api.rpc.chain.getHeader();
        const number = header.number.toNumber();
        for (let n = last + 1; n <= number; n++) {
          const h = await api.rpc.chain.getHeader(await api.rpc.chain.getBlockHash(n));
          const author = await authorOf(api, h);
          log(`#${n} authored by ${wanted.get(author) || author}`);
          if (!wanted.has(author)) return 0;
          seen++;
        }
        last = number;
        await sleep(2000);
      }
      return 1;
    }
    if (verb === 'authors') {
      const missing = new Set(wanted.keys());
      let last = (await api.rpc.chain.getHeader()).number.toNumber();
      while (missing.size > 0) {
        const number = (await api.rpc.chain.getHeader()).number.toNumber();
        for (let n = last + 1; n <= number; n++) {
          const h = await api.rpc.chain.getHeader(await api.rpc.chain.getBlockHash(n));
          const author = await authorOf(api, h);
          if (missing.delete(author)) log(`#${n} authored by ${wanted.get(author)}`);
        }
        last = number;
        await sleep(2000);
      }
      return 1;
    }
    return 0;
  } finally {
    await api.disconnect();
  }
}

module.exports = { run };
