/**
 * The `protocol` hub on the real server (buildApp, a free port) with a stub channel connector on
 * loopback, as a contact-centre platform would drive it: the bot posts handoff.initiate to the channel
 * (redacted summary as its value, a redacted transcript as an attachment), and the platform's
 * handoff.status events arrive at /api/messages in the user's conversation. No AGENT_TOKENS: the agent API
 * is absent, the platform has its own agents.
 */
import { buildApp, type App } from '../../src/index';
import { loadConfig } from '../../src/config';
import { close, listen } from '../../src/server';
import { SUPPORT } from '../../src/rules';
import { fakeClock } from '../support/fake-clock';
import { logCapture } from '../support/harness';
import { personId } from '../transcripts/format';
import { conversationId, localeText, postToChannel, startConnectorStub, type ConnectorStub } from './support';

const PHONE = '+4741234567';

let app: App;
let base: string;
let channel: ConnectorStub;
const clock = fakeClock('2026-11-24T12:00:00+01:00');
const logs = logCapture();

beforeAll(async () => {
  channel = await startConnectorStub();
  app = await buildApp(
    loadConfig({
      LOG_LEVEL: 'debug',
      PRIVACY_SECRET: 'handoff-protocol-secret-0123456789',
      HANDOFF_HUB: 'protocol',
    }),
    { clock: clock.now, logDestination: logs.destination },
  );
  base = `http://127.0.0.1:${await listen(app.server, 0, '127.0.0.1')}`;
});

afterAll(async () => {
  await close(app.server);
  await app.close();
  await channel.close();
});

/** Posts one activity into a conversation; resolves with what the channel got for it. */
async function post(
  conversation: string,
  activity: Record<string, unknown>,
): Promise<Array<Record<string, unknown>>> {
  const from = { id: `user-${conversation}`, name: 'Kari Nordmann' };
  const id = await postToChannel(base, channel, conversation, { from, ...activity });
  return channel.posts.filter((p) => p.activityId === id).map((p) => p.body);
}

const say = async (conversation: string, text: string) =>
  (await post(conversation, { type: 'message', text }))
    .filter((b) => b.type === 'message')
    .map((b) => String(b.text ?? ''));

const status = async (conversation: string, value: unknown) =>
  (await post(conversation, { type: 'event', name: 'handoff.status', value }))
    .filter((b) => b.type === 'message')
    .map((b) => String(b.text ?? ''));

async function lastCode(): Promise<string> {
  const outbox = await app.sms.messagesTo(PHONE);
  const code = /(?<!\d)(\d{6})(?!\d)/.exec(outbox.at(-1)?.text ?? '')?.[1];
  if (!code) throw new Error('no code in the sandbox outbox');
  return code;
}

const nb = (key: string) => localeText('nb', key);

describe('protocol handoff over HTTP', () => {
  it('handoff.initiate reaches the channel redacted; accepted, silence, completed, and the order finishes', async () => {
    const c = conversationId('protocol');
    const id11 = personId('adult-plain');
    await say(c, id11);
    await say(c, '412 34 567');
    const code = await lastCode();

    const asked = await post(c, { type: 'message', text: 'snakke med et menneske' });
    const initiate = asked.find((b) => b.type === 'event' && b.name === 'handoff.initiate');
    expect(initiate).toBeDefined();
    expect(asked.filter((b) => b.type === 'message').map((b) => b.text)).toEqual([
      nb('handoffFlow.protocol.requested'),
    ]);
    const json = JSON.stringify(initiate);
    for (const secret of [id11, '41234567', '412 34 567', code]) expect(json).not.toContain(secret);
    // The platform routes by ids; the user's display name is left out of what the bot adds.
    expect(initiate?.relatesTo).toMatchObject({ user: { id: `user-${c}`, name: '' } });
    expect(initiate?.value).toMatchObject({ language: 'nb', channel: 'webchat', flow: 'orderDialog' });
    const transcript = (
      initiate?.attachments as Array<{ content: { activities: Array<{ text: string }> } }>
    )[0].content.activities;
    expect(transcript.map((a) => a.text)).toContain('[redacted]');
    expect(transcript.map((a) => a.text)).toContain('snakke med et menneske');

    // No agent API without AGENT_TOKENS: the platform has the agents.
    expect((await fetch(`${base}/api/agent/queue`)).status).toBe(404);

    expect(await status(c, { state: 'accepted' })).toEqual([nb('handoffFlow.protocol.accepted')]);
    expect(await say(c, 'hei, er det noen der?')).toEqual([]);

    const back = await status(c, { state: 'completed' });
    expect(back[0]).toBe(nb('handoff.ended'));
    expect(back.at(-1)).toContain(nb('code.ask').slice(0, 20));
    const done = await say(c, code);
    expect(done).toContain(nb('code.verified'));

    // Logs carry the pseudonym, never the data typed.
    const logText = logs.lines.join('\n');
    for (const secret of [id11, '41234567', code]) expect(logText).not.toContain(secret);
  });

  it('failed: the user is told with phone and e-mail and goes on with the bot', async () => {
    const c = conversationId('protocol-failed');
    await say(c, personId('adult-plain'));
    await say(c, 'snakke med et menneske');
    const failed = await status(c, { state: 'failed', message: 'no agents available' });
    expect(failed[0]).toContain(nb('handoffFlow.protocol.failed'));
    expect(failed[0]).toContain(SUPPORT.phone);
    expect(failed[0]).toContain(SUPPORT.email);
    expect(failed.at(-1)).toBe(nb('phone.ask'));
    expect((await say(c, '412 34 567')).join('\n')).toContain(nb('code.ask').slice(0, 20));
  });

  it('hostile or stray status events: 2xx, no reply, nothing changes', async () => {
    const c = conversationId('protocol-stray');
    // A conversation that was never handed off.
    for (const value of [{ state: 'accepted' }, { state: 'completed' }, { state: 'failed' }]) {
      expect(await status(c, value)).toEqual([]);
    }
    await say(c, personId('adult-plain'));
    await say(c, 'snakke med et menneske');
    for (const value of ['<script>', { state: ['accepted'] }, { state: 'ACCEPTED' }, 7, null]) {
      expect(await status(c, value)).toEqual([]);
    }
    // Another conversation's status does not touch this one.
    expect(await status(conversationId('other'), { state: 'accepted' })).toEqual([]);
    expect(await say(c, 'hallo?')).toEqual([]);
    expect(await status(c, { state: 'accepted' })).toEqual([nb('handoffFlow.protocol.accepted')]);
  });
});
