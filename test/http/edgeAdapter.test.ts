/**
 * The edge runs turns through EdgeAdapter.processValidated instead of CloudAdapter.process (which rebuilds
 * zod schemas on every request). These check that it does what `process` does after its checks: the same
 * timestamps (against botbuilder's own validateAndFixActivity, so a change in the library fails here), the
 * same answer for the same activity, and the same refusal without authentication.
 */
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type TurnContext,
} from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
// Not exported from the package's index: read here only to pin our copy of it to the library's.
import { validateAndFixActivity } from 'botbuilder/lib/activityValidator';
import { EdgeAdapter, withDates } from '../../src/http/edgeAdapter';
import { ReusingBotFrameworkAuthentication } from '../../src/http/reusingAuthentication';

const activity = (extra: Record<string, unknown> = {}): Activity =>
  ({
    type: 'message',
    id: 'a1',
    text: 'hei',
    locale: 'nb-NO',
    channelId: 'webchat',
    serviceUrl: 'http://127.0.0.1:9',
    deliveryMode: 'expectReplies',
    from: { id: 'u1', role: 'user' },
    recipient: { id: 'bot', role: 'bot' },
    conversation: { id: 'c1' },
    ...extra,
  }) as unknown as Activity;

const logic = async (context: TurnContext) => {
  await context.sendActivity(`Echo: ${context.activity.text}`);
  await context.sendActivity({ type: 'message', text: 'two', suggestedActions: { to: [], actions: [] } });
};

/** What CloudAdapter.process answers, through a stand-in response. */
async function viaProcess(
  adapter: CloudAdapter,
  body: Activity,
  turn: (context: TurnContext) => Promise<void> = logic,
  headers: Record<string, string> = {},
): Promise<{ status?: number; body?: unknown }> {
  const out: { status?: number; body?: unknown } = {};
  const res = {
    status: (n: number) => void (out.status = n),
    header: () => undefined,
    send: (b: unknown) => void (out.body = b),
    end: () => undefined,
  };
  await adapter.process({ method: 'POST', headers, body } as never, res as never, turn);
  return out;
}

describe('withDates', () => {
  it.each([
    {},
    { timestamp: '2026-11-24T12:00:00.000Z' },
    { timestamp: '2026-11-24T12:00:00+01:00', localTimestamp: '2026-11-24T12:00:00+01:00' },
    { expiration: '2026-11-25T00:00:00Z', localTimestamp: 'not a date' },
    { timestamp: 12345, expiration: null, localTimestamp: { a: 1 } },
  ])('gives what botbuilder validateAndFixActivity gives: %j', (extra) => {
    const ours = withDates(activity(extra));
    const theirs = validateAndFixActivity(activity(extra));
    // Dates by their time (an invalid date is NaN, which toEqual does not count as equal to itself).
    const shown = (a: Activity) =>
      Object.entries(a)
        .map(([k, v]) => [k, v instanceof Date ? `Date(${v.getTime()})` : JSON.stringify(v)])
        .sort();
    expect(shown(ours)).toEqual(shown(theirs));
    if ('timestamp' in extra && typeof extra.timestamp === 'string') {
      expect(ours.timestamp).toBeInstanceOf(Date);
      expect((ours as { rawTimestamp?: string }).rawTimestamp).toBe(extra.timestamp);
    }
  });
});

describe('EdgeAdapter.processValidated', () => {
  it('answers an expectReplies activity as CloudAdapter.process does', async () => {
    const edge = new EdgeAdapter(new ReusingBotFrameworkAuthentication({}));
    const stock = new CloudAdapter(new ReusingBotFrameworkAuthentication({}));
    const ours = await edge.processValidated('', activity({ timestamp: '2026-11-24T12:00:00Z' }), logic);
    const theirs = await viaProcess(stock, activity({ timestamp: '2026-11-24T12:00:00Z' }));
    expect(ours?.status ?? 200).toBe(theirs.status);
    expect(JSON.parse(JSON.stringify(ours?.body))).toEqual(JSON.parse(JSON.stringify(theirs.body)));
    const texts = (ours?.body as { activities: Activity[] }).activities.map((a) => a.text);
    expect(texts).toEqual(['Echo: hei', 'two']);
  });

  it('answers a plain activity with no body, as process does', async () => {
    const edge = new EdgeAdapter(new ReusingBotFrameworkAuthentication({}));
    const stock = new CloudAdapter(new ReusingBotFrameworkAuthentication({}));
    const plain = { deliveryMode: undefined, serviceUrl: 'http://127.0.0.1:9' };
    const sent: string[] = [];
    const quiet = async (context: TurnContext) => {
      sent.push(context.activity.text);
    };
    const ours = await edge.processValidated('', activity(plain), quiet);
    const theirs = await viaProcess(stock, activity(plain), quiet);
    expect(ours?.status ?? 200).toBe(theirs.status);
    expect(ours?.body).toBeUndefined();
    expect(theirs.body).toBeUndefined();
    expect(sent).toEqual(['hei', 'hei']);
  });

  it('without a token, when an app id is configured: an AuthenticationError (process answers 401)', async () => {
    const config = {
      MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
      MicrosoftAppPassword: 'not-a-real-secret',
      MicrosoftAppType: 'MultiTenant',
    };
    const edge = new EdgeAdapter(new ReusingBotFrameworkAuthentication(config));
    const stock = new CloudAdapter(new ConfigurationBotFrameworkAuthentication(config));
    const ran = jest.fn(logic);
    await expect(edge.processValidated('', activity(), ran)).rejects.toBeInstanceOf(AuthenticationError);
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect((await viaProcess(stock, activity())).status).toBe(401);
    } finally {
      errors.mockRestore();
    }
    expect(ran).not.toHaveBeenCalled();
  });
});
