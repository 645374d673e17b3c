import net from 'node:net';

/**
 * A TCP pipe between the app and Azurite that a test can make misbehave like a storage outage:
 * `hang()` holds every byte in both directions (storage stops answering), `refuse()` cuts every
 * connection and turns new ones away (storage is down), `heal()` lets everything through again,
 * held bytes first. Azurite behind it is the real thing; only the network between is played.
 */
export class FaultyPipe {
  private server: net.Server | undefined;
  private mode: 'through' | 'hang' | 'refuse' = 'through';
  private readonly flushes = new Set<() => void>();
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly upstreamPort: number) {}

  /** Starts listening; resolves with the port to use instead of Azurite's. */
  async start(): Promise<number> {
    const server = net.createServer((client) => this.connect(client));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as net.AddressInfo).port;
  }

  hang(): void {
    this.mode = 'hang';
  }

  refuse(): void {
    this.mode = 'refuse';
    for (const socket of this.sockets) socket.destroy();
  }

  heal(): void {
    this.mode = 'through';
    for (const flush of [...this.flushes]) flush();
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private connect(client: net.Socket): void {
    if (this.mode === 'refuse') {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.upstreamPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined); // a cut connection is the point, not a failure of the test
    }
    this.relay(client, upstream);
    this.relay(upstream, client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  /** Forwards `from` to `to`, holding what arrives while hanging until healed. */
  private relay(from: net.Socket, to: net.Socket): void {
    const held: Buffer[] = [];
    const flush = () => {
      for (const chunk of held.splice(0)) to.write(chunk);
      this.flushes.delete(flush);
    };
    from.on('data', (chunk: Buffer) => {
      if (this.mode === 'through' && !held.length) to.write(chunk);
      else {
        held.push(chunk);
        this.flushes.add(flush);
      }
    });
  }
}
