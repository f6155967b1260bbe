/**
 * The seam our own channels (web chat, SMS) stand on: turns run in-process, replies land in the
 * channel's sink and never go out over HTTP, and `/api/messages` refuses anything claiming one of them.
 */
import type { Activity } from 'botbuilder';
import { buildApp, type App } from '../../src/index';
import { loadConfig } from '../../src/config';
import { close, listen } from '../../src/server';
import { InternalChannels, UnknownInternalRouteError } from '../../src/channels/internal';
import { createConnectorHttpClient } from '../../src/http/connectorClient';
import { logCapture } from '../support/harness';
import { localeText, welcomeText } from '../http/support';

interface Delivered {
  conversationId: string;
  activity: Partial<Activity>;
}

/** A sink that keeps what the bot sent, as a channel's conversation store would. */
function recordingSink() {
  const delivered: Delivered[] = [];
  return {
    delivered,
    texts: (conversationId: string) =>
      delivered
        .filter((d) => d.conversationId === conversationId && d.activity.type === 'message')
        .map((d) => d.activity.text ?? ''),
    sink: {
      deliver: async (conversationId: string, activity: Partial<Activity>) => {
        delivered.push({ conversationId, activity });
        return `reply-${delivered.length}`;
      },
    },
  };
}

async function startApp(env: Record<string, string> = {}): Promise<App> {
  const logs = logCapture();
  return buildApp(
    loadConfig({ LOG_LEVEL: 'debug', PRIVACY_SECRET: 'internal-channels-secret-0123', ...env }),
    { logDestination: logs.destination },
  );
}

function userMessage(
  channels: InternalChannels,
  conversationId: string,
  text: string,
  extra: Partial<Activity> = {},
): Partial<Activity> {
  return {
    type: 'message',
    id: `in-${Math.random().toString(36).slice(2)}`,
    channelId: 'webchat',
    serviceUrl: channels.serviceUrl('testchat'),
    conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
    from: { id: 'user-1', name: 'User' },
    recipient: { id: 'bot', name: 'MinID' },
    locale: 'nb-NO',
    text,
    ...extra,
  };
}

describe('InternalChannels.route', () => {
  const channels = new InternalChannels();
  const { sink } = recordingSink();
  channels.register('testchat', 'tc-', sink);

  it('serves only posts of activities to a conversation of the channel', () => {
    const base = channels.serviceUrl('testchat');
    expect(channels.route('POST', `${base}v3/conversations/tc-abc/activities`)).toEqual({
      sink,
      conversationId: 'tc-abc',
    });
    expect(channels.route('POST', `${base}v3/conversations/tc-abc/activities/act-1`)?.conversationId).toBe(
      'tc-abc',
    );
    expect(channels.route('POST', 'https://example.org/v3/conversations/tc-abc/activities')).toBeUndefined();
    for (const [method, url] of [
      ['GET', `${base}v3/conversations/tc-abc/activities`],
      ['DELETE', `${base}v3/conversations/tc-abc/activities/act-1`],
      ['POST', `${base}v3/conversations/other-abc/activities`],
      ['POST', `${base}v3/conversations/tc-abc/members`],
      ['POST', 'https://nobody.channels.internal/v3/conversations/tc-abc/activities'],
    ]) {
      expect(() => channels.route(method, url)).toThrow(UnknownInternalRouteError);
    }
  });

  it('knows what claims to be one of ours', () => {
    expect(channels.claims({ serviceUrl: 'https://TESTCHAT.channels.internal/' })).toBe(true);
    expect(channels.claims({ serviceUrl: 'https://x.channels.internal/' })).toBe(true);
    expect(channels.claims({ serviceUrl: 'https://smba.trafficmanager.net/' })).toBe(false);
    expect(channels.claims({ conversation: { id: 'tc-anything' } } as Partial<Activity>)).toBe(true);
    expect(channels.claims({ conversation: { id: 'emulator-1' } } as Partial<Activity>)).toBe(false);
  });

  it('gives unguessable conversation ids with the prefix', () => {
    const a = channels.newConversationId('testchat');
    const b = channels.newConversationId('testchat');
    expect(a).toMatch(/^tc-[A-Za-z0-9_-]{22}$/);
    expect(a).not.toBe(b);
  });
});

describe('the connector client and internal channels', () => {
  it('hands internal posts to the sink and never calls fetch for them', async () => {
    const channels = new InternalChannels();
    const rec = recordingSink();
    channels.register('testchat', 'tc-', rec.sink);
    const fetchImpl = jest.fn<ReturnType<typeof fetch>, Parameters<typeof fetch>>();
    const client = createConnectorHttpClient({ timeoutMs: 1000, retries: 1 }, fetchImpl, channels);
    const headers = { toJson: () => ({}) };
    const request = {
      url: `${channels.serviceUrl('testchat')}v3/conversations/tc-1/activities`,
      method: 'POST',
      body: JSON.stringify({ type: 'message', text: 'hei' }),
      headers,
    } as unknown as Parameters<typeof client.sendRequest>[0];
    const response = await client.sendRequest(request);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.bodyAsText ?? '')).toEqual({ id: 'reply-1' });
    expect(rec.delivered).toEqual([{ conversationId: 'tc-1', activity: { type: 'message', text: 'hei' } }]);
    const unknown = { ...request, url: 'https://ghost.channels.internal/v3/conversations/tc-1/activities' };
    await expect(client.sendRequest(unknown as typeof request)).rejects.toThrow(/HTTP 404/);
    expect(fetchImpl).not.toHaveBeenCalled();
  });
});

describe.each([
  ['local mode', {}],
  // With Azure credentials configured, an internal turn must still not ask Azure for a token: this
  // machine's closed network would make any such call fail the turn.
  [
    'authenticated mode',
    {
      MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
      MicrosoftAppPassword: 'not-a-real-secret',
      MicrosoftAppType: 'MultiTenant',
    },
  ],
])('turns of an internal channel on the real app (%s)', (_mode, env: Record<string, string>) => {
  let app: App;
  const rec = recordingSink();

  beforeAll(async () => {
    app = await startApp(env);
    app.channels.register('testchat', 'tc-', rec.sink);
  });
  afterAll(async () => {
    await app.close();
  });

  it('runs a turn in-process and the replies reach the sink', async () => {
    const id = app.channels.newConversationId('testchat');
    const user = userMessage(app.channels, id, 'hei');
    await app.channels.runTurn({
      ...user,
      type: 'conversationUpdate',
      text: undefined,
      membersAdded: [user.from!],
    });
    expect(rec.texts(id).join(' ')).toContain(localeText('nb', 'welcome.greeting'));
    await app.channels.runTurn(userMessage(app.channels, id, 'Hva koster det?'));
    expect(rec.texts(id).length).toBeGreaterThan(1);
  });

  it('returns the replies with expectReplies and sends nothing to the sink', async () => {
    const id = app.channels.newConversationId('testchat');
    const before = rec.delivered.length;
    const replies = await app.channels.runTurn(
      userMessage(app.channels, id, 'hei', { deliveryMode: 'expectReplies' }),
    );
    expect(replies?.map((r) => r.text).join(' ')).toContain(localeText('nb', 'welcome.greeting'));
    expect(rec.delivered.length).toBe(before);
  });

  it('continues a conversation proactively through the sink', async () => {
    const id = app.channels.newConversationId('testchat');
    await app.channels.continueConversation(
      {
        channelId: 'webchat',
        serviceUrl: app.channels.serviceUrl('testchat'),
        conversation: { id, isGroup: false, conversationType: 'personal', name: '' },
        user: { id: 'user-1', name: 'User' },
        bot: { id: 'bot', name: 'MinID' },
      },
      async (context) => {
        await context.sendActivity('a proactive note');
      },
    );
    expect(rec.texts(id)).toEqual(['a proactive note']);
  });

  it('refuses to run a turn for a serviceUrl that is not internal', async () => {
    const user = userMessage(app.channels, 'tc-x', 'hei', { serviceUrl: 'https://example.org/' });
    await expect(app.channels.runTurn(user)).rejects.toThrow(UnknownInternalRouteError);
  });
});

describe('/api/messages and internal channels', () => {
  let app: App;
  let base: string;
  const rec = recordingSink();

  beforeAll(async () => {
    app = await startApp();
    app.channels.register('testchat', 'tc-', rec.sink);
    base = `http://127.0.0.1:${await listen(app.server, 0, '127.0.0.1')}`;
  });
  afterAll(async () => {
    await close(app.server);
    await app.close();
  });

  async function post(activity: Partial<Activity>): Promise<Response> {
    return fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
  }

  it('refuses an activity whose replies would go to an internal channel', async () => {
    const id = app.channels.newConversationId('testchat');
    const res = await post(userMessage(app.channels, id, 'hei', { deliveryMode: 'expectReplies' }));
    expect(res.status).toBe(403);
    expect(await res.text()).not.toMatch(/internal|stack/i);
    expect(rec.delivered).toHaveLength(0);
  });

  it('refuses an activity that names an internal conversation with its own serviceUrl', async () => {
    const id = app.channels.newConversationId('testchat');
    // The attacker's own serviceUrl would receive the victim conversation's replies: refused before any turn.
    const res = await post(
      userMessage(app.channels, id, 'hei', {
        serviceUrl: 'http://127.0.0.1:9/',
        deliveryMode: 'expectReplies',
      }),
    );
    expect(res.status).toBe(403);
  });

  it('still serves an ordinary conversation', async () => {
    const res = await post(
      userMessage(app.channels, 'emulator-conv-1', 'hei', {
        serviceUrl: 'http://127.0.0.1:9/',
        channelId: 'emulator',
        deliveryMode: 'expectReplies',
      }),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { activities: Partial<Activity>[] };
    expect(body.activities.map((a) => a.text).join(' ')).toContain(welcomeText('nb').slice(0, 20));
  });
});
