// Editor-facing queries over an Analysis (hover, inlay hints, outline, navigation, fixes,
// semantic tokens, state views). Plain data out; the language server maps it to LSP.
export { hoverAt, type HoverOptions, type HoverResult } from './hover';
export { inlayHints, type InlayHint } from './inlayHints';
export { discontinuities, discontinuityOf, type Discontinuity } from './discontinuity';
export { outline, foldingRanges, type OutlineKind, type OutlineSymbol, type FoldingRange } from './outline';
export { definitionAt, referencesOf, ReferenceScanner, dependenciesOf, type Location } from './definitions';
export { fixesFor, counterOffsetFix, type Fix } from './fixes';
export { stateView, instanceView, vcpuView, type StateView, type InstanceView, type VcpuView, type HostView, type GuestView, type ValueView } from './stateView';
export { semanticTokens, type SemanticToken, type TokenKind } from './tokens';
export { idempotentRestore, driftOf, pendingStop, type IdempotentRestore } from '../replay/restore';
export { snapshot, type ReplaySnapshot, type VcpuSnapshot } from './snapshot';
export { locate } from './locate';
export { stateMarkdown } from './stateMarkdown';
export { TimelineIndex, TimelineIndexBuilder, seriesId, rowId } from './timelineIndex';
export { timelineOverview, countBySeverity } from './timelineOverview';
export { timelineWindow, reduceSeries, type WindowBounds } from './timelineWindow';
export { stateChangeFrom } from './stateChange';
export { report } from './report';
export { reportMarkdown } from './reportMarkdown';
