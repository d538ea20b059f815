// @rc-ex/ws against a running emulator: node ws-subscriptions.mjs <server-url>
// subscribe, a RingOut over the socket (restOverWebSocket), the clock advanced, the call's events;
// the socket dropped, a RingOut meanwhile, auto-recovery with the buffered events; revoke.
// Prints one line per step; exits non-zero on any surprise.
import RingCentral from '@rc-ex/core';
import WebSocketExtension, { Events } from '@rc-ex/ws';

const [server] = process.argv.slice(2);
if (!server) throw new Error('usage: node ws-subscriptions.mjs <server-url>');
const log = (...parts) => console.log(parts.join(' '));
const FILTER = '/restapi/v1.0/account/~/extension/~/telephony/sessions';
const timeout = (ms, what) => new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), ms));

const rc = new RingCentral({ server, clientId: 'emulator-client-id', clientSecret: 'emulator-client-secret' });
await rc.authorize({ jwt: 'emulator-jwt' });
const wse = new WebSocketExtension({ restOverWebSocket: true });
await rc.installExtension(wse);

let events = [];
let wanted = 0;
let done = () => {};
const sessionsSeen = new Set();
const sub = await wse.subscribe([FILTER], (body) => {
  const party = body.body.parties[0];
  sessionsSeen.add(body.body.telephonySessionId);
  events.push(`${party.id.slice(-1)} ${party.status.code}`);
  if (events.length === wanted) done();
});
log('subscribed', sub.subscriptionInfo.status, sub.subscriptionInfo.deliveryMode.transportType);
const expect = (n) => {
  events = [];
  wanted = n;
  return new Promise((resolve) => { done = resolve; });
};
const advance = async () => {
  const r = await fetch(`${server}/__emulator/clock/advance`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seconds: 60 }),
  });
  if (r.status !== 200) throw new Error(`advance ${r.status}`);
};

let all = expect(6);
const call = await rc.restapi().account().extension().ringOut().post({ to: { phoneNumber: '+16505550199' } });
await advance();
await Promise.race([all, timeout(10000, 'events')]);
log('events', events.join(','));
const status = await rc.restapi().account().extension().ringOut(call.id).get();
log('rest over websocket', status.status.callStatus);

// The socket drops; a RingOut happens meanwhile (over HTTP); auto-recovery gets its events.
const recovered = new Promise((resolve) => wse.eventEmitter.once(Events.autoRecoverSuccess, resolve));
all = expect(6);
wse.ws.close();
const r = await fetch(`${server}/restapi/v1.0/account/~/extension/~/ring-out`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${rc.token.access_token}` },
  body: JSON.stringify({ to: { phoneNumber: '+16505550199' } }),
});
if (r.status !== 200) throw new Error(`ring-out ${r.status}`);
await advance();
await Promise.race([recovered, timeout(20000, 'recovery')]);
log('recovered', wse.connectionDetails.recoveryState);
await Promise.race([all, timeout(10000, 'buffered events')]);
log('buffered', events.join(','), sessionsSeen.size);
await wse.revoke();
log('revoked');
