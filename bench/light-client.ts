/**
 * A minimal Socket.IO v4 client over a raw WebSocket, for the benchmark only. Fifty full
 * socket.io-client instances in one process spend more CPU decoding the fan-out than the
 * server spends producing it, which would measure the bench, not the server. This client
 * speaks just enough of the protocol (open, connect with auth, ping/pong, emit with ack) and
 * counts incoming events by scanning for opIds instead of parsing whole packets.
 */
import WebSocket from 'ws';

export class LightClient {
  readonly #ws: WebSocket;
  #nextAck = 0;
  readonly #acks = new Map<number, (data: unknown) => void>();
  #onEventsText: ((text: string) => void) | null = null;
  readonly ready: Promise<void>;

  constructor(url: string, auth: Record<string, string>) {
    this.#ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
    this.ready = new Promise((resolve, reject) => {
      this.#ws.on('error', reject);
      this.#ws.on('message', (raw: Buffer) => {
        const text = raw.toString();
        const type = text[0];
        if (type === '0') this.#ws.send(`40${JSON.stringify(auth)}`);
        else if (type === '2') this.#ws.send('3');
        else if (text.startsWith('40')) resolve();
        else if (text.startsWith('43')) {
          const bracket = text.indexOf('[');
          const id = Number(text.slice(2, bracket));
          const cb = this.#acks.get(id);
          this.#acks.delete(id);
          cb?.((JSON.parse(text.slice(bracket)) as unknown[])[0]);
        } else if (text.startsWith('42["board:events"')) this.#onEventsText?.(text);
      });
    });
  }

  emitWithAck<T>(event: string, data: unknown): Promise<T> {
    const id = this.#nextAck++;
    return new Promise<T>((resolve) => {
      this.#acks.set(id, resolve as (d: unknown) => void);
      this.#ws.send(`42${id}${JSON.stringify([event, data])}`);
    });
  }

  /** Called with the raw text of each board:events packet. */
  onEvents(fn: (text: string) => void): void {
    this.#onEventsText = fn;
  }

  close(): void {
    this.#ws.close();
  }
}

const OP_ID = /"opId":"([^"]+)"/g;

export function opIdsIn(text: string): string[] {
  return [...text.matchAll(OP_ID)].map((m) => m[1]);
}
