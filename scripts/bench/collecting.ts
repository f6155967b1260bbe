import {
  BotAdapter,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';

const REPLIES = Symbol('replies');

/**
 * A bare adapter for driving the bot in-process (inproc.ts, layers.ts): it only collects the turn's
 * replies, nothing leaves the process, and it adds no middleware of its own.
 */
export class CollectingAdapter extends BotAdapter {
  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    (context.turnState.get(REPLIES) as Partial<Activity>[]).push(...activities);
    return activities.map((_, i) => ({ id: String(i) }));
  }
  async updateActivity(): Promise<ResourceResponse | void> {}
  async deleteActivity(): Promise<void> {}
  async continueConversation(_ref: Partial<ConversationReference>): Promise<void> {}

  /** One turn through the bot; resolves with the replies it sent. */
  turn(activity: Partial<Activity>, logic: (c: TurnContext) => Promise<void>): Promise<Partial<Activity>[]> {
    const context = new TurnContext(this, activity);
    const replies: Partial<Activity>[] = [];
    context.turnState.set(REPLIES, replies);
    // With expectReplies TurnContext buffers the replies instead of sending them.
    return this.runMiddleware(context, logic).then(() => [...replies, ...context.bufferedReplyActivities]);
  }
}

/** A numeric `--name N` flag of the bench scripts, or `fallback`. */
export function numberArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
