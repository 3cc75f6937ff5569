// DuckDB side of the Parquet cross-check (tests/parquet/duckdb_test.cpp) and benchmark.
//   node duckdb_check.mjs json "SELECT ..." OUT   writes the query's rows as JSON lines to OUT
//   node duckdb_check.mjs exec "SQL; ..."     runs statements (e.g. COPY ... TO 'x.parquet')
//   node duckdb_check.mjs time "SQL" [runs]   prints the best wall time of `runs` runs in ms
// DuckDB runs single-threaded (SET threads = 1), so timings compare with one core.
import { DuckDBInstance } from '@duckdb/node-api';

const [mode, sql, arg] = process.argv.slice(2);
if (!mode || !sql) {
  console.error('usage: node duckdb_check.mjs json SQL OUT | exec SQL | time SQL [runs]');
  process.exit(2);
}
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
await connection.run('SET threads = 1');
if (mode === 'json') {
  await connection.run(`COPY (${sql}) TO '${arg.replaceAll("'", "''")}' (FORMAT json)`);
} else if (mode === 'exec') {
  await connection.run(sql);
} else if (mode === 'time') {
  const runs = Number(arg ?? 5);
  let best = Infinity;
  for (let i = 0; i < runs; ++i) {
    const start = process.hrtime.bigint();
    await connection.run(sql);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
  }
  console.log(best.toFixed(3));
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
