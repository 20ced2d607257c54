/**
 * The one database interface every stage codes against. `store` implements it over PGlite
 * (embedded) and node-postgres (server); stages that keep tables (knowledge, llm cache, learning)
 * receive an `Sql` rather than importing `store`, so imports keep pointing one way.
 */
export interface QueryResult<T> {
  readonly rows: T[];
  readonly rowCount: number;
}

export interface Sql {
  readonly dialect: 'pglite' | 'postgres';
  /** Parameterised query: `$1, $2…`; never interpolate values into `text`. */
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
  /** Runs a script of several statements (migrations, DDL); no parameters. */
  exec(script: string): Promise<void>;
  /** Runs `fn` in one transaction: all or nothing. Nested calls join the outer transaction. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
}
