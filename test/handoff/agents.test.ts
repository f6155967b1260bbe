import { agentForToken, parseAgentTokens } from '../../src/handoff/agents';
import { loadConfig } from '../../src/config';

const KARI = 'k'.repeat(31) + 'A';
const OLA = 'o'.repeat(40);

describe('AGENT_TOKENS', () => {
  it('parses names and tokens', () => {
    expect(parseAgentTokens(`Kari:${KARI}, Ola Nordmann:${OLA}`)).toEqual([
      { name: 'Kari', token: KARI },
      { name: 'Ola Nordmann', token: OLA },
    ]);
  });

  it.each([
    ['a 31-character token', `Kari:${KARI.slice(1)}`],
    ['no name', `:${KARI}`],
    ['no token', 'Kari'],
    ['a repeated name', `Kari:${KARI},Kari:${OLA}`],
    ['a repeated token', `Kari:${KARI},Ola:${KARI}`],
    ['a token with a space', `Kari:${KARI} ${OLA}`],
  ])('a value with %s stops start-up naming the variable, never echoing the token', (_what, value) => {
    expect(() => parseAgentTokens(value)).toThrow();
    let message = '';
    try {
      loadConfig({ AGENT_TOKENS: value });
    } catch (err) {
      message = String(err);
    }
    expect(message).toContain('AGENT_TOKENS');
    expect(message).not.toContain(KARI.slice(4, 20));
    expect(message).not.toContain(OLA.slice(4, 20));
  });

  it('empty means no agents', () => {
    expect(loadConfig({}).AGENT_TOKENS).toBe('');
  });

  it('finds the agent of an exact token only', () => {
    const agents = parseAgentTokens(`Kari:${KARI},Ola:${OLA}`);
    expect(agentForToken(agents, KARI)?.name).toBe('Kari');
    expect(agentForToken(agents, OLA)?.name).toBe('Ola');
    for (const wrong of ['', KARI.slice(0, -1), `${KARI}x`, KARI.toLowerCase(), `${KARI},${OLA}`]) {
      expect(agentForToken(agents, wrong)).toBeUndefined();
    }
  });
});
