import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasRole, loadOrCreateTokens, TokenFileError, TokenSet } from './tokens.js';
import { tokenName } from './token.js';

const alice = 'A'.repeat(43);
const bob = 'b'.repeat(40);
const scraper = 'c-'.repeat(20);

describe('token files', () => {
  it('read a token alone as one operator token named by its hash prefix (the file before roles)', () => {
    const tokens = TokenSet.parse(`${alice}\n`, 'token');
    expect(tokens.describe()).toEqual([{ name: tokenName(alice), roles: ['operator'] }]);
    expect(tokens.authenticate(alice)).toEqual({ name: tokenName(alice), roles: ['operator'] });
    expect(tokens.signInToken()).toBe(alice);
  });

  it('read named tokens with their roles, comments and blank lines skipped', () => {
    const tokens = TokenSet.parse(
      ['# who may do what', '', `alice operator ${alice}`, `bob   viewer   ${bob}`, `prometheus metrics,viewer ${scraper}`].join('\n'),
      'tokens',
    );
    expect(tokens.describe()).toEqual([
      { name: 'alice', roles: ['operator'] },
      { name: 'bob', roles: ['viewer'] },
      { name: 'prometheus', roles: ['metrics', 'viewer'] },
    ]);
    expect(tokens.authenticate(bob)).toEqual({ name: 'bob', roles: ['viewer'] });
    expect(tokens.authenticate(`${bob}x`)).toBeUndefined();
    expect(tokens.authenticate(undefined)).toBeUndefined();
    expect(tokens.rolesOf('alice')).toEqual(['operator']);
    expect(tokens.rolesOf('nobody')).toBeUndefined();
    expect(tokens.signInToken()).toBe(alice);
    expect(TokenSet.parse(`bob viewer ${bob}`, 'tokens').signInToken()).toBe(bob);
    expect(TokenSet.parse(`p metrics ${scraper}`, 'tokens').signInToken()).toBeUndefined();
  });

  it('an operator may do all a viewer may; metrics only what metrics may', () => {
    expect(hasRole(['operator'], 'viewer')).toBe(true);
    expect(hasRole(['viewer'], 'operator')).toBe(false);
    expect(hasRole(['metrics'], 'viewer')).toBe(false);
    expect(hasRole(['metrics'], 'metrics')).toBe(true);
  });

  it('refuse a bad file by line, never quoting a token', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /holds no token/],
      [`alice ${alice}`, /line 1: expected "<name> <role>/],
      [`alice admin ${alice}`, /line 1: unknown role "admin"/],
      [`-x viewer ${alice}`, /line 1: a token's name/],
      ['alice viewer short', /line 1: a token must be at least 32/],
      [`alice viewer ${'é'.repeat(40)}`, /line 1: a token is letters/],
      [`alice viewer ${alice}\nalice operator ${bob}`, /line 2: the name alice is used twice/],
      [`alice viewer ${alice}\nbob operator ${alice}`, /line 2: the same token is on two lines/],
    ];
    for (const [text, message] of cases) {
      expect(() => TokenSet.parse(text, 'tokens')).toThrow(TokenFileError);
      expect(() => TokenSet.parse(text, 'tokens')).toThrow(message);
      try {
        TokenSet.parse(text, 'tokens');
      } catch (error) {
        expect((error as Error).message).not.toContain(alice);
        expect((error as Error).message).not.toContain(bob);
      }
    }
  });

  it('create a file of one operator token, mode 0600, that older agents read too; refuse one others can read', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bpfscope-tokens-'));
    const file = path.join(dir, 'token');
    const created = loadOrCreateTokens(file);
    expect(created.created).toBe(true);
    const token = readFileSync(file, 'utf8').trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(created.tokens.authenticate(token)?.roles).toEqual(['operator']);
    expect(loadOrCreateTokens(file)).toMatchObject({ created: false });
    writeFileSync(file, `alice viewer ${alice}\n`);
    expect(loadOrCreateTokens(file).tokens.describe()).toEqual([{ name: 'alice', roles: ['viewer'] }]);
    chmodSync(file, 0o644);
    expect(() => loadOrCreateTokens(file)).toThrow(/readable by others/);
  });
});
