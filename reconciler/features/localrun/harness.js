"use strict";
/**
 * Runs one Auth0 Action handler the way the Actions runtime calls it, and records what it asks
 * of the `api` object. Started by reconciler/features/localrun/runner.py as
 *   node harness.js JOB.json RESULT.json
 * JOB: {"file": path of the action's code, "trigger": id, "handler": exported function name,
 *       "event": object}. The action's stdout/stderr are its logs (the runner captures them).
 * RESULT: {"commands": [{"name", "args"}...], "error"?: {"name", "message", "stack"}} (the
 *         commands issued before an error too), plus "boot_ms" and "action_ms".
 */
const fs = require("fs");

const started = process.hrtime.bigint();
const [jobPath, resultPath] = process.argv.slice(2);
const job = JSON.parse(fs.readFileSync(jobPath, "utf8"));
const MAX_COMMANDS = 1000;

const COMMON = ["cache.set", "cache.delete"];
const ACCESS_DENY = ["access.deny"];
const REDIRECT = ["redirect.sendUserTo"];
const METHODS = {
  "post-login": [
    ...ACCESS_DENY, "accessToken.setCustomClaim", "accessToken.addScope",
    "accessToken.removeScope", "idToken.setCustomClaim", "multifactor.enable", ...REDIRECT,
    "user.setAppMetadata", "user.setUserMetadata", "authentication.challengeWith",
    "authentication.challengeWithAny", "authentication.enrollWith",
    "authentication.enrollWithAny", "authentication.recordMethod",
    "authentication.setPrimaryUser", "samlResponse.setAttribute", "session.revoke",
    "session.setExpiresAt", "session.setIdleExpiresAt", "refreshToken.revoke",
    "refreshToken.setExpiresAt", "refreshToken.setIdleExpiresAt", "prompt.render",
  ],
  "credentials-exchange": [...ACCESS_DENY, "accessToken.setCustomClaim"],
  "pre-user-registration": [
    ...ACCESS_DENY, "user.setAppMetadata", "user.setUserMetadata", "validation.error",
  ],
  "password-reset-post-challenge": [
    ...ACCESS_DENY, "authentication.challengeWith", "authentication.challengeWithAny",
    ...REDIRECT,
  ],
  "custom-phone-provider": ["notification.drop"],
  "custom-email-provider": ["notification.drop"],
  "custom-token-exchange": [
    ...ACCESS_DENY, "access.rejectInvalidSubjectToken", "authentication.setUserById",
    "authentication.setUserByConnection",
  ],
};

function plain(value) {
  if (value === undefined) return null;
  try {
    return JSON.parse(JSON.stringify(value));
  } catch (err) {
    return String(value);
  }
}

function base64url(text) {
  return Buffer.from(text, "utf8").toString("base64url");
}

function buildApi(trigger, event, commands) {
  const api = {};
  const store = new Map();
  const record = (name) => (...args) => {
    if (commands.length >= MAX_COMMANDS) {
      throw new RangeError(`more than ${MAX_COMMANDS} api calls in one execution`);
    }
    commands.push({ name, args: args.map(plain) });
    if (name === "cache.set") store.set(String(args[0]), String(args[1]));
    if (name === "cache.delete") store.delete(String(args[0]));
    return api;
  };
  for (const path of [...(METHODS[trigger] || []), ...COMMON]) {
    const [group, method] = path.split(".");
    api[group] = api[group] || {};
    api[group][method] = record(path);
  }
  api.cache.get = (key) => {
    const value = store.get(String(key));
    return value === undefined ? undefined : { value };
  };
  if (api.redirect) {
    // unsigned (alg none): a local run has no tenant secret to sign with
    api.redirect.encodeToken = (options = {}) => {
      const header = base64url(JSON.stringify({ alg: "none", typ: "JWT" }));
      return `${header}.${base64url(JSON.stringify(plain(options.payload) || {}))}.`;
    };
    api.redirect.validateToken = (options = {}) => {
      const param = options.tokenParameterName || "session_token";
      const request = event.request || {};
      const token = (request.query || {})[param] || (request.body || {})[param];
      if (typeof token !== "string") throw new Error(`no ${param} in the request`);
      return JSON.parse(Buffer.from(token.split(".")[1] || "", "base64url").toString("utf8"));
    };
  }
  return api;
}

function describe(err) {
  if (err instanceof Error) {
    return { name: err.name, message: err.message, stack: String(err.stack || "") };
  }
  return { name: "Error", message: String(err), stack: "" };
}

let written = false;
function finish(result) {
  if (written) return;
  written = true;
  result.boot_ms = bootMs;
  result.action_ms = Number((process.hrtime.bigint() - loaded) / 1000000n);
  fs.writeFileSync(resultPath, JSON.stringify(result));
  process.exit(0); // Auth0 ends the execution when the handler settles; timers do not keep it
}

let bootMs = 0;
let loaded = started;
const commands = [];
process.on("uncaughtException", (err) => finish({ error: describe(err), commands }));
process.on("unhandledRejection", (err) => finish({ error: describe(err), commands }));

async function main() {
  let mod;
  try {
    mod = require(job.file);
  } finally {
    loaded = process.hrtime.bigint();
    bootMs = Number((loaded - started) / 1000000n);
  }
  const event = job.event;
  if (job.trigger === "post-login") {
    void event.user.id; // the runtime reads it before calling the handler, as Auth0's does
  }
  const handler = mod && mod[job.handler];
  if (typeof handler !== "function") {
    throw new TypeError(`exports.${job.handler} is not a function`);
  }
  await handler(event, buildApi(job.trigger, event, commands));
}

main().then(
  () => finish({ commands }),
  (err) => finish({ error: describe(err), commands })
);
