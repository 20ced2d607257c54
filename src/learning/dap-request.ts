import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * One HTTP exchange between DAP parties (leader → helper, collector → leader) with node:http, which sets no timeout
 * of its own. Node's fetch gives up when response headers take over 300 s, and DAP-09's helper answers an aggregation
 * job in the same exchange: preparing a report of thousands of cells with Prio3 in JavaScript can take that long on
 * a loaded machine.
 */
export interface DapResponse {
  readonly status: number;
  readonly body: Buffer;
}

export function dapRequest(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<DapResponse> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    // A fresh connection each time (agent: false): an aggregator busy preparing a report may close an idle kept-alive
    // socket just as it is reused.
    const options = { method, agent: false, headers: { ...headers, 'Content-Length': String(body?.length ?? 0) } };
    const req = send(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
