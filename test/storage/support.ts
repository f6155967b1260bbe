import { ActivityTypes, TestAdapter, TurnContext } from 'botbuilder';

/** A turn of the given conversation, as the adapter would make it (the state's key comes from it). */
export function turn(conversationId: string): TurnContext {
  return new TurnContext(new TestAdapter(), {
    type: ActivityTypes.Message,
    text: 'hei',
    channelId: 'test',
    conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
    from: { id: 'user', name: 'user' },
    recipient: { id: 'bot', name: 'bot' },
  });
}
