import { createHash, timingSafeEqual } from 'node:crypto';

/** A client registration at the GitHub-like provider: a confidential web application, like a GitHub OAuth app. */
export interface OAuth2Client {
  clientId: string;
  clientSecret: string;
  /** Compared exactly (no prefix or pattern matching). */
  redirectUris: readonly string[];
  /** Shown on the sign-in page ("to continue to …"); defaults to the client id. */
  name?: string;
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** The registered clients, with constant-time secret checks. */
export class ClientRegistry {
  readonly #clients = new Map<string, OAuth2Client>();

  constructor(clients: readonly OAuth2Client[]) {
    for (const client of clients) {
      if (!client.clientId || !client.clientSecret) throw new Error('every client needs an id and a secret');
      if (client.redirectUris.length === 0) {
        throw new Error(`client "${client.clientId}" needs at least one redirect URI`);
      }
      for (const uri of client.redirectUris) {
        const url = URL.parse(uri);
        if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hash) {
          throw new Error(`client "${client.clientId}": "${uri}" is not an http(s) redirect URI`);
        }
      }
      if (this.#clients.has(client.clientId)) throw new Error(`duplicate client "${client.clientId}"`);
      this.#clients.set(client.clientId, client);
    }
  }

  get ids(): string[] {
    return [...this.#clients.keys()];
  }

  find(clientId: string): OAuth2Client | undefined {
    return this.#clients.get(clientId);
  }

  /** The client whose id and secret match, else `undefined`; as slow for an unknown id as for a wrong secret. */
  authenticate(clientId: string, clientSecret: string): OAuth2Client | undefined {
    const client = this.#clients.get(clientId);
    const matches = timingSafeEqual(digest(clientSecret), digest(client?.clientSecret ?? '\0unknown'));
    return client && matches ? client : undefined;
  }
}
