import http from 'node:http';
import https from 'node:https';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { RestError, type TableServiceClientOptions } from '@azure/data-tables';

/**
 * How long one request to Table Storage may go unanswered before it is given up (a read is then
 * tried again). Azure answers in milliseconds; the emulator under a full test run in well under a second.
 */
export const TABLE_REQUEST_TIMEOUT_MS = 10_000;

/**
 * How long an idle connection is kept for the next request, at most. A service that says how long
 * it keeps one (Azurite: "Keep-Alive: timeout=5") shortens this to a second less than that.
 */
const IDLE_CONNECTION_MS = 30_000;

/**
 * The connections every Table client shares. The Azure SDK's own agent keeps idle connections with
 * no time limit, and Node ignores a server's Keep-Alive hint unless the agent has a timeout, so a
 * connection the service had closed (Azurite closes one after 5 idle seconds) stays in the pool,
 * unnoticed, and is handed to a later request: seen as requests that hung and then "write EPIPE".
 */
const agents = {
  http: new http.Agent({ keepAlive: true, timeout: IDLE_CONNECTION_MS }),
  https: new https.Agent({ keepAlive: true, timeout: IDLE_CONNECTION_MS }),
};

/** The options every Table client is made with: the shared connections, and a timeout on each request. */
export function tableClientOptions(endpoint: 'http' | 'https', requestTimeoutMs = TABLE_REQUEST_TIMEOUT_MS): TableServiceClientOptions {
  return {
    agent: agents[endpoint],
    additionalPolicies: [{ policy: retryingUnansweredRequests(requestTimeoutMs), position: 'perRetry' }],
    ...(endpoint === 'http' ? { allowInsecureConnection: true } : {}),
  };
}

/**
 * Makes two transport failures retryable, for each attempt of a Table call (the SDK's retry policy
 * runs this once per try). A request the service never answers would otherwise wait for ever: the
 * SDK sets no timeout. After `timeoutMs` with no answer (the timer stops once the answer begins) a
 * read is tried again, as the system error the SDK's retry policy retries (ETIMEDOUT); a write is
 * not, because it may have landed, and a repeat would be answered 409 or 412 and taken for someone
 * else's write: it fails with a timeout instead, as any failed write does (the person is asked to
 * send again; a pass tries again next time). A request written to a connection the other end had
 * closed (EPIPE) never reached the service, so it is tried again, read or write, as the reset it is.
 * The agent set on the client bypasses the SDK's proxy settings: the app reaches storage directly.
 */
export function retryingUnansweredRequests(timeoutMs = TABLE_REQUEST_TIMEOUT_MS): PipelinePolicy {
  return {
    name: 'retryingUnansweredRequests',
    async sendRequest(request, next) {
      request.timeout ||= timeoutMs;
      try {
        return await next(request);
      } catch (error) {
        if (error instanceof Error && error.name === 'AbortError' && !request.abortSignal?.aborted) {
          const read = request.method === 'GET' || request.method === 'HEAD';
          const code = read ? 'ETIMEDOUT' : 'WRITE_TIMED_OUT'; // only the first is one the SDK retries
          throw new RestError(`Table Storage did not answer within ${timeoutMs} ms (${request.method})`, { code, request });
        }
        if (error instanceof RestError && error.code === 'EPIPE')
          throw new RestError(`${error.message} (the connection was closed)`, { code: 'ECONNRESET', request });
        throw error;
      }
    },
  };
}
