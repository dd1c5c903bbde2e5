/**
 * Only people with an e-mail address at one of our domains may sign up.
 */
const company = require("company");

exports.onExecutePreUserRegistration = async (event, api) => {
  if (!company.isCompanyEmail(event.user.email)) {
    api.access.deny("domain_not_allowed", "Please sign up with your work e-mail address.");
  }
};
