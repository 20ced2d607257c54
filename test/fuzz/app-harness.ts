import fc from 'fast-check';
import { loadConfig } from '../../src/core/index.js';
import { respiratoryModel } from '../../src/reasoning/consultation/__fixtures__/respiratory.js';
import { compileNetwork } from '../../src/reasoning/index.js';
import { createApp } from '../../src/server/app.js';
import { type AppContext, openContext } from '../../src/server/context.js';
import { createLogger } from '../../src/server/logger.js';
import { type Database, migrate, openDatabase } from '../../src/store/index.js';
import { anyValue } from './support.js';

/**
 * The whole app (createApp) on a fresh PGlite database, for the suites that throw generated bad
 * input at its routes. The consultation runs on the consultation tests' network (no knowledge
 * release needed).
 */
export const KEY = 'fuzz-key-0123456789';

export interface FuzzApp {
  readonly app: ReturnType<typeof createApp>;
  readonly db: Database;
  storedCount(): Promise<number>;
  /** POST with the API key. */
  post(path: string, body: string, contentType?: string): Promise<Response>;
  close(): Promise<void>;
}

export async function openFuzzApp(options: { demo?: boolean } = {}): Promise<FuzzApp> {
  const db = await openDatabase();
  await migrate(db);
  const ctx = await openContext(loadConfig({}, { apiKeys: [KEY], demo: options.demo ?? false, logLevel: 'silent' }), {
    db,
    logger: createLogger('silent'),
    demoLoader: false,
    demoKnowledge: false,
    llm: false,
  });
  const net = compileNetwork(respiratoryModel);
  const app = createApp({ ...ctx, resolve: async () => net } as AppContext);
  return {
    app,
    db,
    async storedCount() {
      return Number((await db.query<{ n: number | string }>('select count(*) as n from fhir_resources')).rows[0]!.n);
    },
    post: (path, body, contentType = 'application/json') =>
      Promise.resolve(
        app.request(path, {
          method: 'POST',
          body,
          headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': contentType },
        }),
      ),
    async close() {
      await ctx.close();
      await db.close();
    },
  };
}

export const isClientOrOk = (status: number): boolean =>
  (status >= 200 && status < 300) || (status >= 400 && status < 500);

type Json = Record<string, unknown>;

/** A body: usually JSON of the generated value, sometimes text that is not JSON at all. */
export const bodyOf = (value: fc.Arbitrary<unknown>): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 8, arbitrary: value.map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  );

/** A valid request with one to three of its fields replaced by odd values or removed. */
export const mutated = (bases: readonly Json[], paths: readonly string[]): fc.Arbitrary<Json> =>
  fc
    .record({
      base: fc.constantFrom(...bases),
      edits: fc.array(fc.record({ path: fc.constantFrom(...paths), value: anyValue, drop: fc.boolean() }), {
        minLength: 1,
        maxLength: 3,
      }),
    })
    .map(({ base, edits }) => {
      const out = structuredClone(base);
      for (const e of edits) {
        const keys = e.path.split('.');
        let node: unknown = out;
        for (const k of keys.slice(0, -1)) node = node && typeof node === 'object' ? (node as Json)[k] : undefined;
        if (!node || typeof node !== 'object') continue;
        if (e.drop) delete (node as Json)[keys.at(-1)!];
        else (node as Json)[keys.at(-1)!] = e.value;
      }
      return out;
    });
