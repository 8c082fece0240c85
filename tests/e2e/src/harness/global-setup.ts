import { resetResults, writeResultsTable } from './report.js';

/** Starts each run with an empty results file and prints the table of figures at the end. */
export default function setup(): () => void {
  resetResults();
  return () => {
    const table = writeResultsTable();
    console.log(`\n[e2e] figures of this run (tests/e2e/results/last-run.md):\n${table}\n`);
  };
}
