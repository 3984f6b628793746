// Errors the CLI reports as one line on stderr with exit status 2 (never a stack trace).
export class CliError extends Error {}
export class UsageError extends CliError {}
