// A tiny test harness for the extension host: named async tests run one after another, each with
// a deadline. (mocha would work too, but this needs no extra dependency in the bundle.)
export type TestFn = () => Promise<void> | void;
export interface TestResult {
  name: string;
  ok: boolean;
  error?: string;
  ms: number;
}

const registry: { name: string; fn: TestFn; timeoutMs: number }[] = [];

/** Registers a test; tests run in registration (= import) order. */
export function test(name: string, fn: TestFn, timeoutMs = 30_000): void {
  if (registry.some((t) => t.name === name)) throw new Error(`duplicate test name: ${name}`);
  registry.push({ name, fn, timeoutMs });
}

export async function runAll(onResult: (r: TestResult) => void = () => {}): Promise<TestResult[]> {
  const results: TestResult[] = [];
  for (const t of registry) {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${t.timeoutMs} ms`)), t.timeoutMs);
    });
    let result: TestResult;
    try {
      await Promise.race([Promise.resolve().then(t.fn), deadline]);
      result = { name: t.name, ok: true, ms: Date.now() - started };
    } catch (err) {
      const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
      result = { name: t.name, ok: false, error, ms: Date.now() - started };
    } finally {
      clearTimeout(timer);
    }
    results.push(result);
    onResult(result);
  }
  return results;
}
