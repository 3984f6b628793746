// The process `hvtimer record` records: a COMMAND it starts, or a running PID it follows.
// A command is started stopped (`sh -c 'kill -STOP $$; exec "$@"'`), so the pid filter and the
// probes are in place before its first instruction; it runs when resume() sends SIGCONT. The
// shell's pid is the VMM's pid after exec, and event-fork adds its threads and children.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { CliError } from '../errors';

export interface Target {
  pid: number;
  /** The tasks to put into set_event_pid now (a followed process's existing threads). */
  tids(): number[];
  resume(): void;
  /** Resolves when the process is gone: its exit status, or undefined when it was not our child. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined>;
  /** Forwards a stop request: the signal to a command we started; nothing for a followed PID. */
  interrupt(signal: NodeJS.Signals): void;
  /** Kills a started command that ignores interrupt() (it must not outlive the recording). */
  kill(): void;
  describe: string;
}

/** The state letter of /proc/PID/stat (`R`, `S`, `T` stopped…), or undefined when it is gone. */
export function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

const until = async (cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> => {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new CliError(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
};

export async function startCommand(argv: string[]): Promise<Target> {
  const child: ChildProcess = spawn('/bin/sh', ['-c', 'kill -STOP $$; exec "$@"', 'hvtimer-record', ...argv], {
    stdio: 'inherit',
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const spawnError = new Promise<Error>((resolve) => child.on('error', resolve));
  const pid = child.pid;
  if (pid === undefined) throw new CliError(`cannot start ${argv[0]}: ${(await spawnError).message}`);
  let done = false;
  void exited.then(() => {
    done = true;
  });
  await until(() => done || procState(pid) === 'T', `${argv[0]} to start`);
  if (done) throw new CliError(`${argv[0]} exited before it started`);
  return {
    pid,
    tids: () => [pid],
    resume: () => {
      process.kill(pid, 'SIGCONT');
    },
    exited,
    interrupt: (signal) => {
      if (!done) {
        try {
          process.kill(pid, signal);
          process.kill(pid, 'SIGCONT');
        } catch {
          /* gone */
        }
      }
    },
    kill: () => {
      if (!done) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    },
    describe: argv.join(' '),
  };
}

export function followProcess(pid: number): Target {
  if (procState(pid) === undefined) throw new CliError(`no process ${pid}`);
  let stop: () => void = () => {};
  const exited = new Promise<undefined>((resolve) => {
    const timer = setInterval(() => {
      if (procState(pid) === undefined || procState(pid) === 'Z') {
        clearInterval(timer);
        resolve(undefined);
      }
    }, 100);
    stop = () => {
      clearInterval(timer);
      resolve(undefined);
    };
  });
  return {
    pid,
    tids: () => {
      try {
        return readdirSync(`/proc/${pid}/task`)
          .map(Number)
          .filter((n) => n > 0);
      } catch {
        return [pid];
      }
    },
    resume: () => {},
    exited,
    interrupt: () => stop(),
    kill: () => stop(),
    describe: `process ${pid}`,
  };
}
