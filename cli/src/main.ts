// hvtimer command-line tool (see docs/cli.md): check and replay traces without an editor.
import { parseArgs, USAGE } from './args';
import { runCheck } from './check';
import { CliError, UsageError } from './errors';
import { runImport } from './importFtrace';
import { plain } from './output';
import { runReplay } from './replay';
import { runRecord } from './record/record';

/** One line on stderr, with control characters from the command line or the trace escaped. */
const errorLine = (s: string): string => `hvtimer: ${plain(s)}\n`;

/** The exit status; `record` answers when the recorded VMM has exited. */
function main(argv: string[]): number | Promise<number> {
  const out = (s: string): void => {
    process.stdout.write(s);
  };
  const err = (s: string): void => {
    process.stderr.write(s);
  };
  try {
    const args = parseArgs(argv);
    switch (args.command) {
      case 'help':
        out(`${USAGE}\n`);
        return 0;
      case 'check':
        return runCheck(args, out);
      case 'replay':
        return runReplay(args, out, err);
      case 'import':
        return runImport(args, out, err);
      case 'record':
        return runRecord(args.record!, err);
    }
  } catch (e) {
    // docs/cli.md: a usage or I/O error is one line on stderr; `hvtimer --help` prints the usage.
    if (e instanceof UsageError) {
      err(errorLine(e.message));
      return 2;
    }
    if (e instanceof CliError) {
      err(errorLine(e.message));
      return 2;
    }
    err(errorLine(`internal error: ${e instanceof Error ? e.message : String(e)}`));
    return 2;
  }
}

// A reader that stops early (`hvtimer check … | head -1`) is not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  process.stderr.write(errorLine(`cannot write the output: ${e.message}`));
  process.exit(2);
});

void Promise.resolve(main(process.argv.slice(2))).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(errorLine(`internal error: ${e instanceof Error ? e.message : String(e)}`));
    process.exitCode = 2;
  },
);
