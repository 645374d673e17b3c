import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { createDefaultHttpClient, type HttpClient } from '@azure/core-rest-pipeline';
import { RestError, TableClient } from '@azure/data-tables';
import { tableClientFor } from '../../src/storage/tables.js';
import { retryingUnansweredRequests } from '../../src/storage/tableTransport.js';
import { usingAzurite } from '../support/azurite.js';

const newTableName = () => `hang${randomUUID().replaceAll('-', '').slice(0, 16)}`;

interface Relay {
  connectionString: string;
  connections(): number;
  close(): void;
}

/**
 * A TCP relay in front of the emulator that loses requests as a network can: on its first
 * connection (`swallowFirst`), or on a connection idle for longer than `forgetIdleAfterMs`, as a
 * load balancer forgets an idle flow without closing it. A lost request is read, never answered.
 */
async function relay(target: string, lose: { swallowFirst?: boolean; forgetIdleAfterMs?: number }): Promise<Relay> {
  const { hostname, port } = new URL(/TableEndpoint=([^;]+)/.exec(target)![1]!);
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('error', () => undefined);
    let lost = ++connections === 1 && lose.swallowFirst === true;
    const service = net.connect(Number(port), hostname);
    sockets.add(service);
    service.on('error', () => undefined);
    service.pipe(client);
    let lastUsed = Date.now();
    client.on('data', (chunk) => {
      if (!lost && lose.forgetIdleAfterMs !== undefined && Date.now() - lastUsed > lose.forgetIdleAfterMs) {
        lost = true; // the emulator's side goes, and its closing is never passed on
        service.unpipe(client);
        service.destroy();
      }
      lastUsed = Date.now();
      if (!lost) service.write(chunk);
    });
    client.on('close', () => service.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const relayPort = (server.address() as net.AddressInfo).port;
  return {
    connectionString: target.replace(/TableEndpoint=http:\/\/[^/]+/, `TableEndpoint=http://127.0.0.1:${relayPort}`),
    connections: () => connections,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

describe('Table calls the service does not answer', () => {
  const world = usingAzurite();

  it('when a request is never answered, then it is given up after the timeout and tried again, and the call succeeds', async () => {
    const swallowing = await relay(world.connectionString, { swallowFirst: true });
    try {
      const name = newTableName();
      const started = Date.now();
      await tableClientFor(swallowing.connectionString, name, 300).createTable();
      const took = Date.now() - started;
      assert.equal(swallowing.connections(), 2, 'tried again on a new connection');
      assert.ok(took < 8_000, `answered after ${took} ms`);
      const direct = tableClientFor(world.connectionString, name);
      await direct.createEntity({ partitionKey: 'p', rowKey: 'r' });
      assert.equal((await direct.getEntity('p', 'r')).rowKey, 'r', 'the table was created');
    } finally {
      swallowing.close();
    }
  });

  it('when a connection has been idle nearly as long as the service keeps one, then it is not used again, so a request is never sent into a connection already forgotten', async () => {
    // Azurite says "Keep-Alive: timeout=5": connections are given up after 4 s idle. The relay forgets them after 4.2 s.
    const lossy = await relay(world.connectionString, { forgetIdleAfterMs: 4_200 });
    try {
      const table = tableClientFor(lossy.connectionString, newTableName());
      await table.createTable();
      await new Promise((resolve) => setTimeout(resolve, 4_900));
      const started = Date.now();
      await table.createEntity({ partitionKey: 'p', rowKey: 'r' });
      const took = Date.now() - started;
      assert.ok(took < 3_000, `answered after ${took} ms: the request went into a forgotten connection and waited for the timeout`);
      assert.equal(lossy.connections(), 2);
    } finally {
      lossy.close();
    }
  });

  it('when a request is written to a connection the service had closed (EPIPE), then it is tried again and the call succeeds', async () => {
    const transport = createDefaultHttpClient();
    let sends = 0;
    const closedOnce: HttpClient = {
      sendRequest: (request) => {
        if (++sends === 1) return Promise.reject(new RestError('write EPIPE', { code: 'EPIPE', request }));
        return transport.sendRequest(request);
      },
    };
    const table = TableClient.fromConnectionString(world.connectionString, newTableName(), {
      allowInsecureConnection: true,
      httpClient: closedOnce,
      additionalPolicies: [{ policy: retryingUnansweredRequests(), position: 'perRetry' }],
    });
    await table.createTable();
    assert.equal(sends, 2);
    await table.createEntity({ partitionKey: 'p', rowKey: 'r' });
    assert.equal((await table.getEntity('p', 'r')).rowKey, 'r');
  });

  it('when the caller cancels a call that is waiting for an answer, then it ends at once and is not tried again', async () => {
    const swallowing = await relay(world.connectionString, { swallowFirst: true });
    try {
      const cancel = new AbortController();
      setTimeout(() => cancel.abort(), 200);
      await assert.rejects(
        tableClientFor(swallowing.connectionString, newTableName()).createTable({ abortSignal: cancel.signal }),
        (error: Error) => error.name === 'AbortError',
      );
      await new Promise((resolve) => setTimeout(resolve, 1_500)); // a retry would have connected again by now
      assert.equal(swallowing.connections(), 1);
    } finally {
      swallowing.close();
    }
  });
});
