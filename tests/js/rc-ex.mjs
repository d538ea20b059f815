// @rc-ex/core against a running emulator: node rc-ex.mjs <server-url>
// Prints one line per step ("<step> <status> [detail]"); exits non-zero on any surprise.
import crypto from 'node:crypto';
import RingCentral from '@rc-ex/core';

const server = process.argv[2] ?? process.env.RINGOUT_EMULATOR_URL;
if (!server) throw new Error('usage: node rc-ex.mjs <server-url> (or RINGOUT_EMULATOR_URL)');
const CALL = { from: { phoneNumber: '+16505550111' }, to: { phoneNumber: '+16505550199' }, playPrompt: false };
const CALLBACK = 'http://localhost/callback';
const log = (...parts) => console.log(parts.join(' '));

const rc = new RingCentral({ server, clientId: 'emulator-client-id', clientSecret: 'emulator-client-secret' });
let last; // the last HTTP response, seen through axios, so the typed calls below stay the real ones
rc.rest.httpClient.interceptors.response.use((response) => {
  last = response;
  return response;
});
const ext = () => rc.restapi().account().extension();

const token = await rc.authorize({ jwt: 'emulator-jwt' });
log('jwt-login', last.status, token.owner_id);

const call = await ext().ringOut().post(CALL);
log('ring-out-POST', last.status, call.status.callStatus);
const read = await ext().ringOut(call.id).get();
log('ring-out-GET', last.status, read.id === call.id);
await ext().ringOut(call.id).delete();
log('ring-out-DELETE', last.status, `body=${last.config.data}`, last.config.headers['Content-Type']);

try {
  await ext().ringOut().post({ ...CALL, to: { phoneNumber: 'not-a-number' } });
  log('bad-to', 'no-error');
} catch (e) {
  log('bad-to', e.response.status, e.response.data.errorCode, e.message.includes('TEL-109'));
}

const before = rc.token.access_token;
await rc.refresh();
log('refresh', last.status, before !== rc.token.access_token);
const oldToken = rc.token.access_token;
await rc.revoke();
log('logout', last.status);
const r = await fetch(`${server}/restapi/v1.0/account/~/extension/~`, { headers: { Authorization: `Bearer ${oldToken}` } });
log('old-token', r.status, (await r.json()).errors[0].errorCode);

// authorization code with PKCE: the browser step is the emulator's auto-approving authorize page
const verifier = crypto.randomBytes(32).toString('base64url');
const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
const query = new URLSearchParams({
  response_type: 'code', client_id: 'emulator-client-id', redirect_uri: CALLBACK, state: 'st',
  code_challenge: challenge, code_challenge_method: 'S256',
});
const page = await fetch(`${server}/restapi/oauth/authorize?${query}`, { redirect: 'manual' });
const code = new URL(page.headers.get('location')).searchParams.get('code');
await rc.authorize({ code, redirect_uri: CALLBACK, code_verifier: verifier });
const info = await ext().get();
log('code-login', last.status, info.extensionNumber);
await rc.revoke();
