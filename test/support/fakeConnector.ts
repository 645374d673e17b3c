import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the bot made to the Teams connector. */
export interface RecordedCall {
  method: string;
  path: string;
  conversationId: string;
  body: Record<string, unknown>;
  at: number;
  /** The status it was answered with. */
  status?: number;
  /** The limit it broke, when it was refused for one. */
  broke?: string;
}

/** `count` sends in any window of `windowMs`, counted as they arrive. */
export interface WindowLimit {
  count: number;
  windowMs: number;
}

/**
 * Teams' limits for a bot (per conversation, and per app across the tenant), written out here
 * rather than imported from the app, so that the app's own figures are checked against them.
 */
export const TEAMS_LIMITS = {
  perConversation: [
    { count: 7, windowMs: 1_000 },
    { count: 8, windowMs: 2_000 },
    { count: 60, windowMs: 30_000 },
    { count: 1_800, windowMs: 60 * 60_000 },
  ],
  perTenant: [{ count: 50, windowMs: 1_000 }],
};

export interface ConnectorOptions {
  /** Refuse a send that breaks one of these limits with 429 and Retry-After, as Teams does. */
  limits?: typeof TEAMS_LIMITS;
  /** How long each answer takes: Teams takes a while, and a stand-in that answers at once flatters a sender. */
  latencyMs?: number;
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
  /** When sends Teams accepted arrived: per conversation, and for the whole tenant. */
  private readonly accepted = { perConversation: new Map<string, number[]>(), perTenant: [] as number[] };
  /** Sends refused with 429 because they broke a limit (not scripted failures). */
  throttled = 0;
  url = '';

  constructor(private readonly options: ConnectorOptions = {}) {}

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
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      const write = () => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      if (this.options.latencyMs) setTimeout(write, this.options.latencyMs);
      else write();
    };
    const scripted = this.script.findIndex((s) => s.match(call));
    if (scripted >= 0) {
      const [script] = this.script.splice(scripted, 1);
      return reply(script!.status, { error: { code: 'Scripted', message: `scripted ${script!.status}` } }, script!.headers);
    }
    const retryAfter = this.overLimit(call);
    if (retryAfter !== undefined) {
      this.throttled += 1;
      return reply(429, { error: { code: 'Throttled', message: 'too many requests' } }, { 'Retry-After': String(retryAfter) });
    }
    this.counter += 1;
    reply(200, path.endsWith('/v3/conversations') ? { id: `conv-${this.counter}`, activityId: `act-${this.counter}` } : { id: `act-${this.counter}` });
  }

  /**
   * With limits on: a send (a new message or an update) that would make one of them too many is
   * refused, with the seconds until it would not be; one within them is counted.
   */
  private overLimit(call: RecordedCall): number | undefined {
    const limits = this.options.limits;
    if (!limits || !/\/v3\/conversations\/[^/]+\/activities/.test(call.path) || !['POST', 'PUT'].includes(call.method)) return undefined;
    const conversation = this.accepted.perConversation.get(call.conversationId) ?? [];
    let waitMs = 0;
    for (const [scope, times, windows] of [
      ['conversation', conversation, limits.perConversation],
      ['tenant', this.accepted.perTenant, limits.perTenant],
    ] as const) {
      for (const { count, windowMs } of windows) {
        const recent = times.filter((t) => t > call.at - windowMs);
        if (recent.length < count) continue;
        waitMs = Math.max(waitMs, recent[recent.length - count]! + windowMs - call.at);
        call.broke = `${scope}: ${count} in ${windowMs} ms`;
      }
    }
    if (waitMs > 0) return Math.max(1, Math.ceil(waitMs / 1000));
    const keep = (times: number[], windows: WindowLimit[]) => [...times.filter((t) => t > call.at - Math.max(...windows.map((w) => w.windowMs))), call.at];
    this.accepted.perConversation.set(call.conversationId, keep(conversation, limits.perConversation));
    this.accepted.perTenant = keep(this.accepted.perTenant, limits.perTenant);
    return undefined;
  }
}
