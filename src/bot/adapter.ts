import { TeamsAdapter } from '@microsoft/teams-ai';
import type { Activity, TurnContext } from 'botbuilder';

/** The bot's Azure identity as the adapter needs it; without one, authentication is off (development). */
export interface AdapterCredentials {
  appId: string;
  appType: string;
  password: string | undefined;
  tenantId: string;
}

/** What became of one POST to /api/messages: the caller's token was refused, or the turn ran and this is the answer. */
export type TurnOutcome = { refused: true; reason: string } | { refused: false; status: number; body: unknown };

/** The JWT library's verdicts on a token (bad signature, alg `none`, HS256, malformed, expired, not yet valid). */
const JWT_VERDICTS = new Set(['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError']);

/**
 * A refused token: the SDK throws an AuthenticationError with status 401, but lets the JWT library's
 * own errors escape unwrapped, and its `process` then answers them with 500. Both are a bad token.
 * (An AuthenticationError with status 500, the signing keys could not be fetched, is not.)
 */
function isRefusedToken(error: unknown): error is Error {
  if (!(error instanceof Error)) return false;
  return (error as { statusCode?: unknown }).statusCode === 401 || JWT_VERDICTS.has(error.name);
}

/**
 * The Teams adapter with an entry point that reports a refused token instead of answering it. The
 * SDK's `process` writes the response itself: it sends back why a token was refused ("Invalid AppId
 * passed on token: ..."), answers forged tokens the JWT library rejects with 500, and prints the
 * error, token claims included, to the console. The HTTP layer answers a bare 401 instead.
 */
export class BotAdapter extends TeamsAdapter {
  /** Authenticates the Authorization header, then runs the turn; anything but a refused token is thrown. */
  async handle(authorization: string, body: Record<string, unknown>, logic: (context: TurnContext) => Promise<void>): Promise<TurnOutcome> {
    let turnStarted = false;
    try {
      const answer = await this.processActivity(authorization, asActivity(body), (context) => {
        turnStarted = true;
        return logic(context);
      });
      return { refused: false, status: answer?.status ?? 200, body: answer?.body };
    } catch (error) {
      // A 401 from inside the turn (the Teams connector refusing the bot) is not the caller's token.
      if (!turnStarted && isRefusedToken(error)) return { refused: true, reason: error.name };
      throw error;
    }
  }
}

/** The activity as the SDK's `process` hands it on: its ISO times become Dates, the strings kept beside them. */
function asActivity(body: Record<string, unknown>): Activity {
  const activity = { ...body };
  for (const [field, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['localTimestamp', 'rawLocalTimestamp'],
    ['expiration', 'rawExpiration'],
  ] as const) {
    const value = activity[field];
    if (typeof value === 'string') {
      activity[raw] = value;
      activity[field] = new Date(value);
    }
  }
  return activity as unknown as Activity;
}

/**
 * The SDK's public-cloud settings with only the source of signing keys moved, for tests. The SDK
 * takes any one of these settings as a sign that all are given, so the others are spelled out:
 * they are the public-cloud values of botframework-connector's AuthenticationConstants. The
 * emulator and skill paths read their keys from the same document, so no test reaches the network.
 */
function publicCloudValidatingWith(openIdMetadataUrl: string) {
  return {
    ToBotFromChannelOpenIdMetadataUrl: openIdMetadataUrl,
    ToBotFromEmulatorOpenIdMetadataUrl: openIdMetadataUrl,
    ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
    ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
    ToChannelFromBotOAuthScope: 'https://api.botframework.com',
    OAuthUrl: 'https://api.botframework.com',
    CallerId: 'urn:botframework:azure',
  };
}

/**
 * The adapter for the bot's identity. `openIdMetadataUrl` is for tests only (see AppOptions): it
 * is never read from the environment, so a deployment always validates against the Bot Framework.
 */
export function createAdapter(credentials: AdapterCredentials | undefined, openIdMetadataUrl?: string): BotAdapter {
  if (!credentials) return new BotAdapter({});
  return new BotAdapter({
    MicrosoftAppId: credentials.appId,
    MicrosoftAppPassword: credentials.password ?? '',
    MicrosoftAppType: credentials.appType,
    MicrosoftAppTenantId: credentials.tenantId,
    ...(openIdMetadataUrl ? publicCloudValidatingWith(openIdMetadataUrl) : {}),
  });
}
