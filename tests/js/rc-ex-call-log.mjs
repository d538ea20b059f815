// @rc-ex/core reads the call log, active calls and the account: node rc-ex-call-log.mjs <server-url>
// The server runs a manual clock; the control plane sets the call-log delay and moves time.
// Prints one line per step ("<step> <status> [detail]").
import RingCentral from '@rc-ex/core';

const server = process.argv[2] ?? process.env.RINGOUT_EMULATOR_URL;
if (!server) throw new Error('usage: node rc-ex-call-log.mjs <server-url>');
const CALL = { from: { phoneNumber: '+16505550111' }, to: { phoneNumber: '+16505550199' }, playPrompt: false };
const log = (...parts) => console.log(parts.join(' '));
const control = (method, path, body) =>
  fetch(`${server}/__emulator${path}`, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

const rc = new RingCentral({ server, clientId: 'emulator-client-id', clientSecret: 'emulator-client-secret' });
let last;
rc.rest.httpClient.interceptors.response.use((response) => {
  last = response;
  return response;
});
const ext = () => rc.restapi().account().extension();

await rc.authorize({ jwt: 'emulator-jwt' });
await control('PUT', '/call-log/settings', { delaySeconds: 0 });
const call = await ext().ringOut().post(CALL);
await control('POST', '/clock/advance', { seconds: 5 });
const active = await ext().activeCalls().get({ view: 'Detailed' });
log('active-calls', last.status, active.records.length, active.records[0].result);
await control('POST', '/clock/advance', { seconds: 60 });
const list = await ext().callLog().list({ view: 'Detailed', direction: ['Outbound'], type: ['Voice'], perPage: 'max' });
const record = list.records[0];
log('call-log-list', last.status, list.records.length, record.action, record.result, record.legs.map((l) => l.legType).join(','));
log('paging', list.paging.page, list.paging.perPage, list.paging.totalElements);
const one = await ext().callLog(record.id).get({ view: 'Simple' });
log('call-log-get', last.status, one.id === record.id, one.telephonySessionId === record.telephonySessionId);
const account = await rc.restapi().account().get();
log('account', last.status, account.mainNumber, account.status);
log('ring-out-id', typeof call.id);
await rc.revoke();
