/**
 * The rules module's public API: pure domain rules for the MinID helpline. Nothing here reads the clock,
 * the environment or a file, so every caller passes "now" and "today" in, and tests pin them.
 */
export * from './types';
export * from './errors';
export * from './calendar';
export * from './national-id';
export * from './eligibility';
export * from './verification-policy';
export * from './limit-policy';
export * from './support';
export * from './letter';
export * from './handoff';
