// zombienet js-script: what the network does while one validator is down (killed, then
// restarted by the .zndsl). zombienet runs js-scripts in its own process, so a watch started by
// one call is read by a later one (kept in `globalThis`).
//
// - `watch.js with "start,dave"` (on alice): from now on, every 2 s, record alice's best and
//   finalized heights and whether dave's JSON-RPC answers; returns 1 once dave has answered.
// - `watch.js with "down"` (on alice): stop watching; returns 1 if dave did not answer for at
//   least 12 s and, over that time, alice's best grew by at least 4 blocks and its finalized
//   head by at least 3: blocks and finality went on without dave (2-second slots, a quarter
//   of them dave's).
// - `watch.js with "caught-up"` (on dave): returns 1 once dave, restarted from its database,
//   has kept what it had finalized before it was killed, and its best and finalized heights
//   are within 2 blocks of alice's.
const { sleep, heights } = require('./lib.js');

// A JSON-RPC call over HTTP with a short deadline: a killed node does not answer.
async function rpcHttp (wsUri, method, params = []) {
  const res = await fetch(wsUri.replace(/^ws/, 'http'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    signal: AbortSignal.timeout(1500)
  });
  return (await res.json()).result;
}

async function finalizedOf (wsUri) {
  const hash = await rpcHttp(wsUri, 'chain_getFinalizedHead');
  return parseInt((await rpcHttp(wsUri, 'chain_getHeader', [hash])).number, 16);
}

async function run (nodeName, networkInfo, args) {
  const state = globalThis.__vidchainWatch || (globalThis.__vidchainWatch = {});
  const log = (m) => console.log(`[watch] ${m}`);
  if (args[0] === 'start') {
    const watched = networkInfo.nodesByName[args[1]].wsUri;
    const api = await zombie.connect(networkInfo.nodesByName[nodeName].wsUri);
    state.samples = [];
    state.watchedUri = watched;
    state.stop = false;
    state.lastFinalized = 0;
    const loop = async () => {
      while (!state.stop) {
        let up = false;
        try {
          const finalized = await finalizedOf(watched);
          up = true;
          // What the watched node had finalized before it first went down.
          if (!state.samples.some((s) => !s.up)) state.lastFinalized = finalized;
        } catch (_) {}
        try {
          state.samples.push({ t: Date.now(), up, ...(await heights(api)) });
        } catch (e) { log(`${nodeName}: ${e}`); }
        await sleep(2000);
      }
      await api.disconnect();
    };
    state.loop = loop();
    while (!state.samples.some((s) => s.up)) await sleep(500);
    log(`watching ${args[1]} from ${nodeName}; it has finalized #${state.lastFinalized}`);
    return 1;
  }
  if (args[0] === 'down') {
    state.stop = true;
    await state.loop;
    const down = state.samples.filter((s) => !s.up);
    if (down.length < 2) { log('the watched node never went down'); return 0; }
    const first = down[0];
    const last = down[down.length - 1];
    const seconds = (last.t - first.t) / 1000;
    log(`down for ${seconds} s (finalized #${state.lastFinalized} before): best ${first.best} -> ${last.best}, finalized ${first.fin} -> ${last.fin}`);
    return seconds >= 12 && last.best - first.best >= 4 && last.fin - first.fin >= 3 ? 1 : 0;
  }
  if (args[0] === 'caught-up') {
    const kept = await finalizedOf(networkInfo.nodesByName[nodeName].wsUri);
    log(`${nodeName} restarted with #${kept} finalized (#${state.lastFinalized} before it was killed)`);
    if (kept < state.lastFinalized) return 0;
    const api = await zombie.connect(networkInfo.nodesByName[nodeName].wsUri);
    const alice = await zombie.connect(networkInfo.nodesByName.alice.wsUri);
    try {
      for (;;) {
        const [mine, theirs] = await Promise.all([heights(api), heights(alice)]);
        if (theirs.best - mine.best <= 2 && theirs.fin - mine.fin <= 2 && mine.fin > kept) {
          log(`${nodeName} ${JSON.stringify(mine)}, alice ${JSON.stringify(theirs)}`);
          return 1;
        }
        await sleep(2000);
      }
    } finally {
      await api.disconnect();
      await alice.disconnect();
    }
  }
  return 0;
}

module.exports = { run };
