export { HtmlEditor, type HtmlEditorProps } from './HtmlEditor';
export { checkRoundTrip } from './roundTrip';
