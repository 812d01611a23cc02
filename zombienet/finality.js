// zombienet js-script (run once; the .zndsl's `within` bounds it): `finality.js with "stalls"`
// returns 1 if, over 36 s, the best block grows and the finalized block does not;
// `finality.js with "resumes"` waits until the finalized block has moved and is within 3 blocks
// of the best one, then returns 1. Anything else returns 0.
const { sleep, heights } = require('./lib.js');

async function run (nodeName, networkInfo, args) {
  const { wsUri, userDefinedTypes } = networkInfo.nodesByName[nodeName];
  const api = await zombie.connect(wsUri, userDefinedTypes);
  let ok = 0;
  if (args[0] === 'stalls') {
    // Votes already in flight may finalize one more round: start from a settled point.
    await sleep(12000);
    const before = await heights(api);
    await sleep(36000);
    const after = await heights(api);
    console.log(`finality stalls? before ${JSON.stringify(before)} after ${JSON.stringify(after)}`);
    ok = after.best > before.best && after.fin === before.fin ? 1 : 0;
  } else if (args[0] === 'resumes') {
    const start = await heights(api);
    for (;;) {
      const now = await heights(api);
      if (now.fin > start.fin && now.best - now.fin <= 3) {
        console.log(`finality resumed: ${JSON.stringify(start)} -> ${JSON.stringify(now)}`);
        ok = 1;
        break;
      }
      await sleep(3000);
    }
  }
  await api.disconnect();
  return ok;
}

module.exports = { run };
