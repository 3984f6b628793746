// Types of scripts/provision.mjs for the TypeScript tests (test/unit/provision.test.ts).
export type Tool = 'chromium' | 'ripgrep' | 'make' | 'g++' | 'python3';
export interface Machine {
  present: Record<Tool, boolean>;
  root: boolean;
  debian: boolean;
  customChromium: boolean;
}
export interface Plan {
  tools: Tool[];
  install: string[];
  unavailable: Partial<Record<Tool, string>>;
  codeServer: boolean;
}
export interface ExecResult {
  status: number | null;
  signal?: string | null;
}
export type Exec = (cmd: string, args: string[], options?: { env?: NodeJS.ProcessEnv }) => ExecResult;
export const TOOLS: Record<Tool, { apt: string; why: string }>;
export const LAYER_NEEDS: Record<string, string[]>;
export function chromiumPath(env?: NodeJS.ProcessEnv): string;
export function probe(env?: NodeJS.ProcessEnv): Machine;
export function plan(layers: string[], machine: Machine): Plan;
export function provision(
  layers: string[],
  options?: {
    dryRun?: boolean;
    log?: (line: string) => void;
    exec?: Exec;
    machine?: Machine;
    ensureCodeServer?: (o: { log: (l: string) => void }) => unknown;
  },
): Promise<Record<string, string>>;
