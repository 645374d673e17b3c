import http from 'node:http';
import type { Application, TurnState } from '@microsoft/teams-ai';
import express, { type ErrorRequestHandler } from 'express';
import { z } from 'zod';
import type { BotAdapter } from './bot/adapter.js';
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
 * Over-large bodies get 413 and malformed JSON 400 (express's JSON parser), a missing, forged or
 * expired token a bare 401, and no request can crash the process: errors become 500 with nothing
 * personal logged or sent back.
 */
export function createServer(adapter: BotAdapter, bot: Application<TurnState>, logger: Logger): http.Server {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: MAX_BODY_BYTES, strict: true, type: () => true }));

  app.post('/api/messages', async (req, res) => {
    if (!activityEnvelope.safeParse(req.body).success) {
      res.status(400).json({ error: 'Expected a Bot Framework activity.' });
      return;
    }
    try {
      const outcome = await adapter.handle(req.headers.authorization ?? '', req.body as Record<string, unknown>, (context) =>
        bot.run(context).then(() => undefined),
      );
      if (outcome.refused) {
        // Why a token failed (which claim, which key) helps only someone forging one: the caller gets a bare 401.
        logger.warn('http.unauthorized', { reason: outcome.reason });
        res.status(401).set('WWW-Authenticate', 'Bearer').end();
      } else if (outcome.body === undefined) {
        res.status(outcome.status).end();
      } else {
        res.status(outcome.status).json(outcome.body);
      }
    } catch (error) {
      logger.error('http.process_failed', { error: String(error).slice(0, 200) });
      if (!res.headersSent) res.status(500).json({ error: 'Internal error' });
    }
  });

  app.get('/healthz', (_req, res) => {
    res.status(200).json({ status: 'ok' });
  });

  // Body-parser refusals (413 too large, 400 malformed JSON) and anything else: a status, never a stack trace.
  const refuse: ErrorRequestHandler = (error: Error & { status?: number; type?: string }, req, res, _next) => {
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    logger.warn('http.refused', { path: req.path, status, error: error.type ?? error.name });
    res.status(status).json({ error: status === 413 ? 'Request too large.' : status === 400 ? 'Malformed request.' : 'Internal error' });
  };
  app.use(refuse);
  return http.createServer(app);
}
