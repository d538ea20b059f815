// @ringcentral/subscriptions 5.0.11 (with @ringcentral/sdk) against a running emulator:
// node ws-ringcentral-subscriptions.mjs <server-url>
// register a telephony-sessions subscription, a RingOut, the clock advanced, the call's events; revoke.
// Prints one line per step; exits non-zero on any surprise.
import { SDK } from '@ringcentral/sdk';
import { Subscriptions } from '@ringcentral/subscriptions';

const [server] = process.argv.slice(2);
if (!server) throw new Error('usage: node ws-ringcentral-subscriptions.mjs <server-url>');
const log = (...parts) => console.log(parts.join(' '));
const timeout = (ms, what) => new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), ms));

const sdk = new SDK({ server, clientId: 'emulator-client-id', clientSecret: 'emulator-client-secret' });
const platform = sdk.platform();
await platform.login({ jwt: 'emulator-jwt' });
const subscription = new Subscriptions({ sdk }).createSubscription();
const events = [];
let done;
const all = new Promise((resolve) => { done = resolve; });
subscription.on(subscription.events.notification, (body) => {
  const party = body.body.parties[0];
  events.push(`${party.id.slice(-1)} ${party.status.code}`);
  if (events.length === 6) done();
});
const registered = await subscription
  .setEventFilters(['/restapi/v1.0/account/~/extension/~/telephony/sessions'])
  .register();
log('registered', registered.subscriptionInfo.status, registered.subscriptionInfo.deliveryMode.transportType);
const call = await platform.post('/restapi/v1.0/account/~/extension/~/ring-out', { to: { phoneNumber: '+16505550199' } });
log('ring-out', call.status);
const advanced = await fetch(`${server}/__emulator/clock/advance`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seconds: 60 }),
});
log('advance', advanced.status);
await Promise.race([all, timeout(10000, 'events')]);
log('events', events.join(','));
await registered.wse.revoke();
log('revoked');
