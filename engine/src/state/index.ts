// The replay state after a line, shown three ways: the CLI's `replay --format json` shape, a richer
// view (hover, the Replay State tree) and that view as Markdown.
export { replayJson, type ReplayJson, type VcpuReplayJson } from './replayJson';
export {
  stateView,
  type StateView,
  type InstanceView,
  type VcpuView,
  type HostView,
  type GuestView,
  type ValueView,
} from './stateView';
export { stateMarkdown } from './stateMarkdown';
