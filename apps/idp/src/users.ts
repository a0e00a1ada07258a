import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/** A user of the development IdP. Passwords are plain text on purpose: these are published demo accounts. */
export interface DemoUser {
  username: string;
  password: string;
  name: string;
  email: string;
  picture?: string | null;
  /** False marks an address nobody confirmed (relying parties must not trust it); true when absent. */
  emailVerified?: boolean;
  /** Released as the `groups` claim with the `profile` scope (omitted when absent). */
  groups?: string[];
}

/** The OpenID Connect claims the IdP releases for a user (filtered by the granted scopes). */
export interface UserClaims {
  [claim: string]: unknown;
  sub: string;
  name: string;
  email: string;
  email_verified: boolean;
  picture: string | null;
}

/** The demo users documented in the product contract. */
export const demoUsers: readonly DemoUser[] = Object.freeze([
  { username: 'alice', password: 'wonderland', name: 'Alice Liddell', email: 'alice@example.com' },
  { username: 'bob', password: 'builder', name: 'Bob Builder', email: 'bob@example.com' },
  // Beyond the contract's two: users that exercise sign-in rules (`allow`, `sessionClaims`, an API's `require`).
  {
    username: 'carol',
    password: 'hearts',
    name: 'Carol Hearts',
    email: 'carol@example.com',
    groups: ['notes-editors', 'staff'],
  },
  { username: 'dave', password: 'elsewhere', name: 'Dave Elsewhere', email: 'dave@elsewhere.test' },
  {
    username: 'erin',
    password: 'unverified',
    name: 'Erin Unverified',
    email: 'erin@example.com',
    emailVerified: false,
  },
]);

const userSchema = z.object({
  username: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._@-]+$/, 'only letters, digits and . _ @ - are allowed'),
  password: z.string().min(1).max(256),
  name: z.string().min(1).max(200),
  email: z.email(),
  picture: z.url().nullable().optional(),
  emailVerified: z.boolean().optional(),
  groups: z.array(z.string().min(1).max(128)).max(64).optional(),
});

// A users file is `{ "users": [...] }`; a bare array is accepted too.
const usersSchema = z
  .preprocess(
    (input) => (input && typeof input === 'object' && 'users' in input ? input.users : input),
    z.array(userSchema),
  )
  .refine((users) => users.length > 0, 'at least one user is required')
  .refine(
    (users) => new Set(users.map((user) => user.username)).size === users.length,
    'usernames must be unique',
  );

/** Validates a users list (a bare array, or `{ "users": [...] }` as in a users file). */
export function parseUsers(input: unknown): DemoUser[] {
  const result = usersSchema.safeParse(input);
  if (!result.success) {
    throw new Error(
      result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; '),
    );
  }
  return result.data;
}

/** Reads and validates a users file (JSON). Errors say which file and what is wrong with it. */
export async function loadUsersFile(path: string): Promise<DemoUser[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  try {
    return parseUsers(json);
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`, { cause: error });
  }
}

interface StoredUser {
  readonly user: DemoUser;
  readonly digest: Buffer;
}

/**
 * The IdP's account store. Passwords are compared as keyed digests so that `timingSafeEqual` sees inputs of
 * equal length and the comparison time does not depend on how much of a guess is right. A slow KDF would add
 * nothing here: the plain-text passwords are in the configuration anyway.
 */
export class UserDirectory {
  readonly #key = randomBytes(32);
  readonly #users = new Map<string, StoredUser>();
  // Compared against when the username is unknown, so unknown and known users take the same time.
  readonly #decoy: Buffer;

  constructor(users: readonly DemoUser[] = demoUsers) {
    for (const user of parseUsers(users)) {
      this.#users.set(user.username, { user, digest: this.#digest(user.password) });
    }
    this.#decoy = this.#digest(randomBytes(16).toString('hex'));
  }

  /** The configured users, for the sign-in page's hint. */
  get users(): readonly DemoUser[] {
    return [...this.#users.values()].map((stored) => stored.user);
  }

  /** The user whose username and password match, else `undefined`. */
  authenticate(username: string, password: string): DemoUser | undefined {
    const stored = this.#users.get(username);
    const matches = timingSafeEqual(this.#digest(password), stored?.digest ?? this.#decoy);
    return stored && matches ? stored.user : undefined;
  }

  /** Looks a user up by subject identifier (the username). */
  find(sub: string): DemoUser | undefined {
    return this.#users.get(sub)?.user;
  }

  /** All claims of a user; oidc-provider releases the subset the grant allows. */
  claims(user: DemoUser): UserClaims {
    return {
      sub: user.username,
      name: user.name,
      email: user.email,
      // Demo accounts are not verified by anyone, but relying parties commonly insist on verified emails.
      email_verified: user.emailVerified ?? true,
      picture: user.picture ?? null,
      ...(user.groups ? { groups: user.groups } : {}),
    };
  }

  #digest(password: string): Buffer {
    return createHmac('sha256', this.#key).update(password, 'utf8').digest();
  }
}
