import { ServiceError } from '@gatehouse/shared/server';
import type { Context, Middleware, Next } from 'koa';
import type Provider from 'oidc-provider';
import { errors, type Interaction, type InteractionResults } from 'oidc-provider';
import type { Logger } from 'pino';
import { acrForLogin } from './acr.ts';
import { readForm, type FormMessages } from './form.ts';
import type { Page } from './html.ts';
import { INVALID_CREDENTIALS, loginPage, messagePage } from './pages.ts';
import type { UserDirectory } from './users.ts';

/**
 * The IdP's own interaction endpoints (oidc-provider's devInteractions are off):
 *
 * - `GET  /interaction/:uid`        the sign-in page, or — for consent — an immediate grant and redirect
 * - `POST /interaction/:uid/login`  checks the credentials and resumes the authorization request
 *
 * Consent is never asked: every client of this IdP is a first-party client (they are all configured by the
 * operator; dynamic registration is off), so whatever it requests is granted.
 */

const PATH = /^\/interaction\/([A-Za-z0-9_-]{1,64})(\/login)?$/;

export interface InteractionDeps {
  provider: Provider;
  users: UserDirectory;
  logger: Logger;
}

const FORM_MESSAGES: FormMessages = {
  wrongType: 'The sign-in form must be submitted as a form.',
  tooLarge: 'The submitted form is too large.',
};

const refused = (message: string): ServiceError => new ServiceError(400, 'invalid_request', message);

export function interactionRoutes({ provider, users, logger }: InteractionDeps): Middleware {
  function send(ctx: Context, status: number, page: Page): void {
    ctx.status = status;
    ctx.set(page.headers);
    ctx.type = 'html';
    ctx.body = page.html;
  }

  function redirect(ctx: Context, location: string): void {
    // 303 so the browser follows with GET after the form POST.
    ctx.status = 303;
    ctx.set('cache-control', 'no-store');
    ctx.redirect(location);
  }

  async function clientName(clientId: unknown): Promise<string> {
    const client = typeof clientId === 'string' ? await provider.Client.find(clientId) : undefined;
    return client?.clientName ?? (typeof clientId === 'string' ? clientId : 'the application');
  }

  async function details(ctx: Context, uid: string): Promise<Interaction> {
    const interaction = await provider.interactionDetails(ctx.req, ctx.res);
    // The interaction is found through its cookie; the uid in the path must name the same one.
    if (interaction.uid !== uid) throw new errors.SessionNotFound('interaction mismatch');
    return interaction;
  }

  // A refused password answers 200 with the form again: the page itself, not the status, tells the user.
  async function showLogin(ctx: Context, interaction: Interaction, error?: string, username?: string) {
    const hint = interaction.params['login_hint'];
    send(
      ctx,
      200,
      loginPage({
        action: `/interaction/${interaction.uid}/login`,
        clientName: await clientName(interaction.params['client_id']),
        users: users.users,
        // A step-up asks the signed-in user for the password again: their name is filled in.
        username: username ?? (typeof hint === 'string' ? hint : interaction.session?.accountId),
        ...(error ? { error } : {}),
      }),
    );
  }

  async function grantConsent(ctx: Context, interaction: Interaction): Promise<void> {
    const accountId = interaction.session?.accountId;
    const clientId = interaction.params['client_id'];
    if (!accountId || typeof clientId !== 'string') throw new errors.SessionNotFound('no signed-in user');

    const grant =
      (interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined) ??
      new provider.Grant({ accountId, clientId });
    const details = interaction.prompt.details;
    const scopes = strings(details['missingOIDCScope']);
    if (scopes.length) grant.addOIDCScope(scopes.join(' '));
    const claims = strings(details['missingOIDCClaims']);
    if (claims.length) grant.addOIDCClaims(claims);
    const resourceScopes = details['missingResourceScopes'];
    if (resourceScopes && typeof resourceScopes === 'object') {
      for (const [indicator, requested] of Object.entries(resourceScopes)) {
        grant.addResourceScope(indicator, strings(requested).join(' '));
      }
    }
    const grantId = await grant.save();
    const result: InteractionResults = { consent: { grantId } };
    redirect(
      ctx,
      await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: true }),
    );
  }

  async function login(ctx: Context, interaction: Interaction): Promise<void> {
    if (interaction.prompt.name !== 'login') throw refused('This sign-in step is already complete.');
    const form = await readForm(ctx.req, FORM_MESSAGES);
    const username = (form.get('username') ?? '').trim();
    const password = form.get('password') ?? '';
    const user = username && password ? users.authenticate(username, password) : undefined;
    if (!user) {
      logger.info({ username: username.slice(0, 64), uid: interaction.uid }, 'dev IdP: sign-in refused');
      await showLogin(ctx, interaction, INVALID_CREDENTIALS, username);
      return;
    }
    logger.info({ sub: user.username, uid: interaction.uid }, 'dev IdP: signed in');
    const acr = acrForLogin(interaction.params);
    const result: InteractionResults = { login: { accountId: user.username, acr, amr: ['pwd'] } };
    redirect(
      ctx,
      await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false }),
    );
  }

  return async function interactions(ctx: Context, next: Next): Promise<void> {
    const match = PATH.exec(ctx.path);
    const uid = match?.[1];
    if (!uid) return next();
    const isLogin = match[2] !== undefined;
    if (isLogin && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
      // A reload of the page that answered a wrong password: show the sign-in form again.
      redirect(ctx, `/interaction/${uid}`);
      return;
    }
    if (isLogin ? ctx.method !== 'POST' : ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.set('allow', isLogin ? 'POST' : 'GET, HEAD');
      send(ctx, 405, messagePage('Method not allowed', 'This page does not accept that request.'));
      return;
    }
    try {
      const interaction = await details(ctx, uid);
      if (isLogin) await login(ctx, interaction);
      else if (interaction.prompt.name === 'login') await showLogin(ctx, interaction);
      else if (interaction.prompt.name === 'consent') await grantConsent(ctx, interaction);
      else throw refused(`Unsupported interaction "${interaction.prompt.name}".`);
    } catch (error) {
      if (error instanceof errors.SessionNotFound) {
        send(
          ctx,
          400,
          messagePage(
            'Sign-in expired',
            'This sign-in request is no longer valid. Go back to the application and sign in again.',
          ),
        );
      } else if (error instanceof ServiceError) {
        send(ctx, error.status, messagePage('Request refused', error.message));
      } else {
        logger.error({ err: error, uid }, 'dev IdP: interaction failed');
        send(ctx, 500, messagePage('Something went wrong', 'The sign-in could not be completed.'));
      }
    }
  };
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
