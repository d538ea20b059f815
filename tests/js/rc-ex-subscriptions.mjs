// @rc-ex/core's subscription calls against a running emulator: node rc-ex-subscriptions.mjs <server-url> <webhook-address>
// Prints one line per step ("<step> <status> [detail]"); exits non-zero on any surprise.
import RingCentral from '@rc-ex/core';

const [server, address] = process.argv.slice(2);
if (!server || !address) throw new Error('usage: node rc-ex-subscriptions.mjs <server-url> <webhook-address>');
const log = (...parts) => console.log(parts.join(' '));

const rc = new RingCentral({ server, clientId: 'emulator-client-id', clientSecret: 'emulator-client-secret' });
let last;
rc.rest.httpClient.interceptors.response.use((response) => {
  last = response;
  return response;
});
await rc.authorize({ jwt: 'emulator-jwt' });

const created = await rc.restapi().subscription().post({
  eventFilters: ['/restapi/v1.0/account/~/extension/~/telephony/sessions'],
  deliveryMode: { transportType: 'WebHook', address, verificationToken: 'tok' },
  expiresIn: 3600,
});
log('create', last.status, created.status, created.eventFilters[0]);
const listed = await rc.restapi().subscription().list();
log('list', last.status, listed.records.length, listed.records[0].id === created.id);
const read = await rc.restapi().subscription(created.id).get();
log('get', last.status, read.deliveryMode.transportType, read.deliveryMode.verificationToken === undefined);
const renewed = await rc.restapi().subscription(created.id).renew().post();
log('renew', last.status, renewed.expiresIn);
await rc.restapi().subscription(created.id).delete();
log('delete', last.status);
await rc.revoke();
