// DuckDB side of bench/parquet_bench.cpp: times DuckDB (single-threaded) reading a Parquet file
// into memory and writing that table back as Parquet (SNAPPY), on the same file our reader reads.
//   node bench/parquet_duckdb_bench.mjs FILE OUT_FILE [runs]
// Prints {"read_ms": best, "write_ms": best}. Uses the package installed in
// tests/parquet/duckdb (npm install there).
import { createRequire } from 'node:module';

const require = createRequire(new URL('../tests/parquet/duckdb/package.json', import.meta.url));
const { DuckDBInstance } = require('@duckdb/node-api');

const [file, out, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 5);
const quote = (s) => `'${s.replaceAll("'", "''")}'`;
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
await connection.run('SET threads = 1');
// DuckDB keeps insertion order by default; it costs nothing single-threaded.

async function best(sql) {
  let ms = Infinity;
  for (let i = 0; i < runs; ++i) {
    const start = process.hrtime.bigint();
    await connection.run(sql);
    ms = Math.min(ms, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return ms;
}

const read_ms = await best(`CREATE OR REPLACE TABLE t AS SELECT * FROM read_parquet(${quote(file)})`);
const write_ms = await best(`COPY t TO ${quote(out)} (FORMAT parquet, COMPRESSION snappy)`);
console.log(JSON.stringify({ read_ms, write_ms }));
