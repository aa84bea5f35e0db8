/**
 * The loopback HTTPS server: reads each request, hands it to the pipeline, writes the answer (or
 * destroys the socket for an injected connection reset). HTTPS because core-rest-pipeline refuses
 * bearer tokens over plain HTTP; keep-alive friendly (sockets are reused across requests).
 */
import { createServer, type Server } from 'node:https';
import { type AddressInfo } from 'node:net';
import { LOOPBACK_CERT_PEM, LOOPBACK_KEY_PEM } from '../tls/loopbackCert';
import { type PipelineDeps, processRequest } from './pipeline';

export interface RunningServer {
  readonly endpoint: string;
  close(): Promise<void>;
}

export async function listen(deps: () => PipelineDeps, port = 0): Promise<RunningServer> {
  const server: Server = createServer(
    { key: LOOPBACK_KEY_PEM, cert: LOOPBACK_CERT_PEM, keepAlive: true },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('error', () => req.socket.destroy());
      req.on('end', () => {
        void processRequest(
          {
            method: req.method ?? 'GET',
            url: req.url ?? '/',
            headers: req.headers,
            bodyText: Buffer.concat(chunks).toString('utf8'),
          },
          deps(),
        ).then(
          (outcome) => {
            if (outcome.kind === 'reset') {
              req.socket.destroy();
              return;
            }
            const { response } = outcome;
            const text = response.body === undefined ? undefined : JSON.stringify(response.body);
            const headers: Record<string, string> = { ...(response.headers ?? {}) };
            if (text !== undefined) headers['content-type'] = 'application/json; charset=utf-8';
            headers['content-length'] = String(text === undefined ? 0 : Buffer.byteLength(text));
            res.writeHead(response.status, headers);
            res.end(text);
          },
          () => req.socket.destroy(),
        );
      });
    },
  );
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    endpoint: `https://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
