import type { TeamsAdapter } from '@microsoft/teams-ai';
import type { Application, TurnState } from '@microsoft/teams-ai';
import restify from 'restify';
import { z } from 'zod';
import type { Logger } from './logger.js';

/** Teams activities are small; anything larger is refused before it is parsed. */
export const MAX_BODY_BYTES = 256 * 1024;

/** The least an activity must have for the SDK to handle it; anything else is a bad request, not a crash. */
const activityEnvelope = z.object({
  type: z.string().min(1),
  serviceUrl: z.string().min(1),
  channelId: z.string().min(1),
  conversation: z.object({ id: z.string().min(1) }),
  from: z.object({ id: z.string().min(1) }),
});

/**
 * The HTTP surface: POST /api/messages for the Bot Framework, GET /healthz for probes.
 * Over-large bodies get 413 and malformed JSON 400 (restify's body parser), and no request
 * can crash the process: errors become 500 with nothing personal logged.
 */
export function createServer(adapter: TeamsAdapter, bot: Application<TurnState>, logger: Logger): restify.Server {
  const server = restify.createServer({ name: 'modern-slavery-protocol-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false, rejectUnknown: true }));

  server.post('/api/messages', async (req, res) => {
    if (!activityEnvelope.safeParse(req.body).success) {
      res.send(400, { error: 'Expected a Bot Framework activity.' });
      return;
    }
    try {
      await adapter.process(req, res, (context) => bot.run(context).then(() => undefined));
    } catch (error) {
      logger.error('http.process_failed', { error: String(error).slice(0, 200) });
      if (!res.headersSent) res.send(500, { error: 'Internal error' });
    }
  });

  server.get('/healthz', (_req, res, next) => {
    res.send(200, { status: 'ok' });
    next();
  });

  server.on('restifyError', (req: restify.Request, _res: restify.Response, error: Error & { statusCode?: number }, callback: () => void) => {
    logger.warn('http.refused', { path: req.path(), status: error.statusCode ?? 500, error: error.name });
    callback();
  });
  return server;
}
