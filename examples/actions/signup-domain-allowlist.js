/**
 * Only people with an e-mail address at one of our domains may sign up.
 */
const ALLOWED_DOMAINS = ["example.com", "example.org"];

exports.onExecutePreUserRegistration = async (event, api) => {
  const email = (event.user.email || "").toLowerCase();
  const domain = email.slice(email.lastIndexOf("@") + 1);
  if (!ALLOWED_DOMAINS.includes(domain)) {
    api.access.deny("domain_not_allowed", "Please sign up with your work e-mail address.");
  }
};
