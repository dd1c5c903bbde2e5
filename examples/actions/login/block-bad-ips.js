/**
 * Deny logins from networks on a deny list (CIDR ranges, one per line, served at DENYLIST_URL).
 * The list is cached for ten minutes in the action's cache to keep logins fast.
 */
const ipaddr = require("ipaddr.js");

const CACHE_KEY = "denylist";
const CACHE_TTL_MS = 10 * 60 * 1000;

async function loadDenylist(event, api) {
  const cached = api.cache.get(CACHE_KEY);
  if (cached && cached.value) {
    return JSON.parse(cached.value);
  }
  const response = await fetch(event.secrets.DENYLIST_URL, { signal: AbortSignal.timeout(2000) });
  if (!response.ok) {
    return [];
  }
  const ranges = (await response.text())
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
  api.cache.set(CACHE_KEY, JSON.stringify(ranges), { ttl: CACHE_TTL_MS });
  return ranges;
}

exports.onExecutePostLogin = async (event, api) => {
  const ip = event.request.ip;
  if (!ip || !ipaddr.isValid(ip)) {
    return;
  }
  const address = ipaddr.process(ip);
  for (const range of await loadDenylist(event, api)) {
    try {
      const [network, bits] = ipaddr.parseCIDR(range);
      if (address.kind() === network.kind() && address.match(network, bits)) {
        api.access.deny("Logins from your network are not allowed.");
        return;
      }
    } catch (err) {
      console.log(`ignoring invalid range in deny list: ${range}`);
    }
  }
};
