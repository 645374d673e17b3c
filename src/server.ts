import http from 'node:http';
import type { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import express, { type ErrorRequestHandler } from 'express';
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
 * Over-large bodies get 413 and malformed JSON 400 (express's JSON parser), and no request can
 * crash the process: errors become 500 with nothing personal logged or sent back.
 */
export function createServer(adapter: TeamsAdapter, bot: Application<TurnState>, logger: Logger): http.Server {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: MAX_BODY_BYTES, strict: true, type: () => true }));

  app.post('/api/messages', async (req, res) => {
    if (!activityEnvelope.safeParse(req.body).success) {
      res.status(400).json({ error: 'Expected a Bot Framework activity.' });
      return;
    }
    try {
      await adapter.process(req, res, (context) => bot.run(context).then(() => undefined));
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
