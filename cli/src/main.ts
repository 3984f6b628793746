// hvtimer command-line tool (see docs/cli.md): check and replay traces without an editor.
import { parseArgs, USAGE } from './args';
import { runCheck } from './check';
import { CliError, UsageError } from './errors';
import { runImport } from './importFtrace';
import { runReplay } from './replay';
import { runRecord } from './record/record';

function main(argv: string[]): number | Promise<number> {
  const out = (s: string): void => { process.stdout.write(s); };
  try {
    const args = parseArgs(argv);
    switch (args.command) {
      case 'help': out(`${USAGE}\n`); return 0;
      case 'check': return runCheck(args, out);
      case 'replay': return runReplay(args, out);
      case 'import': return runImport(args, out, (s) => process.stderr.write(s));
      case 'record': return runRecord(args.record!, (s) => { process.stderr.write(s); });
    }
  } catch (e) {
    if (e instanceof UsageError) { process.stderr.write(`hvtimer: ${e.message}\n${USAGE}\n`); return 2; }
    if (e instanceof CliError) { process.stderr.write(`hvtimer: ${e.message}\n`); return 2; }
    process.stderr.write(`hvtimer: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
}

void Promise.resolve(main(process.argv.slice(2))).then((code) => { process.exitCode = code; });
