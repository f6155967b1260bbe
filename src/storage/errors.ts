/**
 * Thrown by the conversation storages when a write carries an eTag that no longer matches the stored
 * item (another turn saved first, or the item expired meanwhile). The message never names the key: keys
 * derive from conversation ids.
 */
export class StateConflictError extends Error {
  constructor() {
    super('Conversation state changed since it was read (eTag conflict)');
    this.name = 'StateConflictError';
  }
}
