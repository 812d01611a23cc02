// Helpers shared by the js-scripts (zombienet `require`s each script, so a relative require works).
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A node's best and finalized heights, through `api`.
async function heights (api) {
  const best = (await api.rpc.chain.getHeader()).number.toNumber();
  const fin = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
  return { best, fin };
}

module.exports = { sleep, heights };
