// The agent's bearer tokens and what each may do. The token file holds one token a
// line, `<name> <role>[,<role>…] <token>`, or a token alone (the file the agent
// writes on first start, and every file from before roles): an operator token
// named by its hash prefix. A token is never quoted back, in errors or logs.
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { tokenName, tokensEqual } from './token.js';

/**
 * viewer: the flight recorder, fixed tools, captures, snapshots, the overview.
 * operator: all a viewer may, and custom probes (and the probe builder's look-ups).
 * metrics: only /metrics (for a Prometheus scraper), no /trpc at all.
 */
export const ROLES = ['viewer', 'operator', 'metrics'] as const;
export type Role = (typeof ROLES)[number];

/** Who presented a valid token: its name (what audit lines and owners say) and its roles. */
export interface Caller {
  name: string;
  roles: readonly Role[];
}

/** What may be said about a token: everything but the token. */
export interface TokenDescription {
  name: string;
  roles: readonly Role[];
}

interface TokenEntry extends TokenDescription {
  readonly token: string;
}

const MIN_TOKEN_LENGTH = 32;
/** The characters an Authorization header's bearer token may hold (see bearerToken), so every token in the file can be presented. */
const TOKEN = /^[A-Za-z0-9._~+/=-]{32,512}$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const MAX_TOKENS = 1000;

/** The cause of a FORBIDDEN for a token without the role a procedure needs. */
export class RoleRequiredError extends Error {
  override readonly name = 'RoleRequiredError';
  constructor(readonly role: Role) {
    super(`needs the ${role} role`);
  }
}

export class TokenFileError extends Error {
  override readonly name = 'TokenFileError';
}

/** Whether a caller with `roles` may do what `role` allows: an operator may do all a viewer may. */
export function hasRole(roles: readonly Role[], role: Role): boolean {
  return roles.includes(role) || (role === 'viewer' && roles.includes('operator'));
}

export class TokenSet {
  readonly #entries: readonly TokenEntry[];

  private constructor(entries: readonly TokenEntry[]) {
    this.#entries = entries;
  }

  /** One operator token, named by its hash prefix (the agent's token before roles). */
  static single(token: string): TokenSet {
    return TokenSet.parse(token, '(token)');
  }

  /** Parses a token file's text; TokenFileError names the line, never the token. */
  static parse(text: string, file: string): TokenSet {
    const entries: TokenEntry[] = [];
    text.split('\n').forEach((rawLine, index) => {
      const line = rawLine.trim();
      if (line === '' || line.startsWith('#')) return;
      const where = `${file} line ${index + 1}`;
      const fields = line.split(/\s+/);
      let entry: TokenEntry;
      if (fields.length === 1) {
        entry = { name: tokenName(fields[0] as string), roles: ['operator'], token: fields[0] as string };
      } else if (fields.length === 3) {
        const [name = '', roleList = '', token = ''] = fields;
        if (!NAME.test(name)) throw new TokenFileError(`${where}: a token's name is 1-64 letters, digits, . _ @ -, starting with a letter or digit`);
        const roles = roleList.split(',');
        for (const role of roles) {
          if (!(ROLES as readonly string[]).includes(role))
            throw new TokenFileError(`${where}: unknown role "${role.slice(0, 32)}"; roles are ${ROLES.join(', ')}`);
        }
        entry = { name, roles: [...new Set(roles as Role[])], token };
      } else {
        throw new TokenFileError(`${where}: expected "<name> <role>[,<role>…] <token>", or a token alone`);
      }
      if (entry.token.length < MIN_TOKEN_LENGTH) throw new TokenFileError(`${where}: a token must be at least ${MIN_TOKEN_LENGTH} characters`);
      if (!TOKEN.test(entry.token)) throw new TokenFileError(`${where}: a token is letters, digits and . _ ~ + / = - (at most 512)`);
      if (entries.some((other) => other.name === entry.name)) throw new TokenFileError(`${where}: the name ${entry.name} is used twice`);
      if (entries.some((other) => other.token === entry.token)) throw new TokenFileError(`${where}: the same token is on two lines`);
      if (entries.length >= MAX_TOKENS) throw new TokenFileError(`${file}: more than ${MAX_TOKENS} tokens`);
      entries.push(entry);
    });
    if (entries.length === 0) throw new TokenFileError(`${file} holds no token`);
    return new TokenSet(entries);
  }

  /** The caller a presented token names, compared in constant time with every token (so the time says nothing of which). */
  authenticate(presented: string | undefined): Caller | undefined {
    if (presented === undefined) return undefined;
    let found: TokenEntry | undefined;
    for (const entry of this.#entries) if (tokensEqual(presented, entry.token) && found === undefined) found = entry;
    return found && { name: found.name, roles: found.roles };
  }

  /** Names and roles, for the audit log and start-up. */
  describe(): TokenDescription[] {
    return this.#entries.map(({ name, roles }) => ({ name, roles }));
  }

  rolesOf(name: string): readonly Role[] | undefined {
    return this.#entries.find((entry) => entry.name === name)?.roles;
  }

  /** The token a sign-in link carries (--print-token): the first operator's, else the first viewer's; undefined when only metrics tokens. */
  signInToken(): string | undefined {
    return (this.#entries.find((entry) => entry.roles.includes('operator')) ?? this.#entries.find((entry) => hasRole(entry.roles, 'viewer')))?.token;
  }
}

export interface LoadedTokens {
  tokens: TokenSet;
  /** True when this start created the file (its one operator token is printed then). */
  created: boolean;
}

/**
 * The token file: read, or created on first start with one operator token (256
 * random bits, file mode 0600, a token alone so older agents read it too). A
 * token file others can read is refused.
 */
export function loadOrCreateTokens(tokenFile: string): LoadedTokens {
  if (existsSync(tokenFile)) {
    const mode = statSync(tokenFile).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new TokenFileError(`token file ${tokenFile} is readable by others (mode ${mode.toString(8)}); chmod 600 it`);
    }
    return { tokens: TokenSet.parse(readFileSync(tokenFile, 'utf8'), tokenFile), created: false };
  }
  mkdirSync(path.dirname(tokenFile), { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('base64url');
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(tokenFile, 0o600);
  return { tokens: TokenSet.single(token), created: true };
}
