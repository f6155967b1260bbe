/** Abuse limits over the shared store: codes, wrong-code locks, lookups and messages (see LIMIT_POLICY). */
export * from './limits';
export * from './answers';
