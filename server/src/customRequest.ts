// Registers the handler of a custom request (protocol/requests.ts `CustomRequests`): the method names
// the params the handler receives and the result it must answer, so a handler that does not match
// its method fails the type check.
import type { CancellationToken, Connection } from 'vscode-languageserver/node';
import type { CustomMethod, ParamsOf, ResultOf } from '../../protocol/requests';

/** A handler of custom request `M`. Params come from any LSP client: check what you read. */
export type CustomRequestHandler<M extends CustomMethod> = (
  params: ParamsOf<M>,
  token: CancellationToken,
) => ResultOf<M> | Promise<ResultOf<M>>;

export function onCustomRequest<M extends CustomMethod>(
  connection: Pick<Connection, 'onRequest'>,
  method: M,
  handler: CustomRequestHandler<M>,
): void {
  connection.onRequest(method, (params: ParamsOf<M>, token: CancellationToken) => handler(params, token));
}
