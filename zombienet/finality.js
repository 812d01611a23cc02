// zombienet js-script (run once; the .zndsl's `within` bounds it): `finality.js with "stalls"`
// returns 1 if, while the best block grows by 4, the finalized block does not move (counted in
// blocks, not seconds: it holds at any slot duration);
// `finality.js with "resumes"` waits until the finalized block has moved and is within 3 blocks
// of the best one, then returns 1. Anything else returns 0.
const { sleep, heights } = require('./lib.js');

// Wait until `api`'s best block is `n` past `from`; the heights then.
async function bestPast (api, from, n) {
  for (;;) {
    const now = await heights(api);
    if (now.best >= from + n) return now;
    await sleep(500);
  }
}

async function run (nodeName, networkInfo, args) {
  const { wsUri, userDefinedTypes } = networkInfo.nodesByName[nodeName];
  const api = await zombie.connect(wsUri, userDefinedTypes);
  let ok = 0;
  if (args[0] === 'stalls') {
    // Votes already in flight may finalize one more round: start from a settled point, two
    // blocks on.
    const before = await bestPast(api, (await heights(api)).best, 2);
    const after = await bestPast(api, before.best, 4);
    console.log(`finality stalls? before ${JSON.stringify(before)} after ${JSON.stringify(after)}`);
    ok = after.fin === before.fin ? 1 : 0;
  } else if (args[0] === 'resumes') {
    const start = await heights(api);
    for (;;) {
      const now = await heights(api);
      if (now.fin > start.fin && now.best - now.fin <= 3) {
        console.log(`finality resumed: ${JSON.stringify(start)} -> ${JSON.stringify(now)}`);
        ok = 1;
        break;
      }
      await sleep(1000);
    }
  }
  await api.disconnect();
  return ok;
}

module.exports = { run };
