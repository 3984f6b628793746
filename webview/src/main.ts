// Entry point of the timeline webview bundle (dist/webview.js, with dist/webview.css).
import './style.css';
import { TimelineApp, type VsCodeApi } from './app';

declare function acquireVsCodeApi(): VsCodeApi;

const app = new TimelineApp(acquireVsCodeApi());
// What is drawn, where and in which colour: for the tests and for debugging in the webview's devtools.
(window as unknown as { __hvtimer: TimelineApp['inspect'] }).__hvtimer = () => app.inspect();
app.start();
