import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUsers, loadUsersFile, parseUsers, UserDirectory } from '../src/users.ts';

describe('UserDirectory', () => {
  const directory = new UserDirectory();

  it('has the documented demo users', () => {
    expect(directory.users.map((user) => [user.username, user.password, user.name, user.email])).toEqual([
      ['alice', 'wonderland', 'Alice Liddell', 'alice@example.com'],
      ['bob', 'builder', 'Bob Builder', 'bob@example.com'],
      ['carol', 'hearts', 'Carol Hearts', 'carol@example.com'],
      ['dave', 'elsewhere', 'Dave Elsewhere', 'dave@elsewhere.test'],
      ['erin', 'unverified', 'Erin Unverified', 'erin@example.com'],
    ]);
  });

  it('releases groups where a user has them, and email_verified false for the unverified one', () => {
    const carol = directory.find('carol')!;
    expect(directory.claims(carol).groups).toEqual(['notes-editors', 'staff']);
    expect(directory.claims(directory.find('alice')!)).not.toHaveProperty('groups');
    expect(directory.claims(directory.find('erin')!).email_verified).toBe(false);
  });

  it('authenticates only the right password for the right user', () => {
    expect(directory.authenticate('alice', 'wonderland')?.username).toBe('alice');
    expect(directory.authenticate('bob', 'builder')?.username).toBe('bob');
    expect(directory.authenticate('alice', 'builder')).toBeUndefined();
    expect(directory.authenticate('alice', 'wonderland ')).toBeUndefined();
    expect(directory.authenticate('alice', '')).toBeUndefined();
    expect(directory.authenticate('Alice', 'wonderland')).toBeUndefined();
    expect(directory.authenticate('carol', 'wonderland')).toBeUndefined();
  });

  it('releases sub, name, email, email_verified and a null picture', () => {
    const alice = directory.find('alice');
    expect(alice && directory.claims(alice)).toEqual({
      sub: 'alice',
      name: 'Alice Liddell',
      email: 'alice@example.com',
      email_verified: true,
      picture: null,
    });
    expect(directory.find('nobody')).toBeUndefined();
  });

  it('accepts a configured list instead of the demo users', () => {
    const custom = new UserDirectory([
      {
        username: 'carol',
        password: 'pw',
        name: 'Carol',
        email: 'carol@example.com',
        picture: 'https://x.test/c.png',
      },
    ]);
    expect(custom.authenticate('alice', 'wonderland')).toBeUndefined();
    const carol = custom.authenticate('carol', 'pw');
    expect(carol && custom.claims(carol).picture).toBe('https://x.test/c.png');
  });
});

describe('users files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idp-users-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads { "users": [...] } and bare arrays', async () => {
    const file = join(dir, 'users.json');
    await writeFile(file, JSON.stringify({ users: demoUsers }));
    expect(await loadUsersFile(file)).toEqual(demoUsers);
    await writeFile(file, JSON.stringify(demoUsers));
    expect(await loadUsersFile(file)).toEqual(demoUsers);
  });

  it('explains what is wrong, naming the file', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, '{ nope');
    await expect(loadUsersFile(file)).rejects.toThrow(`${file} is not valid JSON`);
    await expect(loadUsersFile(join(dir, 'missing.json'))).rejects.toThrow(/cannot read/);
    await writeFile(
      file,
      JSON.stringify({ users: [{ username: 'x', password: 'y', name: 'X', email: 'nope' }] }),
    );
    await expect(loadUsersFile(file)).rejects.toThrow(/0\.email/);
  });

  it('refuses empty lists and duplicate usernames', () => {
    expect(() => parseUsers([])).toThrow(/at least one user/);
    expect(() => parseUsers([...demoUsers, demoUsers[0]])).toThrow(/unique/);
  });
});
