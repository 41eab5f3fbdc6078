/**
 * `pnpm chapter2`: every code cell of chapter 2 of Deep Learning with Python, in TypeScript on
 * TensorKit, printing what the notebook prints. See README.md.
 */
import '@tensorkit/backend-cpu/register';
import { runCli } from './cli.js';

// `pnpm chapter2 ... | head` closes stdout early: stop quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// Run through pnpm, the working directory is the app's; relative paths are the user's.
const cwd = process.env.npm_lifecycle_event !== undefined && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd();

process.exitCode = await runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  terminal: process.stdout.isTTY ? process.stdout : undefined,
  cwd,
});
