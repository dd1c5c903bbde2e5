/**
 * Facts about the company that several actions need: the e-mail domains it owns and the
 * namespace of the custom claims it adds to tokens. Actions load it with require("company").
 */
const DOMAINS = ["example.com", "example.org"];
const CLAIMS_NAMESPACE = "https://example.com/claims";

module.exports = {
  isCompanyEmail(email) {
    const address = (email || "").toLowerCase();
    return DOMAINS.includes(address.slice(address.lastIndexOf("@") + 1));
  },
  claim(name) {
    return `${CLAIMS_NAMESPACE}/${name}`;
  },
};
