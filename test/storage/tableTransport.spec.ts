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

  it('when a read is never answered, then it is given up after the timeout and tried again on a new connection, and the call succeeds', async () => {
    const name = newTableName();
    const direct = tableClientFor(world.connectionString, name);
    await direct.createTable();
    await direct.createEntity({ partitionKey: 'p', rowKey: 'r', note: 'stored' });
    const swallowing = await relay(world.connectionString, { swallowFirst: true });
    try {
      const read = await tableClientFor(swallowing.connectionString, name, 2_000).getEntity<{ note: string }>('p', 'r');
      assert.equal(read.note, 'stored');
      assert.ok(swallowing.connections() >= 2, 'tried again on a new connection');
    } finally {
      swallowing.close();
    }
  });

  it('when a write is never answered, then it fails after the timeout and is not sent again (it may have landed; a repeat would look like a race)', async () => {
    const name = newTableName();
    await tableClientFor(world.connectionString, name).createTable();
    const swallowing = await relay(world.connectionString, { swallowFirst: true });
    try {
      const started = Date.now();
      await assert.rejects(tableClientFor(swallowing.connectionString, name, 1_000).createEntity({ partitionKey: 'p', rowKey: 'r' }), (error: RestError) => {
        assert.equal(error.code, 'WRITE_TIMED_OUT');
        assert.match(error.message, /did not answer within 1000 ms \(POST\)/);
        return true;
      });
      assert.ok(Date.now() - started < 5_000, 'given up, not retried for long');
      await new Promise((resolve) => setTimeout(resolve, 2_000)); // a retry would have connected again by now
      assert.equal(swallowing.connections(), 1, 'not sent again');
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
});
