import { AsyncLocalStorage } from 'node:async_hooks';
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';

/** Node publishes every HTTP request its client starts, and every response it receives, here. */
const REQUESTS = 'http.client.request.start';
const RESPONSES = 'http.client.response.finish';

/** What a watch reports, with the context its send was run with. */
export interface ConnectorEvents<C> {
  /** A request to a conversation is leaving now (the first of a send, or one the SDK retries by itself). */
  requestStarted(context: C, conversationId: string): void;
  /** Teams answered 429, with its Retry-After header when there is one. */
  throttled(context: C, retryAfter: string | undefined, conversationId: string): void;
}

const conversationOf = (request: ClientRequest) => {
  const id = /\/v3\/conversations\/([^/?]+)/.exec(request.path)?.[1];
  return id && decodeURIComponent(id);
};

/**
 * Sees what the Bot Framework SDK does on the wire, which it keeps to itself: when a request
 * actually leaves (the SDK has work to do first, and under load that can take a while), and the
 * 429s its HTTP pipeline retries on its own after Retry-After (a throttled send that then went
 * through looks from outside like a slow success, while every other send would carry on into the
 * limit). Node publishes each HTTP request and response on diagnostics channels; the sends made
 * inside `run` are marked with an AsyncLocalStorage, so a watch sees its own sends and no one
 * else's (apps sharing one process, as in the tests, do not see each other's). It listens only
 * while a send of its own is under way.
 */
export class ConnectorWatch<C extends object> {
  private readonly scope = new AsyncLocalStorage<C>();
  private underWay = 0;
  private readonly onRequest = (message: unknown) => {
    const context = this.scope.getStore();
    const conversation = context && conversationOf((message as { request: ClientRequest }).request);
    if (conversation) this.events.requestStarted(context, conversation);
  };
  private readonly onResponse = (message: unknown) => {
    const context = this.scope.getStore();
    const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
    const conversation = context && response.statusCode === 429 && conversationOf(request);
    if (conversation) this.events.throttled(context, response.headers['retry-after'], conversation);
  };

  constructor(private readonly events: ConnectorEvents<C>) {}

  /** The context of the send under way here, if any. */
  current(): C | undefined {
    return this.scope.getStore();
  }

  /** Runs a send to Teams with `context`, watching its requests and the connector's answers, retries included. */
  async run<T>(context: C, send: () => Promise<T>): Promise<T> {
    if (this.underWay++ === 0) {
      diagnostics.subscribe(REQUESTS, this.onRequest);
      diagnostics.subscribe(RESPONSES, this.onResponse);
    }
    try {
      return await this.scope.run(context, send);
    } finally {
      if (--this.underWay === 0) {
        diagnostics.unsubscribe(REQUESTS, this.onRequest);
        diagnostics.unsubscribe(RESPONSES, this.onResponse);
      }
    }
  }
}
