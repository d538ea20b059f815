// The official @ringcentral/sdk (5.x) against a running emulator: node ringcentral-sdk.mjs <server-url>
// Prints one line per step ("<step> <status> [detail]"); exits non-zero on any surprise.
import { SDK } from '@ringcentral/sdk';

const server = process.argv[2] ?? process.env.RINGOUT_EMULATOR_URL;
if (!server) throw new Error('usage: node ringcentral-sdk.mjs <server-url> (or RINGOUT_EMULATOR_URL)');
const RINGOUT = '/restapi/v1.0/account/~/extension/~/ring-out';
const CALL = { from: { phoneNumber: '+16505550111' }, to: { phoneNumber: '+16505550199' }, playPrompt: false };
const log = (...parts) => console.log(parts.join(' '));

const sdk = new SDK({
  server,
  clientId: 'emulator-client-id',
  clientSecret: 'emulator-client-secret',
  appName: 'emulator-tests',
  appVersion: '1.0',
});
const platform = sdk.platform();

let r = await platform.login({ jwt: 'emulator-jwt' });
log('jwt-login', r.status, (await platform.auth().data()).owner_id);

r = await platform.post(RINGOUT, CALL);
const call = await r.json();
log('ring-out-POST', r.status, call.status.callStatus);
r = await platform.get(`${RINGOUT}/${call.id}`);
log('ring-out-GET', r.status, (await r.json()).id === call.id);
r = await platform.delete(`${RINGOUT}/${call.id}`);
log('ring-out-DELETE', r.status);

try {
  await platform.post(RINGOUT, { ...CALL, to: { phoneNumber: 'not-a-number' } });
  log('bad-to', 'no-error');
} catch (e) {
  log('bad-to', e.response.status, (await e.response.json()).errorCode);
}

const beforeRefresh = (await platform.auth().data()).access_token;
r = await platform.refresh();
const afterRefresh = (await platform.auth().data()).access_token;
log('refresh', r.status, beforeRefresh !== afterRefresh);

r = await platform.logout();
log('logout', r.status);
r = await fetch(`${server}${RINGOUT}/${call.id}`, { headers: { Authorization: `Bearer ${afterRefresh}` } });
log('old-token', r.status, (await r.json()).errors[0].errorCode);

// password login: the SDK sends username "<number>*<extension>"
r = await platform.login({ username: '+16505550100', extension: '101', password: 'emulator-password' });
log('password-login', r.status, (await platform.auth().data()).owner_id);
await platform.logout();
