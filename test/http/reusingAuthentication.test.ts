/**
 * The CloudAdapter's authentication with the connector and token clients reused across turns: every
 * request is still authenticated (a missing or bad token is refused each time, never remembered), the
 * clients are one per app id / service URL / audience (so one bot's credentials never serve another),
 * and the cache stays bounded whatever service URLs requests claim. (Replies delivered through the shared
 * client to a channel's serviceUrl, turn after turn: test/http/server.test.ts.)
 */
import { ClaimsIdentity } from 'botframework-connector';
import { ReusingBotFrameworkAuthentication } from '../../src/http/reusingAuthentication';
import type { Activity } from 'botbuilder';

const APP_ID = '00000000-0000-0000-0000-000000000001';
const OTHER_APP_ID = '00000000-0000-0000-0000-000000000002';
const AUTH = {
  MicrosoftAppId: APP_ID,
  MicrosoftAppPassword: 'not-a-real-secret',
  MicrosoftAppType: 'MultiTenant',
};
const AUDIENCE = 'https://api.botframework.com';

function activity(serviceUrl = 'http://127.0.0.1:9'): Activity {
  return {
    type: 'message',
    text: 'hei',
    channelId: 'webchat',
    serviceUrl,
    from: { id: 'user', name: '' },
    recipient: { id: 'bot', name: '' },
    conversation: { id: 'c1', name: '', isGroup: false },
  } as Activity;
}

type Authenticated = Awaited<ReturnType<ReusingBotFrameworkAuthentication['authenticateRequest']>>;

/** The connector factory botbuilder will use for the request (always set by an authentication). */
function factoryOf(result: Authenticated): NonNullable<Authenticated['connectorFactory']> {
  if (!result.connectorFactory) throw new Error('no connector factory');
  return result.connectorFactory;
}

const claimsFor = (appId: string) => new ClaimsIdentity([{ type: 'aud', value: appId }], true);

/** The app id the credentials of a client were built for (botbuilder's AppCredentials.appId). */
function credentialsAppId(client: object): string | undefined {
  const credentials = (client as { credentials?: { appId?: string } }).credentials;
  return credentials?.appId;
}

describe('local mode (no app id)', () => {
  it('hands every request the same connector factory, client and token client', async () => {
    const auth = new ReusingBotFrameworkAuthentication({});
    const first = await auth.authenticateRequest(activity(), '');
    const second = await auth.authenticateRequest(activity(), '');
    expect(second.connectorFactory).toBe(first.connectorFactory);
    const a = await factoryOf(first).create('http://127.0.0.1:9', first.audience);
    const b = await factoryOf(second).create('http://127.0.0.1:9', second.audience);
    expect(b).toBe(a);
    expect(await auth.createUserTokenClient(second.claimsIdentity)).toBe(
      await auth.createUserTokenClient(first.claimsIdentity),
    );
  });

  it('a different service URL gets its own client', async () => {
    const auth = new ReusingBotFrameworkAuthentication({});
    const result = await auth.authenticateRequest(activity(), '');
    const connectorFactory = factoryOf(result);
    const audience = result.audience;
    const a = await connectorFactory.create('http://127.0.0.1:9', audience);
    const b = await connectorFactory.create('http://127.0.0.1:10', audience);
    expect(b).not.toBe(a);
  });

  it('stays bounded: a flood of made-up service URLs evicts the oldest instead of growing', async () => {
    const auth = new ReusingBotFrameworkAuthentication({}, { maxEntries: 8 });
    const result = await auth.authenticateRequest(activity(), '');
    const connectorFactory = factoryOf(result);
    const audience = result.audience;
    const first = await connectorFactory.create('http://127.0.0.1:1/', audience);
    for (let i = 2; i < 50; i += 1) await connectorFactory.create(`http://127.0.0.1:${i}/`, audience);
    const cache = (auth as unknown as { connectors: { size: number } }).connectors;
    expect(cache.size).toBeLessThanOrEqual(8);
    expect(await connectorFactory.create('http://127.0.0.1:1/', audience)).not.toBe(first);
  });
});

describe('authenticated mode (app id and password)', () => {
  it('refuses a request without a token every time: authentication is never cached', async () => {
    const auth = new ReusingBotFrameworkAuthentication(AUTH);
    for (let i = 0; i < 3; i += 1) {
      await expect(auth.authenticateRequest(activity(), '')).rejects.toMatchObject({ statusCode: 401 });
      await expect(auth.authenticateRequest(activity(), 'Bearer not-a-jwt')).rejects.toThrow();
    }
  });

  it("reuses the bot's client with the bot's own credentials, and never gives it to another app id", async () => {
    const auth = new ReusingBotFrameworkAuthentication(AUTH);
    const url = 'https://smba.trafficmanager.net/emea/';
    const mine = await auth.createConnectorFactory(claimsFor(APP_ID)).create(url, AUDIENCE);
    expect(credentialsAppId(mine)).toBe(APP_ID);
    expect(await auth.createConnectorFactory(claimsFor(APP_ID)).create(url, AUDIENCE)).toBe(mine);
    // botbuilder refuses credentials for an app id that is not this bot's: still refused, nothing shared.
    await expect(auth.createConnectorFactory(claimsFor(OTHER_APP_ID)).create(url, AUDIENCE)).rejects.toThrow(
      'Invalid appId',
    );
    await expect(auth.createConnectorFactory(claimsFor(OTHER_APP_ID)).create(url, AUDIENCE)).rejects.toThrow(
      'Invalid appId',
    );
    const tokens = await auth.createUserTokenClient(claimsFor(APP_ID));
    expect(await auth.createUserTokenClient(claimsFor(APP_ID))).toBe(tokens);
  });

  it('a client per audience (a skill answering another bot gets that bot as audience)', async () => {
    const auth = new ReusingBotFrameworkAuthentication(AUTH);
    const factory = auth.createConnectorFactory(claimsFor(APP_ID));
    const url = 'https://smba.trafficmanager.net/emea/';
    expect(await factory.create(url, AUDIENCE)).not.toBe(await factory.create(url, `api://${OTHER_APP_ID}`));
  });
});
