/**
 * Refuse a client-credentials token when the client has used up its monthly quota, and tag the
 * access token with the client's tier.
 */
const axios = require("axios");

exports.onExecuteCredentialsExchange = async (event, api) => {
  const clientId = event.client.client_id;
  const { data } = await axios.get(`${event.secrets.QUOTA_API_URL}/quotas/${clientId}`, {
    headers: { Authorization: `Bearer ${event.secrets.QUOTA_API_TOKEN}` },
    timeout: 2000,
  });
  if (data.remaining <= 0) {
    api.access.deny("invalid_request", `Monthly token quota of ${data.limit} reached.`);
    return;
  }
  api.accessToken.setCustomClaim("https://example.com/tier", data.tier);
};
