import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the bot made to the Teams connector. */
export interface RecordedCall {
  method: string;
  path: string;
  conversationId: string;
  body: Record<string, unknown>;
  at: number;
}

/** A scripted answer for the next matching call (e.g. a 429 with Retry-After). */
export interface ScriptedReply {
  match: (call: RecordedCall) => boolean;
  status: number;
  headers?: Record<string, string>;
}

/**
 * The only stand-in in the tests: a local HTTP server playing the Teams (Bot Framework) connector.
 * It records what the bot sends and answers like the connector does, or with scripted failures.
 */
export class FakeConnector {
  readonly calls: RecordedCall[] = [];
  private readonly script: ScriptedReply[] = [];
  private server: http.Server | undefined;
  private counter = 0;
  url = '';

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const bytes = Buffer.concat(chunks);
        // OneDrive's side of a bot's file upload: Teams hands the bot an upload URL, here on this server.
        if (req.url?.startsWith('/upload/')) return this.receiveUpload(req, res, bytes);
        // Teams' roster of a team: GET /v3/conversations/{teamId}/pagedmembers, page by page.
        if (req.method === 'GET' && /\/pagedmembers(\?|$)/.test(req.url ?? '')) return this.servePagedMembers(req, res);
        this.answer(req, res, bytes.toString('utf8'));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Answers the next call that matches with `status` (once per scripted reply). */
  failNext(match: (call: RecordedCall) => boolean, status: number, headers?: Record<string, string>): void {
    this.script.push({ match, status, ...(headers ? { headers } : {}) });
  }

  /** Messages (not invoke responses or updates) that reached one conversation. */
  sentTo(conversationId: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === 'POST' && c.conversationId === conversationId && c.body.type === 'message');
  }

  /** Where a file upload was put, by the name in its upload URL, with the Content-Range it carried. */
  readonly uploads = new Map<string, { bytes: Buffer; contentRange: string | undefined }>();

  /** An upload URL, as Teams gives one when someone accepts a file consent card. */
  uploadUrl(name: string): string {
    return `${this.url}upload/${encodeURIComponent(name)}`;
  }

  private receiveUpload(req: http.IncomingMessage, res: http.ServerResponse, bytes: Buffer) {
    const name = decodeURIComponent((req.url ?? '').slice('/upload/'.length));
    this.uploads.set(name, { bytes, contentRange: req.headers['content-range'] });
    res.writeHead(req.method === 'PUT' ? 201 : 405, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: `file-${name}` }));
  }

  clear(): void {
    this.calls.length = 0;
  }

  /** Each team's members as Teams' roster gives them (id, name, aadObjectId...), and how many it serves a page. */
  private readonly rosters = new Map<string, { members: Record<string, unknown>[]; pageSize: number }>();
  /** The roster pages the bot read: the team and the continuation token it sent. */
  readonly rosterReads: { teamId: string; continuationToken: string | undefined }[] = [];

  /** Sets a team's roster. `pageSize` is the most members a page holds (small, so that paging is exercised). */
  setRoster(teamId: string, members: Record<string, unknown>[], pageSize = 2): void {
    this.rosters.set(teamId, { members, pageSize });
  }

  /**
   * A page of a team's members, as the connector serves it: at most the page size the bot asked
   * for (and this roster's own), with a continuation token while more remain. A team with no
   * roster set is not found (404).
   */
  private servePagedMembers(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '', 'http://connector');
    const teamId = decodeURIComponent(/\/v3\/conversations\/([^/]+)\/pagedmembers/.exec(url.pathname)?.[1] ?? '');
    const token = url.searchParams.get('continuationToken') ?? undefined;
    this.rosterReads.push({ teamId, continuationToken: token });
    const roster = this.rosters.get(teamId);
    if (!roster) {
      res.writeHead(404, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ error: { code: 'ConversationNotFound', message: 'no such team' } }));
    }
    const start = token ? Number(Buffer.from(token, 'base64url').toString()) : 0;
    const size = Math.min(Number(url.searchParams.get('pageSize') ?? roster.pageSize) || roster.pageSize, roster.pageSize);
    const members = roster.members.slice(start, start + size);
    const next = start + size < roster.members.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ members, ...(next ? { continuationToken: next } : {}) }));
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse, text: string) {
    const path = req.url ?? '';
    const match = /\/v3\/conversations\/([^/]+)/.exec(path);
    const call: RecordedCall = {
      method: req.method ?? '',
      path,
      // Replies in a channel thread carry ';messageid=...'; they belong to the channel.
      conversationId: match ? decodeURIComponent(match[1]!).split(';')[0]! : '',
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      at: Date.now(),
    };
    this.calls.push(call);
    const scripted = this.script.findIndex((s) => s.match(call));
    if (scripted >= 0) {
      const [reply] = this.script.splice(scripted, 1);
      res.writeHead(reply!.status, { 'content-type': 'application/json', ...reply!.headers });
      res.end(JSON.stringify({ error: { code: 'Scripted', message: `scripted ${reply!.status}` } }));
      return;
    }
    this.counter += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(path.endsWith('/v3/conversations') ? { id: `conv-${this.counter}`, activityId: `act-${this.counter}` } : { id: `act-${this.counter}` }),
    );
  }
}
