/**
 * The loopback HTTPS server: reads each request, hands it to the pipeline, writes the answer (or
 * destroys the socket for an injected connection reset). HTTPS because core-rest-pipeline refuses
 * bearer tokens over plain HTTP; keep-alive friendly (sockets are reused across requests). Bound to
 * 127.0.0.1 only. With `identity`, GET /msi/token is the managed identity token endpoint
 * (identityEndpoint.ts), answered before the ARM pipeline and never recorded as an ARM operation.
 */
import { createServer, type Server } from 'node:https';
import { type AddressInfo } from 'node:net';
import { LOOPBACK_CERT_PEM, LOOPBACK_KEY_PEM } from '../tls/loopbackCert';
import { answerIdentityRequest, IDENTITY_PATH } from './identityEndpoint';
import { type PipelineDeps, processRequest } from './pipeline';
import { type ResourceStore } from './store';

export interface RunningServer {
  readonly endpoint: string;
  close(): Promise<void>;
}

export interface IdentityEndpointDeps {
  /** The IDENTITY_HEADER value callers must send as X-IDENTITY-HEADER. */
  readonly secret: string;
  readonly store: ResourceStore;
}

export async function listen(
  deps: () => PipelineDeps,
  port = 0,
  identity?: IdentityEndpointDeps,
): Promise<RunningServer> {
  const server: Server = createServer(
    { key: LOOPBACK_KEY_PEM, cert: LOOPBACK_CERT_PEM, keepAlive: true },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('error', () => req.socket.destroy());
      req.on('end', () => {
        const url = req.url ?? '/';
        if (identity && url.split('?')[0] === IDENTITY_PATH) {
          const answer = answerIdentityRequest(
            req.method ?? 'GET',
            url,
            req.headers,
            identity.secret,
            identity.store,
          );
          const text = JSON.stringify(answer.body);
          res.writeHead(answer.status, {
            'content-type': 'application/json; charset=utf-8',
            'content-length': String(Buffer.byteLength(text)),
          });
          res.end(text);
          return;
        }
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
