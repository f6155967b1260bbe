import type { Activity, Attachment, TurnContext } from 'botbuilder';
import type { IntentRecognizer } from '../../src/understanding';
import { startTestBot, type TestBot } from '../support/harness';
import {
  TEST_PHONE,
  resolvePlaceholders,
  type AgentStep,
  type BotReply,
  type TranscriptTurn,
  type UserTurn,
} from './format';

/**
 * Drives the real bot (test/support/harness.ts: the composition root's bot on botbuilder's TestAdapter,
 * fake clock, debug logs captured) through a conversation given as user turns with placeholders. The
 * recorder, the replay test and the privacy test all run conversations through here, so they see the
 * same thing.
 */
export interface ConversationSetup {
  locale: string;
  channelId: string;
  now: string;
  /** Configuration on top of the harness's, from the scenario (e.g. AGENT_TOKENS for a handoff). */
  env?: Record<string, string>;
  turns: readonly UserTurn[];
}

/** The agent of the transcripts' AGENT_TOKENS: agent turns act as this name. */
export const TRANSCRIPT_AGENT = 'Kari';

/** Does what an agent turn says on the builtin hub; returns the handoff it acted on. */
async function agentActs(bot: TestBot, step: AgentStep, current: string | undefined): Promise<string> {
  const hub = bot.built.handoff?.hub;
  if (!hub) throw new Error('an agent turn needs AGENT_TOKENS in the scenario env');
  const id = step.action === 'accept' ? (await hub.queue())[0]?.id : current;
  if (!id) throw new Error(`agent ${step.action}: no handoff to act on`);
  const result =
    step.action === 'accept'
      ? await hub.accept(id, TRANSCRIPT_AGENT)
      : step.action === 'message'
        ? await hub.fromAgent(id, TRANSCRIPT_AGENT, step.text)
        : await hub.end(id, TRANSCRIPT_AGENT);
  if (!result.ok) throw new Error(`agent ${step.action} refused: ${result.refusal}`);
  return id;
}

export interface ConversationRun {
  /** The turns as a transcript holds them: placeholders in the user text, the bot's replies. */
  turns: TranscriptTurn[];
  bot: TestBot;
  /** Every activity the bot sent, as sent (for the privacy checks). */
  outgoing: Partial<Activity>[];
  /** The user texts as actually sent, placeholders resolved. */
  typed: string[];
  /** Codes the user typed (right and wrong ones). */
  typedCodes: string[];
  /** Errors that reached the adapter's turn error handler or escaped a turn. */
  errors: unknown[];
}

export interface RunOptions {
  /** Called once the bot is built and before the first turn (e.g. to spy on its storage). */
  prepare?: (bot: TestBot) => void | Promise<void>;
  /** Configuration on top of the harness's (e.g. STORAGE=redis), with the stores it selects. */
  env?: Record<string, string>;
  /** A trained recogniser to reuse across conversations. */
  recognizer?: IntentRecognizer;
}

function cardReply(activity: Partial<Activity>, attachment: Attachment): BotReply {
  if (attachment.contentType !== 'application/vnd.microsoft.card.hero') {
    throw new Error(
      `the transcript format has no rendering for attachments of type ${attachment.contentType}`,
    );
  }
  const content = (attachment.content ?? {}) as {
    text?: string;
    title?: string;
    buttons?: { title?: string }[];
  };
  const text = [activity.text, content.title, content.text].filter((t): t is string => Boolean(t)).join('\n');
  const actions = (content.buttons ?? []).map((b) => b.title ?? '');
  return { text, ...(actions.length ? { actions } : {}), card: 'hero' };
}

/** What a reader of the chat sees of one activity: its text and button titles. */
export function toBotReply(activity: Partial<Activity>): BotReply {
  if (activity.type !== 'message') {
    return {
      type: activity.name ? `${activity.type}:${activity.name}` : String(activity.type),
      text: activity.text ?? '',
    };
  }
  const attachments = activity.attachments ?? [];
  if (attachments.length > 1)
    throw new Error('the transcript format has no rendering for several attachments');
  if (attachments.length === 1) return cardReply(activity, attachments[0]);
  const actions = (activity.suggestedActions?.actions ?? []).map((a) => a.title ?? String(a.value ?? ''));
  return { text: activity.text ?? '', ...(actions.length ? { actions } : {}) };
}

/** The last code the sandbox sent to the test mobile. */
export async function currentCode(bot: TestBot): Promise<string> {
  const sms = (await bot.built.sms.messagesTo(TEST_PHONE.e164)).at(-1);
  const code = sms ? /(?<!\d)(\d{6})(?!\d)/.exec(sms.text)?.[1] : undefined;
  if (!code)
    throw new Error('a turn needs {{code}} or {{wrongcode}}, but no code was sent to the test mobile');
  return code;
}

export async function runConversation(
  setup: ConversationSetup,
  options: RunOptions = {},
): Promise<ConversationRun> {
  const bot = await startTestBot({
    now: setup.now,
    locale: setup.locale,
    channelId: setup.channelId,
    ...(options.env
      ? { env: { ...setup.env, ...options.env }, configStores: true }
      : setup.env
        ? { env: setup.env }
        : {}),
    recognizer: options.recognizer,
  });
  const errors: unknown[] = [];
  const handler = bot.adapter.onTurnError;
  bot.adapter.onTurnError = async (context: TurnContext, error: Error) => {
    errors.push(error);
    await handler?.(context, error);
  };
  await options.prepare?.(bot);

  const run: ConversationRun = { turns: [], bot, outgoing: [], typed: [], typedCodes: [], errors };
  let handoff: string | undefined;
  for (const turn of setup.turns) {
    if (turn.advanceSeconds) bot.clock.advance(turn.advanceSeconds * 1000);
    if (turn.agent) {
      try {
        handoff = await agentActs(bot, turn.agent, handoff);
      } catch (err) {
        errors.push(err);
      }
      const delivered = bot.adapter.activeQueue.splice(0);
      run.outgoing.push(...delivered);
      run.turns.push({
        user: turn.user,
        agent: turn.agent,
        ...(turn.advanceSeconds ? { advanceSeconds: turn.advanceSeconds } : {}),
        bot: delivered.map(toBotReply),
      });
      continue;
    }
    // The outbox is read asynchronously (it lives in the shared store) and placeholders are resolved
    // synchronously, so the code is fetched first, and only for turns that type one.
    const code = /\{\{(?:code|wrongcode)\}\}/.test(turn.user) ? await currentCode(bot) : undefined;
    const { text, typedCodes } = resolvePlaceholders(turn.user, {
      currentCode: () => {
        if (code === undefined) throw new Error('this turn was not expected to need a code');
        return code;
      },
    });
    run.typed.push(text);
    run.typedCodes.push(...typedCodes);
    try {
      await bot.adapter.processActivity(bot.adapter.makeActivity(text));
    } catch (err) {
      errors.push(err);
    }
    const sent = bot.adapter.activeQueue.splice(0);
    run.outgoing.push(...sent);
    run.turns.push({
      user: turn.user,
      ...(turn.advanceSeconds ? { advanceSeconds: turn.advanceSeconds } : {}),
      bot: sent.map(toBotReply),
    });
  }
  return run;
}

/** All the text a reader sees in the bot's replies, for the `expect` fragments. */
export function replyText(turns: readonly TranscriptTurn[]): string {
  return turns
    .flatMap((t) => t.bot)
    .map((b) => [b.text, ...(b.actions ?? [])].join('\n'))
    .join('\n');
}

/** The text of the bot's replies to the last turn, one reply a line. */
export function lastReplyText(turns: readonly TranscriptTurn[]): string {
  return (
    turns
      .at(-1)
      ?.bot.map((b) => b.text)
      .join('\n') ?? ''
  );
}

/** The `expect` fragments that do not appear in the replies. */
export function missingFragments(turns: readonly TranscriptTurn[], expect: readonly string[]): string[] {
  const text = replyText(turns);
  return expect.filter((fragment) => !text.includes(fragment));
}
