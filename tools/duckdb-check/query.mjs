// Usage: node query.mjs "<sql>"  → prints the result rows as a JSON array of objects (BigInt as number when safe, else string).
import { DuckDBInstance } from '@duckdb/node-api';

const sql = process.argv[2];
if (!sql) {
  console.error('usage: node query.mjs "<sql>"');
  process.exit(2);
}
const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
const connection = await instance.connect();
try {
  const reader = await connection.runAndReadAll(sql);
  const rows = reader.getRowObjectsJson();
  process.stdout.write(JSON.stringify(rows));
} catch (e) {
  console.error(String(e.message ?? e));
  process.exit(1);
}
