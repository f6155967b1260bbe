import { createHash, timingSafeEqual } from 'node:crypto';

/** A support agent as configured in AGENT_TOKENS: a display name and a bearer token. */
export interface AgentAccount {
  name: string;
  token: string;
}

/** The shortest token accepted: 32 characters, so a token can not be guessed in practice. */
export const MIN_AGENT_TOKEN_LENGTH = 32;

/**
 * Parses `Kari:<token>,Ola:<token>`. Names are 1-40 letters, digits, spaces, `.` or `-`; tokens are
 * at least {@link MIN_AGENT_TOKEN_LENGTH} printable characters without spaces or commas. The messages
 * never include a token.
 * @throws Error when an entry is malformed, a token is too short, or a name or token repeats.
 */
export function parseAgentTokens(text: string): AgentAccount[] {
  const agents: AgentAccount[] = [];
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const colon = entry.indexOf(':');
    const name = colon > 0 ? entry.slice(0, colon).trim() : '';
    const token = colon > 0 ? entry.slice(colon + 1).trim() : '';
    if (!/^[\p{L}\p{N} .-]{1,40}$/u.test(name)) throw new Error('each entry must be Name:token');
    if (token.length < MIN_AGENT_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(token)) {
      throw new Error(`agent tokens must be at least ${MIN_AGENT_TOKEN_LENGTH} printable characters`);
    }
    if (agents.some((a) => a.name === name || a.token === token)) {
      throw new Error('agent names and tokens must be unique');
    }
    agents.push({ name, token });
  }
  if (agents.length === 0) throw new Error('no agent given');
  return agents;
}

/**
 * Finds the agent whose token is presented, comparing in constant time: every configured token is
 * compared (as SHA-256 digests, so lengths never differ) whatever matches, so timing tells nothing about
 * which token or how much of it was right.
 */
export function agentForToken(agents: readonly AgentAccount[], presented: string): AgentAccount | undefined {
  const digest = createHash('sha256').update(presented).digest();
  let found: AgentAccount | undefined;
  for (const agent of agents) {
    const expected = createHash('sha256').update(agent.token).digest();
    if (timingSafeEqual(digest, expected) && !found) found = agent;
  }
  return found;
}
