// Both JS SDKs recover from the emulator's 429 and finish the call flow: node rate-limits.mjs <server-url>
// The server runs with Heavy 2 per 1 s window and a 1 s penalty (see tests/e2e/test_rate_limits_sdks.py).
// @ringcentral/sdk with handleRateLimit waits Retry-After; @rc-ex/rate-limit waits x-rate-limit-window.
// Prints one line per step ("<step> <status> [detail]"); exits non-zero on any surprise.
import { SDK } from '@ringcentral/sdk';
import { createRequire } from 'node:module';
import RateLimitModule from '@rc-ex/rate-limit';

// @rc-ex/rate-limit (latest 0.7.20) is built on @rc-ex/core 0.9 (its own dependency): its retry
// checks `instanceof RestException` of that core, so it only works with that core. Use the pair.
const RateLimitExtension = RateLimitModule.default ?? RateLimitModule;
const fromExtension = createRequire(createRequire(import.meta.url).resolve('@rc-ex/rate-limit'));
const RingCentral = fromExtension('@rc-ex/core').default;

const server = process.argv[2] ?? process.env.RINGOUT_EMULATOR_URL;
if (!server) throw new Error('usage: node rate-limits.mjs <server-url> (or RINGOUT_EMULATOR_URL)');
const RINGOUT = '/restapi/v1.0/account/~/extension/~/ring-out';
const CALL = { from: { phoneNumber: '+16505550111' }, to: { phoneNumber: '+16505550199' }, playPrompt: false };
const CREDENTIALS = { server, clientId: 'emulator-client-id', clientSecret: 'emulator-client-secret' };
const log = (...parts) => console.log(parts.join(' '));
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// --- @ringcentral/sdk, handleRateLimit: waits Retry-After, then retries once
const platform = new SDK({ ...CREDENTIALS, handleRateLimit: true }).platform();
platform.on(platform.events.rateLimitError, (e) => log('sdk-rate-limit-error', e.response.status, e.retryAfter));
await platform.login({ jwt: 'emulator-jwt' });
let r;
for (let i = 1; i <= 3; i += 1) {
  r = await platform.post(RINGOUT, CALL);
  log(`sdk-POST-${i}`, r.status, r.headers.get('x-rate-limit-group'), r.headers.get('x-rate-limit-remaining'));
}
const call = await r.json();
r = await platform.get(`${RINGOUT}/${call.id}`);
log('sdk-GET', r.status, (await r.json()).id === call.id);
r = await platform.delete(`${RINGOUT}/${call.id}`);
log('sdk-DELETE', r.status);
await platform.logout();

await pause(1100); // the Heavy window (1 s) empties

// --- @rc-ex/core (0.9) with @rc-ex/rate-limit: retries 429 after x-rate-limit-window s (doubling)
const rc = new RingCentral(CREDENTIALS);
const statuses = [];
rc.rest.httpClient.interceptors.response.use(
  (response) => {
    statuses.push(response.status);
    return response;
  },
  (error) => {
    statuses.push(error.response?.status);
    return Promise.reject(error);
  },
);
await rc.installExtension(new RateLimitExtension({ maxRetries: 3 }));
await rc.authorize({ username: '+16505550100', extension: '101', password: 'emulator-password' });
const ext = () => rc.restapi().account().extension();
let made;
for (let i = 1; i <= 3; i += 1) made = await ext().ringOut().post(CALL);
log('rc-ex-POSTs', statuses.slice(1).join(','));
const read = await ext().ringOut(made.id).get();
log('rc-ex-GET', statuses.at(-1), read.id === made.id);
await ext().ringOut(made.id).delete();
log('rc-ex-DELETE', statuses.at(-1));
await rc.revoke();
