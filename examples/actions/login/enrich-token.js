/**
 * Add the customer's plan and organisation from the profile service to the ID and access tokens.
 */
const axios = require("axios");
const company = require("company");

exports.onExecutePostLogin = async (event, api) => {
  let profile;
  try {
    const url = `${event.secrets.PROFILE_API_URL}/profiles/${encodeURIComponent(event.user.user_id)}`;
    const response = await axios.get(url, {
      headers: { Authorization: `Bearer ${event.secrets.API_KEY}` },
      timeout: 3000,
    });
    profile = response.data;
  } catch (err) {
    // The profile service is optional for login: log and carry on without the claims.
    console.log(`profile lookup failed: ${err.message}`);
    return;
  }
  api.idToken.setCustomClaim(company.claim("plan"), profile.plan);
  api.accessToken.setCustomClaim(company.claim("plan"), profile.plan);
  api.accessToken.setCustomClaim(company.claim("org"), profile.organisation_id);
};
