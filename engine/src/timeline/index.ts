// The timeline webview's data: an index of a whole document built once per version (rows, phases,
// handoffs, chart series, state changes), the overview and a visible time range read from it, and
// stepping from one state change to the next.
export { TimelineIndex, TimelineIndexBuilder } from './timelineIndex';
export { timelineOverview } from './overview';
export { timelineWindow, type WindowBounds } from './window';
export { stateChangeFrom } from './stateChange';
