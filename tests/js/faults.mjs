// Each injected fault surfaces as its own error in both JS SDKs: node faults.mjs <server-url>
// (see tests/e2e/test_faults_sdks.py). Prints "<sdk> <fault> <error> <detail>" per fault.
import { SDK } from '@ringcentral/sdk';
import { createRequire } from 'node:module';

const RingCentral = createRequire(import.meta.url)('@rc-ex/core').default;
const server = process.argv[2];
if (!server) throw new Error('usage: node faults.mjs <server-url>');
const EXTENSION = '/restapi/v1.0/account/~/extension/~';
const CREDENTIALS = { server, clientId: 'emulator-client-id', clientSecret: 'emulator-client-secret' };
const FAULTS = ['latency;ms=2000', 'reset', 'empty', 'throttle;retryAfter=3', 'error;status=503'];
const log = (...parts) => console.log(parts.join(' '));

// --- @ringcentral/sdk (fetch): a timeout is the caller's AbortSignal
const platform = new SDK(CREDENTIALS).platform();
await platform.login({ jwt: 'emulator-jwt' });
for (const fault of FAULTS) {
  const signal = AbortSignal.timeout(300);
  try {
    await platform.get(EXTENSION, undefined, { headers: { 'X-Emulator-Fault': fault }, signal });
    log('sdk', fault, 'no-error');
  } catch (e) {
    const detail = e.response ? `${e.response.status} ${e.response.headers.get('retry-after')}` : '-';
    log('sdk', fault, e.constructor.name, detail);
  }
}
await platform.logout();

// --- @rc-ex/core (axios): a timeout in the axios config
const rc = new RingCentral(CREDENTIALS);
await rc.authorize({ jwt: 'emulator-jwt' });
for (const fault of FAULTS) {
  try {
    await rc.get(EXTENSION, undefined, { headers: { 'X-Emulator-Fault': fault }, timeout: 300 });
    log('rc-ex', fault, 'no-error');
  } catch (e) {
    const detail = e.response ? `${e.response.status} ${e.response.headers['retry-after']}` : e.code;
    log('rc-ex', fault, e.constructor.name, detail);
  }
}
await rc.revoke();
